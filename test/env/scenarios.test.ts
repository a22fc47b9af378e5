/**
 * The ELMA365 update scenarios (spec §5) against the real service, through its HTTP API only, in
 * the seed's order: first import, the same package again, an update, an update after a change in
 * the target (conflict: cancel, then replace), entities the package lacks, deleted flags, a stale
 * plan, failed checks, backups and restore, export (and its import elsewhere), a duplicate under
 * another code, and cancelling a running import. Runs on PGlite, and on PostgreSQL when
 * ISOLA_TEST_PG is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { PackageReader } from '../../server/src/core/packaging/reader';
import {
  actions, changeTitle, entity, expectStatus, importFile, plan, purposeRecords, recordCount, revision, runImport, snapshot, strings, upload, Workdir,
} from './fixtures';
import { api, backends, removeData, Service, startService, waitJob } from './service';

const MANIFEST = 'invoices.isola.json';
const NS = 'invoices';
const ACCOUNTANTS = 'invoices.accountants';
const CHIEFS = 'invoices.chief_accountants';
const DASHBOARD = 'invoices.dashboard';
const COUNTER = 'invoices.invoice_number';
const WIDGET = 'invoices.invoices_on_approval';
const PURPOSES = 'invoices.payment_purposes';
const BULK = 200_000;

/** Lines of an import log that report one design entity: `<step>: <id> <what happened>`. */
const ENTITY_LINE = /^([a-z]+): ([a-z][a-z0-9_.]*) (created|updated|unchanged|replaced)/;
/** The count line of one data app: `data <app>: <n> record(s) ...`. */
const COUNT_LINE = /^data (\S+): (\d+) record\(s\)/;

/** Package files, built in the order a developer would make them (the project's history grows). */
interface Files {
  v1: string; v2: string; v3: string; v4: string; v5: string;
  languages: string; qualified: string; bulk: string;
}

function buildAll(work: Workdir): Files {
  const p = work.copyExample('invoices', 'project');
  const v1 = p.build('invoices');
  const v2 = p.edit(MANIFEST, ['groups', 0, 'title'], 'Accountants (all)').build('invoices');
  const v3 = p.edit(MANIFEST, ['groups', 1, 'title'], 'Chief accountants (signing)').build('invoices');
  const v4 = p.edit(MANIFEST, ['pages', 1], undefined).build('invoices'); // the dashboard page is gone
  const v5 = p.edit(MANIFEST, ['counters', 0, 'deleted'], true).build('invoices');
  const languages = work.copyExample('invoices', 'languages').edit(MANIFEST, ['languages'], ['ru', 'en']).build('invoices');
  // Qualified references into its own namespace: a duplicate must rewrite them too.
  const qualified = work.copyExample('invoices', 'qualified')
    .edit(MANIFEST, ['processes', 0, 'lanes', 0, 'group'], 'invoices.accountants')
    .edit(MANIFEST, ['apps', 0, 'permissions', 1, 'group'], 'invoices.chief_accountants')
    .edit(MANIFEST, ['apps', 0, 'fields', 7, 'app'], 'invoices.payment_purposes')
    .build('invoices');
  const bulk = work.copyExample('invoices', 'bulk').write('data/payment_purposes.jsonl', purposeRecords(BULK)).build('invoices');
  return { v1, v2, v3, v4, v5, languages, qualified, bulk };
}

