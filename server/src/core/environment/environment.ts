import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { Catalog, defaultCatalog } from '../catalog/catalog';
import { mayWrite, requireAdmin, requirePackageRights, requireRights } from './access';
import { isLanguageCode, isPlatformVersion } from '../packaging/cardCheck';
import { changedEntity, relinkedEntity, writeChange } from './entityChange';
import { entriesOf } from '../packaging/history';
import { backupBytes, getBackup, listBackups, previewRestore, restoreBackup, RestorePreview } from './backups';
import type { Database } from './db/database';
import { openDatabase } from './db/open';
import { FreeSpace, roomCheck, SpaceJob } from './diskSpace';
import { badRequest, EnvError, forbidden, notFound, shownId } from './errors';
import { ExportJobs } from './exportJobs';
import { JobBook } from './jobs';
import { valueNestsDeeperThan as deeperThan, MAX_JSON_DEPTH } from '../json/depth';
import { ImportPlans } from './importPlans';
import { isCompanyLevel } from './packageView';
import { PackageStore, StoredPackage } from './packages';
import { privateDir, tightenTree } from './privateFiles';

export type { StoredPackage } from './packages';
import { bumpRevision, entitiesIn, getEntities, getRevision, getSettings, historyOf, listNamespaces, lockRevision, SETTINGS_CHANGE, setMeta } from './store';
import type { Backup, Caller, EnvEntity, EnvSettings, ExportRequest, ImportPlan, Job, LogLine } from './types';
import { authenticate, createUser, hasUsers, listUsers, setUserToken, UserInfo } from './users';
import { siblingMove } from './siblingMoves';

/** How long a service keeps an export its client has not downloaded (see `forgetUndownloadedExports`). */
export const EXPORT_KEPT_MS = 24 * 60 * 60 * 1000;

/** How to open an environment. */
export interface EnvironmentOptions {
  /** Folder for package files (and the embedded database unless `databaseUrl` is given). */
  dataDir: string;
  /** `postgres://...` for a shared environment; the embedded database otherwise. */
  databaseUrl?: string;
  name?: string;
  catalog?: Catalog;
  tool?: { name: string; version: string };
  /** Largest upload accepted, in bytes. */
  maxUploadBytes?: number;
  /** Told once when the embedded database stopped after a crash: every request fails from then on. */
  onDatabaseStop?: (e: Error) => void;
  /** Free bytes on the disk that holds a folder (diskSpace.ts); tests fake a full disk through it. */
  freeSpace?: FreeSpace;
}

/**
 * An environment (spec §5): the engine behind both `isola env serve` and the embedded `local`.
 * Every method takes the caller and checks their rights first; HTTP and CLI are thin over it.
 */
export class Environment {
  private readonly jobs: JobBook;
  private readonly imports: ImportPlans;
  private readonly exports: ExportJobs;
  private readonly callers = new Map<string, Caller>();
  /** Restores under way in this process: a backup's id and namespaces (see `restore`). */
  private readonly restoring = new Set<{ backup: string; namespaces: readonly string[] }>();

  private readonly store: PackageStore;
  private readonly requireRoom: (job: SpaceJob, bytes: number) => void; // 507 when the disk has no room (diskSpace.ts)

  private constructor(readonly db: Database, o: EnvironmentOptions, readonly catalog: Catalog) {
    this.jobs = new JobBook(db);
    this.store = new PackageStore(db, path.join(o.dataDir, 'packages'), o.maxUploadBytes ?? 8 * 1024 ** 3);
    this.requireRoom = roomCheck(db.kind, o.dataDir, o.freeSpace);
    this.imports = new ImportPlans(db, catalog, this.jobs, (caller, id) => this.package(caller, id), (namespaces) => this.restoringIn(namespaces), (bytes) => this.requireRoom('import', bytes));
    this.exports = new ExportJobs(db, catalog, this.jobs, this.store, () => this.requireRoom('export', 0), path.join(o.dataDir, 'packages'), o.tool ?? { name: 'isola', version: '0' });
  }

