import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { isola, REPO } from '../packaging/hostile';
import { openDatabase } from '../../../server/src/core/environment/db/open';
import { openPackageView } from '../../../server/src/core/environment/packageView';
import { recordsCheck } from '../../../server/src/core/environment/recordLinks';
import { defaultCatalog } from '../../../server/src/core/catalog/catalog';

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

describe('a card that differs only in letter case from an entity the environment holds', () => {
  // Each package alone is readable; together they would leave the environment with `e.orders` and
  // `e.Orders`, and its export of `e` would be a package no reader accepts (it folds entry names).
  it('fails the plan and is refused, while a card of another step so named passes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-case-'));
    const env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    const me = Environment.localCaller('dev');
    try {
      const ws = project(path.join(dir, 'ws'), { kind: 'workspace', code: 'e', title: 'E', version: '1.0.0', languages: ['en'], apps: [{ code: 'orders' }] });
      mkdirSync(path.join(dir, 'app'));
      writeFileSync(path.join(dir, 'app', 'Orders.isola.json'), JSON.stringify({ kind: 'app', namespace: 'e', code: 'Orders', languages: ['en'] }));
      const proc = project(path.join(dir, 'proc'), { kind: 'workspace', code: 'e', title: 'E', version: '1.0.0', languages: ['en'], apps: [{ code: 'orders' }], processes: [{ code: 'Orders' }] });
      for (const [args, out] of [[[ws, '--package', 'e'], 'ws'], [[path.join(dir, 'app'), '--package', 'Orders', '--kind', 'app'], 'app'], [[proc, '--package', 'e'], 'proc']] as const) {
        const r = isola(['build', ...args, '--out', path.join(dir, `${out}.isolapkg`)]);
        assert.equal(r.code, 0, r.err);
      }
      const planOf = async (name: string) => env.plan(me, { package: (await env.registerFile(me, path.join(dir, `${name}.isolapkg`))).id });
      const first = await planOf('ws');
      assert.equal(first.checks.find((c) => c.name === 'letterCase')?.ok, true, JSON.stringify(first.checks));
      assert.equal((await env.waitForJob((await env.startImport(me, { plan: first.id })).id)).status, 'succeeded');

      const plan = await planOf('app');
      assert.equal(plan.ok, false);
      const check = plan.checks.find((c) => c.name === 'letterCase');
      assert.equal(check?.ok, false, JSON.stringify(plan.checks));
      assert.deepEqual(check?.details, ['e.Orders: app in the package, differs only in letter case from app e.orders in the environment']);
      await assert.rejects(env.startImport(me, { plan: plan.id, onConflict: 'replace' }));
      await assert.rejects(env.entity(me, 'e.Orders'), /no entity/);

      // A process card lies in another folder of the package than the app's: no clash.
      const other = await planOf('proc');
      assert.equal(other.checks.find((c) => c.name === 'letterCase')?.ok, true, JSON.stringify(other.checks));
    } finally {
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a plan made before the environment\'s platform or languages changed', () => {
  it('is stale: its platform and languages checks read what no longer holds', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-settings-'));
    const env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    const me = Environment.localCaller('dev');
    try {
      const src = project(path.join(dir, 'src'), { kind: 'workspace', code: 'dt', title: 'Items', version: '1.0.0', languages: ['en'], platform: '2025.1', counters: [{ code: 'n', start: 1 }] });
      const r = isola(['build', src, '--package', 'dt', '--out', path.join(dir, 'dt.isolapkg')]);
      assert.equal(r.code, 0, r.err);
      await env.updateSettings(me, { platform: '2025.1' });
      const pkg = (await env.registerFile(me, path.join(dir, 'dt.isolapkg'))).id;
      const plan = await env.plan(me, { package: pkg });
      assert.ok(plan.ok, JSON.stringify(plan.checks));
      await env.updateSettings(me, { platform: '2024.4' });
      await assert.rejects(env.startImport(me, { plan: plan.id }), (e: Error & { status?: number }) => e.status === 409 && /revision/.test(e.message));
      await assert.rejects(env.entity(me, 'dt.n'), /no entity/);
      // A new plan says why.
      const again = await env.plan(me, { package: pkg });
      assert.equal(again.checks.find((c) => c.name === 'platform')?.ok, false);
      // A new name is no reason to plan again.
      await env.updateSettings(me, { platform: '2025.1' });
      const third = await env.plan(me, { package: pkg });
      await env.updateSettings(me, { name: 'staging' });
      assert.equal((await env.waitForJob((await env.startImport(me, { plan: third.id })).id)).status, 'succeeded');
    } finally {
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the records check of a plan', () => {
  it('looks up no record of an app the caller may not read, and says so instead of which exist', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-records-'));
    const db = await openDatabase({});
    try {
      const src = path.join(dir, 'src');
      cpSync(path.join(REPO, 'examples', 'invoices'), src, { recursive: true });
      writeFileSync(path.join(src, 'data', 'invoices.jsonl'), '{"id":"inv-1","purpose":"0b9f6c52-3d1e-4c8a-9a51-1f6f0c2a7d01"}\n');
      const manifest = path.join(src, 'invoices.isola.json');
      writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"payment_purposes": "data/payment_purposes.jsonl"', '"payment_purposes": "data/payment_purposes.jsonl", "invoices": "data/invoices.jsonl"'));
      const file = path.join(dir, 'inv.isolapkg');
      const r = isola(['build', src, '--package', 'invoices', '--data', 'invoices', '--out', file]);
      assert.equal(r.code, 0, r.err);
      const view = await openPackageView(file, undefined, new Date().toISOString());
      try {
        const owner = await recordsCheck(view, db, defaultCatalog(), () => true);
        assert.match(owner.message, /warning: 1 record reference/);
        assert.match(owner.details?.join('\n') ?? '', /names `0b9f6c52-3d1e-4c8a-9a51-1f6f0c2a7d01` of invoices\.payment_purposes, which is neither in the package nor in the environment/);
        const other = await recordsCheck(view, db, defaultCatalog(), (ns) => ns !== 'invoices');
        assert.doesNotMatch(other.message, /warning/);
        assert.deepEqual(other.details, ['records of invoices.payment_purposes were not looked up: reading them needs the environment administrator or the owner of `invoices`']);
      } finally {
        view.reader.close();
      }
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the list of jobs', () => {
  it('holds a user\'s own jobs however many newer ones others made', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-jobs-'));
    const env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    const admin = Environment.localCaller('admin');
    try {
      const src = project(path.join(dir, 'src'), { kind: 'workspace', code: 'dt', title: 'Items', version: '1.0.0', languages: ['en'], counters: [{ code: 'n', start: 1 }] });
      assert.equal(isola(['build', src, '--package', 'dt', '--out', path.join(dir, 'dt.isolapkg')]).code, 0);
      const ana = { id: 2, name: 'ana', admin: false, namespaces: ['dt'] };
      const plan = await env.plan(ana, { package: (await env.registerFile(admin, path.join(dir, 'dt.isolapkg'))).id });
      const mine = await env.waitForJob((await env.startImport(ana, { plan: plan.id })).id);
      assert.equal(mine.status, 'succeeded', String(mine.error));
      // 101 newer jobs of the administrator's in a namespace ana does not own.
      const other = project(path.join(dir, 'other'), { kind: 'workspace', code: 'other', title: 'Other', version: '1.0.0', languages: ['en'], counters: [{ code: 'n', start: 1 }] });
      assert.equal(isola(['build', other, '--package', 'other', '--out', path.join(dir, 'other.isolapkg')]).code, 0);
      const p2 = await env.plan(admin, { package: (await env.registerFile(admin, path.join(dir, 'other.isolapkg'))).id });
      await env.waitForJob((await env.startImport(admin, { plan: p2.id })).id);
      for (let i = 0; i < 100; i++) await env.waitForJob((await env.startExport(admin, { kind: 'namespace', code: 'other' })).id);
      assert.deepEqual((await env.jobList(ana)).map((j) => j.id), [mine.id]);
      assert.equal((await env.jobList(admin)).length, 100);
    } finally {
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a plan is stale when what it read changed, not when anything did', () => {
  it('a change in another namespace leaves the plan good; one in its own namespace makes it stale', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-stale-'));
    const env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    const admin = Environment.localCaller('admin');
    const bob = { id: 3, name: 'bob', admin: false, namespaces: ['other'] };
    try {
      // One folder per workspace, built again after each edit: its history file links the versions.
      const build = (code: string, start: number, out: string) => {
        const src = project(path.join(dir, code), { kind: 'workspace', code, title: code, version: '1.0.0', languages: ['en'], counters: [{ code: 'n', start }] });
        assert.equal(isola(['build', src, '--package', code, '--out', path.join(dir, `${out}.isolapkg`)]).code, 0);
        return path.join(dir, `${out}.isolapkg`);
      };
      const importOf = async (file: string) => {
        const plan = await env.plan(admin, { package: (await env.registerFile(admin, file)).id });
        return env.waitForJob((await env.startImport(admin, { plan: plan.id })).id);
      };
      assert.equal((await importOf(build('dt', 1, 'dt1'))).status, 'succeeded');
      assert.equal((await importOf(build('other', 1, 'other1'))).status, 'succeeded');
      const next = (await env.registerFile(admin, build('dt', 2, 'dt2'))).id;
      const first = await env.plan(admin, { package: next });
      // Another owner's edits elsewhere, as many as they like.
      for (let i = 0; i < 3; i++) await env.changeEntity(bob, 'other.n', { body: { code: 'n', start: 10 + i } });
      const job = await env.waitForJob((await env.startImport(admin, { plan: first.id })).id);
      assert.equal(job.status, 'succeeded', String(job.error));
      const third = (await env.registerFile(admin, build('dt', 3, 'dt3'))).id;
      const stale = await env.plan(admin, { package: third });
      await env.changeEntity(admin, 'dt.n', { body: { code: 'n', start: 99 } });
      await assert.rejects(env.startImport(admin, { plan: stale.id }), (e: Error & { status?: number }) => e.status === 409 && /namespaces `dt` or the settings it checked/.test(e.message));
      // Plans another user makes, more than the service keeps, push out their own, not this one.
      const mine = await env.plan(admin, { package: third });
      const theirs = (await env.registerFile(admin, build('other', 2, 'other2'))).id;
      for (let i = 0; i < 201; i++) await env.plan(bob, { package: theirs });
      const kept = await env.waitForJob((await env.startImport(admin, { plan: mine.id, onConflict: 'replace' })).id);
      assert.equal(kept.status, 'succeeded', String(kept.error));
    } finally {
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an export of an app by its code', () => {
  it('finds only apps of the caller\'s namespaces: another owner\'s app of that code is not there for them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-appexport-'));
    const env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    const admin = Environment.localCaller('admin');
    const bob = { id: 3, name: 'bob', admin: false, namespaces: ['other'] };
    try {
      for (const code of ['dt', 'other']) {
        const src = project(path.join(dir, code), { kind: 'workspace', code, title: code, version: '1.0.0', languages: ['en'], apps: [{ code: 'items', title: 'Items' }] });
        assert.equal(isola(['build', src, '--package', code, '--out', path.join(dir, `${code}.isolapkg`)]).code, 0);
        const plan = await env.plan(admin, { package: (await env.registerFile(admin, path.join(dir, `${code}.isolapkg`))).id });
        assert.equal((await env.waitForJob((await env.startImport(admin, { plan: plan.id })).id)).status, 'succeeded');
      }
      // The administrator sees both and must say which.
      await assert.rejects(env.startExport(admin, { kind: 'app', code: 'items' }), /names 2 apps; name one as namespace\.app \(dt\.items, other\.items\)/);
      // bob sees his own only, and nothing of dt's: not its name in a 403, not its id in a list.
      const job = await env.waitForJob((await env.startExport(bob, { kind: 'app', code: 'items' })).id);
      assert.equal(job.status, 'succeeded', String(job.error));
      assert.deepEqual(job.namespaces, ['other']);
      await assert.rejects(env.startExport(bob, { kind: 'app', code: 'dt.items' }), (e: Error & { status?: number }) => e.status === 404 && /no app `dt\.items`/.test(e.message) && !/owner/.test(e.message));
    } finally {
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
