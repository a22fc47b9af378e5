import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { isola } from '../packaging/hostile';

// An id names one entity whatever its type: a package whose card has the id of an entity of
// another type must not turn that entity into something else (an app into a counter, its records
// left without their app), not even when the caller replaces conflicts.

const project = (dir: string, manifest: object): string => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'dt.isola.json'), JSON.stringify(manifest, null, 2));
  return dir;
};

describe('a card of another type under an id the environment holds', () => {
  let dir: string;
  let env: Environment;
  const me = Environment.localCaller('dev');

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-types-'));
    const ws = { kind: 'workspace', code: 'dt', title: 'Items', version: '1.0.0', languages: ['en'] };
    const first = project(path.join(dir, 'v1'), { ...ws, apps: [{ code: 'items', title: 'Items', fields: [{ code: 'name', type: 'string' }] }] });
    // Another project of the same workspace, where `items` is a counter.
    const other = project(path.join(dir, 'v2'), { ...ws, counters: [{ code: 'items', start: 1 }] });
    for (const [src, out] of [[first, 'v1.isolapkg'], [other, 'v2.isolapkg']]) {
      const r = isola(['build', src, '--package', 'dt', '--out', path.join(dir, out)]);
      assert.equal(r.code, 0, r.err);
    }
    env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    const plan = await env.plan(me, { package: (await env.registerFile(me, path.join(dir, 'v1.isolapkg'))).id });
    assert.equal((await env.waitForJob((await env.startImport(me, { plan: plan.id })).id)).status, 'succeeded');
  });
  after(async () => {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the plan, naming both types, and an import with replace is refused with nothing written', async () => {
    const plan = await env.plan(me, { package: (await env.registerFile(me, path.join(dir, 'v2.isolapkg'))).id });
    assert.equal(plan.ok, false);
    const types = plan.checks.find((c) => c.name === 'types');
    assert.equal(types?.ok, false, JSON.stringify(plan.checks));
    assert.deepEqual(types?.details, ['dt.items: counter in the package, app in the environment']);
    await assert.rejects(env.startImport(me, { plan: plan.id, onConflict: 'replace' }));
    const items = await env.entity(me, 'dt.items');
    assert.equal(items.type, 'app');
    assert.deepEqual((items.body.fields as { code: string }[]).map((f) => f.code), ['name']);
  });
});
