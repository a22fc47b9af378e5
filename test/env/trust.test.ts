/**
 * What a package may write, through the real service: a namespace owner cannot write into another
 * owner's namespace or the company's objects with a forged card or data set, and no package,
 * whoever imports it, writes outside the namespaces its kind and code define. Every refused
 * attempt leaves the environment exactly as it was. Runs on PGlite, and on PostgreSQL when
 * ISOLA_TEST_PG is set.
 */
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { canonicalJson, sha256 } from '../../server/src/core/packaging/canonical';
import { fixIndex, readEntries, type Entry } from '../fuzz/pkgzip';
import { writeZip } from '../unit/packaging/hostile';
import { createUser, entity, expectStatus, importFile, plan, revision, snapshot, upload, Workdir } from './fixtures';
import { api, backends, removeData, Service, startService, waitJob } from './service';

const COUNTER = 'invoices.invoice_number';

/** A card as the builder writes it (its hash is its body's). */
function card(type: string, id: string, namespace: string, code: string, body: Record<string, unknown>): Buffer {
  return Buffer.from(JSON.stringify({ id, type, namespace, code, deleted: false, hash: sha256(canonicalJson(body)), body }, null, 2) + '\n');
}

/** A copy of `file` with entries added (and replaced by name), its index made to match, so only the reader's other checks stand in the way. */
async function forge(work: Workdir, file: string, name: string, add: Entry[], descriptor?: (d: any) => void, keep: (name: string) => boolean = () => true): Promise<string> {
  let entries = (await readEntries(file)).filter((e) => keep(e.name) && !add.some((a) => a.name === e.name));
  entries.push(...add);
  if (descriptor) {
    entries = entries.map((e) => {
      if (e.name !== 'meta_data.json') return e;
      const d = JSON.parse(e.data.toString('utf8'));
      descriptor(d);
      return { name: e.name, data: Buffer.from(JSON.stringify(d)) };
    });
  }
  const out = work.file(`${name}.isolapkg`);
  await writeZip(out, fixIndex(entries).map((e) => ({ name: e.name, data: e.data })));
  return out;
}

