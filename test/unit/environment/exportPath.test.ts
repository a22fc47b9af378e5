import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import type { ExportRequest, Job } from '../../../server/src/core/environment/types';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { isola, REPO } from '../packaging/hostile';

// What an export of the environment carries, and what it refuses, through the Environment API
// the CLI and the HTTP service both call.

describe('the export path of an environment', () => {
  let dir: string;
  let env: Environment;
  const me = Environment.localCaller('dev');

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-export-path-'));
    env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    const src = path.join(dir, 'invoices');
    cpSync(path.join(REPO, 'examples', 'invoices'), src, { recursive: true });
    await imported(build(src, 'invoices', 'invoices.isolapkg', ['--data', 'all']));
  });
  after(async () => {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const imported = async (file: string) => {
    const plan = await env.plan(me, { package: (await env.registerFile(me, file)).id });
    assert.ok(plan.ok, JSON.stringify(plan.checks.filter((c) => !c.ok)));
    const job = await env.waitForJob((await env.startImport(me, { plan: plan.id, onConflict: 'replace' })).id);
    assert.equal(job.status, 'succeeded', job.error);
  };
  const build = (src: string, pkg: string, name: string, args: string[] = []) => {
    const out = path.join(dir, name);
    const r = isola(['build', src, '--package', pkg, '--out', out, ...args]);
    assert.equal(r.code, 0, r.out + r.err);
    return out;
  };
  const exported = async (r: ExportRequest): Promise<Job> => env.waitForJob((await env.startExport(me, r)).id);

  it('takes a bare app code for the data to carry, as build and import do', async () => {
    const job = await exported({ kind: 'namespace', code: 'invoices', data: ['payment_purposes'] });
    assert.equal(job.status, 'succeeded', job.error);
    const r = await PackageReader.open((await env.package(me, (job.result as { package: string }).package)).file);
    try {
      assert.deepEqual(r.descriptor.data.map((d) => d.app), ['invoices.payment_purposes']);
      assert.deepEqual(r.descriptor.options.data, ['invoices.payment_purposes']);
    } finally {
      r.close();
    }
    const none = await exported({ kind: 'namespace', code: 'invoices', data: ['no_such_app'] });
    assert.equal(none.status, 'failed');
    assert.match(none.error ?? '', /no records of no_such_app in workspace `invoices` \(apps with records: .*invoices\.payment_purposes/);
  });
  /** The files of the store's folder, and every history entry the environment holds. */
  const state = async () => ({
    files: readdirSync(path.join(dir, 'env', 'packages')).sort(),
    history: await env.db.query(`SELECT id, seq, hash FROM entity_history ORDER BY id, seq`),
  });

  it('a package the reader refuses is neither left in the store nor recorded in any history', async () => {
    // Changed here, so an export hands out a version the environment has not recorded yet.
    const ws = await env.entity(me, 'invoices');
    await env.changeEntity(me, 'invoices', { body: { ...ws.body, title: 'Invoices (ours)' } });
    const before = await state();
    // Settings take any language name; a package's reader takes only language codes.
    const settings = await env.info();
    await env.updateSettings(me, { languages: ['English'] });
    try {
      const job = await exported({ kind: 'namespace', code: 'invoices' });
      assert.equal(job.status, 'failed');
      assert.match(job.error ?? '', /not a package this environment accepts/);
      assert.deepEqual(await state(), before);
      const log = (await env.jobLog(me, job.id)).map((l) => l.line).join('\n');
      assert.doesNotMatch(log, /exported \d+ design entit/, 'nothing is said to be exported');
    } finally {
      await env.updateSettings(me, { languages: settings.languages });
    }
  });

  it('an export whose package cannot be recorded keeps neither the file nor the versions it would hand out', async () => {
    const ws = await env.entity(me, 'invoices');
    await env.changeEntity(me, 'invoices', { body: { ...ws.body, title: 'Invoices (ours again)' } });
    const before = await state();
    await env.db.query(`CREATE FUNCTION refuse_package() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql`);
    await env.db.query(`CREATE TRIGGER refuse_package BEFORE INSERT ON packages FOR EACH ROW EXECUTE FUNCTION refuse_package()`);
    try {
      const job = await exported({ kind: 'namespace', code: 'invoices' });
      assert.equal(job.status, 'failed');
      assert.match(job.error ?? '', /disk full/);
      assert.deepEqual(await state(), before);
    } finally {
      await env.db.query(`DROP TRIGGER refuse_package ON packages`);
      await env.db.query(`DROP FUNCTION refuse_package()`);
    }
    const job = await exported({ kind: 'namespace', code: 'invoices' });
    assert.equal(job.status, 'succeeded', job.error);
    const after = await state();
    assert.equal(after.files.length, before.files.length + 1);
    assert.ok(after.history.length > before.history.length, 'a stored export records the versions it hands out');
  });

  it('refuses to export the global objects or the org chart as a namespace, before a job starts', async () => {
    for (const code of ['global', '#orgchart']) {
      await assert.rejects(env.startExport(me, { kind: 'namespace', code }), (e: Error & { status?: number }) => {
        assert.equal(e.status, 400);
        assert.match(e.message, new RegExp(`namespace \`${code}\` holds .*only a configuration package carries: export the configuration instead`));
        return true;
      });
    }
  });
});
