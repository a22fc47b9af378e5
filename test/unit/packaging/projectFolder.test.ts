/**
 * One history per project (issue 16): the folder whose isola.history.json records a package's
 * versions is decided by the package, never by the folder a front end was opened on.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeFileHost } from '../../../server/src/core/manifest/host';
import { loadProject } from '../../../server/src/core/manifest/project';
import { packageProjectFolder } from '../../../server/src/core/packaging/projectFolder';
import { CLI, isola, REPO } from './hostile';

let tmp: string;

/** A fresh folder holding copies of the named examples side by side, as a user opens them in one workspace folder. */
function workspaceOf(name: string, examples: string[]): string {
  const ws = path.join(tmp, name);
  for (const e of examples) cpSync(path.join(REPO, 'examples', e), path.join(ws, e), { recursive: true });
  return ws;
}

async function folderOf(opened: string, code: string): Promise<string> {
  const project = await loadProject(opened, nodeFileHost);
  const pkg = project.packages.find((p) => p.code === code);
  assert.ok(pkg, `no package ${code} in ${opened}: ${project.packages.map((p) => p.code).join(', ')}`);
  return packageProjectFolder(project, pkg);
}

before(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-project-folder-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('the project folder of a package', () => {
  it('is the folder of its root manifest, whether the folder opened is that one or the one above', async () => {
    const ws = workspaceOf('side-by-side', ['broken', 'invoices']);
    assert.equal(await folderOf(ws, 'invoices'), path.join(ws, 'invoices'));
    assert.equal(await folderOf(path.join(ws, 'invoices'), 'invoices'), path.join(ws, 'invoices'));
    assert.equal(await folderOf(ws, 'sales'), path.join(ws, 'broken'));
  });

  it('a workspace opened on its own, below its solution, finds the solution\'s history', async () => {
    const ws = workspaceOf('nested', ['payments']);
    assert.equal(await folderOf(ws, 'payments_solution'), path.join(ws, 'payments'));
    // Where a unit of the solution is a package of its own too, it shares the solution's folder.
    const all = await loadProject(ws, nodeFileHost);
    const unit = all.packages.find((p) => p.code === 'payments');
    if (unit) assert.equal(packageProjectFolder(all, unit), path.join(ws, 'payments'));
    // Opened alone, the workspace is a package of its own; with no history yet, its own folder.
    assert.equal(await folderOf(path.join(ws, 'payments', 'payments'), 'payments'), path.join(ws, 'payments', 'payments'));
    writeFileSync(path.join(ws, 'payments', 'isola.history.json'), '{}\n');
    assert.equal(await folderOf(path.join(ws, 'payments', 'payments'), 'payments'), path.join(ws, 'payments'));
  });

  it('isola.config.json above marks the project; a history found first stays the history', async () => {
    const ws = workspaceOf('configured', ['broken', 'invoices']);
    writeFileSync(path.join(ws, 'isola.config.json'), '{ "environments": {} }\n');
    assert.equal(await folderOf(ws, 'sales'), ws, 'broken has no history of its own: the config marks the project');
    // examples/invoices has its history: an environment added later at the top must not start an empty one.
    assert.equal(await folderOf(ws, 'invoices'), path.join(ws, 'invoices'));
  });
});

describe('isola build: one history per project, whichever folder it is run on', () => {
  it('`isola build invoices` and `isola build .` record into invoices/isola.history.json', (t) => {
    if (!existsSync(CLI)) return t.skip('dist/cli.js is built by `npm run build`');
    const ws = workspaceOf('cli', ['broken', 'invoices']);
    const history = path.join(ws, 'invoices', 'isola.history.json');
    const manifest = path.join(ws, 'invoices', 'invoices.isola.json');
    const versions = () => (JSON.parse(readFileSync(history, 'utf8')) as Record<string, unknown[]>)['invoices.accountants'].length;
    const first = versions();
    let title = 'Accountants';
    for (const [i, folder] of ['invoices', '.', 'invoices'].entries()) {
      const next = `Accountants ${i + 1}`;
      writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(`"title": "${title}"`, `"title": "${next}"`));
      title = next;
      const r = isola(['build', folder, '--package', 'invoices', '--out', path.join(tmp, `cli-${i}.isolapkg`)], ws);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /History: 1 of \d+ entities changed since their last recorded version \(invoices\/isola\.history\.json\)/);
    }
    assert.equal(versions(), first + 3);
    assert.ok(!existsSync(path.join(ws, 'isola.history.json')), 'a second history at the folder the CLI was run on');
  });
});