  static async open(o: EnvironmentOptions): Promise<Environment> {
    // Private (privateFiles.ts): the database and the stored packages hold the environment's records.
    await privateDir(o.dataDir, false);
    if (await privateDir(path.join(o.dataDir, 'packages'), true)) await tightenTree(path.join(o.dataDir, 'packages'));
    const db = await openDatabase({ url: o.databaseUrl, dataDir: o.dataDir, onStop: o.onDatabaseStop });
    const env = new Environment(db, o, o.catalog ?? defaultCatalog());
    const settings = await getSettings(db);
    if (o.name && settings.name !== o.name) await setMeta(db, 'settings', { ...settings, name: o.name });
    await env.jobs.recover(new Date().toISOString());
    return env;
  }

  async close(): Promise<void> {
    for (const j of this.jobs.running()) this.jobs.cancel(j.id);
    await this.jobs.drain();
    await this.db.close();
  }

  // ---- users and tokens ----

  /** On first run, creates the administrator and returns their token (shown once); otherwise undefined. */
  async ensureAdmin(name = 'admin'): Promise<string | undefined> {
    if (await hasUsers(this.db)) return undefined;
    return (await createUser(this.db, { name, admin: true })).token;
  }

  /**
   * Makes `token` an administrator's token under `name` (created or re-keyed): how an editor that
   * starts the embedded environment as a service talks to it without a token on disk.
   */
  async setAdminToken(name: string, token: string): Promise<void> {
    await setUserToken(this.db, name, token, true);
    this.callers.clear(); // a re-keyed user's old token must stop working at once
  }

  /**
   * The caller a token belongs to. On an embedded database callers are remembered (by the token's
   * hash): it answers one statement at a time, so while an import's transaction runs, following or
   * cancelling that import would otherwise wait until it had finished. Only this process opens an
   * embedded database, so nothing changes users behind its back; PostgreSQL is always asked.
   */
  async authenticate(token: string | undefined): Promise<Caller> {
    if (!this.db.serialised || !token) return authenticate(this.db, token);
    const key = createHash('sha256').update(token).digest('hex');
    const known = this.callers.get(key);
    if (known) return known;
    const caller = await authenticate(this.db, token);
    this.callers.set(key, caller);
    return caller;
  }

  /** The caller of the embedded environment: the person at the keyboard, its administrator. */
  static localCaller(name: string): Caller {
    return { id: 0, name, admin: true, namespaces: [] };
  }

  async createUser(caller: Caller, o: { name: string; admin?: boolean; namespaces?: string[] }): Promise<{ user: UserInfo; token: string }> {
    requireAdmin(caller, 'creating users');
    // One transaction: a user is created with all of its namespaces or not at all.
    return this.db.transaction((tx) => createUser(tx, o));
  }

  async users(caller: Caller): Promise<UserInfo[]> {
    requireAdmin(caller, 'listing users');
    return listUsers(this.db);
  }

  // ---- what the environment holds ----

  async info(): Promise<EnvSettings & { revision: number; database: string }> {
    return { ...(await getSettings(this.db)), revision: await getRevision(this.db), database: this.db.kind };
  }

