import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, promises as fsp, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, watch, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeFileHost } from '../../../server/src/core/manifest/host';
import { loadProject } from '../../../server/src/core/manifest/project';
import { buildPackage } from '../../../server/src/core/packaging/builder';
import { HISTORY_LOCK } from '../../../server/src/core/packaging/historyFile';
import { UnpackUnfinished } from '../../../server/src/core/unpack/errors';
import { JOURNAL } from '../../../server/src/core/unpack/journal';
import { unpackPackage } from '../../../server/src/core/unpack/unpack';

const REPO = path.resolve(__dirname, '../../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const TOOL = { name: 'isola', version: 'test' };
const SCRIPTS = 400;

let tmp: string;
/** A project of workspace `many` at version 1, with its history. */
let v1: string;
/** The package of version 2: every script and the process's title changed. */
let v2pkg: string;
/** `v1` with `v2pkg` unpacked into it, whole: what every finished unpack must equal. */
let full: Record<string, string>;

/** Every file under `dir` with its text, relative, forward slashes. */
function snapshot(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) Object.assign(out, snapshot(path.join(dir, e.name), `${rel}${e.name}/`));
    else out[`${rel}${e.name}`] = readFileSync(path.join(dir, e.name), 'utf8');
  }
  return out;
}

function writeVersion(dir: string, v: number, scripts = SCRIPTS): void {
  mkdirSync(path.join(dir, 'many/scripts'), { recursive: true });
  const list = Array.from({ length: scripts }, (_, i) => ({ code: `s${i}`, file: `scripts/s${i}.ts`, global: false }));
  writeFileSync(path.join(dir, 'many/many.isola.json'), JSON.stringify({
    kind: 'workspace', code: 'many', title: 'Many', version: `${v}.0.0`, platform: '2024.4', languages: ['en'],
    processes: [{ code: 'p', title: `P v${v}`, scripts: list }],
  }, null, 2) + '\n');
  for (let i = 0; i < scripts; i++) writeFileSync(path.join(dir, `many/scripts/s${i}.ts`), `// version ${v}\nexport const x${i} = ${i};\n`);
}

async function buildInto(dir: string, out: string): Promise<void> {
  const project = await loadProject(dir, nodeFileHost);
  const pkg = project.packages.find((p) => p.code === 'many')!;
  await buildPackage({ project, pkg, out, history: {}, historyDir: dir, tool: TOOL });
}

/** A copy of the version 1 project. */
function copyV1(name: string): string {
  const dir = path.join(tmp, name);
  cpSync(v1, dir, { recursive: true });
  return dir;
}

/** A process id that no process has now: one that has just ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

/**
 * Unpacks `v2pkg` into `dir` and stops it as a kill would after `renames` renames: the rename
 * after them fails, and the journal and the history's lock are then left naming a process that
 * is gone, as a killed process leaves them.
 */
async function interruptedUnpack(dir: string, renames: number): Promise<void> {
  const rename = fsp.rename;
  let n = 0;
  fsp.rename = async (from, to) => {
    if (n++ === renames) throw Object.assign(new Error('killed'), { code: 'EKILLED' });
    return rename(from, to);
  };
  try {
    await assert.rejects(unpackPackage({ file: v2pkg, dir }), UnpackUnfinished);
  } finally {
    fsp.rename = rename;
  }
  const journal = path.join(dir, JOURNAL);
  const dead = deadPid();
  writeFileSync(journal, readFileSync(journal, 'utf8').replace(/"pid":\d+/, `"pid":${dead}`));
  writeFileSync(path.join(dir, HISTORY_LOCK), JSON.stringify({ owner: { pid: dead, host: os.hostname(), token: 'killed' } }) + '\n');
}

