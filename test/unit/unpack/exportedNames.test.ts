import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import { nodeFileHost } from '../../../server/src/core/manifest/host';
import { loadProject } from '../../../server/src/core/manifest/project';
import { buildPackage } from '../../../server/src/core/packaging/builder';
import { readHistoryFile } from '../../../server/src/core/packaging/historyFile';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { writePackage } from '../../../server/src/core/packaging/writer';
import { unpackPackage } from '../../../server/src/core/unpack/unpack';
import { build, contentOf } from './roundTrip';

// An environment may hold a script or template file under a name other than the one a build gives
// it (after its entity's id): a copy made with `as` by an earlier version kept its original's
// names, and a change through PUT /v1/entities/:id may give a script another code. Exported as
// they were, the unpack read the old name's last part as an extension (`templates/letter.letter`)
// and the rebuilt cards hashed otherwise than the exported ones.

describe('files an environment holds under other names than a build gives them, exported, unpacked and built again', () => {
  let dir: string;
  let env: Environment;
  const me = Environment.localCaller('dev');

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-exported-names-'));
    env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
  });
  after(async () => {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const imported = async (file: string, as?: string) => {
    const plan = await env.plan(me, { package: (await env.registerFile(me, file)).id, ...(as ? { as } : {}) });
    const job = await env.waitForJob((await env.startImport(me, { plan: plan.id, onConflict: 'cancel' })).id);
    assert.equal(job.status, 'succeeded', job.error);
  };
  const exported = async (ns: string, out: string) => {
    const job = await env.waitForJob((await env.startExport(me, { kind: 'namespace', code: ns })).id);
    assert.equal(job.status, 'succeeded', job.error);
    copyFileSync((await env.package(me, (job.result as { package: string }).package)).file, out);
  };
  /** Export → unpack → build (with the history the unpack merged, as `isola build` does) → plan: what each step gave. */
  const roundTrip = async (ns: string, name: string) => {
    const first = path.join(dir, `${name}.isolapkg`);
    await exported(ns, first);
    const unpacked = path.join(dir, name);
    const result = await unpackPackage({ file: first, dir: unpacked });
    const again = path.join(dir, `${name}-again.isolapkg`);
    const project = await loadProject(unpacked, nodeFileHost);
    const pkg = project.packages.find((p) => p.kind === 'workspace' && p.code === ns)!;
    await buildPackage({ project, pkg, out: again, history: await readHistoryFile(unpacked), tool: { name: 'isola', version: 'test' }, data: 'all', createdBy: 'test' });
    const plan = await env.plan(me, { package: (await env.registerFile(me, again)).id });
    return {
      files: result.files.map((f) => f.file).filter((f) => /\/(scripts|templates)\//.test(f)).sort(),
      notes: result.notes,
      exported: (await contentOf(first)).cards,
      rebuilt: (await contentOf(again)).cards,
      changed: plan.entities.filter((e) => e.action !== 'unchanged').map((e) => `${e.action} ${e.id}`).sort(),
      again,
    };
  };

  /** A project of workspace `code` with a template and a script without an extension, and one of each with one. */
  const project = (name: string, code: string) => {
    const src = path.join(dir, name);
    mkdirSync(path.join(src, 'templates'), { recursive: true });
    mkdirSync(path.join(src, 'scripts'), { recursive: true });
    writeFileSync(path.join(src, 'templates', 'letter'), 'letter');
    writeFileSync(path.join(src, 'templates', 'form.docx'), 'form');
    writeFileSync(path.join(src, 'scripts', 'plain'), '// plain\n');
    writeFileSync(path.join(src, 'scripts', 'run.ts'), '// run\n');
    writeFileSync(path.join(src, `${code}.isola.json`), JSON.stringify({
      kind: 'workspace', code, version: '1.0.0', languages: ['en'],
      templates: [{ code: 'letter', file: 'templates/letter' }, { code: 'form', file: 'templates/form.docx' }],
      processes: [{ code: 'p', scripts: [{ code: 's', file: 'scripts/plain' }, { code: 'r', file: 'scripts/run.ts' }] }],
    }));
    return src;
  };

  it('names each file after its entity as a build does: the unpack keeps a file without an extension without one, the rebuilt cards hash as exported, and nothing conflicts', async () => {
    const src = project('src', 'ws');
    const file = path.join(dir, 'ws.isolapkg');
    await build(src, 'workspace', 'ws', file);
    await imported(file);
    await imported(file, 'ws_copy');
    // The copy as an earlier version made it: its files under the original's names.
    for (const id of ['ws_copy.letter', 'ws_copy.form', 'ws_copy.p']) {
      const [row] = await env.db.query<{ body: string }>(`SELECT body::text AS body FROM entities WHERE id = $1`, [id]);
      const body = JSON.parse(row.body.split('/ws_copy.').join('/ws.'));
      await env.db.query(`UPDATE entities SET body = $1::jsonb, hash = $2 WHERE id = $3`, [JSON.stringify(body), sha256(canonicalJson(body)), id]);
    }
    // The original's scripts renamed through a change: their files keep the names of the old codes.
    const p = await env.entity(me, 'ws.p');
    const scripts = (p.body.scripts as { code: string }[]).map((s) => ({ ...s, code: s.code === 's' ? 'plain' : 'runner' }));
    await env.changeEntity(me, 'ws.p', { body: { ...p.body, scripts } });

    const copy = await roundTrip('ws_copy', 'copy');
    assert.deepEqual(copy.notes, []);
    assert.deepEqual(copy.files, ['ws_copy/scripts/r.ts', 'ws_copy/scripts/s', 'ws_copy/templates/form.docx', 'ws_copy/templates/letter']);
    assert.deepEqual(copy.rebuilt, copy.exported);
    // The build names the files after the copy: the environment's names change once, as an update.
    assert.deepEqual(copy.changed, ['update ws_copy.form', 'update ws_copy.letter', 'update ws_copy.p']);

    const orig = await roundTrip('ws', 'orig');
    assert.deepEqual(orig.files, ['ws/scripts/plain', 'ws/scripts/runner.ts', 'ws/templates/form.docx', 'ws/templates/letter']);
    assert.deepEqual(orig.rebuilt, orig.exported);
    assert.deepEqual(orig.changed, ['update ws.p']);

    // Imported, the environment holds the files as a build names them: the next round trip changes nothing.
    await imported(copy.again);
    await imported(orig.again);
    assert.deepEqual((await roundTrip('ws_copy', 'copy2')).changed, []);
    assert.deepEqual((await roundTrip('ws', 'orig2')).changed, []);
  });

  it('an export an earlier version wrote, its files under the names they had before a copy, unpacks each file as it was built: one without an extension gets none', async () => {
    const built = path.join(dir, 'copy-built.isolapkg');
    await build(project('copy-src', 'ws_copy'), 'workspace', 'ws_copy', built);
    // The package as an earlier version exported a copy of `ws`: every file under the original's name.
    const old = path.join(dir, 'copy-old.isolapkg');
    const r = await PackageReader.open(built);
    try {
      const renamed = (f: string) => f.split('/ws_copy.').join('/ws.');
      const cards = (await r.cards()).map(({ card }) => {
        const body = JSON.parse(renamed(JSON.stringify(card.body)));
        return { ...card, body, hash: sha256(canonicalJson(body)) };
      });
      const files = await Promise.all(r.descriptor.entries.filter((e) => /^(scripts|templates\/files)\//.test(e.path)).map(async (e) => ({ path: renamed(e.path), data: await r.read(e.path) })));
      await writePackage({ out: old, cards, files, data: [], descriptor: { ...r.descriptor, history: {} } });
    } finally {
      r.close();
    }
    const unpacked = path.join(dir, 'copy-old');
    const result = await unpackPackage({ file: old, dir: unpacked });
    assert.deepEqual(result.notes, []);
    assert.deepEqual(result.files.map((f) => f.file).filter((f) => /\/(scripts|templates)\//.test(f)).sort(), ['ws_copy/scripts/r.ts', 'ws_copy/scripts/s', 'ws_copy/templates/form.docx', 'ws_copy/templates/letter']);
    // Built again, the project makes the cards its first build made.
    const again = path.join(dir, 'copy-old-again.isolapkg');
    await build(unpacked, 'workspace', 'ws_copy', again);
    assert.deepEqual((await contentOf(again)).cards, (await contentOf(built)).cards);
  });
});
