import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { openPackageView } from '../../../server/src/core/environment/packageView';
import { importRecords } from '../../../server/src/core/environment/recordImport';
import { fixIndex, readEntries } from '../../fuzz/pkgzip';
import { isola, writeZip } from '../packaging/hostile';

// A package that carries one record id twice (as the environment keys records: 1 and "1" are
// one) cannot be imported whole: keeping either record would drop the other without a word. The
// plan refuses it; the import refuses it too when it reads the second line, whichever way it
// writes (straight into an empty app, or merged piece by piece into one that has records).

describe('a package that carries one record id twice', () => {
  let dir: string;
  let forged: string;
  const me = Environment.localCaller('dev');

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-ids-'));
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'data'), { recursive: true });
    writeFileSync(path.join(src, 'sales.isola.json'), JSON.stringify({ kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'items', fields: [{ code: 'name', type: 'string' }] }], data: { items: 'data/items.jsonl' } }));
    // More lines than one chunk (10,000) and than one piece of the embedded database's merge.
    const lines = ['{"id":7,"name":"first"}', ...Array.from({ length: 10_001 }, (_, i) => `{"id":"r${i}","name":"n${i}"}`), '{"id":"7 again","name":"last"}'];
    writeFileSync(path.join(src, 'data', 'items.jsonl'), lines.join('\n') + '\n');
    const built = path.join(dir, 'built.isolapkg');
    const r = isola(['build', src, '--package', 'sales', '--data', 'all', '--out', built]);
    assert.equal(r.code, 0, r.out + r.err);
    // As a package made elsewhere might: the last record's id becomes the first one's, as text.
    const entries = await readEntries(built);
    const last = entries.find((e) => e.name === 'data/sales.items/00001.jsonl')!;
    last.data = Buffer.from(last.data.toString('utf8').replace('"7 again"', '"7"'));
    forged = path.join(dir, 'forged.isolapkg');
    await writeZip(forged, fixIndex(entries));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const twice = /data sales\.items: data\/sales\.items\/00001\.jsonl: line 3: its "id", as text "7", is the id of data\/sales\.items\/00000\.jsonl line 1 too .*; nothing was imported/;

  it('is refused by the plan, which names both lines', async () => {
    const env = await Environment.open({ dataDir: path.join(dir, 'plan-env'), name: 'local' });
    try {
      const p = await env.plan(me, { package: (await env.registerFile(me, forged)).id });
      const ids = p.checks.find((c) => c.name === 'ids')!;
      assert.equal(ids.ok, false, JSON.stringify(ids));
      assert.deepEqual(ids.details, ['sales.items: `7` is the id of data/sales.items/00001.jsonl line 3 and of data/sales.items/00000.jsonl line 1']);
      assert.equal(p.ok, false);
    } finally {
      await env.close();
    }
  });

  for (const existing of [false, true]) {
    it(`fails the import's records whole, into an app ${existing ? 'that has records (merged piece by piece)' : 'without records (copied straight in)'}`, async () => {
      const env = await Environment.open({ dataDir: path.join(dir, `env-${existing}`), name: 'local' });
      try {
        if (existing) await env.db.query(`INSERT INTO records (app, id, body) VALUES ('sales.items', 'old', '{"id":"old"}')`);
        const view = await openPackageView(forged, undefined, new Date().toISOString());
        const logged: string[] = [];
        const o = { backupId: 'b_test', log: (_: 'error', line: string) => logged.push(line), onRecords: () => undefined, cancelled: () => undefined };
        // Copied straight in, the table's key finds the second one; merged, the import's reader does.
        const said = existing ? twice : /data sales\.items: the package carries the id "7" twice \(an environment compares ids as text: 1, 1\.0 and "1" are one\); nothing was imported$/;
        await assert.rejects(env.db.transaction((tx) => importRecords(tx, view, 'sales.items', 'sales.items', o, true)), said);
        assert.match(logged.join('\n'), said);
        const rows = await env.db.query<{ id: string }>(`SELECT id FROM records ORDER BY id`);
        assert.deepEqual(rows.map((r) => r.id), existing ? ['old'] : []);
      } finally {
        await env.close();
      }
    });
  }
});
