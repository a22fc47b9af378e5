/**
 * The fault test (spec §5, "the import is atomic"): the service process is killed with SIGKILL at
 * random points during imports; after each restart the environment equals either the state before
 * the import or the state after it, never a mix, and the killed job shows as failed (or as
 * succeeded, only when the state is the one after).
 *
 * Two variants of one generated workspace (bench/import.ts writes it: ~300 design entities and
 * ~50,000 data records; the variants differ in most entity titles and in every record's content,
 * with the same ids) are imported alternately with `onConflict: "replace"`, so every import really
 * changes entities, their histories and records. Each round:
 *   1. the state before is the digest of what the API shows: every entity (id, hash, deleted flag,
 *      a hash of its body), every entity's history (hash and time of each entry, in order) and every
 *      record of the workspace's apps (id, a hash of its body);
 *   2. the state after is computed from the state before and the package (what §5 says an import
 *      does: each card's hash, flag and body; its history merged with the package's; unchanged
 *      cards untouched; records written over by id; nothing deleted);
 *   3. plan, start the import, and SIGKILL the service after a random delay within the import's
 *      measured duration (a little beyond it, so some kills land after the commit; the first kill
 *      comes right after the 202, before the job has done anything);
 *   4. restart the service on the same data (the same PostgreSQL schema), digest the state again,
 *      and read the killed job.
 *
 *   ISOLA_FAULT_RUNS     kills per backend (default 20)
 *   ISOLA_FAULT_SEED     seed of the kill delays (default: random, printed)
 *   ISOLA_FAULT_RECORDS  data records per package (default 50000)
 *   ISOLA_TEST_PG        also run on PostgreSQL (a fresh schema)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { writeImportProject } from '../../bench/import';
import { rng as prng } from '../../bench/package';
import { canonicalJson } from '../../server/src/core/packaging/canonical';
import { PackageReader } from '../../server/src/core/packaging/reader';
import { api, backends, CLI, Service, startService, waitJob } from './service';

const RUNS = Number(process.env.ISOLA_FAULT_RUNS ?? 20);
const SEED = Number(process.env.ISOLA_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RECORDS = Number(process.env.ISOLA_FAULT_RECORDS ?? 50_000);
const APPS = 60; // 5 cards each: ~300 design entities
const NS = 'fault';
const APPS_WITH_DATA = [`${NS}.customers`, `${NS}.orders`];

// Bodies are compared by their canonical JSON (keys sorted): the database does not keep key order.
const canonical = canonicalJson;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** What the test compares: the environment's entities, their histories and the workspace's records. */
interface State {
  /** id → hash, deleted flag and a hash of the canonical body (which must agree with `hash`, but is read apart). */
  entities: Map<string, { hash: string; deleted: boolean; body: string }>;
  /** id → history entries in order, `hash@at`. */
  history: Map<string, string[]>;
  /** app → record id → hash of the canonical body */
  records: Map<string, Map<string, string>>;
}

function digest(s: State): string {
  const h = createHash('sha256');
  for (const id of [...s.entities.keys()].sort()) {
    const e = s.entities.get(id)!;
    h.update(`e ${id} ${e.hash} ${e.deleted} ${e.body}\n`);
    h.update(`h ${id} ${(s.history.get(id) ?? []).join(',')}\n`);
  }
  for (const app of [...s.records.keys()].sort()) {
    const recs = s.records.get(app)!;
    for (const id of [...recs.keys()].sort()) h.update(`r ${app} ${id} ${recs.get(id)}\n`);
  }
  return h.digest('hex');
}

/** How two states differ, in a few words (for the message when the state is a mix). */
function difference(a: State, b: State): string {
  let entities = 0;
  let histories = 0;
  let records = 0;
  for (const id of new Set([...a.entities.keys(), ...b.entities.keys()])) {
    const x = a.entities.get(id);
    const y = b.entities.get(id);
    if (x?.hash !== y?.hash || x?.deleted !== y?.deleted || x?.body !== y?.body) entities++;
    if ((a.history.get(id) ?? []).join() !== (b.history.get(id) ?? []).join()) histories++;
  }
  for (const app of new Set([...a.records.keys(), ...b.records.keys()])) {
    const x = a.records.get(app) ?? new Map<string, string>();
    const y = b.records.get(app) ?? new Map<string, string>();
    for (const id of new Set([...x.keys(), ...y.keys()])) if (x.get(id) !== y.get(id)) records++;
  }
  return `${entities} entities, ${histories} histories, ${records} records differ`;
}

