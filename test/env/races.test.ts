/**
 * Requests that arrive together: two confirmations of one plan, an import confirmed while a
 * backup of its namespaces is being restored. What each answers is decided by what the other has
 * taken, never by which one's awaits happened to finish first. Through the engine itself (the
 * service's handlers call it as they are), on PGlite, and on PostgreSQL when ISOLA_TEST_PG is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Environment } from '../../server/src/core/environment/environment';
import type { Caller } from '../../server/src/core/environment/types';
import { fixIndex, readEntries } from '../fuzz/pkgzip';
import { writeZip } from '../unit/packaging/hostile';
import { Workdir } from './fixtures';
import { backends } from './service';

/** The statuses of settled calls: 'ok', or the EnvError's status. */
const outcomes = (settled: PromiseSettledResult<unknown>[]) => settled.map((s) => (s.status === 'fulfilled' ? 'ok' : (s.reason as { status?: number }).status ?? String(s.reason)));

for (const backend of backends()) {
  describe(`requests that arrive together (${backend.name})`, () => {
    let work: Workdir;
    let env: Environment;
    const admin: Caller = Environment.localCaller('admin');
    const alice: Caller = { id: 2, name: 'alice', admin: false, namespaces: ['invoices'] };
    let invoices: string;
    /** A package that writes no namespace: no running import's namespaces can clash with its. */
    let empty: string;

    before(async () => {
      work = new Workdir();
      invoices = work.copyExample('invoices').build('invoices');
      empty = work.file('empty.isolapkg');
      const entries = (await readEntries(invoices)).filter((e) => e.name === 'meta_data.json').map((e) => {
        const d = JSON.parse(e.data.toString('utf8'));
        Object.assign(d, { kind: 'app', code: 'orphan', history: {}, data: [] });
        for (const step of d.steps) step.cards = 0;
        return { name: e.name, data: Buffer.from(JSON.stringify(d)) };
      });
      await writeZip(empty, fixIndex(entries).map((e) => ({ name: e.name, data: e.data })));
      env = await Environment.open({ dataDir: path.join(work.root, 'env'), databaseUrl: backend.fresh(), name: 'races' });
    });

    after(async () => {
      await env.close();
      work.dispose();
    });

    const planOf = async (file: string) => {
      const p = await env.plan(admin, { package: (await env.registerFile(admin, file)).id });
      assert.ok(p.ok, JSON.stringify(p.checks.filter((c) => !c.ok)));
      return p;
    };

    it('two confirmations of one plan at once start one import; the other is told the plan is taken', async () => {
      for (const file of [empty, invoices]) {
        const p = await planOf(file);
        const settled = await Promise.allSettled([env.startImport(admin, { plan: p.id }), env.startImport(admin, { plan: p.id })]);
        const accepted = settled.filter((s): s is PromiseFulfilledResult<Awaited<ReturnType<Environment['startImport']>>> => s.status === 'fulfilled');
        assert.equal(accepted.length, 1, `${path.basename(file)}: ${JSON.stringify(outcomes(settled))}`);
        assert.equal((await env.waitForJob(accepted[0].value.id)).status, 'succeeded');
        const refused = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
        assert.ok([404, 409].includes(refused.reason.status), String(refused.reason));
        assert.equal(outcomes([await Promise.allSettled([env.startImport(admin, { plan: p.id })]).then((x) => x[0])])[0], 404, 'the plan is used');
      }
    });

    it('a confirmation refused before its import began leaves the plan to be confirmed', async () => {
      const p = await planOf(invoices);
      // Eve owns nothing the plan writes (403); the plan stays for Alice, who owns `invoices`.
      const eve: Caller = { id: 3, name: 'eve', admin: false, namespaces: ['payments'] };
      await assert.rejects(env.startImport(eve, { plan: p.id }), (e: Error & { status?: number }) => e.status === 403);
      const job = await env.startImport(alice, { plan: p.id });
      assert.equal((await env.waitForJob(job.id)).status, 'succeeded');
    });

    it('an import confirmed while a backup of its namespaces is being restored, or a restore while the import starts: one of them, never both', async () => {
      const backup = (await env.backups(admin)).find((b) => b.namespaces.includes('invoices'))!;
      assert.ok(backup, 'an import of invoices left a backup');
      for (let round = 0; round < 3; round++) {
        const p = await planOf(invoices);
        // Both in one tick: each runs to its first await before the other goes on.
        const calls = round % 2 ? [env.restore(admin, backup.id), env.startImport(admin, { plan: p.id })] : [env.startImport(admin, { plan: p.id }), env.restore(admin, backup.id)];
        const settled = await Promise.allSettled(calls);
        for (const s of settled) if (s.status === 'rejected') assert.equal(s.reason.status, 409, String(s.reason));
        const answers = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as ({ id: string; kind: string } | { backup: { restoredAt?: string } } | undefined)[];
        const job = answers.find((a) => a && 'kind' in a) as { id: string } | undefined;
        const restored = answers.find((a) => a && 'backup' in a) as { backup: { restoredAt?: string } } | undefined;
        assert.ok(job || restored, `round ${round}: neither went ahead: ${JSON.stringify(outcomes(settled))}`);
        const finished = job && (await env.waitForJob(job.id));
        // Both only one after the other: an import that had finished before the restore began (PostgreSQL answers fast).
        if (finished && restored) assert.ok(finished.finishedAt! <= restored.backup.restoredAt!, `round ${round}: both went ahead at once (import finished ${finished.finishedAt}, restore began ${restored.backup.restoredAt})`);
      }
    });

    it('a change made while another commits (an import, a restore) applies to what that one wrote, never to the version read before it', async () => {
      if (!(await env.entities(admin, 'invoices')).length) await env.waitForJob((await env.startImport(admin, { plan: (await planOf(invoices)).id })).id);
      const id = (await env.entities(admin, 'invoices')).find((e) => e.type === 'app' && !e.deleted)!.id;
      const before = await env.entity(admin, id);
      const title = `Renamed while the change waited ${backend.name}`;
      // What an import that holds the revision lock does to a PUT on PostgreSQL (it waits, then
      // goes on): the other writer commits after the PUT has read the entity and before it locks.
      const db = (env as unknown as { db: { transaction: (fn: (tx: unknown) => Promise<unknown>) => Promise<unknown> } }).db;
      const own = db.transaction.bind(db);
      let once = true;
      db.transaction = async (fn) => {
        if (once) {
          once = false;
          await env.changeEntity(alice, id, { body: { ...before.body, title } });
        }
        return own(fn);
      };
      try {
        const deleted = await env.changeEntity(admin, id, { deleted: true });
        assert.equal(deleted.body.title, title, 'the change is made over what committed before it');
      } finally {
        db.transaction = own;
      }
      const now = await env.entity(admin, id);
      assert.equal(now.deleted, true);
      assert.equal(now.body.title, title, 'the other writer\'s title is not written over with the one read before it');
      const history = now.history.map((h) => h.hash);
      assert.equal(history[history.length - 1], now.hash);
      assert.ok(!history.slice(-2).includes(before.hash), `no version goes back to the one read before: ${history.join(', ')}`);
      await env.changeEntity(admin, id, { deleted: false, body: before.body });
    });
  });
}
