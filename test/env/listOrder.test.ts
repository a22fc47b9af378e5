import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDatabase } from '../../server/src/core/environment/db/open';
import type { Database } from '../../server/src/core/environment/db/database';
import { listedIn, planRows } from '../../server/src/core/environment/store';
import { backends } from './service';

// A plan lists the entities of a package's namespaces that the package lacks (`kept`). Whichever
// way they are read (one scan of the namespaces when the package is most of them, or by id when
// it is not), they come in one order, by code point, whatever the database's collation: on
// PostgreSQL with an ICU or glibc collation `ORDER BY id` alone puts `sales.a_b` before `sales.AB`.

const CODES = ['AB', 'Orders2', 'Zeta', 'a_b', 'aa', 'ab', 'zz'];
const BY_CODE_POINT = CODES.map((c) => `sales.${c}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

for (const backend of backends()) {
  describe(`kept entities in one order (${backend.name})`, () => {
    let dir: string;
    let db: Database;

    before(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'isola-list-order-'));
      db = await openDatabase({ url: backend.fresh(), dataDir: dir });
      if (backend.name === 'postgres') {
        // A collation most servers default to, when the server has one.
        const [c] = await db.query<{ name: string }>(`SELECT collname AS name FROM pg_collation WHERE collname IN ('en-US-x-icu', 'en_US.utf8', 'en_US') ORDER BY collname LIMIT 1`);
        if (c) await db.exec(`ALTER TABLE entities ALTER COLUMN id TYPE text COLLATE "${c.name}"`);
      }
      const groups = [...CODES, ...Array.from({ length: 80 }, (_, i) => `g${String(i).padStart(2, '0')}`)];
      for (const code of groups) {
        await db.query(`INSERT INTO entities (id, type, namespace, code, deleted, hash, body, app, updated_at, updated_by, job_id)
          VALUES ($1, 'group', 'sales', $2, false, $3, $4, NULL, '2026-01-01T00:00:00.000Z', 'dev', NULL)`,
        [`sales.${code}`, code, 'b'.repeat(64), JSON.stringify({ code, title: code })]);
      }
    });
    after(async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const kept = (ids: string[]) => planRows(db, ids, ['sales']).then((r) => r.others.map((e) => e.id).filter((id) => !/^sales\.g\d\d$/.test(id)));

    it('a package that is most of the namespace (one scan) and a small one (by id) list them alike', async () => {
      const most = Array.from({ length: 80 }, (_, i) => `sales.g${String(i).padStart(2, '0')}`);
      assert.deepEqual(await kept(most), BY_CODE_POINT);
      assert.deepEqual(await kept(['sales.g00']), BY_CODE_POINT);
      assert.deepEqual((await listedIn(db, ['sales'], most)).map((e) => e.id), BY_CODE_POINT);
    });
  });
}
