import type { Database, Sql } from './db/database';
import { oneLine } from '../oneLine';
import { localizedError, shownId } from './errors';
import { FINISHED, Job, JobStatus, LogLine } from './types';

/** A job this process runs: its state lives here while it runs, and in the database once it ends. */
interface LiveJob {
  job: Job;
  log: LogLine[];
  controller: AbortController;
  done: Promise<void>;
}

interface JobRow {
  id: string; kind: Job['kind']; status: JobStatus; step: string; progress: number; namespaces: string[];
  package_code: string | null; package_sha256: string | null; request: Record<string, unknown>;
  plan: Job['plan'] | null; result: Record<string, unknown> | null; error: string | null; created_by: string;
  created_at: string; finished_at: string | null; backup_id: string | null;
}

function fromRow(r: JobRow): Job {
  return {
    id: r.id, kind: r.kind, status: r.status, step: r.step, progress: Number(r.progress), namespaces: r.namespaces,
    ...(r.package_code ? { packageCode: r.package_code } : {}), ...(r.package_sha256 ? { packageSha256: r.package_sha256 } : {}),
    request: r.request, ...(r.plan ? { plan: r.plan } : {}), ...(r.result ? { result: r.result } : {}), ...(r.error ? { error: r.error } : {}),
    createdBy: r.created_by, createdAt: r.created_at, ...(r.finished_at ? { finishedAt: r.finished_at } : {}), ...(r.backup_id ? { backupId: r.backup_id } : {}),
  };
}

/** What a job's body gets to report with. */
export interface JobContext {
  job: Job;
  signal: AbortSignal;
  set(status: JobStatus, step: string, progress?: number): void;
  progress(fraction: number): void;
  log(level: LogLine['level'], line: string): void;
  /** Writes the job's current status and step (outside any transaction of the job's own). */
  save(): Promise<void>;
  /** Writes the job's final state (and its log) with `tx`, inside the work's own transaction. */
  persistFinal(tx: Sql, status: JobStatus, result: Record<string, unknown>, backupId?: string): Promise<void>;
}

/**
 * Background jobs (imports, exports). A job is answered with its id at once; its status, step,
 * progress and log are read from memory while it runs (an embedded database is busy with the
 * job's own transaction) and from the database afterwards. A job the process was running when it
 * died is marked failed on the next start.
 */
export class JobBook {
  private readonly live = new Map<string, LiveJob>();

  constructor(private readonly db: Database) {}

  /** Marks jobs left unfinished by a previous process as failed. */
  async recover(now: string): Promise<number> {
    const rows = await this.db.query<{ id: string; status: string }>(`SELECT id, status FROM jobs WHERE status NOT IN ('succeeded', 'failed', 'cancelled')`);
    let n = 0;
    for (const r of rows) {
      const reason = `the environment service stopped while the job was ${r.status}; nothing of it was applied`;
      // Only if still unfinished: on PostgreSQL the dead process's last transaction (which writes the
      // job's final state with the import) may commit while this runs; its outcome stands.
      const updated = await this.db.query(`UPDATE jobs SET status = 'failed', error = $2, finished_at = $3 WHERE id = $1 AND status NOT IN ('succeeded', 'failed', 'cancelled') RETURNING id`, [r.id, reason, now]);
      if (!updated.length) continue;
      await this.appendLog(this.db, r.id, [{ seq: 0, at: now, level: 'error', line: reason }]);
      n++;
    }
    return n;
  }

  /**
   * Starts `work` in the background and returns the queued job as soon as its row is written: a
   * caller who was given the job's id can always find it, as failed if the process dies before it ends.
   */
  async start(job: Job, work: (ctx: JobContext) => Promise<{ status: JobStatus; result: Record<string, unknown>; persisted: boolean }>): Promise<Job> {
    const controller = new AbortController();
    const entry: LiveJob = { job, log: [], controller, done: Promise.resolve() };
    this.live.set(job.id, entry);
    try {
      await this.insertRow(this.db, job);
    } catch (e) {
      this.live.delete(job.id);
      throw e;
    }
    const ctx: JobContext = {
      job,
      signal: controller.signal,
      set: (status, step, progress) => {
        job.status = status;
        job.step = step;
        if (progress !== undefined) job.progress = progress;
      },
      progress: (f) => {
        job.progress = Math.max(0, Math.min(1, f));
      },
      log: (level, line) => {
        entry.log.push({ seq: entry.log.length, at: new Date().toISOString(), level, line: oneLine(line, 4000) });
      },
      save: () => this.writeRow(this.db, job),
      persistFinal: async (tx, status, result, backupId) => {
        const finished = { ...job, status, result, progress: 1, step: 'done', finishedAt: new Date().toISOString(), ...(backupId ? { backupId } : {}) };
        await this.writeRow(tx, finished);
        await this.appendLog(tx, job.id, entry.log);
      },
    };
    entry.done = (async () => {
      // Whether the job's end reached the database; until it has, the job is answered from here.
      let recorded = true;
      try {
        const r = await work(ctx);
        Object.assign(job, { status: r.status, result: r.result, progress: 1, step: 'done', finishedAt: new Date().toISOString() });
        if (!r.persisted) {
          await this.writeRow(this.db, job);
          await this.appendLog(this.db, job.id, entry.log);
        }
      } catch (e) {
        const cancelled = controller.signal.aborted;
        ctx.log('error', cancelled ? 'cancelled; nothing was changed' : `failed at ${job.step}: ${(e as Error).message}`);
        Object.assign(job, { status: cancelled ? 'cancelled' : 'failed', error: oneLine(String((e as Error)?.message ?? e)), finishedAt: new Date().toISOString() });
        if ((e as { details?: unknown }).details !== undefined) job.result = { ...(job.result ?? {}), details: (e as { details?: unknown }).details };
        // The final state must reach the database, or the job reads as running forever: if the
        // row cannot be written as it is (details the database refuses), write it without them.
        recorded = await this.writeRow(this.db, job).then(() => true, async () => {
          delete job.result;
          return this.writeRow(this.db, job).then(() => true, () => false);
        });
        await this.appendLog(this.db, job.id, entry.log).catch(() => undefined);
      } finally {
        // A database that stopped (pgliteCrash.ts) writes nothing more: the job stays here, failed
        // with why, rather than vanishing behind the database's refusal.
        if (recorded) this.live.delete(job.id);
      }
    })();
    return job;
  }

