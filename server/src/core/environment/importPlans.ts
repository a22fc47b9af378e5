import { promises as fs } from 'node:fs';
import type { Catalog } from '../catalog/catalog';
import { PackageError } from '../packaging/reader';
import { requireMemberRights, requirePackageRights } from './access';
import type { Database } from './db/database';
import { importBytes } from './diskSpace';
import { EnvError, notFound } from './errors';
import { applyImport, ImportCancelled } from './importer';
import type { JobBook } from './jobs';
import { ImportPermit } from './importPermit';
import { dataAppsCheck, describeChoice, ImportChoice, leftOutLine, narrowView, readChoice, resolveChoice, withChoice } from './importChoice';
import { openPackageView } from './packageView';
import { StoredPackage, storedFileError } from './packages';
import { conflictSummary } from './planChecks';
import { makePlan } from './planner';
import { getEntities, lastChange, stalePlan } from './store';
import type { Card } from '../packaging/format';
import type { Caller, ImportPlan, Job } from './types';
import { newId } from './users';

const PLANS_KEPT = 200;

/** A plan made here, with what its import needs: the content it checked (by the descriptor's hash) and the choice it binds. */
interface PlanEntry {
  plan: ImportPlan;
  file: string;
  as?: string;
  choice: ImportChoice;
  descriptorSha256: string;
  /** The solution cards it writes, whose added members need rights (access.ts `requireMemberRights`). */
  solutions: Card[];
  /** The unpacked size of what its import writes (diskSpace.ts). */
  bytes: number;
}

/**
 * An environment's imports (environment.ts): the plans it made, each bound to the package content
 * and choice it checked, and the jobs that import a plan once its caller confirms it.
 */
export class ImportPlans {
  /** Plans made here, with the descriptor hash of the content they checked. */
  private readonly plans = new Map<string, PlanEntry>();
  /** Plans taken by a `start` that has not yet started their import or given them back. */
  private readonly starting = new Set<string>();

  /** `packageOf`: a stored package, once the caller's rights on it are checked (Environment.package); `restoringIn`: see below. */
  constructor(
    private readonly db: Database,
    private readonly catalog: Catalog,
    private readonly jobs: JobBook,
    private readonly packageOf: (caller: Caller, id: string) => Promise<StoredPackage>,
    /** Why a restore makes these namespaces busy (Environment.restore), or undefined. */
    private readonly restoringIn: (namespaces: readonly string[]) => string | undefined,
    /** Refuses an import of this many unpacked bytes the disk has no room for (Environment.requireRoom). */
    private readonly requireRoom: (bytes: number) => void,
  ) {}

  /**
   * Checks a stored package against the environment and returns the plan (changes nothing). The
   * plan covers what `design` and `data` choose (default: everything) and binds that choice: its
   * import writes exactly that. An aborted `signal` stops it (rejecting with the signal's reason)
   * and no plan is kept: reading the records of a large package takes seconds.
   */
  async make(caller: Caller, o: { package: string; as?: string; design?: unknown; data?: unknown }, signal?: AbortSignal): Promise<ImportPlan> {
    const asked = readChoice(o.design, o.data);
    const p = await this.packageOf(caller, o.package);
    const now = new Date().toISOString();
    const whole = await openPackageView(p.file, o.as, now, { sha256: p.sha256 }).catch((e) => {
      throw e instanceof PackageError ? new EnvError(422, e.message, 'bad-package') : storedFileError(p.id, e);
    });
    try {
      const choice = resolveChoice(whole, asked);
      const view = narrowView(whole, choice);
      requirePackageRights(caller, { kind: p.kind, namespaces: view.namespaces }, `importing ${p.kind} \`${o.as ?? p.code}\``);
      const solutions = view.cards.filter((c) => c.type === 'solution');
      await this.requireMemberRights(caller, solutions);
      const made = await makePlan(view, { db: this.db, catalog: this.catalog, caller, packageId: p.id, sha256: p.sha256, running: this.jobs.running(), now, signal });
      const plan = withChoice(made, describeChoice(view, choice), view.cards.length > 0, await dataAppsCheck(this.db, view));
      signal?.throwIfAborted();
      this.plans.set(plan.id, { plan, file: p.file, as: o.as, choice, descriptorSha256: whole.reader.descriptorSha256, solutions, bytes: importBytes(view) });
      if (this.plans.size > PLANS_KEPT) this.forgetAPlan();
      return plan;
    } finally {
      whole.reader.close();
    }
  }

