import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { restoreBackup } from '../../../server/src/core/environment/backups';
import { openDatabase } from '../../../server/src/core/environment/db/open';
import type { Database } from '../../../server/src/core/environment/db/database';
import { Environment } from '../../../server/src/core/environment/environment';
import { getEntities, historyOf } from '../../../server/src/core/environment/store';
import { isola } from '../packaging/hostile';

// Restoring a backup puts back exactly what its import changed: every column of every entity the
// import replaced, its history entry by entry, and nothing of what the import created.

const write = (dir: string, rel: string, v: object) => {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), JSON.stringify(v, null, 2));
};

/** Every entity (all columns but `job_id`, which a restore clears) and every history entry, in order. */
async function state(db: Database): Promise<{ entities: unknown[]; history: unknown[] }> {
  return {
    entities: await db.query(`SELECT id, type, namespace, code, deleted, hash, body, app, updated_at, updated_by FROM entities ORDER BY id`),
    history: await db.query(`SELECT id, seq, hash, at FROM entity_history ORDER BY id, seq`),
  };
}

describe('restoring a backup', () => {
  let dir: string;
  const me = Environment.localCaller('dev');

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-restore-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('after two imports, each backup takes the environment back to what it was before its import', async () => {
    const src = path.join(dir, 'src');
    const dataDir = path.join(dir, 'env');
    const v1 = {
      kind: 'workspace', code: 'sales', version: '1.0.0',
      groups: [{ code: 'clerks', title: 'Clerks' }, { code: 'managers', title: 'Managers' }],
      apps: [{ code: 'orders', title: 'Orders', fields: [{ code: 'number', type: 'string' }, { code: 'total', type: 'money' }] }],
    };
    const build = (v: object, name: string) => {
      write(src, 'sales.isola.json', v);
      const out = path.join(dir, name);
      const r = isola(['build', src, '--package', 'sales', '--out', out]);
      assert.equal(r.code, 0, r.out + r.err);
      return out;
    };
    const first = build(v1, 'v1.isolapkg');
    // The next version: a title changes, a field is gone, a group is new.
    const second = build({
      ...v1, version: '1.1.0',
      groups: [{ code: 'clerks', title: 'Clerks and cashiers' }, { code: 'managers', title: 'Managers' }, { code: 'auditors' }],
      apps: [{ code: 'orders', title: 'Orders', fields: [{ code: 'number', type: 'string' }] }],
    }, 'v2.isolapkg');

    const env = await Environment.open({ dataDir, name: 'local' });
    const snapshots: Awaited<ReturnType<typeof state>>[] = [];
    const backups: string[] = [];
    let db: Database | undefined;
    try {
      // Imports a package and checks its backup: each backed-up entity as the engine reads
      // entities, and its history, as they were before the import.
      const importChecked = async (file: string, onConflict?: 'replace') => {
        const p = await env.plan(me, { package: (await env.registerFile(me, file)).id });
        const ids = p.entities.map((e) => e.id);
        const rows = await getEntities(env.db, ids);
        const histories = await historyOf(env.db, ids);
        const job = await env.waitForJob((await env.startImport(me, { plan: p.id, ...(onConflict ? { onConflict } : {}) })).id);
        assert.equal(job.status, 'succeeded', job.error);
        const kept = await env.db.query<{ id: string; row: unknown; history: unknown }>(`SELECT id, row, history FROM backup_entities WHERE backup_id = $1 ORDER BY id`, [job.backupId]);
        const changed = p.entities.filter((e) => e.action !== 'unchanged' && e.action !== 'kept').map((e) => e.id).sort();
        assert.deepEqual(kept.map((k) => k.id), changed);
        for (const k of kept) assert.deepEqual([k.row, k.history], [rows.get(k.id) ?? null, histories[k.id] ?? []], k.id);
        return { job, rows };
      };
      for (const file of [first, second]) {
        // The state before the import, read through the environment's own database.
        snapshots.push(await state(env.db));
        backups.push((await importChecked(file)).job.backupId!);
      }
      db = env.db;
      const imported = await state(db);
      assert.notDeepEqual(imported, snapshots[1], 'the second import changed something');

      const restored = await env.restore(me, backups[1]);
      assert.ok(restored.entities.some((e) => e.change === 'restore') && restored.entities.some((e) => e.change === 'remove'));
      assert.deepEqual(await state(db), snapshots[1]);
      // Put back by a restore, not by an import: an edit in the environment, as far as later plans go.
      const back = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM entities WHERE job_id IS NOT NULL AND id IN (SELECT id FROM backup_entities WHERE backup_id = $1)`, [backups[1]]);
      assert.equal(back[0].n, 0);

      // Restored entities count as changed here; importing over them backs that up too.
      const again = await importChecked(second, 'replace');
      assert.ok([...again.rows.values()].some((e) => e.changedHere));
      await env.restore(me, again.job.backupId!);
      assert.deepEqual(await state(db), snapshots[1]);

      await env.restore(me, backups[0]);
      assert.deepEqual(await state(db), snapshots[0]);
      assert.deepEqual(snapshots[0], { entities: [], history: [] });
    } finally {
      await env.close();
    }
  });

  it('removes every record a first import created, across pieces too', async () => {
    const src = path.join(dir, 'many');
    write(src, 'sales.isola.json', { kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'items', fields: [{ code: 'name', type: 'string' }] }], data: { items: 'data/items.jsonl' } });
    // More lines than one piece of the embedded database's merge (10,000).
    const lines = Array.from({ length: 10_002 }, (_, i) => `{"id":"r${i}","name":"n${i}"}`);
    mkdirSync(path.join(src, 'data'), { recursive: true });
    writeFileSync(path.join(src, 'data', 'items.jsonl'), lines.join('\n') + '\n');
    const out = path.join(dir, 'many.isolapkg');
    const r = isola(['build', src, '--package', 'sales', '--data', 'all', '--out', out]);
    assert.equal(r.code, 0, r.out + r.err);
    const env = await Environment.open({ dataDir: path.join(dir, 'many-env'), name: 'local' });
    try {
      const p = await env.plan(me, { package: (await env.registerFile(me, out)).id });
      const job = await env.waitForJob((await env.startImport(me, { plan: p.id })).id);
      assert.equal(job.status, 'succeeded', job.error);
      const [{ n }] = await env.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM records WHERE app = 'sales.items'`);
      assert.equal(n, 10_002);
      await env.restore(me, job.backupId!);
      assert.deepEqual(await env.db.query(`SELECT app, id FROM records`), []);
      assert.deepEqual(await env.db.query(`SELECT id FROM entities`), []);
    } finally {
      await env.close();
    }
  });

  it('removes every record of an app the import created, records a later import added too, and says so first', async () => {
    const src = path.join(dir, 'later');
    write(src, 'ow.isola.json', { kind: 'workspace', code: 'ow', version: '1.0.0', apps: [{ code: 'a' }], data: { a: 'data/a.jsonl' } });
    const build = (lines: string[], name: string) => {
      mkdirSync(path.join(src, 'data'), { recursive: true });
      writeFileSync(path.join(src, 'data', 'a.jsonl'), lines.join('\n') + '\n');
      const out = path.join(dir, name);
      const r = isola(['build', src, '--package', 'ow', '--data', 'all', '--out', out]);
      assert.equal(r.code, 0, r.out + r.err);
      return out;
    };
    const first = build(['{"id":"r1"}'], 'later1.isolapkg');
    const second = build(['{"id":"r1"}', '{"id":"r2"}', '{"id":"r3"}'], 'later2.isolapkg');
    const env = await Environment.open({ dataDir: path.join(dir, 'later-env'), name: 'local' });
    try {
      const backups: string[] = [];
      for (const file of [first, second]) {
        const p = await env.plan(me, { package: (await env.registerFile(me, file)).id });
        const job = await env.waitForJob((await env.startImport(me, { plan: p.id })).id);
        assert.equal(job.status, 'succeeded', job.error);
        backups.push(job.backupId!);
      }
      // The first import created the app: restoring its backup takes all three records with it.
      const preview = await env.backupPreview(me, backups[0]);
      assert.deepEqual(preview.records.map(({ app, restore, remove, reason }) => ({ app, restore, remove, reason })), [
        { app: 'ow.a', restore: 0, remove: 3, reason: 'the import created this app; restoring removes it with all 3 of its records, added since or not' },
      ]);
      const restored = await env.restore(me, backups[0]);
      assert.deepEqual(restored.records, preview.records);
      assert.deepEqual(await env.db.query(`SELECT app, id FROM records`), []);
      assert.deepEqual(await env.db.query(`SELECT id FROM entities`), []);
    } finally {
      await env.close();
    }
  });

  it('puts back every column and history as the backup holds them, and removes what the import created', async () => {
    const db = await openDatabase({ dataDir: path.join(dir, 'crafted') });
    try {
      const row = (id: string, extra: Record<string, unknown>) => ({
        id, type: 'group', namespace: 'sales', code: id.split('.')[1], deleted: false, hash: `h-${id}`, body: { code: id.split('.')[1], title: `“${id}” ✓` },
        updatedAt: '2026-01-01T00:00:00.000Z', updatedBy: 'alice', ...extra,
      });
      // Now: a and b as a later import left them, c created by it (with a history), d untouched.
      for (const id of ['sales.a', 'sales.b', 'sales.c', 'sales.d']) {
        await db.query(`INSERT INTO entities (id, type, namespace, code, deleted, hash, body, app, updated_at, updated_by, job_id)
          VALUES ($1, 'group', 'sales', $2, false, 'new', '{"code":"x"}', NULL, 'later', 'bob', 'j_later')`, [id, id.split('.')[1]]);
        await db.query(`INSERT INTO entity_history (id, seq, hash, at) VALUES ($1, 0, 'h0', 't0'), ($1, 1, 'new', 'later')`, [id]);
      }
      await db.query(`INSERT INTO backups (id, job_id, created_at, created_by, namespaces, entities, records) VALUES ('b_x', 'j_later', 'later', 'bob', '["sales"]', 3, 0)`);
      const backedUp = [
        { id: 'sales.a', row: row('sales.a', { app: 'sales.orders', deleted: true }), history: [{ hash: 'h0', at: 't0' }, { hash: 'h-sales.a', at: 't1' }, { hash: 'h2', at: 't2' }] },
        { id: 'sales.b', row: row('sales.b', {}), history: [] },
        { id: 'sales.c', row: null, history: [] },
        { id: 'sales.gone', row: null, history: [] },
      ];
      for (const b of backedUp) {
        await db.query(`INSERT INTO backup_entities (backup_id, id, row, history) VALUES ('b_x', $1, $2, $3)`, [b.id, b.row && JSON.stringify(b.row), JSON.stringify(b.history)]);
      }

      await restoreBackup(db, 'b_x', 'carol', 'now');

      const s = await state(db);
      assert.deepEqual(s.entities, [
        { id: 'sales.a', type: 'group', namespace: 'sales', code: 'a', deleted: true, hash: 'h-sales.a', body: { code: 'a', title: '“sales.a” ✓' }, app: 'sales.orders', updated_at: '2026-01-01T00:00:00.000Z', updated_by: 'alice' },
        { id: 'sales.b', type: 'group', namespace: 'sales', code: 'b', deleted: false, hash: 'h-sales.b', body: { code: 'b', title: '“sales.b” ✓' }, app: null, updated_at: '2026-01-01T00:00:00.000Z', updated_by: 'alice' },
        { id: 'sales.d', type: 'group', namespace: 'sales', code: 'd', deleted: false, hash: 'new', body: { code: 'x' }, app: null, updated_at: 'later', updated_by: 'bob' },
      ]);
      assert.deepEqual(s.history, [
        { id: 'sales.a', seq: 0, hash: 'h0', at: 't0' }, { id: 'sales.a', seq: 1, hash: 'h-sales.a', at: 't1' }, { id: 'sales.a', seq: 2, hash: 'h2', at: 't2' },
        { id: 'sales.d', seq: 0, hash: 'h0', at: 't0' }, { id: 'sales.d', seq: 1, hash: 'new', at: 'later' },
      ]);
      const jobs = await db.query<{ id: string; job_id: string | null }>(`SELECT id, job_id FROM entities ORDER BY id`);
      assert.deepEqual(jobs, [{ id: 'sales.a', job_id: null }, { id: 'sales.b', job_id: null }, { id: 'sales.d', job_id: 'j_later' }]);
      const b = await db.query<{ restored_at: string; restored_by: string }>(`SELECT restored_at, restored_by FROM backups WHERE id = 'b_x'`);
      assert.deepEqual(b, [{ restored_at: 'now', restored_by: 'carol' }]);
    } finally {
      await db.close();
    }
  });
});
