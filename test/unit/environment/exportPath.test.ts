import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import type { ExportRequest, Job } from '../../../server/src/core/environment/types';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { writePackage } from '../../../server/src/core/packaging/writer';
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
    // A language name an older version's settings took; a package's reader takes only language codes.
    const settings = await env.info();
    const setLanguages = (languages: string[]) => env.db.query(`UPDATE isola_meta SET value = jsonb_set(value, '{languages}', $1::jsonb) WHERE key = 'settings'`, [JSON.stringify(languages)]);
    await setLanguages(['English']);
    try {
      const job = await exported({ kind: 'namespace', code: 'invoices' });
      assert.equal(job.status, 'failed');
      assert.match(job.error ?? '', /not a package this environment accepts/);
      assert.deepEqual(await state(), before);
      const log = (await env.jobLog(me, job.id)).map((l) => l.line).join('\n');
      assert.doesNotMatch(log, /exported \d+ design entit/, 'nothing is said to be exported');
    } finally {
      await setLanguages(settings.languages);
    }
  });

  it('settings take language codes only, and an export\'s title and comment only text a database stores', async () => {
    await assert.rejects(env.updateSettings(me, { languages: ['en', 'English'] }), (e: Error & { status?: number }) => {
      assert.equal(e.status, 400);
      assert.equal(e.message, '"languages": "English" is not a language code such as "en", "ru" or "pt-BR"');
      return true;
    });
    assert.deepEqual((await env.updateSettings(me, { languages: ['en', 'ru', 'pt-BR'] })).languages, ['en', 'ru', 'pt-BR']);
    for (const k of ['title', 'comment'] as const) {
      await assert.rejects(env.startExport(me, { kind: 'namespace', code: 'invoices', [k]: 'half \ud800 of a pair' }), (e: Error & { status?: number }) => {
        assert.equal(e.status, 400);
        assert.equal(e.message, `"${k}" holds an unpaired surrogate (not Unicode), which no environment stores`);
        return true;
      });
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

  describe('names that differ only in letter case', () => {
    const ws = (script: string, file: string) => JSON.stringify({
      kind: 'workspace', code: 'casews', title: 'Cases', version: '1.0.0',
      apps: [{ code: 'things', title: 'Things', fields: [{ code: 'name', title: 'Name', type: 'string' }] }],
      processes: [{ code: 'p', title: 'P', app: 'things', scripts: [{ code: script, file }] }],
    });
    let src: string;
    before(async () => {
      src = path.join(dir, 'casews');
      mkdirSync(path.join(src, 'scripts'), { recursive: true });
      writeFileSync(path.join(src, 'scripts', 'run.ts'), 'export const a = 1;\n');
      writeFileSync(path.join(src, 'scripts', 'Run2.ts'), 'export const b = 2;\n');
      writeFileSync(path.join(src, 'casews.isola.json'), ws('run', 'scripts/run.ts'));
      await imported(build(src, 'casews', 'casews-1.isolapkg'));
    });

    it('a plan refuses an update whose merged entity would hold two files named alike but for letter case', async () => {
      writeFileSync(path.join(src, 'casews.isola.json'), ws('Run', 'scripts/Run2.ts'));
      const plan = await env.plan(me, { package: (await env.registerFile(me, build(src, 'casews', 'casews-2.isolapkg'))).id });
      assert.equal(plan.ok, false);
      const check = plan.checks.find((c) => c.name === 'letterCase')!;
      assert.equal(check.ok, false);
      assert.match(check.message, /1 entity would hold, once imported, two files whose names differ only in letter case/);
      assert.deepEqual(check.details, [
        'casews.p: script `run` and script `Run` would be carried as scripts/casews.p.run.ts and scripts/casews.p.Run.ts, which differ only in letter case; ' +
        "the environment's script `run` stays (an update never deletes what the package lacks): give the package's script `Run` a code that differs in more than letter case, " +
        'or first remove script `run` from casews.p in the environment (PUT /v1/entities/casews.p)',
      ]);
      await assert.rejects(env.startImport(me, { plan: plan.id }));
    });

    it('an export of such an entity held from before is refused before a package is written, naming the way out', async () => {
      // As an environment holds it after an update made before plans checked it.
      const p = await env.entity(me, 'casews.p');
      const run = (p.body.scripts as { code: string; file: { file: string } }[])[0];
      const both = [run, { ...run, code: 'Run', file: { ...run.file, file: 'scripts/casews.p.Run.ts' } }];
      await env.db.query(`UPDATE entities SET body = $2 WHERE id = $1`, ['casews.p', JSON.stringify({ ...p.body, scripts: both })]);
      const before = await state();
      const job = await exported({ kind: 'namespace', code: 'casews' });
      assert.equal(job.status, 'failed');
      assert.match(job.error ?? '', /^workspace `casews` cannot be exported: 1 pair\(s\) of names differ only in letter case/);
      assert.match(job.error ?? '', /casews\.p: script `run` and script `Run` are carried as scripts\/casews\.p\.run\.ts and scripts\/casews\.p\.Run\.ts, which differ only in letter case; remove one of them from casews\.p with PUT \/v1\/entities\/casews\.p/);
      const log = (await env.jobLog(me, job.id)).map((l) => l.line).join('\n');
      assert.doesNotMatch(log, /: casews\.\w+ exported|exported \d+ design entit/);
      assert.deepEqual(await state(), before);
      // The way out the refusal names works.
      await env.changeEntity(me, 'casews.p', { body: { ...p.body, scripts: [both[1]] } });
      const again = await exported({ kind: 'namespace', code: 'casews' });
      assert.equal(again.status, 'succeeded', again.error);
    });
  });

  describe('a script\'s Global flag that is not a boolean', () => {
    it('is refused by PUT with the schema\'s words, as a manifest saying it fails MAN002', async () => {
      const e = await env.entity(me, 'invoices.approve_invoice');
      const scripts = e.body.scripts as unknown[];
      for (const [global, said] of [[1, 'number 1'], ['true', 'the string "true"']]) {
        const body = { ...e.body, scripts: [...scripts, { code: 's1', global, source: 'return 1;' }] };
        await assert.rejects(env.changeEntity(me, 'invoices.approve_invoice', { body }), (err: Error & { status?: number }) => {
          assert.equal(err.status, 422);
          assert.match(err.message, new RegExp(`^"body" does not match the schema of a process, as a manifest's would have to: \`scripts\\[1\\]\\.global\` must be boolean, not ${said}$`));
          return true;
        });
      }
      assert.equal((await env.entity(me, 'invoices.approve_invoice')).hash, e.hash, 'nothing was stored');
      // A boolean is what a manifest may say, and is stored.
      await env.changeEntity(me, 'invoices.approve_invoice', { body: { ...e.body, scripts: [...scripts, { code: 's1', global: false, source: 'return 1;' }] } });
    });

    it('refuses the export of such a body stored from before, naming the entity and the way out', async () => {
      const e = await env.entity(me, 'invoices.approve_invoice');
      const scripts = e.body.scripts as unknown[];
      // As an environment holds it after a PUT made before bodies were checked.
      await env.db.query(`UPDATE entities SET body = $2 WHERE id = $1`, [e.id, JSON.stringify({ ...e.body, scripts: [...scripts, { code: 's2', global: 1, source: 'return 1;' }] })]);
      try {
        const job = await exported({ kind: 'namespace', code: 'invoices' });
        assert.equal(job.status, 'failed');
        assert.match(job.error ?? '', /^workspace `invoices` is not isolated: 1 finding\(s\), which `isola build` would refuse too; nothing was exported: MAN002 invoices\.approve_invoice: `scripts\[\d+\]\.global` must be boolean, not number 1 \(change it with PUT \/v1\/entities\/invoices\.approve_invoice\)$/);
      } finally {
        await env.db.query(`UPDATE entities SET body = $2 WHERE id = $1`, [e.id, JSON.stringify(e.body)]);
      }
    });

    it('fails the plan of a package whose card says it', async () => {
      const r = await PackageReader.open(path.join(dir, 'invoices.isolapkg'));
      const out = path.join(dir, 'global-one.isolapkg');
      try {
        const cards = (await r.cards()).map((c) => c.card).map((c) => {
          if (c.id !== 'invoices.approve_invoice') return c;
          const body = { ...c.body, scripts: (c.body.scripts as Record<string, unknown>[]).map((x) => ({ ...x, global: 1 })) };
          return { ...c, body, hash: sha256(canonicalJson(body)) };
        });
        const files: { path: string; data: Buffer }[] = [];
        for (const name of r.entries.keys()) if (name.startsWith('scripts/') || name.startsWith('templates/files/')) files.push({ path: name, data: await r.read(name) });
        await writePackage({ out, cards, files, data: [], descriptor: { ...r.descriptor, options: { ...r.descriptor.options, data: 'none' } } });
      } finally {
        r.close();
      }
      const plan = await env.plan(me, { package: (await env.registerFile(me, out)).id });
      assert.equal(plan.ok, false);
      const check = plan.checks.find((c) => c.name === 'schema')!;
      assert.equal(check.ok, false);
      assert.deepEqual(check.details, ['invoices.approve_invoice: `scripts[0].global` must be boolean, not number 1']);
    });
  });
});