for (const backend of backends()) {
  describe(`import scenarios over HTTP (${backend.name})`, () => {
    let work: Workdir;
    let files: Files;
    let svc: Service;
    let second: Service | undefined;
    let T: string;
    /** Import jobs that succeeded, in order: each must have left one backup. */
    const imports: string[] = [];
    const hashes: Record<string, string> = {};
    let firstUpdateJob = '';

    before(async () => {
      work = new Workdir();
      files = buildAll(work);
      svc = await startService({ databaseUrl: backend.fresh() });
      T = svc.adminToken;
    });

    after(async () => {
      for (const s of [svc, second]) {
        if (!s) continue;
        await s.stop();
        removeData(s);
      }
      work?.dispose();
    });

    it('first import: every entity is created, the log has a line per entity and a count line for the data app', async () => {
      const pkg = await upload(svc, T, files.v1);
      assert.deepEqual(pkg.namespaces, [NS]);
      const p = await plan(svc, T, pkg.id);
      assert.equal(p.ok, true);
      assert.deepEqual(p.checks.filter((c: any) => !c.ok), []);
      assert.equal(p.entities.length, 13);
      assert.deepEqual(p.counts, { create: 13, update: 0, unchanged: 0, conflict: 0, kept: 0 });
      assert.deepEqual(p.data, [{ app: PURPOSES, records: 6, existing: 0 }]);
      const rev = await revision(svc);

      const started = expectStatus(await api(svc, 'POST', '/v1/imports', { token: T, body: { plan: p.id } }), 202, 'import');
      assert.match(started.id, /^j_/);
      assert.ok(!['succeeded', 'failed', 'cancelled'].includes(started.status), `answered at once, not after the work: ${started.status}`);
      const job = await waitJob(svc, T, started.id);
      assert.equal(job.status, 'succeeded', job.error);
      imports.push(job.id);

      const log: string[] = expectStatus(await api(svc, 'GET', `/v1/jobs/${job.id}/log`, { token: T }), 200, 'log').map((l: any) => l.line);
      const entityLines = log.map((l) => ENTITY_LINE.exec(l)).filter((m): m is RegExpExecArray => !!m);
      assert.deepEqual(entityLines.map((m) => m[2]).sort(), p.entities.map((e: any) => e.id).sort(), 'one log line per design entity');
      assert.ok(entityLines.every((m) => m[3] === 'created'), log.join('\n'));
      const counts = log.map((l) => COUNT_LINE.exec(l)).filter((m): m is RegExpExecArray => !!m);
      assert.deepEqual(counts.map((m) => [m[1], Number(m[2])]), [[PURPOSES, 6]], 'one count line for the data app');

      const snap = await snapshot(svc, T, NS);
      assert.deepEqual(Object.fromEntries(Object.entries(snap).map(([id, e]) => [id, e.hash])), Object.fromEntries(p.entities.map((e: any) => [e.id, e.packageHash])));
      const records = expectStatus(await api(svc, 'GET', `/v1/records/${PURPOSES}?limit=100`, { token: T }), 200, 'records');
      const ids = readFileSync(`${work.root}/project/data/payment_purposes.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id).sort();
      assert.deepEqual(records.map((r: any) => r.id).sort(), ids);
      assert.ok((await revision(svc)) > rev, 'the revision moved');
      const health = expectStatus(await api(svc, 'GET', '/v1/health'), 200, 'health');
      assert.deepEqual(health.languages, ['en', 'ru'], 'the first import brings its languages');
      hashes.accountants1 = snap[ACCOUNTANTS].hash;
    });

    it('the same package again: every entity unchanged, the import succeeds and changes nothing', async () => {
      const rev = await revision(svc);
      const snap = await snapshot(svc, T, NS);
      const pkg = await upload(svc, T, files.v1);
      const p = await plan(svc, T, pkg.id);
      assert.equal(p.ok, true);
      assert.deepEqual(p.counts, { create: 0, update: 0, unchanged: 13, conflict: 0, kept: 0 });
      assert.match(p.checks.find((c: any) => c.name === 'repeat').message, /imported before/);
      const job = await runImport(svc, T, p.id);
      assert.equal(job.status, 'succeeded', job.error);
      imports.push(job.id);
      assert.equal(await revision(svc), rev, 'the revision did not move');
      assert.deepEqual(await snapshot(svc, T, NS), snap);
      assert.equal(await recordCount(svc, T, NS), 6);
    });

    it('update, nothing changed in the target: only the edited entity is updated', async () => {
      const before_ = await snapshot(svc, T, NS);
      const pkg = await upload(svc, T, files.v2);
      const p = await plan(svc, T, pkg.id);
      assert.equal(p.ok, true);
      const a = actions(p);
      assert.equal(a[ACCOUNTANTS], 'update');
      assert.deepEqual(Object.entries(a).filter(([id]) => id !== ACCOUNTANTS).map(([, x]) => x), Array(12).fill('unchanged'));
      const row = p.entities.find((e: any) => e.id === ACCOUNTANTS);
      assert.equal(row.envHash, hashes.accountants1);
      assert.notEqual(row.packageHash, hashes.accountants1);

      const job = await runImport(svc, T, p.id);
      assert.equal(job.status, 'succeeded', job.error);
      imports.push(job.id);
      firstUpdateJob = job.id;
      const e = await entity(svc, T, ACCOUNTANTS);
      assert.equal(e.hash, row.packageHash);
      assert.equal(e.body.title, 'Accountants (all)');
      assert.deepEqual(e.history.map((h: any) => h.hash), [hashes.accountants1, row.packageHash]);
      hashes.accountants2 = e.hash;
      const after_ = await snapshot(svc, T, NS);
      for (const id of Object.keys(before_)) if (id !== ACCOUNTANTS) assert.deepEqual(after_[id], before_[id], `${id} untouched`);
    });

    it('update after a change in the target: a conflict; cancel changes nothing, replace applies', async () => {
      const edited = await changeTitle(svc, T, ACCOUNTANTS, 'Accountants (edited in production)');
      hashes.admin = edited.hash;
      const rev = await revision(svc);
      const snap = await snapshot(svc, T, NS);
      const pkg = await upload(svc, T, files.v3);
      const p = await plan(svc, T, pkg.id);
      const a = actions(p);
      assert.equal(a[ACCOUNTANTS], 'conflict');
      assert.match(p.entities.find((e: any) => e.id === ACCOUNTANTS).reason, /admin/, 'the conflict says who changed it');
      assert.equal(a[CHIEFS], 'update');
      assert.deepEqual(p.counts, { create: 0, update: 1, unchanged: 11, conflict: 1, kept: 0 });

      const refused = await api(svc, 'POST', '/v1/imports', { token: T, body: { plan: p.id, onConflict: 'cancel' } });
      expectStatus(refused, 409, 'import with conflicts, cancel');
      assert.equal(refused.body.error.reason, 'conflicts');
      assert.deepEqual(refused.body.error.details, [ACCOUNTANTS]);
      assert.equal(await revision(svc), rev);
      assert.deepEqual(await snapshot(svc, T, NS), snap, 'nothing changed');

      const p2 = await plan(svc, T, pkg.id);
      const job = await runImport(svc, T, p2.id, 'replace');
      assert.equal(job.status, 'succeeded', job.error);
      imports.push(job.id);
      const e = await entity(svc, T, ACCOUNTANTS);
      assert.equal(e.hash, hashes.accountants2, 'the package\'s version replaced the edit');
      assert.ok(e.history.some((h: any) => h.hash === hashes.admin), 'the edit stays in the history');
      assert.equal((await entity(svc, T, CHIEFS)).body.title, 'Chief accountants (signing)');
      const log: string[] = (await api(svc, 'GET', `/v1/jobs/${job.id}/log`, { token: T })).body.map((l: any) => l.line);
      assert.ok(log.some((l) => l.includes(`${ACCOUNTANTS} replaced`)), log.join('\n'));
    });

    it('an entity the package lacks stays and is reported kept', async () => {
      const dashboard = await entity(svc, T, DASHBOARD);
      const pkg = await upload(svc, T, files.v4);
      const p = await plan(svc, T, pkg.id);
      const row = p.entities.find((e: any) => e.id === DASHBOARD);
      assert.equal(row?.action, 'kept');
      assert.equal(row.packageHash, undefined);
      assert.deepEqual(p.counts, { create: 0, update: 0, unchanged: 12, conflict: 0, kept: 1 });
      const job = await runImport(svc, T, p.id);
      assert.equal(job.status, 'succeeded', job.error);
      imports.push(job.id);
      const still = await entity(svc, T, DASHBOARD);
      assert.equal(still.hash, dashboard.hash);
      assert.equal(still.deleted, false);
    });

    it('a deleted flag in the package is carried to the entity', async () => {
      assert.equal((await entity(svc, T, COUNTER)).deleted, false);
      const pkg = await upload(svc, T, files.v5);
      const p = await plan(svc, T, pkg.id);
      const row = p.entities.find((e: any) => e.id === COUNTER);
      assert.equal(row.action, 'update');
      assert.equal(row.deleted, true);
      const job = await runImport(svc, T, p.id);
      assert.equal(job.status, 'succeeded', job.error);
      imports.push(job.id);
      assert.equal((await entity(svc, T, COUNTER)).deleted, true);
    });

    it('a plan made before a change in the environment is refused as stale', async () => {
      const pkg = await upload(svc, T, files.v5);
      const p = await plan(svc, T, pkg.id);
      assert.equal(p.ok, true);
      assert.equal(p.counts.conflict, 0);
      const jobs = (await api(svc, 'GET', '/v1/jobs', { token: T })).body.length;
      hashes.widget = (await changeTitle(svc, T, WIDGET, 'Invoices waiting for approval')).hash;
      const r = await api(svc, 'POST', '/v1/imports', { token: T, body: { plan: p.id } });
      expectStatus(r, 409, 'import of a stale plan');
      assert.equal(r.body.error.reason, 'stale-plan');
      assert.equal((await api(svc, 'GET', '/v1/jobs', { token: T })).body.length, jobs, 'no job was queued');
    });

    it('failed checks: languages in another order fail the plan and the import is refused with 422', async () => {
      const rev = await revision(svc);
      const pkg = await upload(svc, T, files.languages);
      const p = await plan(svc, T, pkg.id);
      assert.equal(p.ok, false);
      assert.deepEqual(p.checks.filter((c: any) => !c.ok).map((c: any) => c.name), ['languages']);
      const r = await api(svc, 'POST', '/v1/imports', { token: T, body: { plan: p.id, onConflict: 'replace' } });
      expectStatus(r, 422, 'import of a plan that failed its checks');
      assert.equal(r.body.error.reason, 'checks-failed');
      assert.equal(await revision(svc), rev);
    });

    it('backups: one per import, previewed, and restoring the first update puts the entity back', async () => {
      const list = expectStatus(await api(svc, 'GET', '/v1/backups', { token: T }), 200, 'backups');
      assert.deepEqual(list.map((b: any) => b.jobId).sort(), [...imports].sort(), 'one backup per import');
      const b = list.find((x: any) => x.jobId === firstUpdateJob);
      const preview = expectStatus(await api(svc, 'GET', `/v1/backups/${b.id}`, { token: T }), 200, 'preview');
      assert.deepEqual(preview.entities.map((e: any) => [e.id, e.change]), [[ACCOUNTANTS, 'restore']]);
      const rev = await revision(svc);
      expectStatus(await api(svc, 'POST', `/v1/backups/${b.id}/restore`, { token: T }), 200, 'restore');
      const e = await entity(svc, T, ACCOUNTANTS);
      assert.equal(e.hash, hashes.accountants1, 'back to the version before the first update');
      assert.equal(e.body.title, 'Accountants');
      assert.ok((await revision(svc)) > rev);
      const again = (await api(svc, 'GET', '/v1/backups', { token: T })).body.find((x: any) => x.id === b.id);
      assert.equal(typeof again.restoredAt, 'string');
    });

    it('export: a valid package carrying the environment\'s history, importable into a fresh environment', async () => {
      const started = expectStatus(await api(svc, 'POST', '/v1/exports', { token: T, body: { kind: 'namespace', code: NS, data: 'all' } }), 202, 'export');
      const job = await waitJob(svc, T, started.id);
      assert.equal(job.status, 'succeeded', job.error);
      const id = job.result.package as string;
      const meta = expectStatus(await api(svc, 'GET', `/v1/packages/${id}`, { token: T }), 200, 'package');
      assert.equal(meta.origin, 'export');
      const res = await fetch(`${svc.url}/v1/packages/${id}/content`, { headers: { authorization: `Bearer ${T}` } });
      assert.equal(res.status, 200);
      const file = work.file('export.isolapkg');
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));

      const snap = await snapshot(svc, T, NS);
      const reader = await PackageReader.open(file);
      try {
        await reader.verify();
        const d = reader.descriptor;
        assert.equal(d.code, NS);
        assert.deepEqual(d.data.map((x) => [x.app, x.records]), [[PURPOSES, 6]]);
        const cards = (await reader.cards()).map((c) => c.card);
        assert.deepEqual(Object.fromEntries(cards.map((c) => [c.id, c.hash])), Object.fromEntries(Object.entries(snap).map(([k, v]) => [k, v.hash])));
        assert.equal(cards.find((c) => c.id === COUNTER)?.deleted, true);
        for (const c of cards) assert.deepEqual(d.history[c.id], (await entity(svc, T, c.id)).history, `history of ${c.id}`);
        assert.ok(d.history[WIDGET].some((h) => h.hash === hashes.widget), 'the hash the administrator made is in the history');
      } finally {
        reader.close();
      }

      second = await startService({ databaseUrl: backend.fresh() });
      const { plan: p } = await importFile(second, second.adminToken, file);
      assert.deepEqual(p.counts, { create: 13, update: 0, unchanged: 0, conflict: 0, kept: 0 });
      const snap2 = await snapshot(second, second.adminToken, NS);
      assert.deepEqual(Object.fromEntries(Object.entries(snap2).map(([k, v]) => [k, [v.hash, v.deleted]])), Object.fromEntries(Object.entries(snap).map(([k, v]) => [k, [v.hash, v.deleted]])));
      assert.equal(await recordCount(second, second.adminToken, NS), 6);
    });

    it('duplicate under another code: everything created in the new namespace, references rewritten, the original untouched', async () => {
      const original = await snapshot(svc, T, NS);
      const pkg = await upload(svc, T, files.qualified);
      const p = await plan(svc, T, pkg.id, 'invoices_copy');
      assert.equal(p.ok, true, JSON.stringify(p.checks.filter((c: any) => !c.ok)));
      assert.deepEqual(p.namespaces, ['invoices_copy']);
      assert.equal(p.package.importedAs, 'invoices_copy');
      assert.equal(p.entities.length, 13);
      for (const e of p.entities) {
        assert.equal(e.action, 'create', e.id);
        assert.equal(e.namespace, 'invoices_copy', e.id);
        assert.match(e.id, /^invoices_copy(\.|$)/);
      }
      const job = await runImport(svc, T, p.id);
      assert.equal(job.status, 'succeeded', job.error);
      const copies = expectStatus(await api(svc, 'GET', '/v1/namespaces/invoices_copy/entities', { token: T }), 200, 'copy');
      assert.equal(copies.length, 13);
      for (const c of copies) assert.deepEqual(strings(c.body).filter((s) => s.startsWith('invoices.')), [], `references left in ${c.id}`);
      const proc = copies.find((c: any) => c.id === 'invoices_copy.approve_invoice');
      assert.equal(proc.body.lanes[0].group, 'invoices_copy.accountants');
      assert.equal(await recordCount(svc, T, 'invoices_copy'), 6);
      assert.deepEqual(await snapshot(svc, T, NS), original);
    });

    it(`cancelling an import of ${BULK} records mid-way: status cancelled, nothing changed`, async () => {
      const rev = await revision(svc);
      const snap = await snapshot(svc, T, NS);
      const records = await recordCount(svc, T, NS);
      const backups = (await api(svc, 'GET', '/v1/backups', { token: T })).body.length;
      const pkg = await upload(svc, T, files.bulk);
      const p = await plan(svc, T, pkg.id);
      assert.deepEqual(p.data, [{ app: PURPOSES, records: BULK, existing: records }]);
      const started = expectStatus(await api(svc, 'POST', '/v1/imports', { token: T, body: { plan: p.id, onConflict: 'replace' } }), 202, 'import');
      // Wait until the data step runs (the job's state is answered from memory while the import holds the database).
      const end = Date.now() + 60_000;
      for (;;) {
        const j = expectStatus(await api(svc, 'GET', `/v1/jobs/${started.id}`, { token: T }), 200, 'job');
        assert.ok(!['succeeded', 'failed', 'cancelled'].includes(j.status), `the import finished (${j.status}) before it could be cancelled`);
        if (j.step.startsWith('data')) break;
        assert.ok(Date.now() < end, 'the data step never started');
        await new Promise((r) => setTimeout(r, 20));
      }
      const c = expectStatus(await api(svc, 'POST', `/v1/jobs/${started.id}/cancel`, { token: T }), 200, 'cancel');
      assert.equal(c.status, 'cancelled');
      const job = await waitJob(svc, T, started.id);
      assert.equal(job.status, 'cancelled');
      const log: string[] = (await api(svc, 'GET', `/v1/jobs/${started.id}/log`, { token: T })).body.map((l: any) => l.line);
      assert.match(log[log.length - 1], /cancelled/);
      assert.equal(await revision(svc), rev);
      assert.deepEqual(await snapshot(svc, T, NS), snap);
      assert.equal(await recordCount(svc, T, NS), records);
      assert.equal((await api(svc, 'GET', '/v1/backups', { token: T })).body.length, backups, 'no backup left by a cancelled import');
    });
  });
}
