/**
 * What a mutated package goes through, with the properties each step must keep: the reader
 * (open, verify, cards, records), `isola inspect` (in process, through the CLI's own `main`),
 * and an import into an embedded environment through the core Environment API that `local`
 * uses. Each step either succeeds or refuses clearly, within its time bound; a refused import
 * leaves the environment exactly as it was.
 */
import assert from 'node:assert/strict';
import { EnvError } from '../../server/src/core/environment/errors';
import type { Environment } from '../../server/src/core/environment/environment';
import type { Caller, ImportPlan, Job } from '../../server/src/core/environment/types';
import { PackageError, PackageReader } from '../../server/src/core/packaging/reader';
import { main } from '../../server/src/cli/main';
import { assertClear, assertCliFailure, unclearMessage, within } from './settings';

/** What the reader made of a package: fine, or the refusal of its first step that failed. */
export type ReaderOutcome = { ok: true; cards: number; records: number } | { ok: false; step: string; message: string };

/** open + verify + cards + records of every data set the descriptor lists. */
export async function readerPipeline(file: string): Promise<ReaderOutcome> {
  let step = 'PackageReader.open';
  let reader: PackageReader | undefined;
  try {
    reader = await within(step, PackageReader.open(file));
    step = 'verify';
    await within(step, reader.verify());
    step = 'cards';
    const cards = await within(step, reader.cards());
    let records = 0;
    const sets: unknown[] = Array.isArray(reader.descriptor.data) ? reader.descriptor.data : [];
    for (const set of sets) {
      const app = (set as { app?: unknown } | null)?.app;
      step = `records(${JSON.stringify(app)})`;
      const r = reader;
      await within(step, (async () => {
        for await (const _ of r.records(app as string)) records++;
      })());
    }
    return { ok: true, cards: cards.length, records };
  } catch (e) {
    assertClear(`reader ${step}`, e, [PackageError]);
    return { ok: false, step, message: (e as Error).message };
  } finally {
    reader?.close();
  }
}

/** `isola inspect FILE` run in this process; returns its exit status. */
export async function inspectPipeline(file: string, json: boolean): Promise<number> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), cwd: process.cwd() };
  const code = await within('isola inspect', main(['inspect', file, ...(json ? ['--format', 'json'] : [])], io));
  if (code !== 0) assertCliFailure('isola inspect', code, err, [2]);
  else assert.ok(out.length > 0, 'isola inspect printed nothing');
  return code;
}

/** Everything an import may change, as text: entities, their histories, records, sources, revision and settings. */
export async function snapshot(env: Environment): Promise<Record<string, string>> {
  const q = async (sql: string) => JSON.stringify(await env.db.query(sql));
  return {
    entities: await q(`SELECT id, type, namespace, code, deleted, hash, body::text AS body, app, updated_at, updated_by FROM entities ORDER BY id`),
    // Which import wrote each entity last (null: a change made in the environment).
    writers: await q(`SELECT id, job_id FROM entities ORDER BY id`),
    history: await q(`SELECT id, seq, hash, at FROM entity_history ORDER BY id, seq`),
    records: await q(`SELECT app, id, body::text AS body FROM records ORDER BY app, id`),
    files: await q(`SELECT sha256 FROM files ORDER BY sha256`),
    meta: await q(`SELECT key, value::text AS value FROM isola_meta WHERE key IN ('revision', 'settings') ORDER BY key`),
  };
}

function assertSame(before: Record<string, string>, after: Record<string, string>, parts: string[], why: string): void {
  for (const p of parts) {
    if (before[p] !== after[p]) {
      const b = JSON.parse(before[p]) as unknown[];
      const a = JSON.parse(after[p]) as unknown[];
      const onlyA = a.filter((x) => !b.some((y) => JSON.stringify(y) === JSON.stringify(x))).slice(0, 3);
      const onlyB = b.filter((x) => !a.some((y) => JSON.stringify(y) === JSON.stringify(x))).slice(0, 3);
      assert.fail(`${why}: ${p} changed\n  now: ${JSON.stringify(onlyA).slice(0, 1500)}\n  was: ${JSON.stringify(onlyB).slice(0, 1500)}`);
    }
  }
}

export interface ImportOptions {
  onConflict: 'cancel' | 'replace';
  as?: string;
}

export type ImportOutcome =
  | { ok: true; plan: ImportPlan; job: Job; before: Record<string, string>; after: Record<string, string> }
  | { ok: false; why: string };

/**
 * Registers, plans and imports a package (even a plan that failed its checks: the environment
 * must refuse that itself). A refusal at any point must be clear and leave the environment as it
 * was. A success is undone by restoring its backup, so the next case meets the same environment;
 * the restore must bring entities, histories and records back exactly.
 */
export async function importPipeline(env: Environment, caller: Caller, file: string, o: ImportOptions): Promise<ImportOutcome> {
  const before = await snapshot(env);
  let step = 'registerFile';
  let job: Job | undefined;
  let plan: ImportPlan | undefined;
  try {
    const stored = await within(step, env.registerFile(caller, file));
    step = 'plan';
    plan = await within(step, env.plan(caller, { package: stored.id, as: o.as }));
    step = 'startImport';
    const started = await within(step, env.startImport(caller, { plan: plan.id, onConflict: o.onConflict }));
    step = 'the import job';
    job = await within(step, env.waitForJob(started.id));
  } catch (e) {
    assertClear(`import: ${step}`, e, [EnvError]);
    assertSame(before, await snapshot(env), Object.keys(before), `the environment changed although ${step} refused the package (${(e as Error).message})`);
    return { ok: false, why: `${step}: ${(e as Error).message}` };
  }
  if (plan && !plan.ok) assert.fail(`the import of a plan that failed its checks started (job ${job.id} ${job.status}): ${plan.checks.filter((c) => !c.ok).map((c) => c.message).join('; ')}`);
  const after = await snapshot(env);
  if (job.status !== 'succeeded') {
    const unclear = unclearMessage(job.error);
    if (unclear) assert.fail(`the import job ${job.status} with an unclear error (${unclear}): ${job.error}`);
    assertSame(before, after, Object.keys(before), `the environment changed although the import job ${job.status} (${job.error})`);
    return { ok: false, why: `job ${job.status}: ${job.error}` };
  }
  return { ok: true, plan: plan!, job, before, after };
}

/** Undoes a successful import through its backup; entities, histories and records must be as before it. */
export async function undoImport(env: Environment, caller: Caller, r: Extract<ImportOutcome, { ok: true }>): Promise<void> {
  const backup = r.job.backupId;
  assert.ok(backup, `the succeeded job ${r.job.id} names no backup`);
  try {
    await within('restore', env.restore(caller, backup));
  } catch (e) {
    assertClear('restore of an import\'s backup', e, [EnvError]);
    assert.fail(`restoring the backup of a succeeded import was refused: ${(e as Error).message}`);
  }
  // A restore moves the revision and keeps sources and languages (documented), and counts as a
  // change made in the environment (writers); the rest must be back as it was.
  assertSame(r.before, await snapshot(env), ['entities', 'history', 'records'], 'restoring the import\'s backup did not bring the environment back');
}