  async updateSettings(caller: Caller, s: Partial<Pick<EnvSettings, 'platform' | 'languages' | 'name'>>): Promise<EnvSettings> {
    requireAdmin(caller, 'changing the environment\'s settings');
    // Every package this environment exports names its languages, and a reader refuses a name that
    // is no language code: "English" here would fail each export later, far from its cause.
    const notCode = s.languages?.find((l) => !isLanguageCode(l));
    if (notCode !== undefined) throw badRequest(`"languages": ${JSON.stringify(notCode).slice(0, 80)} is not a language code such as "en", "ru" or "pt-BR"`);
    // Every plan compares a package's platform with this one: "latest" would fail each of them.
    if (s.platform !== undefined && !isPlatformVersion(s.platform)) throw badRequest(`"platform": ${JSON.stringify(s.platform).slice(0, 80)} is not a platform version such as "2024.4"`);
    const before = await getSettings(this.db);
    const next = { ...before, ...Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) };
    // A plan's platform and languages checks read these: a plan made before they changed is stale.
    const checked = JSON.stringify([before.platform, before.languages]) !== JSON.stringify([next.platform, next.languages]);
    await this.db.transaction(async (tx) => {
      const rev = checked ? await lockRevision(tx) : undefined;
      await setMeta(tx, 'settings', next);
      if (rev !== undefined) await bumpRevision(tx, rev, [SETTINGS_CHANGE]);
    });
    return next;
  }

  async namespaces(caller: Caller) {
    return (await listNamespaces(this.db)).filter((n) => mayWrite(caller, [n.code]));
  }

  async entities(caller: Caller, namespace: string): Promise<EnvEntity[]> {
    requireRights(caller, [namespace], `reading namespace \`${namespace}\``);
    return entitiesIn(this.db, [namespace]);
  }

  async entity(caller: Caller, id: string): Promise<EnvEntity & { history: { hash: string; at: string }[] }> {
    const e = (await getEntities(this.db, [id])).get(id);
    if (!e) throw notFound(`no entity ${shownId(id)}`);
    requireRights(caller, [e.namespace], `reading ${id}`);
    return { ...e, history: entriesOf(await historyOf(this.db, [id]), id) ?? [] };
  }

  /**
   * Changes an entity in the environment, as a platform user would in production: a new hash,
   * appended to its history, so the next import of an older package sees a conflict. A change to
   * what belongs to the target only (a workspace's title, a setting's value) keeps the hash.
   */
  async changeEntity(caller: Caller, id: string, change: { body?: Record<string, unknown>; deleted?: boolean }): Promise<EnvEntity> {
    const seen = (await getEntities(this.db, [id])).get(id);
    if (!seen) throw notFound(`no entity ${shownId(id)}`);
    requireRights(caller, [seen.namespace], `changing ${id}`);
    if (change.body !== undefined && (typeof change.body !== 'object' || change.body === null || Array.isArray(change.body))) throw badRequest('"body" must be a JSON object');
    if (change.body !== undefined && deeperThan(change.body)) throw badRequest(`"body" nests objects or lists deeper than ${MAX_JSON_DEPTH} levels`);
    if (change.deleted !== undefined && typeof change.deleted !== 'boolean') throw badRequest('"deleted" must be true or false');
    // The body's own `deleted: true` and the recycle-bin flag say the same thing (a build puts both
    // on a deleted entity's card): a restore drops it from the body, so the design changed and the
    // next import of a package that deletes the entity is a conflict, and a retrieve shows it.
    if (change.deleted === false && change.body?.deleted === true) throw badRequest('"body" says "deleted": true and "deleted" says false: leave "deleted" out of the body to restore the entity');
    // Judged first on the entity as read, so a bad request waits for no lock; then again on the
    // entity as it is once the revision is locked: an import or a restore committed in between
    // (PostgreSQL makes the change wait for it) is what the change applies to, never written over
    // with a body and a hash worked out from the version before it.
    changedEntity(caller, seen, change);
    const at = new Date().toISOString();
    let out: EnvEntity | undefined;
    await this.db.transaction(async (tx) => {
      const rev = await lockRevision(tx);
      const e = (await getEntities(tx, [id])).get(id);
      if (!e) throw notFound(`no entity ${shownId(id)}`);
      const { body, hash, deleted } = changedEntity(caller, e, change);
      // Worked out under the lock: two moves at once could otherwise close a cycle or leave two pages following one.
      const move = await siblingMove(tx, e, body);
      if ('refusal' in move) throw badRequest(move.refusal);
      await writeChange(tx, id, { body, hash, deleted }, at, caller.name);
      // A moved page's neighbours (siblingMoves.ts), each written as its own change would be.
      const neighbours = await getEntities(tx, move.relinks.map((r) => r.id));
      for (const r of move.relinks) await writeChange(tx, r.id, relinkedEntity(neighbours.get(r.id)!, r.after), at, caller.name);
      await bumpRevision(tx, rev, [e.namespace]);
      out = { ...e, body, hash, deleted, updatedAt: at, updatedBy: caller.name };
    });
    return out!;
  }

  async records(caller: Caller, app: string, after = '', limit = 100): Promise<{ id: string; body: unknown }[]> {
    requireRights(caller, [app.split('.')[0]], `reading records of ${app}`);
    return this.db.query(`SELECT id, body FROM records WHERE app = $1 AND id > $2 ORDER BY id LIMIT $3`, [app, after, Math.min(Math.max(limit, 1), 1000)]);
  }

  // ---- packages ----

  /** Takes an uploaded package (see PackageStore.upload); the caller needs rights on its namespaces. */
  upload(caller: Caller, body: Readable, declaredBytes?: number): Promise<StoredPackage> {
    // Refused before a byte is read: a user who owns nothing may import nothing, and reading a
    // package is the costliest thing an upload makes the service do.
    if (!caller.admin && !caller.namespaces.length) return Promise.reject(forbidden(`uploading a package needs the environment administrator or the owner of a namespace; ${caller.name} owns no namespace`));
    // So is one the disk has no room for (its declared size, then the floor as it streams): a
    // disk filled by an upload would stop the embedded database in the middle of another job.
    try {
      this.requireRoom('upload', declaredBytes ?? 0);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.store.upload(body, (p) => requirePackageRights(caller, p, `uploading ${p.kind} \`${p.code}\``), caller.name, () => this.requireRoom('upload', 0));
  }

  /** Registers a package file on this machine (the embedded environment imports in place). */
  registerFile(caller: Caller, file: string): Promise<StoredPackage> {
    return this.store.registerFile(file, (p) => requirePackageRights(caller, p, `importing ${p.kind} \`${p.code}\``), caller.name);
  }

  async package(caller: Caller, id: string): Promise<StoredPackage> {
    const p = await this.store.get(id);
    // A package that touches no namespace (an export of nothing) is still its creator's.
    if (!p.namespaces.length && p.createdBy === caller.name) return p;
    requirePackageRights(caller, p, `downloading package ${id}`);
    return p;
  }

  /**
   * Forgets an export's package once its caller has downloaded it (`DELETE /v1/packages/:id`):
   * every export is a new file, so a service that kept them filled its disk, one package per
   * retrieve. Uploads stay (plans and imports name them, and uploading one again finds it).
   */
  async handOver(caller: Caller, id: string): Promise<void> {
    const p = await this.package(caller, id);
    if (p.origin !== 'export') throw new EnvError(409, `package ${id} was ${p.origin === 'upload' ? 'uploaded' : 'registered from a file'}, not exported; only exports are deleted, since plans and imports name the others`, 'not-an-export');
    await this.store.forgetExport(p);
  }

  /**
   * Forgets the exports no client downloaded within `maxAgeMs` (a day unless given), which a
   * service does when it starts and every hour: returns how many went.
   */
  forgetUndownloadedExports(maxAgeMs = EXPORT_KEPT_MS, now = Date.now()): Promise<number> {
    return this.store.forgetExportsBefore(new Date(now - maxAgeMs).toISOString());
  }

  // ---- import ----

  /**
   * Checks a stored package against the environment and returns the plan (changes nothing): see
   * ImportPlans.make (importPlans.ts). An aborted `signal` stops it between batches of records.
   */
  plan(caller: Caller, o: { package: string; as?: string; design?: unknown; data?: unknown }, signal?: AbortSignal): Promise<ImportPlan> {
    return this.imports.make(caller, o, signal);
  }

  /** Starts the import of a plan the caller confirmed: see ImportPlans.start (importPlans.ts). */
  startImport(caller: Caller, o: { plan: string; onConflict?: 'cancel' | 'replace' }): Promise<Job> {
    return this.imports.start(caller, o);
  }

  // ---- export ----

  /** Starts an export job: see ExportJobs.start (exportJobs.ts). */
  startExport(caller: Caller, r: ExportRequest): Promise<Job> {
    return this.exports.start(caller, r);
  }

  // ---- jobs ----

  async jobList(caller: Caller): Promise<Job[]> {
    const visibleTo = caller.admin ? undefined : { name: caller.name, namespaces: caller.namespaces.filter((ns) => !isCompanyLevel(ns)) };
    return (await this.jobs.list(100, visibleTo)).filter((j) => mayWrite(caller, j.namespaces) || j.createdBy === caller.name).map(({ plan: _plan, ...j }) => j);
  }

  async job(caller: Caller, id: string): Promise<Job> {
    const j = await this.jobs.get(id);
    if (!mayWrite(caller, j.namespaces) && j.createdBy !== caller.name) requireRights(caller, j.namespaces, `reading job ${id}`);
    return j;
  }

  async jobLog(caller: Caller, id: string, after = -1): Promise<LogLine[]> {
    await this.job(caller, id);
    return this.jobs.log(id, after);
  }

  async cancelJob(caller: Caller, id: string): Promise<Job> {
    const j = await this.job(caller, id);
    requireRights(caller, j.namespaces, `cancelling job ${id}`);
    if (!this.jobs.cancel(id)) throw new EnvError(409, `job ${id} is ${j.status}; only a running job can be cancelled`, 'not-running');
    return this.jobs.wait(id);
  }

  /** Resolves when a job has finished. */
  waitForJob(id: string): Promise<Job> {
    return this.jobs.wait(id);
  }

  // ---- backups ----

  async backups(caller: Caller): Promise<Backup[]> {
    return (await listBackups(this.db)).filter((b) => mayWrite(caller, b.namespaces));
  }

  async backupPreview(caller: Caller, id: string): Promise<RestorePreview> {
    const b = await getBackup(this.db, id);
    requireRights(caller, b.namespaces, `reading backup ${id}`);
    return previewRestore(this.db, id);
  }

  async restore(caller: Caller, id: string): Promise<RestorePreview> {
    const b = await getBackup(this.db, id);
    requireRights(caller, b.namespaces, `restoring backup ${id}`);
    if (this.db.kind === 'pglite') this.requireRoom('restore', await backupBytes(this.db, id));
    // Checked and registered in one step, with no await between: an import confirmed while the
    // restore runs sees it (ImportPlans.start), as the restore sees an import that started first.
    const running = this.jobs.running().find((j) => j.namespaces.some((n) => b.namespaces.includes(n)));
    if (running) throw new EnvError(409, `job ${running.id} is running in ${running.namespaces.join(', ')}; restore when it has finished`, 'running');
    const other = this.restoringIn(b.namespaces);
    if (other) throw new EnvError(409, other, 'running');
    const restore = { backup: id, namespaces: b.namespaces };
    this.restoring.add(restore);
    try {
      return await restoreBackup(this.db, id, caller.name, new Date().toISOString());
    } finally {
      this.restoring.delete(restore);
    }
  }

  /** Why these namespaces are busy with a restore (a sentence for a 409), or undefined. */
  private restoringIn(namespaces: readonly string[]): string | undefined {
    for (const r of this.restoring) {
      if (r.namespaces.some((n) => namespaces.includes(n))) return `backup ${r.backup} of ${r.namespaces.join(', ')} is being restored; try again when it has finished`;
    }
    return undefined;
  }
}
