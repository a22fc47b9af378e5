/**
 * Choosing at import what to import (Protogrid seed 1.2), against the real service and the CLI:
 * design all or none; data none, all or chosen apps. A data-only import leaves the design as it
 * was; only the chosen apps' records are written; the plan and the job's log say what was left
 * out; an app the package has no data of is 400. Runs on PGlite, and on PostgreSQL when
 * ISOLA_TEST_PG is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { expectStatus, importFile, runImport, snapshot, upload, Workdir } from './fixtures';
import { api, backends, CLI, removeData, Service, startService } from './service';

const MANIFEST = 'invoices.isola.json';
const PURPOSES = 'invoices.payment_purposes';
const INVOICES = 'invoices.invoices';
const VAT = 'custom_objects.vat_rates';
/** The count line of one data app in an import log. */
const COUNT_LINE = /^data (\S+): (\d+) record\(s\)/;
/** A line of an import log that reports one design entity. */
const ENTITY_LINE = /^[a-z]+: [a-z][a-z0-9_.]* (created|updated|unchanged|replaced)/;

/** `n` records of one app as JSONL, their bodies marked with `version`. */
function jsonl(prefix: string, n: number, version: string): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ id: `${prefix}-${i}`, name: `${prefix} ${i}`, version })).join('\n') + '\n';
}

/** Record bodies of an app, by id. */
async function records(s: Service, app: string): Promise<Record<string, any>> {
  const list = expectStatus(await api(s, 'GET', `/v1/records/${app}?limit=1000`, { token: s.adminToken }), 200, `records of ${app}`);
  return Object.fromEntries(list.map((r: any) => [r.id, r.body]));
}

async function logOf(s: Service, job: string): Promise<string[]> {
  return expectStatus(await api(s, 'GET', `/v1/jobs/${job}/log`, { token: s.adminToken }), 200, 'log').map((l: any) => l.line);
}

