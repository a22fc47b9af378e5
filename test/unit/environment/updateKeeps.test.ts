import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { formatPlan } from '../../../server/src/cli/import';
import { isola } from '../packaging/hostile';

// "During an update ... Nothing is deleted" (ELMA365), spec §5: a category's values and the
// permissions are written as strings and without codes, and an update kept neither.

describe('an update keeps the category values and permissions the package lacks', () => {
  let dir: string;
  let dataDir: string;
  const me = Environment.localCaller('dev');

  /** A package of workspace `cw` whose app `vat` has these country values and permissions. */
  function build(version: string, values: unknown[], permissions: unknown[]): string {
    // One source folder, as a developer's: its history links each version to the one before.
    const src = path.join(dir, 'src');
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'c.isola.json'), JSON.stringify({
      kind: 'workspace', code: 'cw', title: 'C', version, languages: ['en'],
      groups: [{ code: 'clerks' }, { code: 'auditors' }],
      apps: [{ code: 'vat', fields: [{ code: 'country', type: 'enum', values }], permissions }],
    }));
    const out = path.join(dir, `cw-${version}.isolapkg`);
    const r = isola(['build', src, '--package', 'cw', '--out', out]);
    assert.equal(r.code, 0, r.out + r.err);
    return out;
  }

  async function importFile(env: Environment, file: string) {
    const stored = await env.registerFile(me, file);
    const plan = await env.plan(me, { package: stored.id });
    assert.ok(plan.ok, JSON.stringify(plan.checks.filter((c) => !c.ok)));
    const job = await env.startImport(me, { plan: plan.id });
    assert.equal((await env.waitForJob(job.id)).status, 'succeeded');
    return plan;
  }

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-update-keeps-'));
    dataDir = path.join(dir, 'env');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps "DE" and the auditors\' right, says so in the plan, and holds both afterwards', async () => {
    const v1 = build('1.0.0', ['RU', 'KZ', 'DE'], [{ group: 'clerks', access: 'update' }, { group: 'auditors', access: 'read' }]);
    const v2 = build('1.1.0', ['RU', 'KZ', 'BY'], [{ group: 'clerks', access: 'full' }]);
    const env = await Environment.open({ dataDir, name: 'local' });
    try {
      await importFile(env, v1);
      const plan = await importFile(env, v2);
      const row = (id: string) => plan.entities.find((e) => e.id === id)!;
      assert.deepEqual([row('cw.vat').action, row('cw.vat').kept], ['update', ['fields.country.values.DE']]);
      assert.deepEqual([row('cw.vat.permissions').action, row('cw.vat.permissions').kept], ['update', ['permissions.group:auditors']]);
      const text = formatPlan('local', plan);
      assert.match(text, /update +app +cw\.vat\n +keeps the environment's fields\.country\.values\.DE/);
      assert.match(text, /update +permissions +cw\.vat\.permissions\n +keeps the environment's permissions\.group:auditors/);

      const vat = await env.entity(me, 'cw.vat');
      assert.deepEqual((vat.body.fields as { values: unknown[] }[])[0].values, ['RU', 'KZ', 'DE', 'BY']);
      const perms = await env.entity(me, 'cw.vat.permissions');
      assert.deepEqual(perms.body.permissions, [{ group: 'clerks', access: 'full' }, { group: 'auditors', access: 'read' }]);

      // A package that only lacks them changes nothing, and the plan still names what stays.
      const v3 = build('1.2.0', ['RU', 'KZ', 'BY'], [{ group: 'clerks', access: 'full' }]);
      const again = await importFile(env, v3);
      assert.deepEqual(again.entities.find((e) => e.id === 'cw.vat')!.kept, ['fields.country.values.DE']);
      assert.match(formatPlan('local', again), /unchanged +app +cw\.vat\n +keeps the environment's fields\.country\.values\.DE/);
    } finally {
      await env.close();
    }
  });
});
