import { createHash } from 'node:crypto';
import { STEP_OF, STEPS, type Card, type History, type HistoryEntry } from '../packaging/format';
import { requireMemberRights } from './access';
import type { Database, Sql } from './db/database';
import { EnvError } from './errors';
import type { ImportPermit } from './importPermit';
import type { PackageView } from './packageView';
import { cardToWrite, keptLogLine, keptOf, Merges, movedLogLine, pagesPlaced, refineAction } from './merge';
import { backupLine } from './planChecks';
import { actionOf, needsEnvHistory } from './planner';
import { bumpRevision, getEntities, getSettings, historyOf, lastChange, lockRevision, setMeta, stalePlan, upsertEntities, writeHistories } from './store';
import type { Caller, EnvEntity, ImportPlan, PlanAction } from './types';
import { keptSiblingMoves } from './keptSiblings';
import { heldPlaces } from './siblingLinks';
import { relinkedEntity, writeChange } from './entityChange';
import { importRecords, type RecordCounts } from './recordImport';
import { newId } from './users';
import { entriesOf } from '../packaging/history';

/** Design entities (and their backups and histories) written per statement. */
const CARD_BATCH = 500;

/** Callbacks through which an import reports as it goes. */
export interface ImportReporter {
  step(status: 'backing-up' | 'importing', step: string): void;
  log(level: 'info' | 'warn' | 'error', line: string): void;
  progress(done: number, total: number): void;
}

export interface ImportOptions {
  jobId: string;
  caller: Caller;
  onConflict: 'cancel' | 'replace';
  now: string;
  signal: AbortSignal;
  report: ImportReporter;
  /** Runs last inside the transaction, so the job's final state commits with the import. */
  finish: (tx: Sql, result: ImportResult) => Promise<void>;
}

/** What an import did. */
export interface ImportResult {
  backupId: string;
  revision: number;
  counts: Record<PlanAction, number>;
  entities: { id: string; action: PlanAction }[];
  /** Per data app: records the package carries (`written`), of which new, changed and already equal. */
  records: RecordCounts[];
}

/** Thrown when the cancel arrives; the transaction rolls back. */
export class ImportCancelled extends Error {
  constructor() {
    super('cancelled by the user; nothing was changed');
  }
}

/**
 * Applies a confirmed plan in one transaction (spec §5): takes the environment's write lock,
 * refuses a plan made against an older revision, backs up everything it will touch, writes the
 * cards step by step and the data records app by app, and commits all or nothing.
 */