async function ok(s: Service, method: string, p: string, body?: unknown): Promise<any> {
  const r = await api(s, method, p, { token: s.adminToken, ...(body !== undefined ? { body } : {}) });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
  return r.body;
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/**
 * The records of `app` as the API shows them, read in ranges at once: range k starts after
 * `bounds[k-1]` (the first at the beginning) and ends at `bounds[k]` when it meets it (the last at
 * the end). Bounds are ids the packages carry, in their order; a range whose bound is missing (or
 * that the database orders elsewhere) reads on to the end, so the ranges cover every record
 * whatever is there.
 */
async function readRecords(s: Service, app: string, bounds: string[]): Promise<Map<string, string>> {
  const recs = new Map<string, string>();
  const starts = ['', ...bounds];
  await pool(starts.map((start, k) => ({ start, stop: bounds[k] })), 4, async ({ start, stop }) => {
    let after = start;
    for (;;) {
      const page: { id: string; body: unknown }[] = await ok(s, 'GET', `/v1/records/${app}?after=${encodeURIComponent(after)}&limit=1000`);
      const end = stop === undefined ? -1 : page.findIndex((r) => r.id === stop);
      for (const r of end < 0 ? page : page.slice(0, end + 1)) recs.set(r.id, sha(canonical(r.body)));
      if (end >= 0 || page.length < 1000) return;
      after = page[page.length - 1].id;
    }
  });
  return recs;
}

/** Ids that split each app's records into ranges of about 6,000 (see readRecords). */
function recordBounds(models: PackageModel[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const app of APPS_WITH_DATA) {
    const ids = [...new Set(models.flatMap((m) => [...(m.records.get(app)?.keys() ?? [])]))].sort();
    const ranges = Math.min(8, Math.ceil(ids.length / 6000));
    out.set(app, Array.from({ length: Math.max(0, ranges - 1) }, (_, k) => ids[Math.floor(((k + 1) * ids.length) / ranges)]));
  }
  return out;
}

/** The state as the API shows it. */
async function snapshot(s: Service, bounds: Map<string, string[]>): Promise<State> {
  const state: State = { entities: new Map(), history: new Map(), records: new Map() };
  const namespaces: { code: string; records: number }[] = await ok(s, 'GET', '/v1/namespaces');
  for (const ns of namespaces) {
    for (const e of await ok(s, 'GET', `/v1/namespaces/${encodeURIComponent(ns.code)}/entities`) as { id: string; hash: string; deleted: boolean; body: unknown }[]) {
      state.entities.set(e.id, { hash: e.hash, deleted: e.deleted, body: sha(canonical(e.body)) });
    }
  }
  await Promise.all([
    pool([...state.entities.keys()], 4, async (id) => {
      const e = await ok(s, 'GET', `/v1/entities/${encodeURIComponent(id)}`);
      state.history.set(id, (e.history as { hash: string; at: string }[]).map((h) => `${h.hash}@${h.at}`));
    }),
    ...APPS_WITH_DATA.map(async (app) => {
      const recs = await readRecords(s, app, bounds.get(app) ?? []);
      if (recs.size) state.records.set(app, recs);
    }),
  ]);
  // The ranges overlap when a bound is missing, never leave a gap; the namespace's count says so too.
  const counted = namespaces.find((n) => n.code === NS)?.records ?? 0;
  const read = [...state.records.values()].reduce((n, m) => n + m.size, 0);
  assert.equal(read, counted, `read ${read} records of ${NS}, the namespace counts ${counted}`);
  return state;
}

/** What a package holds, as far as the state is concerned. */
interface PackageModel {
  file: string;
  cards: { id: string; hash: string; deleted: boolean; body: string }[];
  /** id → the package's history of the entity, `hash@at` */
  history: Record<string, string[]>;
  records: Map<string, Map<string, string>>;
}

async function readModel(file: string): Promise<PackageModel> {
  const reader = await PackageReader.open(file);
  try {
    const cards = (await reader.cards()).map(({ card }) => ({ id: card.id, hash: card.hash, deleted: card.deleted === true, body: sha(canonical(card.body)) }));
    const history = Object.fromEntries(Object.entries(reader.descriptor.history).map(([id, h]) => [id, h.map((x) => `${x.hash}@${x.at}`)]));
    for (const c of cards) {
      const h = history[c.id];
      // A built package's history ends with the card's own hash, so an import adds no entry of its own (whose time the test could not know).
      assert.ok(h?.length && h[h.length - 1].startsWith(`${c.hash}@`), `${file}: the history of ${c.id} does not end with its hash`);
    }
    const records = new Map<string, Map<string, string>>();
    for (const d of reader.descriptor.data) {
      const recs = new Map<string, string>();
      for await (const r of reader.records(d.app)) recs.set(String(r.id), sha(canonical(r)));
      records.set(d.app, recs);
    }
    return { file, cards, history, records };
  } finally {
    reader.close();
  }
}

/**
 * The state after a complete import of `pkg` over `s` (spec §5): a card equal to the environment's
 * entity is left alone; any other is written with the package's hash, and its history becomes the
 * environment's older hashes the package does not know, then the package's history (ending with
 * the card's hash). Records are written over by id; nothing is deleted.
 */
function expectedAfter(s: State, pkg: PackageModel): State {
  const out: State = { entities: new Map(s.entities), history: new Map(s.history), records: new Map([...s.records].map(([a, m]) => [a, new Map(m)])) };
  const hashOf = (entry: string) => entry.slice(0, entry.indexOf('@'));
  for (const c of pkg.cards) {
    const cur = s.entities.get(c.id);
    if (cur && cur.hash === c.hash && cur.deleted === c.deleted) continue;
    out.entities.set(c.id, { hash: c.hash, deleted: c.deleted, body: c.body });
    const pkgHistory = pkg.history[c.id] ?? [];
    const known = new Set(pkgHistory.map(hashOf));
    out.history.set(c.id, [...(s.history.get(c.id) ?? []).filter((x) => !known.has(hashOf(x))), ...pkgHistory]);
  }
  for (const [app, recs] of pkg.records) {
    const m = out.records.get(app) ?? new Map<string, string>();
    for (const [id, h] of recs) m.set(id, h);
    out.records.set(app, m);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Drops the test's PostgreSQL schema (each round's backups make it large). */
async function dropSchema(url: string): Promise<void> {
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  if (!schema || !/^[a-z_][a-z0-9_]*$/.test(schema)) return;
  u.searchParams.delete('schema');
  const c = new Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

// 40 kills and restarts took 21 minutes on a 2-core machine running other suites; the limit only
// catches a hang, so it leaves room for a slower machine.
describe('fault: SIGKILL during imports leaves the environment as before or as after, never a mix', { timeout: 50 * 60_000 }, () => {
  let work: string;
  const models: PackageModel[] = [];
  let bounds: Map<string, string[]>;

  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'isola-fault-'));
    const t = Date.now();
    for (const variant of [0, 1]) {
      const p = await writeImportProject({ dir: path.join(work, `v${variant}`), code: NS, apps: APPS, records: RECORDS, recordBytes: 600, variant, seed: 11 });
      const out = path.join(work, `${NS}-v${variant}.isolapkg`);
      const r = spawnSync(process.execPath, [CLI, 'build', p.dir, '--package', NS, '--data', 'all', '--out', out], { encoding: 'utf8' });
      assert.equal(r.status, 0, `isola build:\n${r.stdout}\n${r.stderr}`);
      models.push(await readModel(out));
    }
    bounds = recordBounds(models);
    const changed = models[0].cards.filter((c, i) => c.hash !== models[1].cards[i].hash).length;
    console.log(`# fault: ${RUNS} kills per backend, seed ${SEED} (ISOLA_FAULT_SEED=${SEED} repeats the delays); packages: ${models[0].cards.length} cards ` +
      `(${changed} differ between the variants), ${RECORDS} records each; prepared in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const backend of backends()) {
    it(`${backend.name}: ${RUNS} imports killed at random points`, async () => {
      const started = Date.now();
      const rand = prng(SEED);
      const dataDir = mkdtempSync(path.join(os.tmpdir(), `isola-fault-${backend.name}-`));
      const databaseUrl = backend.fresh();
      let svc = await startService({ dataDir, databaseUrl });
      const token = svc.adminToken;
      const restart = async () => {
        await svc.kill();
        svc = await startService({ dataDir, databaseUrl, adminToken: token });
      };
      try {
        const ids: string[] = [];
        for (const m of models) {
          const r = await api(svc, 'POST', '/v1/packages', { token, raw: readFileSync(m.file) });
          assert.equal(r.status, 201, `upload: ${JSON.stringify(r.body)}`);
          ids.push(r.body.id);
        }
        /** Plans and starts an import of a variant; `at` is when it was asked for. */
        const runImport = async (variant: number): Promise<{ job: any; at: number }> => {
          const plan = await ok(svc, 'POST', '/v1/plans', { package: ids[variant] });
          assert.ok(plan.ok, `plan checks: ${JSON.stringify(plan.checks.filter((c: { ok: boolean }) => !c.ok))}`);
          const at = Date.now();
          const job = await ok(svc, 'POST', '/v1/imports', { plan: plan.id, onConflict: 'replace' });
          return { job, at };
        };

        // Calibration, and the first state: variant 0 into the empty environment, then variant 1 over it (not killed).
        let state = await snapshot(svc, bounds);
        let current = -1;
        const durations: number[] = [];
        for (const variant of [0, 1]) {
          const { job, at } = await runImport(variant);
          const done = await waitJob(svc, token, job.id, 600_000);
          durations.push(Date.now() - at);
          assert.equal(done.status, 'succeeded', `calibration import of variant ${variant}: ${done.error}`);
          const want = expectedAfter(state, models[variant]);
          state = await snapshot(svc, bounds);
          assert.equal(digest(state), digest(want), `after the complete import of variant ${variant}: ${difference(state, want)}`);
          current = variant;
        }
        const duration = durations[1];
        console.log(`# ${backend.name}: a complete import takes ${durations[0]} ms into the empty environment, ${duration} ms over the other variant`);

        const outcomes: { run: number; delay: number; outcome: 'before' | 'after'; job: string }[] = [];
        for (let run = 0; run < RUNS; run++) {
          const variant = 1 - current;
          const beforeState = state;
          const afterState = expectedAfter(beforeState, models[variant]);
          const [beforeDigest, afterDigest] = [digest(beforeState), digest(afterState)];
          assert.notEqual(beforeDigest, afterDigest, 'the import must change something');
          // The first kill lands right after the 202; the others anywhere in the import, and a little past its end.
          const delay = run === 0 ? 0 : Math.round(rand() * duration * 1.25);
          const { job } = await runImport(variant);
          await sleep(delay);
          const t0 = Date.now();
          await restart();
          const t1 = Date.now();
          state = await snapshot(svc, bounds);
          const t2 = Date.now();
          const d = digest(state);
          const jr = await api(svc, 'GET', `/v1/jobs/${job.id}`, { token });
          assert.equal(jr.status, 200, `run ${run + 1} (delay ${delay} ms): the killed job ${job.id} is unknown after the restart: ${JSON.stringify(jr.body)}`);
          const status = jr.body.status;
          if (d === beforeDigest) {
            assert.equal(status, 'failed', `run ${run + 1} (delay ${delay} ms): the environment is as before, so job ${job.id} must show as failed, not ${status}`);
            // Failed because the process died (the restart says so), not because the import failed by itself.
            assert.match(jr.body.error ?? '', /service stopped while the job was/, `run ${run + 1}: job ${job.id} failed, but not by the kill: ${jr.body.error}`);
            outcomes.push({ run: run + 1, delay, outcome: 'before', job: job.id });
          } else if (d === afterDigest) {
            assert.equal(status, 'succeeded', `run ${run + 1} (delay ${delay} ms): the environment is as after, so job ${job.id} must show as succeeded, not ${status}`);
            outcomes.push({ run: run + 1, delay, outcome: 'after', job: job.id });
            current = variant;
          } else {
            assert.fail(`run ${run + 1} (delay ${delay} ms, job ${job.id} ${status}): the environment is a MIX: vs before ${difference(state, beforeState)}; ` +
              `vs after ${difference(state, afterState)}`);
          }
          console.log(`# ${backend.name} run ${String(run + 1).padStart(2)}: killed ${String(delay).padStart(5)} ms after the 202 → ${outcomes[outcomes.length - 1].outcome === 'before' ? 'as before, job failed' : 'as after, job succeeded'} ` +
            `(restart ${t1 - t0} ms, state read in ${t2 - t1} ms)`);
        }

        // The environment still works after all that: one more import, to completion.
        const variant = 1 - current;
        const want = expectedAfter(state, models[variant]);
        const { job } = await runImport(variant);
        const done = await waitJob(svc, token, job.id, 600_000);
        assert.equal(done.status, 'succeeded', `the import after the kills: ${done.error}`);
        const final = await snapshot(svc, bounds);
        assert.equal(digest(final), digest(want), `after the last import: ${difference(final, want)}`);

        const mid = outcomes.filter((o) => o.outcome === 'before').length;
        console.log(`# ${backend.name}: ${RUNS} kills: ${mid} mid-import (as before, job failed), ${RUNS - mid} after the commit (as after, job succeeded); ` +
          `no mix; ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } finally {
        await svc.kill();
        rmSync(dataDir, { recursive: true, force: true });
        if (databaseUrl) await dropSchema(databaseUrl);
      }
    });
  }
});
