/**
 * What an import keeps and what a package leaves at home, against the real service, through its
 * HTTP API and the CLI: an update deletes nothing (ELMA365: a field removed in the source is not
 * deleted in the target, and its data stays), the target's own properties stay the target's
 * (Protogrid 3.2: name, URL, description, access roles), and setting values and deleted
 * sub-entities are neither built nor exported (ELMA365: "parameter values were not available for
 * export"; deleted variables "will not be downloaded"). Runs on PGlite, and on PostgreSQL when
 * ISOLA_TEST_PG is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PackageReader } from '../../server/src/core/packaging/reader';
import type { Card } from '../../server/src/core/packaging/format';
import { actions, changeTitle, entity, expectStatus, importFile, plan, revision, runImport, upload, Workdir } from './fixtures';
import { api, backends, CLI, removeData, startService, waitJob, type Backend, type Service } from './service';

const MANIFEST = 'invoices.isola.json';
const WS = 'invoices';
const INVOICES = 'invoices.invoices';
const PURPOSES = 'invoices.payment_purposes';
const PROCESS = 'invoices.approve_invoice';
const COUNTER = 'invoices.invoice_number';
const ACCOUNTING = 'accounting/accounting.isola.json';
const SETTING = 'accounting.accounting_url';

/** The records of the invoices example's `payment_purposes`, as its data file has them. */
function purposes(dir: string): Record<string, unknown>[] {
  return readFileSync(path.join(dir, 'data', 'payment_purposes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

/** Every card of a package file, read and verified. */
async function cardsOf(file: string): Promise<Card[]> {
  const reader = await PackageReader.open(file);
  try {
    await reader.verify();
    return (await reader.cards()).map((c) => c.card);
  } finally {
    reader.close();
  }
}

/** Every record of an app, through `GET /v1/records/:app`, page by page. */
async function records(s: Service, token: string, app: string): Promise<{ id: string; body: Record<string, unknown> }[]> {
  const out: { id: string; body: Record<string, unknown> }[] = [];
  for (let after_ = ''; ;) {
    const page = expectStatus(await api(s, 'GET', `/v1/records/${app}?limit=2&after=${encodeURIComponent(after_)}`, { token }), 200, `records of ${app}`);
    if (!page.length) return out;
    out.push(...page);
    after_ = page[page.length - 1].id;
  }
}

/** `isola ARGS` run in a folder whose isola.config.json names the service `svc`. */
function isola(args: string[], cwd: string, token: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ISOLA_TOKEN_SVC: token } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function codes(list: unknown): string[] {
  return (list as { code: string }[]).map((x) => x.code);
}

for (const backend of backends()) {
  describe(`import and export fidelity (${backend.name})`, () => {
    let work: Workdir;
    let svc: Service;
    let T: string;
    let cliDir: string;
    const files: Record<string, string> = {};
    let original: Record<string, unknown>[];

    before(async () => {
      work = new Workdir();
      const p = work.copyExample('invoices', 'project');
      original = purposes(p.dir);
      files.v1 = p.build('invoices');
      // v2: the developer removes a field (and its values from the data file), a status, a form
      // element and a lane, and changes something else in each of their entities. (An entity that
      // only lost sub-entities is `unchanged`: the update would write what is already there.)
      files.v2 = p.edit(MANIFEST, ['apps', 1, 'fields', 2, 'title'], 'Details')
        .edit(MANIFEST, ['apps', 0, 'statuses', 3, 'title'], 'Declined')
        .edit(MANIFEST, ['processes', 0, 'title'], 'Approval of invoices')
        .edit(MANIFEST, ['apps', 1, 'fields', 1], undefined)
        .write('data/payment_purposes.jsonl', original.map(({ accounting_code: _, ...r }) => JSON.stringify(r)).join('\n') + '\n')
        .edit(MANIFEST, ['apps', 0, 'statuses', 4], undefined)
        .edit(MANIFEST, ['apps', 0, 'forms', 1, 'fields'], ['number', 'contractor', 'amount', 'currency', 'purpose', 'approver'])
        .edit(MANIFEST, ['processes', 0, 'lanes', 1], undefined)
        .build('invoices');
      // v3: the workspace is renamed in the source and gets a new version.
      files.v3 = p.edit(MANIFEST, ['title'], 'Invoices and payments').edit(MANIFEST, ['version'], '1.1.0').build('invoices');
      // v4: a later change to the app whose field was removed.
      files.v4 = p.edit(MANIFEST, ['apps', 1, 'title'], 'Payment purposes').build('invoices');
      cliDir = path.dirname(files.v1);
      svc = await startService({ databaseUrl: backend.fresh() });
      T = svc.adminToken;
      writeFileSync(path.join(cliDir, 'isola.config.json'), JSON.stringify({ environments: { svc: { url: svc.url } } }));
      // The first import takes everything from the package, the workspace's title included.
      const { plan: first } = await importFile(svc, T, files.v1);
      assert.equal(first.counts.create, first.entities.length);
      assert.equal((await entity(svc, T, WS)).body.title, 'Invoices');
    });

    after(async () => {
      await svc?.stop();
      if (svc) removeData(svc);
      work?.dispose();
    });

    it('a field removed from the package survives the update with its data, and so does every other sub-entity it lacks', async () => {
      const pkg = await upload(svc, T, files.v2);
      const p = await plan(svc, T, pkg.id);
      assert.equal(p.ok, true, JSON.stringify(p.checks.filter((c: any) => !c.ok)));
      const row = (id: string) => p.entities.find((e: any) => e.id === id);
      for (const id of [PURPOSES, INVOICES, PROCESS]) assert.equal(row(id).action, 'update', id);
      assert.deepEqual(row(PURPOSES).kept, ['fields.accounting_code']);
      assert.deepEqual(row(INVOICES).kept?.sort(), ['forms.view.fields.comment', 'statuses.paid']);
      assert.deepEqual(row(PROCESS).kept, ['lanes.chief_accountant']);

      const job = await runImport(svc, T, p.id);
      assert.equal(job.status, 'succeeded', job.error);
      const log: string[] = expectStatus(await api(svc, 'GET', `/v1/jobs/${job.id}/log`, { token: T }), 200, 'log').map((l: any) => l.line);
      assert.ok(log.includes(`apps: ${PURPOSES} kept from the environment: fields.accounting_code`), log.join('\n'));
      assert.ok(log.includes(`processes: ${PROCESS} kept from the environment: lanes.chief_accountant`), log.join('\n'));

      const app = await entity(svc, T, PURPOSES);
      assert.deepEqual(codes(app.body.fields), ['name', 'accounting_code', 'description', 'active'], 'the field stays where it was');
      assert.equal(app.body.fields[2].title, 'Details', 'what the package has is imported');
      assert.equal(app.hash, row(PURPOSES).packageHash, 'the entity is at the package\'s version of its design');
      assert.equal(app.history[app.history.length - 1].hash, row(PURPOSES).packageHash);
      const invoices = await entity(svc, T, INVOICES);
      assert.ok(codes(invoices.body.statuses).includes('paid'));
      assert.ok(invoices.body.forms.find((f: any) => f.code === 'view').fields.includes('comment'));
      assert.deepEqual(codes((await entity(svc, T, PROCESS)).body.lanes), ['accountant', 'chief_accountant']);

      const have = await records(svc, T, PURPOSES);
      assert.equal(have.length, original.length);
      for (const r of original) {
        const got = have.find((x) => x.id === r.id);
        assert.equal(got?.body.accounting_code, r.accounting_code, `the value of the kept field in record ${String(r.id)}`);
        assert.equal(got?.body.name, r.name);
      }
    });

    it('the same package again is unchanged, through the CLI: nothing written, no conflict, and the plan says what stays', async () => {
      const rev = await revision(svc);
      const r = isola(['import', files.v2, '--env', 'svc', '--format', 'json'], cliDir, T);
      assert.equal(r.code, 0, r.out + r.err);
      const out = JSON.parse(r.out);
      assert.deepEqual(out.plan.counts, { create: 0, update: 0, unchanged: out.plan.entities.length, conflict: 0, kept: 0 });
      assert.deepEqual(out.plan.entities.find((e: any) => e.id === PURPOSES).kept, ['fields.accounting_code']);
      assert.equal(out.result.status, 'succeeded');
      assert.equal(await revision(svc), rev, 'nothing was written');
      assert.equal((await records(svc, T, PURPOSES)).filter((x) => x.body.accounting_code !== undefined).length, original.length);
    });

    it('a workspace title changed in the target survives an update and is shown kept', async () => {
      await changeTitle(svc, T, WS, 'Счета (production)');
      const pkg = await upload(svc, T, files.v3);
      const p = await plan(svc, T, pkg.id);
      assert.equal(p.counts.conflict, 0, JSON.stringify(p.entities.filter((e: any) => e.action === 'conflict')));
      const row = p.entities.find((e: any) => e.id === WS);
      assert.equal(row.action, 'update', 'the workspace\'s version moved; its title is not a conflict');
      assert.deepEqual(row.kept, ['title']);
      const job = await runImport(svc, T, p.id);
      assert.equal(job.status, 'succeeded', job.error);
      const ws = await entity(svc, T, WS);
      assert.equal(ws.body.title, 'Счета (production)');
      assert.equal(ws.body.version, '1.1.0', 'what is not the target\'s is imported');
      const list = expectStatus(await api(svc, 'GET', '/v1/namespaces', { token: T }), 200, 'namespaces');
      assert.equal(list.find((n: any) => n.code === WS).title, 'Счета (production)');
    });

    it('a later update does not turn into a conflict because of what was kept, through the CLI', async () => {
      const r = isola(['import', files.v4, '--env', 'svc'], cliDir, T);
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /update\s+app\s+invoices\.payment_purposes/);
      assert.match(r.out, /keeps the environment's fields\.accounting_code/);
      assert.match(r.out, /0 conflict/);
      const app = await entity(svc, T, PURPOSES);
      assert.equal(app.body.title, 'Payment purposes');
      assert.deepEqual(codes(app.body.fields), ['name', 'accounting_code', 'description', 'active']);
      assert.equal((await entity(svc, T, WS)).body.title, 'Счета (production)');
    });

    it('setting values stay home: not built, not exported (CLI), and the target\'s value and module title survive an import', async () => {
      const p = work.copyExample('payments', 'payments');
      p.edit(ACCOUNTING, ['settings', 0, 'value'], 'SECRET-123');
      const v1 = p.build('payments_solution', []);
      const built = (await cardsOf(v1)).find((c) => c.id === SETTING)!;
      assert.equal('value' in built.body, false, JSON.stringify(built.body));
      assert.equal(built.body.default, 'https://accounting.example.com/api/v2', 'the declared default is design and travels');
      assert.ok(!readFileSync(v1).includes('SECRET-123') && !JSON.stringify(await cardsOf(v1)).includes('SECRET-123'));

      await importFile(svc, T, v1);
      assert.equal('value' in (await entity(svc, T, SETTING)).body, false, 'a new setting is created without a value');
      const s = await entity(svc, T, SETTING);
      expectStatus(await api(svc, 'PUT', `/v1/entities/${SETTING}`, { token: T, body: { body: { ...s.body, value: 'SECRET-TARGET' } } }), 200, 'set the value');
      await changeTitle(svc, T, 'accounting', 'Бухгалтерия');

      const out = path.join(cliDir, 'payments-export.isolapkg');
      const r = isola(['export', '--package', 'payments_solution', '--kind', 'solution', '--env', 'svc', '--out', out], cliDir, T);
      assert.equal(r.code, 0, r.out + r.err);
      const exported = await cardsOf(out);
      const card = exported.find((c) => c.id === SETTING)!;
      assert.deepEqual(card.body, built.body, 'the setting is exported as designed, without the value');
      assert.ok(!JSON.stringify(exported).includes('SECRET-TARGET'));

      const v2 = p.edit(ACCOUNTING, ['settings', 0, 'default'], 'https://accounting.example.com/api/v3').edit(ACCOUNTING, ['version'], '2.2.0').build('payments_solution', []);
      const pkg = await upload(svc, T, v2);
      const pl = await plan(svc, T, pkg.id);
      assert.equal(pl.counts.conflict, 0, JSON.stringify(pl.entities.filter((e: any) => e.action === 'conflict')));
      const row = (id: string) => pl.entities.find((e: any) => e.id === id);
      assert.equal(row(SETTING).action, 'update');
      assert.deepEqual(row(SETTING).kept, ['value']);
      assert.equal(row('accounting').action, 'update');
      assert.deepEqual(row('accounting').kept, ['title']);
      const job = await runImport(svc, T, pl.id);
      assert.equal(job.status, 'succeeded', job.error);
      const after_ = await entity(svc, T, SETTING);
      assert.equal(after_.body.value, 'SECRET-TARGET');
      assert.equal(after_.body.default, 'https://accounting.example.com/api/v3');
      const mod = await entity(svc, T, 'accounting');
      assert.equal(mod.body.title, 'Бухгалтерия');
      assert.equal(mod.body.version, '2.2.0');
    });

    it('a deleted field is not in a built card; a deleted entity still is', async () => {
      const p = work.copyExample('invoices', 'deleted')
        .edit(MANIFEST, ['apps', 0, 'fields', 10, 'deleted'], true)
        .edit(MANIFEST, ['counters', 0, 'deleted'], true);
      const cards = await cardsOf(p.build('invoices', []));
      const app = cards.find((c) => c.id === INVOICES)!;
      assert.ok(!codes(app.body.fields).includes('comment'), JSON.stringify(codes(app.body.fields)));
      assert.equal(codes(app.body.fields).length, 10);
      assert.equal(cards.find((c) => c.id === COUNTER)?.deleted, true, 'a deleted entity is carried with its flag');
    });

    it('a deleted field is not in an exported card; a deleted entity still is', async () => {
      const app = await entity(svc, T, INVOICES);
      const fields = app.body.fields.map((f: any) => (f.code === 'approver' ? { ...f, deleted: true } : f));
      expectStatus(await api(svc, 'PUT', `/v1/entities/${INVOICES}`, { token: T, body: { body: { ...app.body, fields } } }), 200, 'delete a field');
      expectStatus(await api(svc, 'PUT', `/v1/entities/${COUNTER}`, { token: T, body: { deleted: true } }), 200, 'delete the counter');
      const started = expectStatus(await api(svc, 'POST', '/v1/exports', { token: T, body: { kind: 'namespace', code: WS } }), 202, 'export');
      const job = await waitJob(svc, T, started.id);
      assert.equal(job.status, 'succeeded', job.error);
      const res = await fetch(`${svc.url}/v1/packages/${job.result.package}/content`, { headers: { authorization: `Bearer ${T}` } });
      const file = work.file('invoices-export.isolapkg');
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      const cards = await cardsOf(file);
      const card = cards.find((c) => c.id === INVOICES)!;
      assert.ok(!codes(card.body.fields).includes('approver'), JSON.stringify(codes(card.body.fields)));
      assert.ok(codes(card.body.fields).includes('comment'));
      assert.equal(cards.find((c) => c.id === COUNTER)?.deleted, true);

      // The environment's own export comes back as unchanged: what it left out stays, nothing conflicts.
      const pkg = await upload(svc, T, file);
      const back = await plan(svc, T, pkg.id);
      assert.deepEqual(Object.values(actions(back)).filter((a) => a !== 'unchanged'), []);
    });
  });
}

/** Exports namespace `ns` from `s` and saves the package as `file`. */
async function exportTo(s: Service, token: string, ns: string, file: string): Promise<string> {
  const started = expectStatus(await api(s, 'POST', '/v1/exports', { token, body: { kind: 'namespace', code: ns } }), 202, 'export');
  const job = await waitJob(s, token, started.id);
  assert.equal(job.status, 'succeeded', job.error);
  const res = await fetch(`${s.url}/v1/packages/${job.result.package}/content`, { headers: { authorization: `Bearer ${token}` } });
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

/**
 * A work folder and two services of one backend for a suite's tests: started before them, stopped
 * and their data removed after.
 */
function twoEnvironments(backend: Backend): { work: Workdir; one: Service; two: Service } {
  const envs = {} as { work: Workdir; one: Service; two: Service };
  before(async () => {
    envs.work = new Workdir();
    [envs.one, envs.two] = await Promise.all([startService({ databaseUrl: backend.fresh() }), startService({ databaseUrl: backend.fresh() })]);
  });
  after(async () => {
    for (const s of [envs.one, envs.two]) {
      await s?.stop();
      if (s) removeData(s);
    }
    envs.work?.dispose();
  });
  return envs;
}

for (const backend of backends()) {
  describe(`from one environment to another, export after export (${backend.name})`, () => {
    const envs = twoEnvironments(backend);

    it('a workspace renamed in the source environment before its export is an update in the target next time, not a conflict', async () => {
      const { work, one: a, two: b } = envs;
      const p = work.copyExample('invoices', 'project');
      const v1 = p.build('invoices');
      const v2 = p.edit(MANIFEST, ['processes', 0, 'title'], 'Approval of invoices').edit(MANIFEST, ['version'], '1.1.0').build('invoices');
      await importFile(a, a.adminToken, v1);
      // The source names the workspace its own way: a property of the target, so its version stays.
      const before = (await entity(a, a.adminToken, WS)).hash;
      await changeTitle(a, a.adminToken, WS, 'Invoices (source)');
      assert.equal((await entity(a, a.adminToken, WS)).hash, before);
      const first = await exportTo(a, a.adminToken, WS, work.file('e1.isolapkg'));
      const exported = (await cardsOf(first)).find((c) => c.id === WS)!;
      assert.notEqual(exported.hash, before, 'the export carries the source\'s title, so another version');
      const { plan: created } = await importFile(b, b.adminToken, first);
      assert.equal(created.counts.create, created.entities.length);
      // The source moves on (a new version from the developer), then exports again.
      await importFile(a, a.adminToken, v2);
      assert.ok((await entity(a, a.adminToken, WS)).history.some((h: { hash: string }) => h.hash === exported.hash), 'the source remembers the version it handed out');
      const second = await exportTo(a, a.adminToken, WS, work.file('e2.isolapkg'));
      const { plan: next, job } = await importFile(b, b.adminToken, second);
      assert.equal(job.status, 'succeeded', job.error);
      assert.equal(next.counts.conflict, 0, JSON.stringify(next.entities.filter((e: { action: string }) => e.action === 'conflict')));
      assert.equal(actions(next)[PROCESS], 'update');
      assert.equal(actions(next)[WS], 'update');
    });

    it('a copy (`as`) takes the next version as an update, an older one as older, and a change made to it as a conflict', async () => {
      const { work, one: a } = envs;
      const p = work.copyExample('invoices', 'copies');
      const v1 = p.build('invoices');
      const v2 = p.edit(MANIFEST, ['version'], '1.1.0').edit(MANIFEST, ['processes', 0, 'title'], 'Approval of invoices').build('invoices');
      const v3 = p.edit(MANIFEST, ['version'], '1.2.0').edit(MANIFEST, ['processes', 0, 'title'], 'Approval').build('invoices');
      const T = a.adminToken;
      const copy = async (file: string) => plan(a, T, (await upload(a, T, file)).id, 'inv_copy');
      const first = await copy(v1);
      assert.equal(first.counts.create, first.entities.length);
      assert.equal((await runImport(a, T, first.id)).status, 'succeeded');
      // The copy's workspace and process were renamed, so their hashes are the copy's own.
      const second = await copy(v2);
      assert.equal(second.counts.conflict, 0, JSON.stringify(second.entities.filter((e: { action: string }) => e.action === 'conflict')));
      assert.equal(actions(second)['inv_copy'], 'update');
      assert.equal(actions(second)['inv_copy.approve_invoice'], 'update');
      assert.equal((await runImport(a, T, second.id)).status, 'succeeded');
      const back = await copy(v1);
      assert.deepEqual(Object.values(actions(back)).filter((x) => x === 'update'), [], 'going back is never a plain update');
      assert.equal(actions(back)['inv_copy'], 'conflict');
      assert.equal(back.entities.find((e: { id: string }) => e.id === 'inv_copy').older, true);
      // A change made to the copy in the environment is still a conflict.
      await changeTitle(a, T, 'inv_copy.approve_invoice', 'Approved here');
      const third = await copy(v3);
      assert.equal(actions(third)['inv_copy.approve_invoice'], 'conflict');
      assert.equal(actions(third)['inv_copy'], 'update');
    });
  });
}

for (const backend of backends()) {
  describe(`a project and two environments, one of which passes a version on (${backend.name})`, () => {
    const envs = twoEnvironments(backend);

    it('a version that came through the other environment\'s export is known to the project\'s next one: an update, not a conflict', async () => {
      const { work, one: e, two: d } = envs;
      const p = work.copyExample('invoices', 'project');
      const v1 = p.build('invoices');
      const v2 = p.edit(MANIFEST, ['version'], '1.1.0').build('invoices');
      const v3 = p.edit(MANIFEST, ['version'], '1.2.0').build('invoices');
      await importFile(d, d.adminToken, v1);
      await importFile(e, e.adminToken, v1);
      // E names the workspace its own way (its version stays), takes v2, and passes it on to D.
      await changeTitle(e, e.adminToken, WS, 'Invoices (E)');
      await importFile(e, e.adminToken, v2);
      const passed = await exportTo(e, e.adminToken, WS, work.file('from-e.isolapkg'));
      const { plan: taken } = await importFile(d, d.adminToken, passed);
      assert.equal(actions(taken)[WS], 'update');
      assert.equal((await entity(d, d.adminToken, WS)).body.title, 'Invoices', 'D keeps its own title');
      // D names it its own way too (its version stays); the project's next version into D: D holds
      // v2, under the hash E's export gave it.
      await changeTitle(d, d.adminToken, WS, 'Invoices (D)');
      const { plan: next, job } = await importFile(d, d.adminToken, v3);
      assert.equal(job.status, 'succeeded', job.error);
      const row = next.entities.find((x: { id: string }) => x.id === WS);
      assert.equal(row.action, 'update', JSON.stringify(row));
      assert.match(row.reason, /as admin brought it at .*what it added is kept/);
      assert.equal(next.counts.conflict, 0);
      assert.equal((await entity(d, d.adminToken, WS)).body.title, 'Invoices (D)');
    });
  });
}
