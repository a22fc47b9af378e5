import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { EnvError } from '../../../server/src/core/environment/errors';
import { isola } from '../packaging/hostile';

// An embedded database that fills its disk stops (pgliteCrash.ts), so the environment refuses a job
// the disk has no room for before it starts: 507 `no-space`, saying how much is free and needed.
// The free space is faked through the environment's `freeSpace` option.

const MB = 2 ** 20;

describe('an environment whose disk is nearly full', () => {
  let dir: string;
  let pkg: string;
  const me = Environment.localCaller('dev');

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-space-'));
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'data'), { recursive: true });
    writeFileSync(path.join(src, 'sales.isola.json'), JSON.stringify({ kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'items', fields: [{ code: 'name', type: 'string' }] }], data: { items: 'data/items.jsonl' } }));
    // 2,000 records of about 1 KB: 2 MB unpacked, so the import needs 32 + 5 x 2 = 42 MB.
    const lines = Array.from({ length: 2_000 }, (_, i) => JSON.stringify({ id: `r${i}`, name: `${i} ${'x'.repeat(1000)}` }));
    writeFileSync(path.join(src, 'data', 'items.jsonl'), lines.join('\n') + '\n');
    pkg = path.join(dir, 'sales.isolapkg');
    const r = isola(['build', src, '--package', 'sales', '--data', 'all', '--out', pkg]);
    assert.equal(r.code, 0, r.out + r.err);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses an import, a restore and an export it has no room for, before any job starts', async () => {
    const dataDir = path.join(dir, 'env');
    let free = 20 * MB;
    const asked: string[] = [];
    const env = await Environment.open({ dataDir, name: 'local', freeSpace: (d) => (asked.push(d), free) });
    try {
      const plan = await env.plan(me, { package: (await env.registerFile(me, pkg)).id });
      const refusal = await env.startImport(me, { plan: plan.id }).then(() => undefined, (e) => e);
      assert.ok(refusal instanceof EnvError, String(refusal));
      assert.equal(refusal.status, 507);
      assert.equal(refusal.reason, 'no-space');
      assert.match(refusal.message, new RegExp(`^not enough free disk space for this import: ${path.join(dataDir, 'db').replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} has 20 MB free, and the import needs about 4[23] MB there \\(its database grows by several times the package's unpacked size, 2 MB\\); free space on that disk and try again$`));
      assert.deepEqual(await env.jobList(me), [], 'no job was started');

      // The plan stays good: with room, the same plan imports.
      free = 43 * MB;
      const job = await env.waitForJob((await env.startImport(me, { plan: plan.id })).id);
      assert.equal(job.status, 'succeeded', job.error);
      const [{ n }] = await env.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM records`);
      assert.equal(n, 2_000);

      free = 20 * MB;
      const restore = await env.restore(me, job.backupId!).then(() => undefined, (e) => e);
      assert.equal((restore as EnvError)?.status, 507, String(restore));
      assert.match((restore as Error).message, /^not enough free disk space for this restore: .* has 20 MB free, and the restore needs about \d+ MB there; free space on that disk and try again$/);

      free = 10 * MB;
      const exported = await env.startExport(me, { kind: 'workspace', code: 'sales', design: 'all', data: 'all' }).then(() => undefined, (e) => e);
      assert.equal((exported as EnvError)?.status, 507, String(exported));
      assert.match((exported as Error).message, /^not enough free disk space for this export: .*packages has 10 MB free, and the export needs at least 32 MB there; free space on that disk and try again$/);
      assert.equal((await env.jobList(me)).length, 1, 'only the import ran');
      assert.ok(asked.includes(path.join(dataDir, 'db')) && asked.includes(path.join(dataDir, 'packages')), asked.join(', '));

      // With room, the restore takes the import back.
      free = 1024 * MB;
      await env.restore(me, job.backupId!);
      const [{ n: left }] = await env.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM records`);
      assert.equal(left, 0);
    } finally {
      await env.close();
    }
  });

  it('refuses an upload its disk has no room for: by its declared size before a byte is read, and while a body of no declared size streams', async () => {
    const dataDir = path.join(dir, 'env-upload');
    let free = 40 * MB;
    const env = await Environment.open({ dataDir, name: 'local', freeSpace: () => free });
    const partials = () => readdirSync(path.join(dataDir, 'packages')).filter((f) => f.includes('partial'));
    try {
      const bytes = readFileSync(pkg);
      let read = false;
      const declared = new Readable({ read() { read = true; this.push(bytes); this.push(null); } });
      // 32 MB the database keeps and 10 MB of package: 42 MB, and the disk has 40.
      const refused = await env.upload(me, declared, 10 * MB).then(() => undefined, (e) => e);
      assert.equal((refused as EnvError)?.status, 507, String(refused));
      assert.equal((refused as EnvError).reason, 'no-space');
      assert.match((refused as Error).message, /^not enough free disk space for this upload: .*packages has 40 MB free, and storing the package needs at least 42 MB there \(its 10 MB and room the environment's database keeps\); free space on that disk and try again$/);
      assert.equal(read, false, 'the body was read');

      free = 1024 * MB;
      assert.match((await env.upload(me, Readable.from([bytes]), bytes.length)).id, /^k_/);

      // No declared size: the disk fills while it comes (another writer), and it stops.
      let sent = 0;
      const streaming = new Readable({
        read() {
          if (sent >= 64 * MB) return void this.push(null);
          sent += MB;
          if (sent > 8 * MB) free = 20 * MB;
          this.push(Buffer.alloc(MB));
        },
      });
      const stopped = await env.upload(me, streaming).then(() => undefined, (e) => e);
      assert.equal((stopped as EnvError)?.status, 507, String(stopped));
      assert.ok(sent < 64 * MB, `read all ${sent} bytes`);
      assert.deepEqual(partials(), [], 'nothing of it is left');
    } finally {
      await env.close();
    }
  });

  it('counts only what an import writes: a design-only import of the same package needs no room for its records', async () => {
    const env = await Environment.open({ dataDir: path.join(dir, 'env2'), name: 'local', freeSpace: () => 33 * MB });
    try {
      const id = (await env.registerFile(me, pkg)).id;
      const all = await env.plan(me, { package: id });
      assert.equal((await env.startImport(me, { plan: all.id }).then(() => undefined, (e) => e))?.status, 507);
      const design = await env.plan(me, { package: id, data: 'none' });
      const job = await env.waitForJob((await env.startImport(me, { plan: design.id })).id);
      assert.equal(job.status, 'succeeded', job.error);
    } finally {
      await env.close();
    }
  });
});