  /** Jobs not finished, run by this process. */
  running(): Job[] {
    return [...this.live.values()].map((l) => l.job).filter((j) => !FINISHED.has(j.status));
  }

  async get(id: string): Promise<Job> {
    const l = this.live.get(id);
    if (l) return { ...l.job };
    const rows = await this.db.query<JobRow & Record<string, unknown>>(`SELECT * FROM jobs WHERE id = $1`, [id]);
    if (!rows.length) throw localizedError(404, 'env.noJob', { id: shownId(id) }, 'not-found');
    return fromRow(rows[0]);
  }

  /**
   * The newest jobs, at most `limit`; with `visibleTo`, only those it created or whose namespaces
   * (one at least) it all owns, chosen by the database: filtered after the limit, a user's own
   * jobs vanished from the list once others had made `limit` newer ones.
   */
  async list(limit = 100, visibleTo?: { name: string; namespaces: string[] }): Promise<Job[]> {
    const rows = visibleTo
      ? await this.db.query<JobRow & Record<string, unknown>>(
        `SELECT * FROM jobs WHERE created_by = $2 OR (jsonb_array_length(namespaces) > 0 AND namespaces <@ $3::jsonb)
         ORDER BY created_at DESC, id LIMIT $1`, [limit, visibleTo.name, JSON.stringify(visibleTo.namespaces)])
      : await this.db.query<JobRow & Record<string, unknown>>(`SELECT * FROM jobs ORDER BY created_at DESC, id LIMIT $1`, [limit]);
    const stored = rows.map(fromRow);
    const live = [...this.live.values()].map((l) => ({ ...l.job }));
    const ids = new Set(live.map((j) => j.id));
    return [...live, ...stored.filter((j) => !ids.has(j.id))].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  }

  async log(id: string, after = -1): Promise<LogLine[]> {
    const l = this.live.get(id);
    if (l) return l.log.filter((x) => x.seq > after);
    return this.db.query<LogLine & Record<string, unknown>>(`SELECT seq, at, level, line FROM job_log WHERE job_id = $1 AND seq > $2 ORDER BY seq`, [id, after]);
  }

  /** Asks a running job to stop; returns false when it is not running here. */
  cancel(id: string): boolean {
    const l = this.live.get(id);
    if (!l || FINISHED.has(l.job.status)) return false;
    l.controller.abort();
    return true;
  }

  /** Resolves when the job has finished (immediately when it is not running here). */
  async wait(id: string): Promise<Job> {
    await this.live.get(id)?.done;
    return this.get(id);
  }

  /** Waits for every running job (on shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.live.values()].map((l) => l.done));
  }

  /** Writes a new job's row, with what never changes afterwards: its request and its plan. */
  private async insertRow(db: Sql, j: Job): Promise<void> {
    await db.query(
      `INSERT INTO jobs (id, kind, status, step, progress, namespaces, package_code, package_sha256, request, plan, result, error, created_by, created_at, finished_at, backup_id, content_sha256)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [j.id, j.kind, j.status, j.step, j.progress, JSON.stringify(j.namespaces), j.packageCode ?? null, j.packageSha256 ?? null, JSON.stringify(j.request),
        j.plan ? JSON.stringify(j.plan) : null, j.result ? JSON.stringify(j.result) : null, j.error ?? null, j.createdBy, j.createdAt, j.finishedAt ?? null, j.backupId ?? null,
        j.plan?.package.contentSha256 ?? null],
    );
  }

  /**
   * Writes what changes while a job runs. The plan went in with the row: sent again with every
   * step (as an upsert did), a 10,000-card import's plan (2.8-3.3 MB of JSON) was written out and
   * parsed by the database three more times.
   */
  private async writeRow(db: Sql, j: Job): Promise<void> {
    await db.query(
      `UPDATE jobs SET status = $2, step = $3, progress = $4, result = $5, error = $6, finished_at = $7, backup_id = $8 WHERE id = $1`,
      [j.id, j.status, j.step, j.progress, j.result ? JSON.stringify(j.result) : null, j.error ?? null, j.finishedAt ?? null, j.backupId ?? null],
    );
  }

  private async appendLog(db: Sql, id: string, lines: LogLine[]): Promise<void> {
    if (!lines.length) return;
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM job_log WHERE job_id = $1`, [id]);
    await db.query(
      `INSERT INTO job_log (job_id, seq, at, level, line) SELECT $1, l.seq, l.at, l.level, l.line FROM jsonb_to_recordset($2::jsonb) AS l(seq int, at text, level text, line text)`,
      [id, JSON.stringify(lines.map((l, i) => ({ ...l, seq: Number(n) + i })))],
    );
  }
}
