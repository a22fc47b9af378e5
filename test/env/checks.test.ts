/**
 * Checks that tell the truth, through the real service's HTTP API and the CLI: languages equal in
 * the same order (Protogrid), an export that refuses a scope that is not isolated (as a build
 * does), references into namespaces the environment lacks listed, a rebuild recognised as a
 * repeat and an older package called older, the first backup's wording, an export's data in
 * reference order, and records that name records nowhere to be found. Runs on PGlite, and on
 * PostgreSQL when ISOLA_TEST_PG is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PackageReader } from '../../server/src/core/packaging/reader';
import { writePackage } from '../../server/src/core/packaging/writer';
import { expectStatus, importFile, plan, runImport, upload, Workdir } from './fixtures';
import { api, backends, CLI, removeData, Service, startService, waitJob } from './service';

const INVOICES = 'invoices.isola.json';
const PURPOSE = (n: number) => `0b9f6c52-3d1e-4c8a-9a51-1f6f0c2a7d0${n}`;
/** Invoices naming purposes of payment by id: their app-type field `purpose`. */
const INVOICE_RECORDS = [1, 2, 3].map((n) => JSON.stringify({ id: `inv-${n}`, number: `INV-2026-00000${n}`, amount: 100 * n, purpose: PURPOSE(n) })).join('\n') + '\n';

interface Files {
  solution: string; invoices1: string; invoices1again: string; invoices2: string;
  russianOnly: string; invoicesOnly: string; dangling: string; paymentsAlone: string;
}

/**
 * The workspace `payments` cut out of its solution's package, as an environment exported it before
 * export checked isolation: its references into `custom_objects` and `accounting` go nowhere.
 */
async function workspaceAlone(work: Workdir, solution: string): Promise<string> {
  const reader = await PackageReader.open(solution);
  try {
    const cards = (await reader.cards()).map((c) => c.card).filter((c) => c.namespace === 'payments');
    const files: { path: string; data: Buffer }[] = [];
    for (const name of reader.entries.keys()) if (name.startsWith('templates/files/payments.')) files.push({ path: name, data: await reader.read(name) });
    const d = reader.descriptor;
    const out = work.file('payments-alone.isolapkg');
    await writePackage({
      out, cards, files, data: [],
      descriptor: { ...d, kind: 'workspace', code: 'payments', history: Object.fromEntries(cards.map((c) => [c.id, d.history[c.id]])) },
    });
    return out;
  } finally {
    reader.close();
  }
}

async function buildAll(work: Workdir): Promise<Files> {
  const solution = work.copyExample('payments').build('payments_solution', []);
  const inv = work.copyExample('invoices', 'project').write('data/invoices.jsonl', INVOICE_RECORDS).edit(INVOICES, ['data', 'invoices'], 'data/invoices.jsonl');
  const invoices1 = inv.build('invoices');
  const invoices1again = inv.build('invoices'); // the same manifests: another file, the same cards
  const invoices2 = inv.edit(INVOICES, ['groups', 0, 'title'], 'Accountants (all)').build('invoices');
  const russianOnly = work.copyExample('invoices', 'russian').edit(INVOICES, ['languages'], ['ru']).build('invoices', []);
  const invoicesOnly = work.copyExample('invoices', 'only').write('data/invoices.jsonl', INVOICE_RECORDS).edit(INVOICES, ['data', 'invoices'], 'data/invoices.jsonl').build('invoices', ['--data', 'invoices']);
  const dangling = work.copyExample('invoices', 'dangling')
    .write('data/invoices.jsonl', INVOICE_RECORDS + JSON.stringify({ id: 'inv-9', number: 'INV-2026-000009', purpose: 'no-such-purpose' }) + '\n')
    .edit(INVOICES, ['data', 'invoices'], 'data/invoices.jsonl').build('invoices');
  return { solution, invoices1, invoices1again, invoices2, russianOnly, invoicesOnly, dangling, paymentsAlone: await workspaceAlone(work, solution) };
}

const check = (p: any, name: string) => p.checks.find((c: any) => c.name === name);
const logOf = async (s: Service, id: string): Promise<string[]> => expectStatus(await api(s, 'GET', `/v1/jobs/${id}/log`, { token: s.adminToken }), 200, 'log').map((l: any) => l.line);

