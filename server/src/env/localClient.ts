import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Environment } from '../core/environment/environment';
import { storedFileError } from '../core/environment/packages';
import type { Caller, ExportRequest } from '../core/environment/types';
import type { ImportChoice } from '../core/environment/importChoice';
import type { EnvClient } from './client';
import { writeExclusive } from '../core/exclusiveWrite';

/** The embedded environment: the same engine, in this process, on a data folder. */
export class LocalClient implements EnvClient {
  readonly name = 'local';
  private constructor(readonly env: Environment, private readonly caller: Caller) {}

  static async open(dataDir: string, user: string, tool?: { name: string; version: string }): Promise<LocalClient> {
    return new LocalClient(await Environment.open({ dataDir, name: 'local', tool }), Environment.localCaller(user));
  }

  info = () => this.env.info();
  whoami = async () => this.caller;
  uploadPackage = async (file: string) => {
    const { file: _f, ...p } = await this.env.registerFile(this.caller, file);
    return p;
  };
  plan = (id: string, as?: string, choice?: Partial<ImportChoice>, signal?: AbortSignal) => this.env.plan(this.caller, { package: id, as, ...choice }, signal);
  startImport = (plan: string, onConflict: 'cancel' | 'replace') => this.env.startImport(this.caller, { plan, onConflict });
  startExport = (r: ExportRequest) => this.env.startExport(this.caller, r);
  job = (id: string) => this.env.job(this.caller, id);
  jobLog = (id: string, after?: number) => this.env.jobLog(this.caller, id, after);
  cancelJob = (id: string) => this.env.cancelJob(this.caller, id);
  jobs = () => this.env.jobList(this.caller);
  downloadPackage = async (id: string, out: string, signal?: AbortSignal) => {
    const p = await this.env.package(this.caller, id);
    // As a build writes its package: a random temporary file renamed over `out` only when whole, so a
    // link or a named pipe at `out` is replaced, not written through, and a failed copy leaves `out` as it was.
    const src = createReadStream(p.file);
    // Opened first: a stored file that is gone is said as the service says it, and `out` is left alone.
    await once(src, 'open').catch((e) => {
      throw storedFileError(p.id, e);
    });
    try {
      await writeExclusive(out, `partial-${process.pid}`, (h) => pipeline(src, h.createWriteStream(), { signal }));
    } finally {
      src.destroy();
      // An export (retrieve's, export's) is downloaded once, here, and never again: a stored copy
      // would stay in the project's .isola/local for ever, one per retrieve. A copy that cannot be
      // removed is no reason to fail a download.
      if (p.origin === 'export') await this.env.handOver(this.caller, p.id).catch(() => undefined);
    }
  };
  // Already gone with its download (above).
  discardExport = async () => undefined;
  namespaces = () => this.env.namespaces(this.caller);
  entities = (ns: string) => this.env.entities(this.caller, ns);
  entity = (id: string) => this.env.entity(this.caller, id);
  changeEntity = (id: string, change: { body?: Record<string, unknown>; deleted?: boolean }) => this.env.changeEntity(this.caller, id, change);
  backups = () => this.env.backups(this.caller);
  backupPreview = (id: string) => this.env.backupPreview(this.caller, id);
  restore = (id: string) => this.env.restore(this.caller, id);
  close = () => this.env.close();
}