/** Runs the bundled CLI in `cwd` (without blocking the test's event loop). */
function isola(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

interface Files { v1: string; v2: string; v3: string; v4: string; solution: string }

/** The invoices example with a second data app, built four times with new records (and design) each time; a solution with data in a member workspace. */
function buildAll(work: Workdir): Files {
  const p = work.copyExample('invoices', 'project').edit(MANIFEST, ['data', 'invoices'], 'data/invoices.jsonl');
  const version = (v: string) => p.write('data/invoices.jsonl', jsonl('inv', 3, v)).write('data/payment_purposes.jsonl', jsonl('pp', 4, v));
  const v1 = version('v1').build('invoices');
  const v2 = version('v2').edit(MANIFEST, ['groups', 0, 'title'], 'Accountants (v2)').build('invoices');
  const v3 = version('v3').edit(MANIFEST, ['groups', 0, 'title'], 'Accountants (v3)').build('invoices');
  const v4 = version('v4').edit(MANIFEST, ['groups', 0, 'title'], 'Accountants (v4)').build('invoices');
  const s = work.copyExample('payments', 'payments');
  mkdirSync(path.join(s.dir, 'custom_objects', 'data'));
  const solution = s.write('custom_objects/data/vat_rates.jsonl', jsonl('vat', 2, 's1'))
    .edit('custom_objects/custom_objects.isola.json', ['data'], { vat_rates: 'data/vat_rates.jsonl' })
    .build('payments_solution');
  return { v1, v2, v3, v4, solution };
}

for (const backend of backends()) {
  describe(`choosing what to import (${backend.name})`, () => {
    let work: Workdir;
    let files: Files;
    let svc: Service;
    let T: string;

    before(async () => {
      work = new Workdir();
      files = buildAll(work);
      svc = await startService({ databaseUrl: backend.fresh() });
      T = svc.adminToken;
    });

    after(async () => {
      await svc?.stop();
      if (svc) removeData(svc);
      work?.dispose();
    });

    const planOf = async (pkg: string, choice: Record<string, unknown>) =>
      expectStatus(await api(svc, 'POST', '/v1/plans', { token: T, body: { package: pkg, ...choice } }), 201, `plan ${JSON.stringify(choice)}`);

    it('data only into an environment that lacks the apps: the data check refuses it, nothing is listed as kept', async () => {
      const pkg = await upload(svc, T, files.v1);
      const p = await planOf(pkg.id, { design: 'none' });
      assert.deepEqual({ design: p.choice.design, data: p.choice.data }, { design: 'none', data: 'all' }, 'data defaults to all');
      assert.deepEqual(p.entities, []);
      assert.deepEqual(p.counts, { create: 0, update: 0, unchanged: 0, conflict: 0, kept: 0 });
      assert.deepEqual(p.choice.offered, { entities: 13, apps: [{ app: PURPOSES, records: 4 }, { app: INVOICES, records: 3 }] });
      assert.deepEqual(p.choice.leftOut, { entities: 13, apps: [] });
      const data = p.checks.find((c: any) => c.name === 'data');
      assert.equal(data?.ok, false, JSON.stringify(p.checks));
      assert.deepEqual(data.details.sort(), [INVOICES, PURPOSES]);
      assert.equal(p.ok, false);
      const r = await api(svc, 'POST', '/v1/imports', { token: T, body: { plan: p.id } });
      assert.equal(r.status, 422, JSON.stringify(r.body));
    });

    it('design none, data all: only records are written; every design entity stays as it was', async () => {
      await importFile(svc, T, files.v1);
      const before = await snapshot(svc, T, 'invoices');
      const pkg = await upload(svc, T, files.v2);
      const p = await planOf(pkg.id, { design: 'none', data: 'all' });
      assert.ok(p.ok, JSON.stringify(p.checks.filter((c: any) => !c.ok)));
      assert.deepEqual(p.entities, [], 'no design rows, not even kept ones');
      assert.equal(Object.values(p.counts).reduce((a: number, b: any) => a + b, 0), 0);
      assert.deepEqual(p.data.map((d: any) => d.app).sort(), [INVOICES, PURPOSES]);
      assert.deepEqual(p.namespaces, ['invoices']);

      const job = await runImport(svc, T, p.id);
      assert.equal(job.status, 'succeeded', job.error);
      assert.equal(job.request.design, 'none');
      assert.equal(job.request.data, 'all');
      assert.equal(job.plan.choice.design, 'none');
      assert.deepEqual(await snapshot(svc, T, 'invoices'), before, 'hashes, deleted flags and who-changed-it-when are as before');
      assert.ok(Object.values(await records(svc, INVOICES)).every((r) => r.version === 'v2'));
      assert.ok(Object.values(await records(svc, PURPOSES)).every((r) => r.version === 'v2'));
      const log = await logOf(svc, job.id);
      assert.ok(log.includes('left out by the choice (design none, data all): 13 design entities'), log.join('\n'));
      assert.deepEqual(log.filter((l) => ENTITY_LINE.test(l)), [], 'no design entity is written');
      const backup = expectStatus(await api(svc, 'GET', `/v1/backups/${job.backupId}`, { token: T }), 200, 'backup');
      assert.equal(backup.backup.entities, 0, 'the backup holds no entity');
      // The design change of v2 is still to come.
      const all = await planOf(pkg.id, {});
      assert.equal(all.entities.find((e: any) => e.id === 'invoices.accountants').action, 'update');
      assert.deepEqual(all.choice.leftOut, { entities: 0, apps: [] });
    });

    it('data of one chosen app only (a bare app code names it): the other app\'s records stay, the design is imported', async () => {
      const before = await records(svc, INVOICES);
      const pkg = await upload(svc, T, files.v3);
      const p = await planOf(pkg.id, { data: ['payment_purposes'] });
      assert.ok(p.ok, JSON.stringify(p.checks.filter((c: any) => !c.ok)));
      assert.deepEqual({ design: p.choice.design, data: p.choice.data }, { design: 'all', data: [PURPOSES] });
      assert.deepEqual(p.data.map((d: any) => d.app), [PURPOSES]);
      assert.deepEqual(p.choice.leftOut, { entities: 0, apps: [{ app: INVOICES, records: 3 }] });
      assert.equal(p.entities.length, 13);

      const job = await runImport(svc, T, p.id);
      assert.equal(job.status, 'succeeded', job.error);
      assert.deepEqual(await records(svc, INVOICES), before, 'the app left out keeps its records');
      assert.ok(Object.values(await records(svc, PURPOSES)).every((r) => r.version === 'v3'));
      const log = await logOf(svc, job.id);
      assert.ok(log.includes(`left out by the choice (design all, data ${PURPOSES}): data of ${INVOICES} (3 records)`), log.join('\n'));
      assert.deepEqual(log.map((l) => COUNT_LINE.exec(l)?.[1]).filter(Boolean), [PURPOSES]);
      const group = expectStatus(await api(svc, 'GET', '/v1/entities/invoices.accountants', { token: T }), 200, 'group');
      assert.equal(group.body.title, 'Accountants (v3)');
    });

    it('data none: the design is imported, no record is written', async () => {
      const [inv, pp] = [await records(svc, INVOICES), await records(svc, PURPOSES)];
      const pkg = await upload(svc, T, files.v4);
      const p = await planOf(pkg.id, { data: 'none' });
      assert.deepEqual(p.data, []);
      assert.deepEqual(p.choice.leftOut, { entities: 0, apps: [{ app: PURPOSES, records: 4 }, { app: INVOICES, records: 3 }] });
      const job = await runImport(svc, T, p.id);
      assert.equal(job.status, 'succeeded', job.error);
      assert.deepEqual(await records(svc, INVOICES), inv);
      assert.deepEqual(await records(svc, PURPOSES), pp);
      assert.equal(job.result.records.length, 0);
      const log = await logOf(svc, job.id);
      assert.ok(log.includes(`left out by the choice (design all, data none): data of ${PURPOSES} (4 records); data of ${INVOICES} (3 records)`), log.join('\n'));
      assert.equal((await api(svc, 'GET', '/v1/entities/invoices.accountants', { token: T })).body.body.title, 'Accountants (v4)');
    });

    it('an app the package has no data of is 400 naming the apps it has; so are wrong types and choosing nothing', async () => {
      const pkg = await upload(svc, T, files.v4);
      const bad = async (body: Record<string, unknown>, message: RegExp) => {
        const r = await api(svc, 'POST', '/v1/plans', { token: T, body: { package: pkg.id, ...body } });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal(r.body.error.reason, 'bad-request');
        assert.match(r.body.error.message, message);
      };
      await bad({ data: ['invoices.nope'] }, /no data of app "invoices\.nope"; its data apps: invoices\.payment_purposes, invoices\.invoices/);
      await bad({ data: [PURPOSES, 'nope'] }, /no data of app "nope"/);
      await bad({ as: 'invoices_copy', data: ['invoices_copy.invoices'] }, /its data apps: invoices\.payment_purposes, invoices\.invoices \(name apps as in the package, before "as"\)/);
      await bad({ design: 'some' }, /"design" must be "all" or "none"/);
      await bad({ design: true }, /"design" must be "all" or "none"/);
      await bad({ data: 5 }, /"data" must be "none", "all" or a list/);
      await bad({ data: [1] }, /"data" must be "none", "all" or a list/);
      await bad({ data: 'some' }, /"data" must be "none", "all" or a list/);
      await bad({ design: 'none', data: 'none' }, /nothing to import/);
      await bad({ design: 'none', data: [] }, /nothing to import/);
      // Named as in the package, a copy's data is chosen too.
      const copy = await planOf(pkg.id, { as: 'invoices_copy', data: [INVOICES] });
      assert.deepEqual(copy.data.map((d: any) => d.app), ['invoices_copy.invoices']);
    });

    it('a solution imports the data of a member workspace alone: its scope comes from the whole package', async () => {
      // The design first, without data.
      const first = await upload(svc, T, files.solution);
      const design = await planOf(first.id, { data: 'none' });
      assert.ok(design.ok, JSON.stringify(design.checks.filter((c: any) => !c.ok)));
      assert.equal((await runImport(svc, T, design.id)).status, 'succeeded');
      assert.deepEqual(await records(svc, VAT), {});
      const namespaces = ['payments', 'custom_objects', 'accounting', 'payments_solution'];
      const before = await Promise.all(namespaces.map((ns) => snapshot(svc, T, ns)));
      const pkg = await upload(svc, T, files.solution);
      const p = await planOf(pkg.id, { design: 'none', data: [VAT] });
      assert.ok(p.ok, JSON.stringify(p.checks.filter((c: any) => !c.ok)));
      assert.deepEqual(p.namespaces, ['custom_objects', 'payments_solution']);
      const job = await runImport(svc, T, p.id);
      assert.equal(job.status, 'succeeded', job.error);
      assert.deepEqual(Object.keys(await records(svc, VAT)).sort(), ['vat-0', 'vat-1']);
      assert.deepEqual(await Promise.all(namespaces.map((ns) => snapshot(svc, T, ns))), before);
    });

    it('isola import --design/--data against a remote environment, and bad flags', async () => {
      const dir = path.join(work.root, `cli-${backend.name}`);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'isola.config.json'), JSON.stringify({ environments: { staging: { url: svc.url } } }));
      const env = { ISOLA_TOKEN_STAGING: T };
      const r = await isola(['import', files.v1, '--env', 'staging', '--design', 'none', '--data', 'payment_purposes', '--dry-run', '--format', 'json'], dir, env);
      assert.equal(r.code, 0, r.err);
      const out = JSON.parse(r.out);
      assert.deepEqual(out.choice, { design: 'none', data: [PURPOSES] });
      assert.deepEqual(out.plan.choice.leftOut, { entities: 13, apps: [{ app: INVOICES, records: 3 }] });
      assert.deepEqual(out.plan.data.map((d: any) => d.app), [PURPOSES]);

      const text = await isola(['import', files.v1, '--env', 'staging', '--design', 'none', '--dry-run'], dir, env);
      assert.equal(text.code, 0, text.err);
      assert.match(text.out, /chosen: design none, data all; left out:\n {2}left out 13 design entities\n/);

      const nope = await isola(['import', files.v1, '--env', 'staging', '--data', 'invoices,nope'], dir, env);
      assert.equal(nope.code, 2, nope.out);
      assert.match(nope.err, /no data of app "nope"; its data apps: invoices\.payment_purposes, invoices\.invoices/);
      const design = await isola(['import', files.v1, '--env', 'staging', '--design', 'some'], dir, env);
      assert.equal(design.code, 2);
      assert.match(design.err, /--design must be all or none \(got "some"\)/);
      const empty = await isola(['import', files.v1, '--env', 'staging', '--data', ','], dir, env);
      assert.equal(empty.code, 2);
      assert.match(empty.err, /--data must be none, all, or a comma-separated list of apps/);
    });
  });
}

describe('isola import --design/--data into the embedded local environment', () => {
  let work: Workdir;
  before(() => {
    work = new Workdir();
  });
  after(() => work.dispose());

  it('imports the design without data, then one app\'s data without design', async () => {
    const files = buildAll(work);
    const dir = path.join(work.root, 'cli-local');
    mkdirSync(dir);
    const first = await isola(['import', files.v1, '--data', 'none', '--format', 'json'], dir);
    assert.equal(first.code, 0, first.err);
    const a = JSON.parse(first.out);
    assert.deepEqual(a.choice, { design: 'all', data: 'none' });
    assert.equal(a.result.status, 'succeeded');
    assert.deepEqual(a.result.records, []);
    assert.equal(a.result.counts.create, 13);

    const second = await isola(['import', files.v2, '--design', 'none', '--data', PURPOSES, '--format', 'json'], dir);
    assert.equal(second.code, 0, second.err);
    const b = JSON.parse(second.out);
    assert.deepEqual(b.choice, { design: 'none', data: [PURPOSES] });
    assert.equal(b.result.status, 'succeeded');
    assert.deepEqual(b.result.entities, []);
    assert.deepEqual(b.result.records.map((x: any) => [x.app, x.written]), [[PURPOSES, 4]]);
  });
});