for (const backend of backends()) {
  describe(`what a package may write (${backend.name})`, () => {
    let work: Workdir;
    let svc: Service;
    let T: string;
    /** Owns `invoices`, the victim. */
    let alice: string;
    /** Owns `payments`, the attacker. */
    let mallory: string;
    let payments: string;
    let counterBefore: any;

    /** Everything an attempt must leave alone. */
    const state = async () => ({ revision: await revision(svc), invoices: await snapshot(svc, T, 'invoices'), namespaces: (await api(svc, 'GET', '/v1/namespaces', { token: T })).body });

    before(async () => {
      work = new Workdir();
      svc = await startService({ databaseUrl: backend.fresh() });
      T = svc.adminToken;
      alice = await createUser(svc, T, 'alice', ['invoices']);
      mallory = await createUser(svc, T, 'mallory', ['payments']);
      await importFile(svc, alice, work.copyExample('invoices').build('invoices'));
      // The attacker's own workspace: the invoices example under the code `payments`.
      payments = work.copyExample('invoices', 'attacker').edit('invoices.isola.json', ['code'], 'payments').build('payments');
      counterBefore = await entity(svc, alice, COUNTER);
    });

    after(async () => {
      await svc.stop();
      removeData(svc);
      work.dispose();
    });

    it('a card whose id is another namespace\'s entity, claiming the owner\'s namespace, is refused at upload naming the entry', async () => {
      const before = await state();
      const forged = await forge(work, payments, 'forged-id', [{ name: `counters/${COUNTER}.card.json`, data: card('counter', COUNTER, 'payments', 'invoice_number', { code: 'invoice_number', title: 'Taken over' }) }]);
      const r = await api(svc, 'POST', '/v1/packages', { token: mallory, raw: readFileSync(forged) });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.error.reason, 'bad-package');
      assert.match(r.body.error.message, /counters\/invoices\.invoice_number\.card\.json: id "invoices\.invoice_number" does not agree with its namespace and code/);
      assert.deepEqual(await state(), before, 'nothing changed');
      assert.deepEqual(await entity(svc, alice, COUNTER), counterBefore, 'the owner still reads her entity as it was');
    });

    it('the same entity in its true namespace needs its owner\'s rights: 403 for the owner of another namespace', async () => {
      const before = await state();
      const forged = await forge(work, payments, 'foreign', [{ name: `counters/${COUNTER}.card.json`, data: card('counter', COUNTER, 'invoices', 'invoice_number', { code: 'invoice_number', title: 'Taken over' }) }]);
      const r = await api(svc, 'POST', '/v1/packages', { token: mallory, raw: readFileSync(forged) });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.match(r.body.error.message, /owner of `invoices`/);
      assert.deepEqual(await state(), before);
    });

    it('a global object in a workspace package needs the administrator: 403 for a namespace owner', async () => {
      const forged = await forge(work, payments, 'global', [{ name: 'groups/global.admins.card.json', data: card('group', 'global.admins', 'global', 'admins', { code: 'admins', title: 'Admins' }) }]);
      const r = await api(svc, 'POST', '/v1/packages', { token: mallory, raw: readFileSync(forged) });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.match(r.body.error.message, /environment administrator.*`global`/);
    });

    it('even for the administrator, a workspace package that carries entities of other namespaces is not isolated and is not imported', async () => {
      const before = await state();
      const forged = await forge(work, payments, 'foreign-admin', [
        { name: `counters/${COUNTER}.card.json`, data: card('counter', COUNTER, 'invoices', 'invoice_number', { code: 'invoice_number', title: 'Taken over' }) },
        { name: 'groups/global.admins.card.json', data: card('group', 'global.admins', 'global', 'admins', { code: 'admins', title: 'Admins' }) },
      ]);
      const pkg = await upload(svc, T, forged);
      const p = await plan(svc, T, pkg.id);
      assert.equal(p.ok, false);
      const iso = p.checks.find((c: any) => c.name === 'isolation');
      assert.equal(iso.ok, false);
      assert.ok(iso.details.includes('ISO004 counter invoices.invoice_number writes into `invoices`, outside workspace `payments`'), iso.details.join('\n'));
      assert.ok(iso.details.includes('ISO004 group global.admins writes into `global`, outside workspace `payments`'), iso.details.join('\n'));
      const r = await api(svc, 'POST', '/v1/imports', { token: T, body: { plan: p.id, onConflict: 'replace' } });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.error.reason, 'checks-failed');
      assert.deepEqual(await state(), before, 'nothing changed');
      assert.equal((await api(svc, 'GET', '/v1/entities/global.admins', { token: T })).status, 404);
    });

    it('data records filed under another namespace\'s app need that owner, and are outside a workspace package for anyone', async () => {
      const before = await state();
      const chunk = 'data/invoices.payment_purposes/00000.jsonl';
      const forged = await forge(work, payments, 'foreign-data', [{ name: chunk, data: Buffer.from('{"id":"planted","name":"Planted"}\n') }], (d) => {
        d.data.push({ app: 'invoices.payment_purposes', records: 1, chunks: [chunk] });
      });
      const raw = readFileSync(forged);
      const r = await api(svc, 'POST', '/v1/packages', { token: mallory, raw });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      const pkg = await upload(svc, T, forged);
      const p = await plan(svc, T, pkg.id);
      const iso = p.checks.find((c: any) => c.name === 'isolation');
      assert.ok(iso.details.includes('ISO004 data of invoices.payment_purposes writes into `invoices`, outside workspace `payments`'), iso.details.join('\n'));
      assert.equal((await api(svc, 'POST', '/v1/imports', { token: T, body: { plan: p.id } })).status, 422);
      assert.deepEqual(await state(), before);
      const records = expectStatus(await api(svc, 'GET', '/v1/records/invoices.payment_purposes?limit=1000', { token: alice }), 200, 'records');
      assert.ok(!records.some((x: any) => x.id === 'planted'));
    });

    it('a package relabelled as a configuration, the level that lifts the isolation check, needs the administrator: 403 for the owner of all it writes', async () => {
      const before = await state();
      // The attacker's own workspace, with a reference into the victim's namespace that a workspace may not have.
      const pkgCard = JSON.parse((await readEntries(payments)).find((e) => e.name === 'apps/payments.invoices.card.json')!.data.toString('utf8'));
      pkgCard.body.fields.push({ code: 'stolen', type: 'app', app: 'invoices.payment_purposes' });
      const relabelled = await forge(work, payments, 'relabelled', [
        { name: 'apps/payments.invoices.card.json', data: card('app', 'payments.invoices', 'payments', 'invoices', pkgCard.body) },
      ], (d) => {
        d.kind = 'configuration';
      });
      const r = await api(svc, 'POST', '/v1/packages', { token: mallory, raw: readFileSync(relabelled) });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.equal(r.body.error.message, 'uploading configuration `payments` needs the environment administrator');
      // Uploaded by the administrator, it is still not the attacker's to plan or import.
      const pkg = await upload(svc, T, relabelled);
      assert.equal((await api(svc, 'POST', '/v1/plans', { token: mallory, body: { package: pkg.id } })).status, 403);
      const p = await plan(svc, T, pkg.id);
      const confirmed = await api(svc, 'POST', '/v1/imports', { token: mallory, body: { plan: p.id } });
      assert.equal(confirmed.status, 403, JSON.stringify(confirmed.body));
      assert.deepEqual(await state(), before);
    });

    it('a package relabelled as a solution that names the victim\'s namespace as a member needs the victim\'s rights: 403', async () => {
      const before = await state();
      const entries = await readEntries(payments);
      const app = JSON.parse(entries.find((e) => e.name === 'apps/payments.invoices.card.json')!.data.toString('utf8'));
      app.body.fields.push({ code: 'stolen', type: 'app', app: 'invoices.payment_purposes' });
      const solution = { code: 'payments', title: 'Payments', members: [{ kind: 'workspace', code: 'payments' }, { kind: 'workspace', code: 'invoices' }] };
      const relabelled = await forge(work, payments, 'as-solution', [
        { name: 'apps/payments.invoices.card.json', data: card('app', 'payments.invoices', 'payments', 'invoices', app.body) },
        { name: 'solutions/payments.card.json', data: card('solution', 'payments', 'payments', 'payments', solution) },
      ], (d) => {
        d.kind = 'solution';
      }, (name) => name !== 'menu/payments.card.json');
      const r = await api(svc, 'POST', '/v1/packages', { token: mallory, raw: readFileSync(relabelled) });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.match(r.body.error.message, /owner of `invoices`/);
      assert.deepEqual(await state(), before);
    });

    it('a configuration card in the owner\'s own workspace package is not theirs to write: the plan\'s isolation check fails, the import is refused, for the administrator too', async () => {
      const before = await state();
      // The configuration export would take this entity's code, title, version and platform (an unimportable 9999.1).
      const conf = { kind: 'configuration', code: 'payments', title: 'Taken over', version: '6.6.6', platform: '9999.1' };
      const forged = await forge(work, payments, 'own-configuration', [
        { name: 'solutions/payments.card.json', data: card('configuration', 'payments', 'payments', 'payments', conf) },
      ], undefined, (name) => name !== 'menu/payments.card.json');
      for (const who of [mallory, T]) {
        const pkg = await upload(svc, who, forged);
        const p = await plan(svc, who, pkg.id);
        const iso = p.checks.find((c: any) => c.name === 'isolation');
        assert.equal(iso.ok, false);
        assert.ok(iso.details.includes('ISO004 configuration payments is the environment\'s configuration, which only a configuration package (the administrator\'s) writes: workspace `payments` may not write it'), iso.details.join('\n'));
        const r = await api(svc, 'POST', '/v1/imports', { token: who, body: { plan: p.id, onConflict: 'replace' } });
        assert.equal(r.status, 422, JSON.stringify(r.body));
      }
      assert.deepEqual(await state(), before, 'nothing changed');
      assert.equal((await api(svc, 'GET', '/v1/entities/payments', { token: T })).status, 404);
    });

    it('a solution card in a package of any kind adds a member only with the rights on it; its namespace\'s export still imports back', async () => {
      const sam = await createUser(svc, T, 'sam', ['sol']);
      // A workspace package `sol` whose only card is the solution `sol`: the kind that lets no member in, the card that names them.
      const withMembers = (name: string, codes: string[]) => forge(work, payments, name, [
        { name: 'solutions/sol.card.json', data: card('solution', 'sol', 'sol', 'sol', { code: 'sol', title: 'Sol', members: codes.map((code) => ({ kind: 'workspace', code })) }) },
      ], (d) => {
        d.code = 'sol';
        d.history = {};
        d.data = [];
        for (const step of d.steps) step.cards = step.step === 'solutions' ? 1 : 0;
      }, (name) => name === 'meta_data.json');
      const before = await state();
      const invoices = await withMembers('sol-invoices', ['invoices']);
      const mine = await upload(svc, sam, invoices);
      const r = await api(svc, 'POST', '/v1/plans', { token: sam, body: { package: mine.id } });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.match(r.body.error.message, /^adding `invoices` to solution `sol` needs the environment administrator or the owner of `invoices`/);
      assert.deepEqual(await state(), before, 'nothing changed');
      // The administrator may; the namespace's owner then exports it and imports it back unchanged.
      await importFile(svc, T, invoices);
      const exported = expectStatus(await api(svc, 'POST', '/v1/exports', { token: sam, body: { kind: 'namespace', code: 'sol' } }), 202, 'export');
      const job = await waitJob(svc, sam, exported.id);
      assert.equal(job.status, 'succeeded', job.error);
      const back = await plan(svc, sam, job.result.package);
      assert.ok(back.ok, JSON.stringify(back.checks.filter((c: any) => !c.ok)));
      assert.equal((await waitJob(svc, sam, expectStatus(await api(svc, 'POST', '/v1/imports', { token: sam, body: { plan: back.id } }), 202, 'import back').id)).status, 'succeeded');
      // A member added through a package: refused at the plan, and when the administrator's plan is confirmed by the owner.
      const more = await upload(svc, T, await withMembers('sol-more', ['invoices', 'payments']));
      const r2 = await api(svc, 'POST', '/v1/plans', { token: sam, body: { package: more.id } });
      assert.equal(r2.status, 403, JSON.stringify(r2.body));
      assert.match(r2.body.error.message, /^adding `payments` to solution `sol` needs the environment administrator or the owner of `payments`/);
      const adminPlan = await plan(svc, T, more.id);
      const confirmed = await api(svc, 'POST', '/v1/imports', { token: sam, body: { plan: adminPlan.id } });
      assert.equal(confirmed.status, 403, JSON.stringify(confirmed.body));
      assert.match(confirmed.body.error.message, /^adding `payments` to solution `sol`/);
      assert.deepEqual((await entity(svc, sam, 'sol')).body.members, [{ kind: 'workspace', code: 'invoices' }]);
    });

    it('a package that writes no namespace (no card, no data) is nobody\'s: 403 for a user who owns nothing, whatever code it names', async () => {
      const before = await state();
      const eve = await createUser(svc, T, 'eve', []);
      const empty = (kind: string, code: string) => forge(work, payments, `empty-${kind}`, [], (d) => {
        d.kind = kind;
        d.code = code;
        d.history = {};
        d.data = [];
        for (const step of d.steps) step.cards = 0;
      }, (name) => name === 'meta_data.json');
      // A user who owns nothing is refused before the package is read; an owner, once it is read.
      for (const [who, kind, code, words] of [
        [eve, 'workspace', 'payments', /owner of a namespace; eve owns no namespace/],
        [eve, 'app', 'orphan', /owner of a namespace; eve owns no namespace/],
        [mallory, 'app', 'orphan', /environment administrator: it touches no namespace/],
      ] as const) {
        const r = await api(svc, 'POST', '/v1/packages', { token: who, raw: readFileSync(await empty(kind, code)) });
        assert.equal(r.status, 403, `${kind}: ${JSON.stringify(r.body)}`);
        assert.match(r.body.error.message, words);
      }
      assert.deepEqual(await state(), before);
      // Imported by the administrator, its job and backup touch no namespace: they are not listed to, or restorable by, anyone else.
      const { job } = await importFile(svc, T, await empty('app', 'orphan'));
      assert.deepEqual(job.namespaces, []);
      assert.ok(job.backupId, 'an import takes a backup');
      assert.deepEqual(expectStatus(await api(svc, 'GET', '/v1/backups', { token: eve }), 200, 'backups'), []);
      assert.equal((await api(svc, 'POST', `/v1/backups/${job.backupId}/restore`, { token: eve })).status, 403);
      assert.equal((await api(svc, 'POST', `/v1/backups/${job.backupId}/restore`, { token: mallory })).status, 403);
    });

    it('a plan made by someone else is confirmed only with rights on the stored package too: a copy `as` the attacker\'s namespace is 403', async () => {
      const before = await state();
      const original = await upload(svc, T, work.copyExample('invoices', 'original').build('invoices'));
      const copy = await plan(svc, T, original.id, 'payments');
      assert.deepEqual(copy.namespaces, ['payments']);
      const r = await api(svc, 'POST', '/v1/imports', { token: mallory, body: { plan: copy.id, onConflict: 'replace' } });
      assert.equal(r.status, 403, JSON.stringify(r.body));
      assert.match(r.body.error.message, /owner of `invoices`/);
      assert.deepEqual(await state(), before);
    });

    it('another namespace\'s script, named by its hash, is not the attacker\'s: refused in a card their package does not carry it with, and in a PUT body', async () => {
      const before = await state();
      // The victim's script as the environment holds it: a path and a sha256 in the process's body.
      const victim = await entity(svc, alice, 'invoices.approve_invoice');
      const ref = victim.body.scripts.find((x: any) => x.file?.sha256).file;
      // The attacker's own process, naming it, in a package that does not carry that content.
      const entries = await readEntries(payments);
      const own = JSON.parse(entries.find((e) => e.name === 'processes/payments.approve_invoice.card.json')!.data.toString('utf8'));
      own.body.scripts = [...own.body.scripts, { code: 'lifted', file: { file: 'scripts/payments.approve_invoice.lifted.ts', sha256: ref.sha256, size: ref.size } }];
      const forged = await forge(work, payments, 'lifted', [{ name: 'processes/payments.approve_invoice.card.json', data: card('process', 'payments.approve_invoice', 'payments', 'approve_invoice', own.body) }]);
      const r = await api(svc, 'POST', '/v1/packages', { token: mallory, raw: readFileSync(forged) });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.match(r.body.error.message, /card payments\.approve_invoice names scripts\/payments\.approve_invoice\.lifted\.ts \(sha256 [0-9a-f]{64}\), which the package does not carry with that content/);
      assert.deepEqual(await state(), before);
    });

    it('an entity changed with a body nested 10,000 deep is a 400 naming the limit, and the entity stays as it was', async () => {
      const before = await state();
      const body = `{"body": {"code": "invoice_number", "layout": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
      const res = await fetch(`${svc.url}/v1/entities/${COUNTER}`, { method: 'PUT', headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' }, body });
      const answer = await res.json();
      assert.equal(res.status, 400, JSON.stringify(answer));
      assert.match((answer as any).error.message, /deeper than 256 levels/);
      assert.deepEqual(await state(), before);
    });

    it('the attacker\'s own package, unforged, imports: the checks refuse what is forged, not what is theirs', async () => {
      const { job } = await importFile(svc, mallory, payments);
      assert.equal(job.status, 'succeeded');
      assert.deepEqual(await entity(svc, alice, COUNTER), counterBefore);
    });

    it('an export of nothing (an app without its design or data) is its creator\'s to download, and nobody else\'s but the administrator\'s', async () => {
      // The app's access rows name the workspace's groups, which an app package cannot carry: without them it is isolated.
      const perms = await entity(svc, mallory, 'payments.payment_purposes.permissions');
      expectStatus(await api(svc, 'PUT', '/v1/entities/payments.payment_purposes.permissions', { token: mallory, body: { body: { ...perms.body, permissions: [] } } }), 200, 'PUT');
      const started = expectStatus(await api(svc, 'POST', '/v1/exports', { token: mallory, body: { kind: 'app', code: 'payments.payment_purposes', design: 'none' } }), 202, 'export');
      const job = await waitJob(svc, mallory, started.id);
      assert.equal(job.status, 'succeeded', job.error);
      const pkg = job.result.package;
      assert.deepEqual(expectStatus(await api(svc, 'GET', `/v1/packages/${pkg}`, { token: mallory }), 200, 'download by its creator').namespaces, []);
      assert.equal((await api(svc, 'GET', `/v1/packages/${pkg}`, { token: alice })).status, 403);
      assert.equal((await api(svc, 'GET', `/v1/packages/${pkg}`, { token: T })).status, 200);
    });

    it('a PUT may keep the files a body names, not name another namespace\'s by its hash', async () => {
      const victim = (await entity(svc, alice, 'invoices.approve_invoice')).body.scripts.find((x: any) => x.file?.sha256).file;
      const mine = await entity(svc, mallory, 'payments.approve_invoice');
      const before = await state();
      const lifted = { ...mine.body, scripts: [...mine.body.scripts, { code: 'lifted', file: victim }] };
      const r = await api(svc, 'PUT', '/v1/entities/payments.approve_invoice', { token: mallory, body: { body: lifted } });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.error.message, /^"body" names scripts\/invoices\.\S+ \(sha256 [0-9a-f]{64}\), a file payments\.approve_invoice does not have: files come only with packages$/);
      assert.deepEqual(await state(), before);
      // Its own files, kept as they are, with a new title: fine.
      const renamed = expectStatus(await api(svc, 'PUT', '/v1/entities/payments.approve_invoice', { token: mallory, body: { body: { ...mine.body, title: 'Renamed' } } }), 200, 'PUT');
      assert.equal(renamed.body.title, 'Renamed');
    });
  });
}
