/**
 * `isola/planUnpack`, the request behind the editor's "Retrieve from Environment" and "Unpack
 * Package into Workspace", beside manifests that cannot be read: the examples' broken_json (a
 * workspace no package here carries) does not get in the way; a broken manifest of the
 * package's own unit refuses the plan with the core's sentence, and `force` plans with a note.
 * A refusal `force` overrides is marked `forceable` (the editor then offers "Unpack Anyway…");
 * one it does not override is not, and is said first when the folder has both. An unpack killed
 * among its renames is finished before a plan and before a build.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BuildPackageResult, PlanUnpackResult, SettleUnpackHistoryResult } from '../../server/src/protocol';
import { EXAMPLES, LspClient, useServer } from './client';

describe('isola/planUnpack beside a manifest that cannot be read', () => {
  const examples = useServer(EXAMPLES);
  let built: string | undefined;
  /** The invoices workspace built once, with no data. */
  const invoicesPackage = async (c: LspClient): Promise<string> => {
    if (built) return built;
    const file = c.path('invoices-plan.isolapkg');
    const r = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('invoices/invoices.isola.json'), data: 'none', out: file });
    assert.ok(r.built, JSON.stringify(r));
    return (built = file);
  };
  /** A folder beside the examples holding `files` (relative path → text). */
  const folder = (c: LspClient, name: string, files: Record<string, string>): string => {
    const dir = c.path(name);
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(c.path(`${name}/${rel}/..`), { recursive: true });
      fs.writeFileSync(c.path(`${name}/${rel}`), text);
    }
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  };
  const BROKEN = '{\n  "kind": "workspace",\n  "code": "invoices"\n  "title": "Invoices"\n}\n';

  it('plans into the examples, broken_json and all; refuses beside a broken manifest of invoices unless force', async () => {
    const c = examples();
    const file = await invoicesPackage(c);
    assert.ok(fs.existsSync(c.path('broken/broken_json.isola.json')));

    const here = await c.request<PlanUnpackResult>('isola/planUnpack', { file, dir: c.root });
    assert.ok(here.plan, JSON.stringify(here));
    assert.equal(here.forceable, undefined);
    fs.rmSync(here.plan.stage, { recursive: true, force: true });

    const dir = folder(c, 'elsewhere', { 'old.isola.json': BROKEN });
    const refused = await c.request<PlanUnpackResult>('isola/planUnpack', { file, dir });
    assert.equal(refused.plan, undefined);
    assert.match(refused.refused ?? '', /^old\.isola\.json declares workspace invoices, which the package carries, but cannot be read \(line 4: comma expected\): .*pass --force/);
    // Force overrides it: the editor may offer to unpack anyway.
    assert.equal(refused.forceable, true, JSON.stringify(refused));

    const forced = await c.request<PlanUnpackResult>('isola/planUnpack', { file, dir, force: true });
    assert.ok(forced.plan, JSON.stringify(forced));
    assert.equal(forced.forceable, undefined);
    assert.ok(forced.plan.notes.some((n) => n.startsWith('invoices/invoices.isola.json goes beside old.isola.json')), forced.plan.notes.join('\n'));
    fs.rmSync(forced.plan.stage, { recursive: true, force: true });
  });

  it('the history is merged when the edit is settled, as it is then: a version a build added while the preview was open stays', async () => {
    const c = examples();
    const file = await invoicesPackage(c);
    const dir = folder(c, 'history-race', {});
    const plan = (await c.request<PlanUnpackResult>('isola/planUnpack', { file, dir })).plan;
    assert.ok(plan?.historyToken, JSON.stringify(plan));
    const history = plan.files.filter((f) => f.history);
    assert.deepEqual(history.map((f) => [f.file, f.status]), [['isola.history.json', 'created']]);
    const pkg = JSON.parse(fs.readFileSync(path.join(plan.stage, 'isola.history.json'), 'utf8')) as Record<string, unknown[]>;
    assert.ok(Object.keys(pkg).length > 0);
    // A build in a terminal writes the history while the user looks at the preview.
    const built = { other_ws: [{ hash: 'a'.repeat(64), at: '2026-12-06T10:00:00.000Z' }] };
    fs.writeFileSync(path.join(dir, 'isola.history.json'), JSON.stringify(built, null, 2) + '\n');
    const settled = await c.request<SettleUnpackHistoryResult>('isola/settleUnpackHistory', { token: plan.historyToken, merge: true });
    assert.deepEqual(settled, { merged: true });
    const now = JSON.parse(fs.readFileSync(path.join(dir, 'isola.history.json'), 'utf8')) as Record<string, unknown[]>;
    assert.deepEqual(now.other_ws, built.other_ws, 'the build\'s version was dropped');
    for (const id of Object.keys(pkg)) assert.deepEqual(now[id], pkg[id], id);
    assert.equal(fs.existsSync(path.join(dir, 'isola.history.json.lock')), false, 'the lock is released');
    // A token is taken once.
    const again = await c.request<SettleUnpackHistoryResult>('isola/settleUnpackHistory', { token: plan.historyToken, merge: true });
    assert.equal(again.merged, false);
    assert.match(again.refused ?? '', /no longer known/);
    fs.rmSync(plan.stage, { recursive: true, force: true });

    // Dropped (the preview discarded, or only some files taken): the history is as it was.
    const before = JSON.stringify(built, null, 2) + '\n';
    const other = (await c.request<PlanUnpackResult>('isola/planUnpack', { file, dir: folder(c, 'history-drop', { 'isola.history.json': before }) })).plan;
    assert.ok(other?.historyToken, JSON.stringify(other));
    assert.deepEqual(other.files.filter((f) => f.history).map((f) => f.status), ['changed']);
    assert.deepEqual(await c.request<SettleUnpackHistoryResult>('isola/settleUnpackHistory', { token: other.historyToken, merge: false }), { merged: false });
    assert.equal(fs.readFileSync(c.path('history-drop/isola.history.json'), 'utf8'), before);
    fs.rmSync(other.stage, { recursive: true, force: true });
  });

  it('a file that is not Isola\'s where a manifest goes is marked forceable, and force plans over it', async () => {
    const c = examples();
    const file = await invoicesPackage(c);
    const dir = folder(c, 'notes', { 'invoices/invoices.isola.json': 'my notes, not a manifest\n' });
    const refused = await c.request<PlanUnpackResult>('isola/planUnpack', { file, dir });
    assert.equal(refused.plan, undefined);
    assert.match(refused.refused ?? '', /^invoices\/invoices\.isola\.json exists and is not a manifest Isola can read, not of workspace invoices; --force replaces it$/);
    assert.equal(refused.forceable, true, JSON.stringify(refused));

    const forced = await c.request<PlanUnpackResult>('isola/planUnpack', { file, dir, force: true });
    assert.ok(forced.plan, JSON.stringify(forced));
    assert.equal(forced.plan.files.find((f) => f.file === 'invoices/invoices.isola.json')?.status, 'changed');
    fs.rmSync(forced.plan.stage, { recursive: true, force: true });
  });

  it('a refusal force does not override is not marked, and is said before one it does override', async () => {
    const c = examples();
    const file = await invoicesPackage(c);
    // The broken manifest alone would be forceable; a folder whose name differs from invoices/
    // only in letter case refuses with force too, so that is the refusal, unmarked.
    const dir = folder(c, 'clash', { 'old.isola.json': BROKEN, 'INVOICES/readme.txt': 'mine\n' });
    for (const force of [undefined, true]) {
      const refused = await c.request<PlanUnpackResult>('isola/planUnpack', { file, dir, force });
      assert.equal(refused.plan, undefined, `force ${force}: ${JSON.stringify(refused)}`);
      assert.match(refused.refused ?? '', /^invoices\/invoices\.isola\.json: the folder already has INVOICES, which differs only in letter case$/, `force ${force}`);
      assert.equal(refused.forceable, undefined, `force ${force}: ${JSON.stringify(refused)}`);
    }

    // A package the reader refuses is no refusal force overrides either.
    fs.writeFileSync(c.path('not-a-package.isolapkg'), 'not a zip');
    const unreadable = await c.request<PlanUnpackResult>('isola/planUnpack', { file: c.path('not-a-package.isolapkg'), dir: c.path('clash') });
    assert.match(unreadable.refused ?? '', /^not-a-package\.isolapkg: /);
    assert.equal(unreadable.forceable, undefined);
  });
});

