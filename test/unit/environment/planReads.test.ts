import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultCatalog } from '../../../server/src/core/catalog/catalog';
import { openDatabase } from '../../../server/src/core/environment/db/open';
import type { Database, Sql } from '../../../server/src/core/environment/db/database';
import { Environment } from '../../../server/src/core/environment/environment';
import { isolationAgainst } from '../../../server/src/core/environment/planChecks';
import { getEntities, listedIn, planRows } from '../../../server/src/core/environment/store';
import type { ImportPlan } from '../../../server/src/core/environment/types';
import type { Card } from '../../../server/src/core/packaging/format';
import { isola } from '../packaging/hostile';

// What a plan reads of the environment: the repeat check finds an earlier import by its digests
// (also in a database written before they had a column of their own), and the isolation check
// reads the entities its references ask about, not every entity there is.

const write = (dir: string, rel: string, v: object) => {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), JSON.stringify(v, null, 2));
};

const repeatOf = (p: ImportPlan) => p.checks.find((c) => c.name === 'repeat')!.message;

describe('what a plan reads of the environment', () => {
  let dir: string;
  let dataDir: string;
  let first: string;
  let rebuilt: string;
  const me = Environment.localCaller('dev');

  const withEnv = async <T>(fn: (env: Environment) => Promise<T>): Promise<T> => {
    const env = await Environment.open({ dataDir, name: 'local' });
    try {
      return await fn(env);
    } finally {
      await env.close();
    }
  };
  const withDb = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
    const db = await openDatabase({ dataDir });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  };
  const planOf = (env: Environment, file: string, as?: string) =>
    env.registerFile(me, file).then((p) => env.plan(me, { package: p.id, ...(as ? { as } : {}) }));

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-plan-reads-'));
    dataDir = path.join(dir, 'env');
    const src = path.join(dir, 'src');
    write(src, 'sales.isola.json', {
      kind: 'workspace', code: 'sales', version: '1.0.0',
      groups: [{ code: 'clerks' }],
      apps: [{ code: 'orders', permissions: [{ group: 'clerks', access: 'full' }] }],
    });
    first = path.join(dir, 'sales-1.isolapkg');
    rebuilt = path.join(dir, 'sales-2.isolapkg');
    for (const out of [first, rebuilt]) {
      const r = isola(['build', src, '--package', 'sales', '--out', out]);
      assert.equal(r.code, 0, r.out + r.err);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names the earlier import of the same file, of the same content, and none under another code', async () => {
    const job = await withEnv(async (env) => {
      assert.match(repeatOf(await planOf(env, first)), /^not imported here before/);
      const p = await planOf(env, first);
      const j = await env.startImport(me, { plan: p.id });
      assert.equal((await env.waitForJob(j.id)).status, 'succeeded');
      assert.match(repeatOf(await planOf(env, first)), new RegExp(`^this package was imported before \\(job ${j.id}, `));
      assert.match(repeatOf(await planOf(env, rebuilt)), new RegExp(`^the same content was imported before from another file \\(job ${j.id}, .*a rebuild of the same manifests`));
      assert.match(repeatOf(await planOf(env, first, 'sales_copy')), /^not imported here before/);
      return j.id;
    });

    // The same database as an Isola that kept the digest only inside each plan left it.
    await withDb(async (db) => {
      await db.exec(`DROP INDEX jobs_package_sha256; DROP INDEX jobs_content_sha256; ALTER TABLE jobs DROP COLUMN content_sha256; ALTER TABLE entity_history DROP COLUMN of_hash`);
      await db.query(`UPDATE isola_meta SET value = '2' WHERE key = 'schemaVersion'`);
    });
    await withEnv(async (env) => {
      assert.match(repeatOf(await planOf(env, rebuilt)), new RegExp(`^the same content was imported before from another file \\(job ${job}, `));
    });
    assert.deepEqual(await withDb((db) => db.query(`SELECT value FROM isola_meta WHERE key = 'schemaVersion'`)), [{ value: 4 }]);
    // Version 4: histories say which version an exported hash carries.
    assert.deepEqual(await withDb((db) => db.query(`SELECT count(of_hash)::int AS n FROM entity_history`)), [{ n: 0 }]);
  });

  it('reads only the entities that references leaving the package ask about', async () => {
    const card = (body: Record<string, unknown>): Card => ({ id: 'sales.invoices', type: 'app', namespace: 'sales', code: 'invoices', deleted: false, hash: 'h', body: { code: 'invoices', ...body } });
    const judge = (cards: Card[]) => withDb(async (db) => {
      const asked: unknown[][] = [];
      const spy: Sql = { ...db, query: (text, params) => (asked.push(params ?? []), db.query(text, params)) };
      const found = await isolationAgainst(spy, { kind: 'workspace', code: 'sales', cards, attachments: new Map() }, defaultCatalog(), new Map());
      return { lines: found.map((f) => f.line), asked: asked.map((p) => JSON.parse(String(p[0]))) };
    });

    // A group the package lacks but the environment holds (imported above): resolved, one id read.
    const held = await judge([card({ permissions: [{ group: 'clerks', access: 'full' }] })]);
    assert.deepEqual(held, { lines: [], asked: [['sales.clerks']] });

    // The same id named as an app: the environment holds a group, so it resolves nowhere.
    const wrongKind = await judge([card({ fields: [{ code: 'o', type: 'app', app: 'clerks' }] })]);
    assert.deepEqual(wrongKind.lines, ['sales.invoices: app `clerks` resolves neither in the package nor in the environment']);
    assert.deepEqual(wrongKind.asked, [['sales.clerks']]);

    // Nothing leaves the package: nothing is read.
    const inside = await judge([card({ fields: [{ code: 'o', type: 'app', app: 'invoices' }] })]);
    assert.deepEqual(inside, { lines: [], asked: [] });
  });

  it('reads the rows of a package\'s cards and the rest of its namespaces alike, by one scan or by id', async () => {
    // The import above left sales, its group, its app and the app's permissions; 100 groups more
    // make the namespace much larger than a small package, and one row lies in another namespace.
    await withDb(async (db) => {
      for (let i = 0; i < 100; i++) {
        const code = `g_${String(i).padStart(3, '0')}`;
        await db.query(`INSERT INTO entities (id, type, namespace, code, deleted, hash, body, app, updated_at, updated_by, job_id)
          VALUES ($1, 'group', 'sales', $2, false, $3, $4, NULL, '2026-01-01T00:00:00.000Z', 'dev', NULL)`,
        [`sales.${code}`, code, 'a'.repeat(64), JSON.stringify(i % 3 ? { code, title: `Group ${i}` } : { code })]);
      }
      await db.query(`UPDATE entities SET namespace = 'elsewhere' WHERE id = 'sales.g_050'`);
    });
    const all = await withDb(async (db) => (await db.query<{ id: string }>(`SELECT id FROM entities WHERE namespace = 'sales'`)).map((r) => r.id));
    assert.ok(all.length > 100, all.join(' '));
    const compare = (ids: string[]) => withDb(async (db) => {
      const sizes: number[] = [];
      const spy: Sql = { ...db, query: async (text, params) => {
        const rows = await db.query(text, params);
        if (/\bbody\)::text/.test(text)) sizes.push(rows.length); // a query that returns bodies
        return rows as never;
      } };
      const got = await planRows(spy, ids, ['sales']);
      const rows = await getEntities(db, ids);
      const others = await listedIn(db, ['sales'], ids);
      assert.deepEqual([...got.rows].sort(), [...rows].sort());
      assert.deepEqual(got.others, others);
      return { sizes, rows: got.rows, others: got.others };
    });

    // Most of the namespace (a next version), with a card not there yet and one whose row lies elsewhere.
    const most = await compare([...all.filter((id) => !['sales.g_001', 'sales.g_002', 'sales.g_099'].includes(id)), 'sales.g_050', 'sales.brand_new']);
    assert.deepEqual(most.others.map((e) => e.id), ['sales.g_001', 'sales.g_002', 'sales.g_099']);
    assert.deepEqual(most.others.map((e) => e.title), ['Group 1', 'Group 2', undefined]);
    assert.equal(most.rows.get('sales.g_050')?.namespace, 'elsewhere');
    assert.equal(most.rows.has('sales.brand_new'), false);

    // A small package in a big namespace: no body read but those of its own cards.
    const few = await compare(['sales.orders', 'sales.g_050']);
    assert.equal(few.rows.size, 2);
    assert.equal(few.others.length, all.length - 1);
    assert.deepEqual(few.sizes, [2], 'rows read with their bodies, query by query');
  });

  it('refuses a database of a newer Isola', async () => {
    await withDb((db) => db.query(`UPDATE isola_meta SET value = '99' WHERE key = 'schemaVersion'`));
    await assert.rejects(openDatabase({ dataDir }), /schema version 99, newer than this Isola knows \(4\); update Isola/);
    await assert.rejects(Environment.open({ dataDir, name: 'local' }), /newer than this Isola knows/);
  });
});
