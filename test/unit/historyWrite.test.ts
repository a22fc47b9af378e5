import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeFileHost } from '../../server/src/core/manifest/host';
import { loadProject } from '../../server/src/core/manifest/project';
import { buildPackage } from '../../server/src/core/packaging/builder';
import { HistoryWriteError, readHistoryFile } from '../../server/src/core/packaging/historyFile';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
/** Another user than root, for writing permissions (root writes everywhere). */
const NOBODY = 65534;

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) {
    chmodSync(path.join(dir, 'project'), 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The invoices example in `tmp/project`, and a folder `tmp/out` anyone may write to. */
function setup(): { tmp: string; project: string; outDir: string } {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-history-write-'));
  temporary.push(tmp);
  chmodSync(tmp, 0o755);
  const project = path.join(tmp, 'project');
  cpSync(path.join(REPO, 'examples/invoices'), project, { recursive: true });
  const outDir = path.join(tmp, 'out');
  cpSync(project, outDir, { recursive: true, filter: (src) => src === project });
  chmodSync(outDir, 0o777);
  return { tmp, project, outDir };
}

describe('a build whose history cannot be written', () => {
  it('writes no package: the history is staged before the package is renamed into place', async () => {
    const { tmp, project } = setup();
    const proj = await loadProject(project, nodeFileHost);
    const pkg = proj.packages.find((p) => p.code === 'invoices')!;
    // A file where the history's folder should be: not writable there, even by root.
    const notAFolder = path.join(tmp, 'file');
    writeFileSync(notAFolder, '');
    const out = path.join(tmp, 'i.isolapkg');
    await assert.rejects(
      buildPackage({ project: proj, pkg, out, history: {}, historyDir: notAFolder, tool: { name: 'isola', version: 'test' } }),
      (e: unknown) => e instanceof HistoryWriteError && /^cannot write .*isola\.history\.json: .*; no package was written, and the history is as it was$/.test(e.message),
    );
    assert.ok(!existsSync(out), 'no package');
    assert.deepEqual(readdirSync(tmp).sort(), ['file', 'out', 'project'], 'no temporary file is left');
  });

  it('isola build in a project folder it may not write to: refused on one line, exit 1, no package, the history as it was', (t) => {
    const { project, outDir } = setup();
    const history = readFileSync(path.join(project, 'isola.history.json'), 'utf8');
    chmodSync(project, 0o555);
    // Root writes everywhere: the build then runs as another user.
    const asOther = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
    const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: outDir, encoding: 'utf8', timeout: 60_000, ...asOther });
    if (run(['--version']).status !== 0) return t.skip(`user ${NOBODY} cannot run ${CLI}`);
    const out = path.join(outDir, 'i.isolapkg');
    const r = run(['build', project, '--package', 'invoices', '--out', out]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.equal(r.stderr, `isola build: cannot write ${path.join(project, 'isola.history.json')}: permission denied; no package was written, and the history is as it was\n`);
    assert.ok(!existsSync(out), 'no package');
    assert.deepEqual(readdirSync(outDir), []);
    assert.equal(readFileSync(path.join(project, 'isola.history.json'), 'utf8'), history);
  });
});

describe('a long history', () => {
  it('is read past the 64 MB limit of a script: a project with years of versions still builds', async () => {
    const { project } = setup();
    // Sparse: 70 MB of NUL bytes take no disk. The read gets to the parse, which names the content.
    const history = path.join(project, 'isola.history.json');
    writeFileSync(history, '');
    truncateSync(history, 70 * 1024 * 1024);
    await assert.rejects(readHistoryFile(project), (e: Error) => /not valid JSON/.test(e.message) && !/limit/.test(e.message));
  });
});
