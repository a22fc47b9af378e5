import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Catalog } from '../catalog/catalog';
import { unstorableText } from '../oneLine';
import { mayWrite, requireAdmin, requireRights } from './access';
import type { Database } from './db/database';
import { badRequest } from './errors';
import { refuseUnlessIsolated } from './exportCheck';
import { resolveExport, writeExport } from './exporter';
import type { JobBook, JobContext } from './jobs';
import { PackageStore, storeWriteError } from './packages';
import { appendHistories, getSettings } from './store';
import type { Caller, ExportRequest, Job } from './types';
import { newId } from './users';

/**
 * An environment's exports (environment.ts): each a job that checks the scope as a build would,
 * writes the package from one snapshot of the database, and keeps it in the package store with the
 * versions it hands out.
 */
export class ExportJobs {
  constructor(
    private readonly db: Database,
    private readonly catalog: Catalog,
    private readonly jobs: JobBook,
    private readonly store: PackageStore,
    /** Refuses (507) when the disk has no room for an export (diskSpace.ts). */
    private readonly requireRoom: () => void,
    private readonly packagesDir: string,
    private readonly tool: { name: string; version: string },
  ) {}

  /** Starts the export the caller asked for, once its scope, rights and text are judged; the job writes and keeps the package. */
  async start(caller: Caller, r: ExportRequest): Promise<Job> {
    // Both go into the job's row and the package's descriptor: text no database stores would fail
    // the job's creation with the database's words.
    for (const k of ['title', 'comment'] as const) {
      const bad = typeof r[k] === 'string' ? unstorableText(r[k]) : undefined;
      if (bad) throw badRequest(`"${k}" holds ${bad}, which no environment stores`);
    }
    const mayRead = (ns: string) => mayWrite(caller, [ns]);
    const scope = await resolveExport(this.db, r, mayRead);
    if (r.kind === 'configuration') requireAdmin(caller, 'exporting the configuration');
    requireRights(caller, scope.namespaces, `exporting ${r.kind} \`${r.code}\``);
    this.requireRoom();
    const job: Job = {
      id: newId('j'), kind: 'export', status: 'queued', step: 'queued', progress: 0, namespaces: scope.namespaces,
      packageCode: scope.code, request: { ...r }, createdBy: caller.name, createdAt: new Date().toISOString(),
    };
    const settings = await getSettings(this.db);
    return this.jobs.start(job, async (ctx) => {
      ctx.set('exporting', 'check');
      const out = path.join(this.packagesDir, `${job.id}.isolapkg`);
      // A failed export changes nothing: no package file stays behind (startup removes only partial ones).
      try {
        return await this.run(caller, r, mayRead, settings.name, out, ctx);
      } catch (e) {
        await fs.rm(out, { force: true });
        // A full disk fails this job alone, in words, never the service (writer.ts).
        throw storeWriteError(e, 'writing the exported package', 'nothing was exported');
      }
    });
  }

  /** The work of an export job: checks, writes the package to `out`, and keeps it with the versions it hands out. */
  private async run(caller: Caller, r: ExportRequest, mayRead: (ns: string) => boolean, envName: string, out: string, ctx: JobContext) {
    const now = new Date().toISOString();
    // One transaction: the package is a consistent snapshot even while imports run (PostgreSQL).
    const r2 = await this.db.transaction(async (tx) => {
      if (this.db.kind === 'postgres') await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const fresh = await resolveExport(tx, r, mayRead);
      // What the export reaches now, not when it was asked for: a solution's members may have
      // changed since (PUT /v1/entities), and the rights must hold for what is read.
      requireRights(caller, fresh.namespaces, `exporting ${r.kind} \`${r.code}\``);
      // The same isolation check as a build: a scope that is not isolated is never written.
      await refuseUnlessIsolated(tx, fresh, this.catalog, (line) => ctx.log('error', line), mayRead);
      ctx.set('exporting', 'design');
      return { ...await writeExport(tx, fresh, r, { out, envName, by: caller.name, now, tool: this.tool, signal: ctx.signal, onRecords: () => ctx.set('exporting', 'data') }), kind: fresh.kind, code: fresh.code };
    });
    // Kept (read back as any package is) before anything is said or recorded of it; the versions
    // it hands out are remembered with it, so later exports' histories hold them (store.ts).
    const stored = await this.store.keep(out, caller.name, (tx) => appendHistories(tx, r2.handedOut));
    for (const line of r2.lines) ctx.log('info', line);
    ctx.log('info', `exported ${r2.cards} design entit${r2.cards === 1 ? 'y' : 'ies'} and ${r2.records} record(s) of ${r2.kind} \`${r2.code}\` (${r2.size} bytes)`);
    return { status: 'succeeded' as const, result: { package: stored.id, size: stored.size, cards: r2.cards, records: r2.records }, persisted: false };
  }
}