  /** 403 unless the caller may add to the solutions these cards write the members they add (access.ts). */
  private async requireMemberRights(caller: Caller, solutions: readonly Card[]): Promise<void> {
    if (!solutions.length || caller.admin) return;
    requireMemberRights(caller, solutions, await getEntities(this.db, solutions.map((c) => c.id)));
  }

  /**
   * Drops the oldest plan of whoever holds the most: a user who makes plan after plan pushes out
   * their own, never the one another user is reviewing.
   */
  private forgetAPlan(): void {
    const held = new Map<string, number>();
    for (const { plan } of this.plans.values()) held.set(plan.createdBy, (held.get(plan.createdBy) ?? 0) + 1);
    const most = [...held].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    for (const [id, { plan }] of this.plans) {
      if (plan.createdBy === most) {
        this.plans.delete(id);
        return;
      }
    }
  }

  /**
   * Starts the import of a plan the caller confirmed. Refuses at once (nothing queued) a plan
   * that failed its checks, has conflicts the caller did not choose to replace, or is stale.
   */
  async start(caller: Caller, o: { plan: string; onConflict?: 'cancel' | 'replace' }): Promise<Job> {
    // Taken before the first await: two confirmations of one plan at once (PostgreSQL answers
    // both while the other waits) must not both start its import. A start refused before its
    // import began (rights, checks, conflicts, a stale plan, a running import) gives it back.
    const entry = this.plans.get(o.plan);
    if (!entry) {
      if (this.starting.has(o.plan)) throw new EnvError(409, `plan ${o.plan} is being confirmed by another request`, 'running');
      throw notFound(`no plan ${o.plan} (plans last until the service restarts); make a new plan`);
    }
    this.plans.delete(o.plan);
    this.starting.add(o.plan);
    try {
      return await this.begin(caller, o, entry);
    } catch (e) {
      this.plans.set(o.plan, entry);
      throw e;
    } finally {
      this.starting.delete(o.plan);
    }
  }