describe('isola/planUnpack and isola/buildPackage after an unpack was killed among its renames', () => {
  const examples = useServer(EXAMPLES);

  /** An unpack into `dir` killed before its one rename: `rel`'s temporary file holds `text`, its journal names a process that is gone. */
  const killedUnpack = (dir: string, rel: string, text: string): void => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const tmp = `${rel}.partial-${gone}-0123456789ab`;
    fs.writeFileSync(path.join(dir, tmp), text);
    const ino = String(fs.statSync(path.join(dir, tmp), { bigint: true }).ino);
    const owner = { pid: gone, host: os.hostname(), token: 'killed' };
    fs.writeFileSync(path.join(dir, 'isola.unpack.journal'), JSON.stringify({ owner, package: 'workspace killed 1.0.0', files: [{ tmp, file: rel, size: Buffer.byteLength(text), ino }] }));
  };

  it('an unpack killed among its renames is finished before a plan (said in its notes) and before a build, which asks to build again', async () => {
    const c = examples();
    const file = c.path('invoices-plan.isolapkg');
    assert.ok((await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('invoices/invoices.isola.json'), data: 'none', out: file })).built);
    const dir = c.path('killed');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'readme.txt'), 'old\n');
    killedUnpack(dir, 'readme.txt', 'new\n');
    const planned = await c.request<PlanUnpackResult>('isola/planUnpack', { file, dir });
    assert.ok(planned.plan, JSON.stringify(planned));
    assert.equal(planned.plan.notes[0], `finished an interrupted unpack of workspace killed 1.0.0 into ${dir}: 1 file put in place`);
    fs.rmSync(planned.plan.stage, { recursive: true, force: true });
    assert.equal(fs.readFileSync(path.join(dir, 'readme.txt'), 'utf8'), 'new\n');
    assert.ok(!fs.existsSync(path.join(dir, 'isola.unpack.journal')));

    fs.writeFileSync(c.path('readme-killed.txt'), 'old\n');
    killedUnpack(c.root, 'readme-killed.txt', 'new\n');
    const out = c.path('invoices-after-unpack.isolapkg');
    const refused = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('invoices/invoices.isola.json'), data: 'none', out });
    assert.equal(refused.refused?.message, `finished an interrupted unpack of workspace killed 1.0.0 into ${c.root}: 1 file put in place; build again: the project changed since the build began`);
    assert.ok(!fs.existsSync(out));
    assert.equal(fs.readFileSync(c.path('readme-killed.txt'), 'utf8'), 'new\n');
    const built = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('invoices/invoices.isola.json'), data: 'none', out });
    assert.ok(built.built, JSON.stringify(built));
  });
});