describe('exports no client downloaded', () => {
  it('are forgotten after a day, row and file; a younger one stays', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-exports-kept-'));
    const env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    const me = Environment.localCaller('dev');
    try {
      const src = path.join(dir, 'src');
      mkdirSync(src);
      writeFileSync(path.join(src, 'ws.isola.json'), JSON.stringify({ kind: 'workspace', code: 'ws', version: '1.0.0', groups: [{ code: 'g' }] }));
      const pkg = path.join(dir, 'ws.isolapkg');
      assert.equal(isola(['build', src, '--package', 'ws', '--out', pkg]).code, 0);
      const plan = await env.plan(me, { package: (await env.registerFile(me, pkg)).id });
      assert.equal((await env.waitForJob((await env.startImport(me, { plan: plan.id })).id)).status, 'succeeded');
      const exportOf = async () => env.package(me, ((await env.waitForJob((await env.startExport(me, { kind: 'namespace', code: 'ws' })).id)).result as { package: string }).package);
      const old = await exportOf();
      await env.db.query(`UPDATE packages SET created_at = $1 WHERE id = $2`, ['2026-01-01T00:00:00.000Z', old.id]);
      // A younger export (each export is a package of its own: its descriptor says when it was made).
      await env.changeEntity(me, 'ws.g', { body: { code: 'g', title: 'Renamed' } });
      const young = await exportOf();
      assert.notEqual(young.id, old.id);
      assert.equal(await env.forgetUndownloadedExports(), 1);
      await assert.rejects(env.package(me, old.id), (e: EnvError) => e.status === 404);
      assert.equal(existsSync(old.file), false);
      assert.equal((await env.package(me, young.id)).id, young.id);
      assert.ok(existsSync(young.file));
      // The uploads and registered files stay, however old.
      assert.equal((await env.package(me, plan.package.id)).origin, 'local');
    } finally {
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
