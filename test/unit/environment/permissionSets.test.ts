import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { isola } from '../packaging/hostile';

// A solution whose workspaces declare languages, a platform and permission sets, as platform
// users write them, through the real CLI build and the embedded environment: the environment's
// checks see the members' languages and platform (they no longer pass for want of any), and a
// permission set arrives as the set it was.

const write = (dir: string, rel: string, v: object) => {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), JSON.stringify(v, null, 2));
};

describe('a solution of workspaces with languages, platform and permission sets, in the environment', () => {
  let dir: string;
  let file: string;
  let env: Environment;
  const me = Environment.localCaller('dev');

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-sets-'));
    const src = path.join(dir, 'src');
    write(src, 'sol.isola.json', { kind: 'solution', code: 'sol', version: '1.0.0', includes: ['sales/sales.isola.json'] });
    write(src, 'sales/sales.isola.json', {
      kind: 'workspace', code: 'sales', version: '1.0.0', platform: '2030.1', languages: ['en', 'ru'],
      groups: [{ code: 'clerks' }],
      apps: [{ code: 'orders', permissions: [{ group: 'clerks', access: ['read', 'create', 'update'] }, { group: '_system.administrators', access: 'full' }] }],
    });
    file = path.join(dir, 'sol.isolapkg');
    const r = isola(['build', src, '--package', 'sol', '--out', file]);
    assert.equal(r.code, 0, r.out + r.err);
    env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
  });
  after(async () => {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the languages check compares the members\' languages with the environment\'s', async () => {
    await env.updateSettings(me, { languages: ['ru', 'en'] });
    const pkg = await env.registerFile(me, file);
    const plan = await env.plan(me, { package: pkg.id });
    const languages = plan.checks.find((c) => c.name === 'languages')!;
    assert.equal(languages.ok, false, languages.message);
    assert.match(languages.message, /the package has languages en, ru but the environment has ru, en/);
  });

  it('the platform check sees the highest platform a member needs', async () => {
    await env.updateSettings(me, { languages: ['en', 'ru'], platform: '2024.4' });
    const pkg = await env.registerFile(me, file);
    const plan = await env.plan(me, { package: pkg.id });
    const platform = plan.checks.find((c) => c.name === 'platform');
    assert.ok(platform, plan.checks.map((c) => c.name).join(', '));
    assert.equal(platform.ok, false, platform.message);
    assert.match(platform.message, /2030\.1/);
  });

  it('a permission set is imported as the set it was', async () => {
    await env.updateSettings(me, { platform: '2031.1' });
    const pkg = await env.registerFile(me, file);
    const plan = await env.plan(me, { package: pkg.id });
    assert.ok(plan.ok, JSON.stringify(plan.checks));
    const job = await env.startImport(me, { plan: plan.id });
    let j = await env.job(me, job.id);
    while (!['succeeded', 'failed', 'cancelled'].includes(j.status)) {
      await new Promise((r) => setTimeout(r, 50));
      j = await env.job(me, job.id);
    }
    assert.equal(j.status, 'succeeded', String(j.error));
    const card = await env.entity(me, 'sales.orders.permissions');
    assert.deepEqual((card.body as { permissions: unknown[] }).permissions, [
      { group: 'clerks', access: ['read', 'create', 'update'] },
      { group: '_system.administrators', access: 'full' },
    ]);
  });
});