export async function applyImport(db: Database, permit: ImportPermit, plan: ImportPlan, o: ImportOptions): Promise<ImportResult> {
  // What is written comes from the permit alone (see ImportPermit); the view gives only what is read.
  const { view, cards: permitted, dataApps } = permit;
  const cancelled = () => {
    if (o.signal.aborted) throw new ImportCancelled();
  };
  const result = await db.transaction(async (tx) => {
    const revision = await lockRevision(tx);
    const changed = await lastChange(tx, plan.namespaces);
    if (changed > plan.revision) throw stalePlan(plan, changed);
    const env = await getEntities(tx, permitted.map((c) => c.id));
    // Members a solution's card adds need the rights on them, whatever the package's kind: decided
    // here on what the environment holds under the lock (the plan's and start's checks say it early).
    requireMemberRights(o.caller, permitted, env);
    const actions = new Map<string, PlanAction>();
    const conflicts: string[] = [];
    // Each card's merge with its entity, made once for its action, its body and what it kept; a
    // nested page the package places elsewhere is left out of its old page (merge.ts).
    const merges = new Merges(pagesPlaced(permitted));
    const decide = (c: Card, envHistory?: History) => refineAction(actionOf(env.get(c.id), c, view.history, envHistory), env.get(c.id), c, merges).action;
    for (const c of permitted) actions.set(c.id, decide(c));
    // A conflict by hashes alone may be a version the environment's history knows, an update may undo a restore made here (planner.ts `actionOf`).
    const maybe = permitted.filter((c) => needsEnvHistory(actions.get(c.id)!, env.get(c.id), c));
    const envHistory = maybe.length ? await historyOf(tx, maybe.map((c) => c.id)) : {};
    for (const c of maybe) {
      const action = decide(c, envHistory);
      actions.set(c.id, action);
      if (action === 'conflict') conflicts.push(c.id);
    }
    if (conflicts.length && o.onConflict !== 'replace') {
      throw new EnvError(409, `${conflicts.length} entit${conflicts.length === 1 ? 'y was' : 'ies were'} changed in the environment (${conflicts.slice(0, 5).join(', ')}${conflicts.length > 5 ? ', ...' : ''}); cancel, or replace them`, 'conflicts', conflicts);
    }
    const changing = permitted.filter((c) => actions.get(c.id) !== 'unchanged');
    const totalRecords = [...dataApps.values()].reduce((n, app) => n + (view.descriptor.data.find((d) => d.app === app)?.records ?? 0), 0);
    const total = permitted.length + totalRecords;
    let done = 0;

    // Kept pages and units whose place the package takes: re-linked after the cards, backed up with them.
    const moves = keptSiblingMoves(await heldPlaces(tx, permitted), permitted);
    const moved = moves.length ? await getEntities(tx, moves.map((m) => m.id)) : new Map<string, EnvEntity>();

    o.report.step('backing-up', 'backup');
    const backupId = newId('b');
    const backedUp = [...changing.map((c) => ({ id: c.id, row: env.get(c.id) ?? null })), ...[...moved.values()].map((e) => ({ id: e.id, row: e }))];
    const oldHistory = await historyOf(tx, backedUp.map((b) => b.id));
    for (const part of batches(backedUp, CARD_BATCH)) {
      await tx.query(
        `INSERT INTO backup_entities (backup_id, id, row, history) SELECT $1, b.id, b.row, b.history FROM jsonb_to_recordset($2::jsonb) AS b(id text, row jsonb, history jsonb)
         ON CONFLICT DO NOTHING`,
        [backupId, JSON.stringify(part.map((b) => ({ ...b, history: entriesOf(oldHistory, b.id) ?? [] })))]);
    }
    const existed = changing.filter((c) => env.has(c.id)).length + moved.size;
    o.report.log('info', backupLine(backupId, existed, changing.length + moved.size - existed));
    cancelled();

    const app = view.descriptor.kind === 'app' ? permitted.find((c) => c.type === 'app')?.id : undefined;
    const older = new Set(plan.entities.filter((e) => e.older).map((e) => e.id));
    const byStep = new Map<string, Card[]>();
    for (const c of permitted) {
      const step = STEP_OF[c.type] ?? 'apps';
      const list = byStep.get(step);
      if (list) list.push(c);
      else byStep.set(step, [c]);
    }
    for (const step of STEPS) {
      const cards = byStep.get(step) ?? [];
      if (!cards.length) continue;
      o.report.step('importing', step);
      for (const part of batches(cards, CARD_BATCH)) {
        const writing = part.filter((c) => actions.get(c.id) !== 'unchanged');
        if (writing.length) {
          // An update keeps what the environment has and the package lacks (merge.ts).
          await upsertEntities(tx, writing.map((c) => cardToWrite(c, env.get(c.id), merges)), { app, at: o.now, by: o.caller.name, jobId: o.jobId });
          await writeHistories(tx, writing.map((c) => [c.id, mergeHistory(entriesOf(oldHistory, c.id) ?? [], entriesOf(view.history, c.id) ?? [], c.hash, o.now)]));
        }
        for (const c of part) {
          const action = actions.get(c.id)!;
          o.report.log('info', `${step}: ${c.id} ${action === 'conflict' ? (older.has(c.id) ? 'replaced by the package\'s older version' : 'replaced (was changed in the environment)') : action === 'create' ? 'created' : action === 'update' ? 'updated' : 'unchanged'}${c.deleted ? ' (deleted)' : ''}`);
          const keptLine = action !== 'unchanged' && keptLogLine(step, c.id, keptOf(c, env.get(c.id), merges));
          if (keptLine) o.report.log('info', keptLine);
          const movedLine = action !== 'unchanged' && env.get(c.id) && movedLogLine(step, c.id, merges.of(c, env.get(c.id)!).moves);
          if (movedLine) o.report.log('info', movedLine);
          o.report.progress(++done, total);
        }
        cancelled();
      }
    }
    for (const m of moves) {
      const e = moved.get(m.id);
      if (!e) continue;
      await writeChange(tx, m.id, relinkedEntity(e, m.after), o.now, o.caller.name);
      o.report.log('info', `${m.type === 'page' ? 'menu' : 'orgchart'}: ${m.id} kept (not in the package), ${m.after === undefined ? 'now first' : `now after ${m.after}`}: the package changes the order around it`);
    }
    for (const [, content] of view.attachments) {
      await tx.query(`INSERT INTO files (sha256, content) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING`, [createHash('sha256').update(content).digest('hex'), content]);
    }
    const settings = await getSettings(tx);
    if (!settings.languages.length && view.descriptor.languages?.length) await setMeta(tx, 'settings', { ...settings, languages: view.descriptor.languages });

    const records: ImportResult['records'] = [];
    const order = orderedApps(view, dataApps);
    for (const target of order) {
      o.report.step('importing', `data ${target}`);
      const r = await importRecords(tx, view, dataApps.get(target)!, target, {
        backupId, log: (level, line) => o.report.log(level, line), cancelled,
        onRecords: (n) => {
          done += n;
          o.report.progress(done, total);
        },
      }, db.serialised);
      records.push(r);
      o.report.log('info', `data ${target}: ${r.written} record(s) (${r.created} created, ${r.updated} updated)`);
    }

    // The backup holds the records the import changed as they were; those it created carry its id
    // (recordImport.ts), and it keeps their number per app.
    const created = Object.fromEntries(records.filter((r) => r.created).map((r) => [r.app, r.created]));
    await tx.query(`INSERT INTO backups (id, job_id, created_at, created_by, namespaces, entities, records, created_records) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [backupId, o.jobId, o.now, o.caller.name, JSON.stringify(permit.namespaces), changing.length + moved.size, records.reduce((n, r) => n + r.created + r.updated, 0), JSON.stringify(created)]);
    // Records equal to what the environment holds change nothing: importing a package again leaves the revision alone.
    const newRevision = changing.length || moved.size || records.some((r) => r.created || r.updated) ? await bumpRevision(tx, revision, permit.namespaces) : revision;
    const counts: Record<PlanAction, number> = { ...plan.counts };
    const result: ImportResult = { backupId, revision: newRevision, counts, entities: permitted.map((c) => ({ id: c.id, action: actions.get(c.id)! })), records };
    await o.finish(tx, result);
    return result;
  });
  await refreshStatistics(db, { records: result.records.reduce((n, r) => n + r.written, 0), entities: result.counts.create + result.counts.update + result.counts.conflict });
  return result;
}

/**
 * Updates the planner's statistics of the tables an import grew, as autovacuum would (when the
 * rows written exceed a tenth of what the last analysis counted): PGlite has no autovacuum, and
 * without statistics the planner pages through records (`ORDER BY id LIMIT n`, as the records API
 * and exports do) by reading and sorting every record of the app for every page. After the commit,
 * so the import's transaction is no longer; a failure here changes nothing the import did.
 */
async function refreshStatistics(db: Database, written: { records: number; entities: number }): Promise<void> {
  const tables = Object.entries(written).filter(([, n]) => n > 0).map(([t]) => t);
  if (!tables.length) return;
  try {
    const rows = await db.query<{ relname: string; reltuples: number }>(`SELECT relname, reltuples FROM pg_class WHERE oid = ANY($1::regclass[])`, [tables]);
    for (const r of rows) {
      const n = written[r.relname as keyof typeof written];
      if (Number(r.reltuples) < 0 || n > 50 + 0.1 * Number(r.reltuples)) await db.exec(`ANALYZE ${r.relname}`);
    }
  } catch {
    // statistics are an optimisation; the import stands
  }
}

/** Data apps in the order the package says (referenced apps first), then any it left out. */
function orderedApps(view: PackageView, dataApps: ReadonlyMap<string, string>): string[] {
  const order = view.descriptor.options?.dataOrder ?? [];
  const targets = [...dataApps.keys()];
  const byOriginal = new Map([...dataApps].map(([t, orig]) => [orig, t]));
  const first = order.map((a) => byOriginal.get(a)).filter((a): a is string => !!a);
  return [...new Set([...first, ...targets])];
}

/**
 * Splits cards into runs of at most `size` with no id twice in a run (one statement may not write
 * a row twice), keeping their order.
 */
function batches<T extends { id: string }>(cards: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let ids = new Set<string>();
  for (const c of cards) {
    if (cur.length >= size || ids.has(c.id)) {
      out.push(cur);
      cur = [];
      ids = new Set();
    }
    cur.push(c);
    ids.add(c.id);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** An environment's older hashes the package does not know, then the package's history, ending with the imported hash. */
function mergeHistory(env: HistoryEntry[], pkg: HistoryEntry[], hash: string, now: string): HistoryEntry[] {
  const known = new Set(pkg.map((h) => h.hash));
  const out = [...env.filter((h) => !known.has(h.hash)), ...pkg];
  if (out[out.length - 1]?.hash !== hash) out.push({ hash, at: now });
  return out;
}