  /** Checks a plan taken by `start` and starts its import; throws, starting nothing, when it may not. */
  private async begin(caller: Caller, o: { plan: string; onConflict?: 'cancel' | 'replace' }, entry: PlanEntry): Promise<Job> {
    const { plan } = entry;
    // Whoever confirms a plan needs what whoever made it needed: rights on what it writes, and on
    // the stored package itself (a copy imported `as` another code reads the original's content).
    requirePackageRights(caller, { kind: plan.package.kind, namespaces: plan.namespaces }, `importing ${plan.package.kind} \`${plan.package.importedAs ?? plan.package.code}\``);
    await this.packageOf(caller, plan.package.id);
    // A stored file removed since the plan: a 404 now, not a job that fails quoting its path.
    await fs.stat(entry.file).catch((e) => {
      throw storedFileError(plan.package.id, e);
    });
    await this.requireMemberRights(caller, entry.solutions);
    if (!plan.ok) throw new EnvError(422, `the package failed its checks: ${plan.checks.filter((c) => !c.ok).map((c) => c.message).join('; ')}`, 'checks-failed', plan.checks.filter((c) => !c.ok));
    if (plan.counts.conflict && o.onConflict !== 'replace') {
      throw new EnvError(409, `${conflictSummary(plan)}; nothing was imported (replace them with onConflict "replace")`, 'conflicts', plan.entities.filter((e) => e.action === 'conflict').map((e) => e.id));
    }
    // Before the job is written: an embedded database that fills its disk stops (pgliteCrash.ts).
    this.requireRoom(entry.bytes);
    const changed = await lastChange(this.db, plan.namespaces);
    if (changed > plan.revision) throw stalePlan(plan, changed);
    const clash = this.jobs.running().find((j) => j.kind === 'import' && j.namespaces.some((n) => plan.namespaces.includes(n)));
    if (clash) throw new EnvError(409, `import ${clash.id} into ${clash.namespaces.join(', ')} is still ${clash.status}`, 'running');
    // In the same step as the job's start below: a restore registers itself the same way.
    const restoring = this.restoringIn(plan.namespaces);
    if (restoring) throw new EnvError(409, restoring, 'running');
    const job: Job = {
      id: newId('j'), kind: 'import', status: 'queued', step: 'queued', progress: 0, namespaces: plan.namespaces,
      packageCode: plan.package.importedAs ?? plan.package.code, packageSha256: plan.package.sha256,
      request: { package: plan.package.id, plan: plan.id, onConflict: o.onConflict ?? 'cancel', ...(entry.as ? { as: entry.as } : {}), design: entry.choice.design, data: entry.choice.data },
      plan, createdBy: caller.name, createdAt: new Date().toISOString(),
    };
    return this.jobs.start(job, async (ctx) => {
      ctx.set('checking', 'verify');
      await ctx.save();
      const now = new Date().toISOString();
      // Design entries were verified when first read (and are remembered by the file's sha256);
      // data chunks are verified as they stream into the transaction (a mismatch rolls it back).
      const whole = await openPackageView(entry.file, entry.as, now, { sha256: plan.package.sha256, verify: (done, total) => ctx.progress(total ? 0.1 * (done / total) : 0.1) })
        .catch((e) => {
          throw storedFileError(plan.package.id, e);
        });
      try {
        // The plan's checks hold for the content they saw; a package file rewritten since (one
        // registered in place) is another package.
        if (whole.reader.descriptorSha256 !== entry.descriptorSha256) throw new EnvError(409, 'the package file changed since the plan was made; make a new plan', 'stale-plan');
        // The plan's choice, applied before the permit: rights and scope are decided on what is written.
        const view = narrowView(whole, entry.choice);
        const permit = ImportPermit.grant(caller, view, `importing ${plan.package.kind} \`${plan.package.importedAs ?? plan.package.code}\``);
        ctx.log('info', `checked the design entries of ${plan.package.kind} \`${plan.package.code}\`: every checksum matches`);
        const leftOut = plan.choice && leftOutLine(plan.choice);
        if (leftOut) ctx.log('info', leftOut);
        ctx.set('backing-up', 'backup');
        // Recorded before the transaction: after a crash the job says how far it got.
        await ctx.save();
        const result = await applyImport(this.db, permit, plan, {
          jobId: job.id, caller, onConflict: o.onConflict ?? 'cancel', now, signal: ctx.signal,
          report: {
            step: (status, step) => ctx.set(status, step),
            log: (level, line) => ctx.log(level, line),
            progress: (done, total) => ctx.progress(0.1 + 0.9 * (total ? done / total : 1)),
          },
          finish: async (tx, r) => {
            ctx.log('info', `done: ${r.counts.create} created, ${r.counts.update} updated, ${r.counts.conflict} replaced, ${r.counts.unchanged} unchanged, ${r.counts.kept} kept; backup ${r.backupId}`);
            await ctx.persistFinal(tx, 'succeeded', r as unknown as Record<string, unknown>, r.backupId);
          },
        });
        return { status: 'succeeded', result: result as unknown as Record<string, unknown>, persisted: true };
      } catch (e) {
        if (e instanceof ImportCancelled) ctx.signal.throwIfAborted();
        throw e;
      } finally {
        whole.reader.close();
      }
    });
  }
}