function cli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
}

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-journal-'));
  v1 = path.join(tmp, 'v1');
  writeVersion(v1, 1);
  await buildInto(v1, path.join(tmp, 'v1.isolapkg'));
  const src2 = path.join(tmp, 'src2');
  cpSync(v1, src2, { recursive: true });
  writeVersion(src2, 2);
  v2pkg = path.join(tmp, 'v2.isolapkg');
  await buildInto(src2, v2pkg);
  const whole = copyV1('whole');
  await unpackPackage({ file: v2pkg, dir: whole });
  full = snapshot(whole);
  assert.notDeepEqual(full, snapshot(v1));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('an unpack in place killed among its renames', () => {
  it('is finished by the next isola check: the project is the whole unpack, never half old and half new', async () => {
    const dir = copyV1('killed');
    await interruptedUnpack(dir, 100);
    const mixed = snapshot(dir);
    assert.ok(Object.values(mixed).some((t) => t.includes('version 1')) && Object.values(mixed).some((t) => t.includes('version 2')), 'half old, half new');
    const r = cli(['check', '.'], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stderr, `isola check: finished an interrupted unpack of workspace many 2.0.0 into .: ${SCRIPTS + 1 - 100} files put in place\n`);
    assert.deepEqual(snapshot(dir), full);
  });

  it('into a subfolder of the project: finished by a check and a build of the whole project, which find its journal while they list the project', async () => {
    const outer = path.join(tmp, 'outer');
    mkdirSync(outer);
    const dir = path.join(outer, 'app');
    cpSync(v1, dir, { recursive: true });
    await interruptedUnpack(dir, 100);
    const r = cli(['check', '.'], outer);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stderr, `isola check: finished an interrupted unpack of workspace many 2.0.0 into app: ${SCRIPTS + 1 - 100} files put in place\n`);
    assert.deepEqual(snapshot(dir), full);

    cpSync(v1, dir, { recursive: true, force: true });
    await interruptedUnpack(dir, 3);
    const b = cli(['build', '.', '--package', 'many', '--out', path.join(tmp, 'outer.isolapkg')], outer);
    assert.equal(b.status, 0, b.stdout + b.stderr);
    assert.match(b.stderr, /^isola build: finished an interrupted unpack of workspace many 2\.0\.0 into app: \d+ files put in place\n/);
    assert.match(b.stdout, /History: 0 of \d+ entities changed/);
  });

  it('is finished by the next isola build (from a folder below) and by the next unpack, whatever it unpacks', async () => {
    const dir = copyV1('killed-build');
    await interruptedUnpack(dir, 0);
    const r = cli(['build', '.', '--package', 'many', '--out', path.join(tmp, 'b.isolapkg')], path.join(dir, 'many'));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /^isola build: finished an interrupted unpack of workspace many 2\.0\.0 into \.\.: 401 files put in place\n/);
    // The build found the whole version 2: nothing changed since the package's history.
    assert.match(r.stdout, /History: 0 of \d+ entities changed/);

    const again = copyV1('killed-unpack');
    await interruptedUnpack(again, 7);
    const u = cli(['unpack', path.join(tmp, 'v1.isolapkg')], again);
    assert.equal(u.status, 0, u.stdout + u.stderr);
    assert.equal(u.stderr, `isola unpack: finished an interrupted unpack of workspace many 2.0.0 into .: ${SCRIPTS + 1 - 7} files put in place\n`);
    assert.ok(!readdirSync(path.join(again, 'many/scripts')).some((n) => n.includes('.partial-')), 'no temporary file is left');
    assert.ok(!existsSync(path.join(again, JOURNAL)));
  });

  it('whose temporary files went: every command names the files left as they were until the package is unpacked again', async () => {
    const dir = copyV1('lost-temps');
    await interruptedUnpack(dir, 3);
    const scripts = path.join(dir, 'many/scripts');
    for (const n of readdirSync(scripts).filter((x) => /^s(10|11)\.ts\.partial-/.test(x))) rmSync(path.join(scripts, n));
    for (let i = 0; i < 2; i++) {
      const r = cli(['check', '.'], dir);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /an interrupted unpack of workspace many 2\.0\.0 into \. cannot be finished: the temporary files of many\/scripts\/s10\.ts, many\/scripts\/s11\.ts are gone, so they are as they were before it; unpack workspace many 2\.0\.0 into \. again, or delete isola\.unpack\.journal to keep the folder as it is\n$/);
      assert.equal(r.stdout, '', 'not checked');
    }
    assert.match(readFileSync(path.join(scripts, 's10.ts'), 'utf8'), /version 1/);
    assert.match(readFileSync(path.join(scripts, 's12.ts'), 'utf8'), /version 2/);
    const u = cli(['unpack', v2pkg], dir);
    assert.equal(u.status, 0, u.stdout + u.stderr);
    assert.match(u.stderr, /could not be finished: the temporary files of many\/scripts\/s10\.ts, many\/scripts\/s11\.ts were gone, so they were left as they were before it\n$/);
    assert.deepEqual(snapshot(dir), full);
  });

  it('killed while it wrote its temporary files: the next unpack removes those of processes that are gone', async () => {
    const dir = copyV1('staging');
    const scripts = path.join(dir, 'many/scripts');
    const gone = `s1.ts.partial-${deadPid()}-0123456789ab`;
    // Named by an earlier version, without a pid, and untouched for two days.
    const older = 's2.ts.unpack-0123456789ab';
    const running = `s3.ts.partial-${process.pid}-0123456789ab`;
    for (const n of [gone, older, running]) writeFileSync(path.join(scripts, n), 'half');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(path.join(scripts, older), twoDaysAgo, twoDaysAgo);
    await unpackPackage({ file: v2pkg, dir });
    const left = readdirSync(scripts).filter((n) => n.includes('.partial-') || n.includes('.unpack-'));
    assert.deepEqual(left, [running], 'a running unpack\'s file stays');
    rmSync(path.join(scripts, running));
    assert.deepEqual(snapshot(dir), full);
  });

  it('isola unpack killed (SIGKILL) after its first rename: the next isola check finishes it', async (t) => {
    const dir = copyV1('sigkill');
    const scripts = path.join(dir, 'many/scripts');
    const child = spawn(process.execPath, [CLI, 'unpack', v2pkg, '--dir', dir], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    let killed = false;
    const w = watch(scripts, (ev, name) => {
      if (killed || ev !== 'rename' || !/^s\d+\.ts$/.test(name ?? '')) return;
      try {
        if (readFileSync(path.join(scripts, name!), 'utf8').includes('version 2')) {
          killed = child.kill('SIGKILL');
        }
      } catch {
        // Renamed away again meanwhile.
      }
    });
    await exited;
    w.close();
    if (!killed) return t.skip('the unpack ended before it was killed');
    const r = cli(['check', dir], tmp);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(snapshot(dir), full);
    // Killed as it ended, the unpack had nothing left to do.
    if (r.stderr) assert.match(r.stderr, /^isola check: finished an interrupted unpack of workspace many 2\.0\.0 into sigkill: \d+ files put in place\n$/);
  });
});