for (const backend of backends()) {
  describe(`checks that tell the truth (${backend.name})`, () => {
    let work: Workdir;
    let files: Files;
    /** The main environment: the payments solution and the invoices workspace. */
    let a: Service;
    /** An empty environment, a second target. */
    let b: Service;
    /** An environment whose languages are ru, en. */
    let l: Service;
    let project: string;

    /** `isola` in a project folder whose isola.config.json names the three services. */
    const cli = (args: string[]) => {
      const r = spawnSync(process.execPath, [CLI, ...args], {
        cwd: project, encoding: 'utf8',
        env: { ...process.env, ISOLA_TOKEN_A: a.adminToken, ISOLA_TOKEN_B: b.adminToken, ISOLA_TOKEN_L: l.adminToken },
      });
      return { code: r.status, out: `${r.stdout}${r.stderr}` };
    };

    before(async () => {
      work = new Workdir();
      files = await buildAll(work);
      [a, b, l] = await Promise.all([0, 1, 2].map(() => startService({ databaseUrl: backend.fresh() })));
      project = mkdtempSync(path.join(os.tmpdir(), 'isola-checks-'));
      writeFileSync(path.join(project, 'isola.config.json'), JSON.stringify({ environments: { a: { url: a.url }, b: { url: b.url }, l: { url: l.url } } }));
    });

    after(async () => {
      for (const s of [a, b, l]) {
        if (!s) continue;
        await s.stop();
        removeData(s);
      }
      if (project) rmSync(project, { recursive: true, force: true });
      work?.dispose();
    });

    it('languages: a solution with ["en","ru"] into an environment with ["ru","en"] is refused, naming the order to use; a subset is refused too', async () => {
      expectStatus(await api(l, 'PATCH', '/v1/settings', { token: l.adminToken, body: { languages: ['ru', 'en'] } }), 200, 'settings');
      const p = await plan(l, l.adminToken, (await upload(l, l.adminToken, files.solution)).id);
      assert.equal(p.ok, false);
      const c = check(p, 'languages');
      assert.equal(c.ok, false);
      assert.match(c.message, /the package has languages en, ru but the environment has ru, en/);
      assert.match(c.message, /Set the environment's languages to en, ru, in this order, or build the package with "languages": \["ru","en"\]/);
      const r = await api(l, 'POST', '/v1/imports', { token: l.adminToken, body: { plan: p.id } });
      assert.equal(expectStatus(r, 422, 'import refused').error.reason, 'checks-failed');

      const run = cli(['import', files.solution, '--env', 'l']);
      assert.equal(run.code, 1, run.out);
      assert.match(run.out, /FAIL languages: .*Set the environment's languages to en, ru, in this order/);

      // `ru` alone is not the environment's languages either (it used to pass as "in order").
      const sub = await plan(l, l.adminToken, (await upload(l, l.adminToken, files.russianOnly)).id);
      assert.equal(check(sub, 'languages').ok, false, check(sub, 'languages').message);
      assert.match(check(sub, 'languages').message, /the package lacks en/);
    });

    it('backup wording: the first import\'s backup holds no entity from before, and says what it holds', async () => {
      await importFile(a, a.adminToken, files.solution);
      const { job } = await importFile(a, a.adminToken, files.invoices1);
      const line = (await logOf(a, job.id)).find((x) => x.startsWith('backup '))!;
      assert.match(line, /holds no entity from before the import \(none of the 13 entities it writes existed\); it records them as absent, so restoring it removes them/);
      assert.doesNotMatch(line, /13 entities before the import/);
    });

    it('export of a workspace of a solution is refused with the findings: job failed, log and details list them; the CLI exits 1', async () => {
      for (const ns of ['payments', 'custom_objects']) {
        const started = expectStatus(await api(a, 'POST', '/v1/exports', { token: a.adminToken, body: { kind: 'namespace', code: ns } }), 202, `export ${ns}`);
        const job = await waitJob(a, a.adminToken, started.id);
        assert.equal(job.status, 'failed', `export of ${ns}: ${JSON.stringify(job.result)}`);
        assert.equal(job.result?.package, undefined, 'no package');
        const details: string[] = job.result.details;
        assert.ok(details.length > 0 && details.every((d) => d.startsWith('ISO004 ')), details.join('\n'));
        for (const d of details) assert.match(d, /resolves only because solution `payments_solution` includes both .*\(ISO009\).*export solution `payments_solution` instead/);
        assert.match(job.error, new RegExp(`workspace \`${ns}\` is not isolated: ${details.length} finding\\(s\\)`));
        assert.match(job.error, /export solution `payments_solution` instead/);
        const log = await logOf(a, job.id);
        for (const d of details) assert.ok(log.includes(d), `log lists ${d}`);
      }
      const payments = (await waitJob(a, a.adminToken, expectStatus(await api(a, 'POST', '/v1/exports', { token: a.adminToken, body: { kind: 'namespace', code: 'payments' } }), 202, 'export').id)).result.details;
      assert.ok(payments.some((d: string) => d.includes('app `custom_objects.vat_rates`')), payments.join('\n'));
      assert.ok(payments.some((d: string) => d.includes('activity `accounting.send_register`')), payments.join('\n'));

      const out = path.join(project, 'payments.isolapkg');
      const run = cli(['export', '--package', 'payments', '--env', 'a', '--out', out]);
      assert.equal(run.code, 1, run.out);
      assert.match(run.out, /error: ISO004 payments\.payment_requests: app `custom_objects\.vat_rates` belongs to workspace `custom_objects`, outside workspace `payments`/);
      assert.match(run.out, /job j_\S+ failed: workspace `payments` is not isolated/);
      assert.equal(existsSync(out), false, 'nothing saved');

      const whole = await waitJob(a, a.adminToken, expectStatus(await api(a, 'POST', '/v1/exports', { token: a.adminToken, body: { kind: 'solution', code: 'payments_solution' } }), 202, 'export').id);
      assert.equal(whole.status, 'succeeded', whole.error);
    });

    it('references into namespaces the environment lacks are listed, not called resolved', async () => {
      const p = await plan(b, b.adminToken, (await upload(b, b.adminToken, files.paymentsAlone)).id);
      const refs = check(p, 'references');
      assert.equal(refs.ok, false, refs.message);
      assert.doesNotMatch(refs.message, /every reference resolves/);
      for (const want of ['app `custom_objects.vat_rates`', 'app `custom_objects.periods`', 'activity `accounting.send_register`']) {
        assert.ok(refs.details.some((d: string) => d.includes(want) && d.includes('resolves neither in the package nor in the environment')), `${want} in ${refs.details.join('\n')}`);
      }
      assert.equal(check(p, 'isolation').ok, false);
      // Where the other namespaces exist, their references resolve (isolation still fails).
      const there = await plan(a, a.adminToken, (await upload(a, a.adminToken, files.paymentsAlone)).id);
      assert.equal(check(there, 'references').ok, true, JSON.stringify(check(there, 'references').details));
      assert.equal(check(there, 'isolation').ok, false);

      const run = cli(['import', files.paymentsAlone, '--env', 'b', '--dry-run']);
      assert.equal(run.code, 1, run.out);
      assert.match(run.out, /FAIL references: \d+ reference\(s\) resolve neither/);
      assert.match(run.out, /payments\.payment_requests: app `custom_objects\.vat_rates` resolves neither in the package nor in the environment/);
    });

    it('records that name records neither in the package nor in the environment are a warning in the plan', async () => {
      const p = await plan(b, b.adminToken, (await upload(b, b.adminToken, files.invoicesOnly)).id);
      const c = check(p, 'records');
      assert.equal(c?.ok, true, JSON.stringify(c));
      assert.match(c.message, /^warning: 3 /);
      assert.ok(c.details.some((d: string) => d.includes('invoices.invoices record `inv-1` (field `purpose`)') && d.includes(`\`${PURPOSE(1)}\` of invoices.payment_purposes`)), c.details.join('\n'));

      const run = cli(['import', files.invoicesOnly, '--env', 'b', '--dry-run']);
      assert.match(run.out, /records: warning: 3 record reference\(s\)/);
      assert.match(run.out, /invoices\.invoices record `inv-2` \(field `purpose`\) names/);

      // Once the purposes are there, only the record naming one that exists nowhere is left.
      await importFile(b, b.adminToken, files.invoices1);
      assert.doesNotMatch(check(await plan(b, b.adminToken, (await upload(b, b.adminToken, files.invoicesOnly)).id), 'records').message, /warning/);
      const d = check(await plan(b, b.adminToken, (await upload(b, b.adminToken, files.dangling)).id), 'records');
      assert.deepEqual(d.details, ['invoices.invoices record `inv-9` (field `purpose`) names `no-such-purpose` of invoices.payment_purposes, which is neither in the package nor in the environment']);
    });

    it('repeat: a rebuild of the same manifests is recognised as a repeat of the earlier import', async () => {
      const p = await plan(a, a.adminToken, (await upload(a, a.adminToken, files.invoices1again)).id);
      assert.notEqual(p.package.sha256, (await upload(a, a.adminToken, files.invoices1)).sha256, 'another file');
      assert.equal(p.counts.unchanged, 13);
      assert.match(check(p, 'repeat').message, /the same content was imported before from another file \(job j_\S+, .*\): a rebuild of the same manifests/);
      const run = cli(['import', files.invoices1again, '--env', 'a', '--dry-run']);
      assert.match(run.out, /ok {3}repeat: the same content was imported before/);
    });

    it('an older package after a newer one is "older than what the environment has", not an edit in the environment', async () => {
      await importFile(a, a.adminToken, files.invoices2);
      const p = await plan(a, a.adminToken, (await upload(a, a.adminToken, files.invoices1)).id);
      const row = p.entities.find((e: any) => e.id === 'invoices.accountants');
      assert.equal(row.action, 'conflict');
      assert.equal(row.older, true);
      assert.match(row.reason, /^older than what the environment has/);
      assert.doesNotMatch(row.reason, /changed in the environment/);
      assert.match(check(p, 'repeat').message, /this package was imported before .*1 entity is older than what the environment has/);
      const refused = await api(a, 'POST', '/v1/imports', { token: a.adminToken, body: { plan: p.id } });
      const err = expectStatus(refused, 409, 'older package, cancel').error;
      assert.match(err.message, /^1 entity is older in the package than what the environment has; nothing was imported/);

      const run = cli(['import', files.invoices1, '--env', 'a']);
      assert.equal(run.code, 1, run.out);
      assert.match(run.out, /conflict +group +invoices\.accountants {2}\(older than what the environment has/);
      assert.match(run.out, /1 conflict\(s\): 1 entity is older in the package than what the environment has \(invoices\.accountants\)/);
      assert.doesNotMatch(run.out, /the environment changed|changed in the environment/);

      const replaced = cli(['import', files.invoices1, '--env', 'a', '--on-conflict', 'replace']);
      assert.equal(replaced.code, 0, replaced.out);
      assert.match(replaced.out, /groups: invoices\.accountants replaced by the package's older version/);
    });

    it('export orders data by references, as build does, so the package imports in one pass', async () => {
      // An app named twice (the second list) is exported, and listed in the options, once.
      for (const data of ['all', ['invoices.invoices', 'invoices.payment_purposes'], ['invoices.invoices', 'invoices.payment_purposes', 'invoices.invoices']]) {
        const job = await waitJob(a, a.adminToken, expectStatus(await api(a, 'POST', '/v1/exports', { token: a.adminToken, body: { kind: 'namespace', code: 'invoices', data } }), 202, 'export').id);
        assert.equal(job.status, 'succeeded', job.error);
        const res = await fetch(`${a.url}/v1/packages/${job.result.package}/content`, { headers: { authorization: `Bearer ${a.adminToken}` } });
        const file = work.file('exported.isolapkg');
        writeFileSync(file, Buffer.from(await res.arrayBuffer()));
        const reader = await PackageReader.open(file);
        try {
          assert.deepEqual(reader.descriptor.options.dataOrder, ['invoices.payment_purposes', 'invoices.invoices'], JSON.stringify(data));
          if (Array.isArray(data)) assert.deepEqual(reader.descriptor.options.data, ['invoices.invoices', 'invoices.payment_purposes']);
          assert.deepEqual(reader.descriptor.data.map((x) => x.app), ['invoices.payment_purposes', 'invoices.invoices']);
          // Protogrid 2.1: the export's log has a line per exported design card, and each data app's count.
          const log = await logOf(a, job.id);
          const cards = (await reader.cards()).map(({ card }) => card);
          assert.deepEqual(log.filter((x) => / exported( \(deleted\))?$/.test(x) && !x.startsWith('data ')).map((x) => x.split(' ')[1]).sort(), cards.map((c) => c.id).sort());
          assert.deepEqual(log.filter((x) => x.startsWith('data ')), reader.descriptor.data.map((d) => `data ${d.app}: ${d.records} record(s) exported`));
          assert.match(log[log.length - 1], new RegExp(`^exported ${cards.length} design entities and \\d+ record\\(s\\) of \\w+ \`invoices\``));
        } finally {
          reader.close();
        }
        if (data !== 'all') continue;
        const pkg = await upload(l, l.adminToken, file);
        expectStatus(await api(l, 'PATCH', '/v1/settings', { token: l.adminToken, body: { languages: ['en', 'ru'] } }), 200, 'settings');
        const p = await plan(l, l.adminToken, pkg.id);
        assert.match(check(p, 'records').message, /every record a record names is in the package or the environment/);
        const imported = await runImport(l, l.adminToken, p.id);
        assert.equal(imported.status, 'succeeded', imported.error);
        const dataLines = (await logOf(l, imported.id)).filter((x) => x.startsWith('data '));
        assert.deepEqual(dataLines.map((x) => x.split(':')[0]), ['data invoices.payment_purposes', 'data invoices.invoices']);
      }
      const out = path.join(project, 'invoices.isolapkg');
      const stored = () => readdirSync(path.join(a.dataDir, 'packages')).filter((f) => f.endsWith('.isolapkg')).sort();
      const before = stored();
      const run = cli(['export', '--package', 'invoices', '--env', 'a', '--data', 'invoices.invoices,invoices.payment_purposes', '--out', out]);
      assert.equal(run.code, 0, run.out);
      // Downloaded, the export is deleted from the service: each one kept would fill its disk.
      assert.deepEqual(stored(), before);
      const reader = await PackageReader.open(out);
      try {
        assert.deepEqual(reader.descriptor.options.dataOrder, ['invoices.payment_purposes', 'invoices.invoices']);
      } finally {
        reader.close();
      }
    });
  });
}
