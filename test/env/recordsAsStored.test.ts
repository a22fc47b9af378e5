import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../server/src/core/environment/environment';
import { isola } from '../unit/packaging/hostile';
import { backends } from './service';

// A record is imported as the package stores it, whichever way the importer takes its line: the
// scan that sends most lines as they are, or the full parse that lines with a `\u` escape (or a
// number the scan does not vouch for) go through. Written out again by JSON.stringify, a number
// went through a double: the same value in two records came out different.

const LINES = [
  { id: 'r1', line: '{"id":"r1","iban_no":12345678901234567891,"name":"Plain"}' },
  { id: 'r2', line: '{"id":"r2","iban_no":12345678901234567891,"name":"Jos\\u00e9"}' },
  { id: 'r3', line: '{"id":"r3","rate":0.1000000000000000055511151231257827,"name":"x\\"y"}' },
  { id: 'r4', line: '{"id":"r4","rate":0.1000000000000000055511151231257827,"name":"\\u0041"}' },
  { id: 'r5', line: '{"id":"r5","big":1e400,"name":"\\u00e9"}' },
];

for (const backend of backends()) {
  describe(`records imported as the package stores them (${backend.name})`, () => {
    let dir: string;
    let env: Environment;
    const me = Environment.localCaller('dev');

    before(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'isola-as-stored-'));
      env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local', databaseUrl: backend.fresh() });
    });
    after(async () => {
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const build = (name: string, lines: string[]): string => {
      const src = path.join(dir, name);
      mkdirSync(path.join(src, 'data'), { recursive: true });
      writeFileSync(path.join(src, 'acct.isola.json'), JSON.stringify({
        kind: 'workspace', code: 'acct', version: '1.0.0',
        apps: [{ code: 'accounts', fields: [{ code: 'name', type: 'string' }, { code: 'iban_no', type: 'number' }, { code: 'rate', type: 'number' }] }],
        data: { accounts: 'data/accounts.jsonl' },
      }));
      writeFileSync(path.join(src, 'data', 'accounts.jsonl'), lines.join('\n') + '\n');
      const out = path.join(dir, `${name}.isolapkg`);
      const r = isola(['build', src, '--package', 'acct', '--data', 'all', '--out', out]);
      assert.equal(r.code, 0, r.out + r.err);
      return out;
    };

    const imported = async (file: string) => {
      const plan = await env.plan(me, { package: (await env.registerFile(me, file)).id });
      return env.waitForJob((await env.startImport(me, { plan: plan.id, onConflict: 'replace' })).id);
    };

    it('numbers keep every digit the package wrote, with or without an escape elsewhere in the line', async () => {
      const job = await imported(build('exact', LINES.map((l) => l.line)));
      assert.equal(job.status, 'succeeded', job.error);
      const rows = await env.db.query<{ id: string; body: string }>(`SELECT id, body::text AS body FROM records WHERE app = 'acct.accounts' ORDER BY id`);
      const text = new Map(rows.map((r) => [r.id, r.body]));
      for (const id of ['r1', 'r2']) assert.match(text.get(id)!, /"iban_no": 12345678901234567891\b/, id);
      for (const id of ['r3', 'r4']) assert.match(text.get(id)!, /"rate": 0\.1000000000000000055511151231257827\b/, id);
      assert.match(text.get('r5')!, /"big": 1(0{400})\b/);
      assert.match(text.get('r2')!, /"name": "José"/);
      assert.match(text.get('r4')!, /"name": "A"/);
    });

    it('a number no database holds fails the import whole, and nothing of it is written', async () => {
      const job = await imported(build('overflow', ['{"id":"s1","name":"fine"}', '{"id":"s2","big":1e999999,"name":"\\u00e9"}']));
      assert.equal(job.status, 'failed');
      assert.match(job.error ?? '', /numeric/, job.error);
      assert.deepEqual(await env.db.query(`SELECT id FROM records WHERE id LIKE 's%'`), []);
    });
  });
}
