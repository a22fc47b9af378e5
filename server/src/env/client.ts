import { createReadStream, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RestorePreview } from '../core/environment/backups';
import type { StoredPackage } from '../core/environment/environment';
import { EnvError } from '../core/environment/errors';
import { writeExclusive } from '../core/exclusiveWrite';
import type { Backup, Caller, EnvEntity, ExportRequest, ImportPlan, Job, LogLine } from '../core/environment/types';
import type { ImportChoice } from '../core/environment/importChoice';
import { TokenFault, tokenFault } from './headers';

// The engine stays out of this module: the editor's bundle needs only the HTTP client (localClient.ts has the in-process one).

/** A namespace as an environment lists it. */
export interface NamespaceInfo {
  code: string;
  kind: string;
  title?: string;
  entities: number;
  records: number;
}

/** Environment facts every client can read. */
export interface EnvInfo {
  name: string;
  platform: string;
  languages: string[];
  revision: number;
  database: string;
  version?: string;
}

/**
 * One way to talk to an environment, whether it runs in this process (`local`) or behind
 * `isola env serve`: the CLI and the editor use this and never care which.
 */
export interface EnvClient {
  readonly name: string;
  info(): Promise<EnvInfo>;
  whoami(): Promise<Caller>;
  uploadPackage(file: string): Promise<Omit<StoredPackage, 'file'>>;
  /**
   * Plans the import of a stored package, of what `choice` picks (everything when absent).
   * `signal` stops the planning (a plan reads every record of a large package): the promise
   * rejects with the signal's reason and nothing is kept.
   */
  plan(packageId: string, as?: string, choice?: Partial<ImportChoice>, signal?: AbortSignal): Promise<ImportPlan>;
  startImport(planId: string, onConflict: 'cancel' | 'replace'): Promise<Job>;
  startExport(r: ExportRequest): Promise<Job>;
  job(id: string): Promise<Job>;
  jobLog(id: string, after?: number): Promise<LogLine[]>;
  cancelJob(id: string): Promise<Job>;
  jobs(): Promise<Job[]>;
  /** Writes a stored package to `out` whole or not at all; `signal` stops it, leaving no partial file. */
  downloadPackage(id: string, out: string, signal?: AbortSignal): Promise<void>;
  /**
   * Deletes an export's package from the environment once it is downloaded. A service of an
   * earlier version, which has no such call, keeps it: that is no reason to fail the export.
   */
  discardExport(id: string): Promise<void>;
  namespaces(): Promise<NamespaceInfo[]>;
  entities(namespace: string): Promise<EnvEntity[]>;
  entity(id: string): Promise<EnvEntity & { history: { hash: string; at: string }[] }>;
  changeEntity(id: string, change: { body?: Record<string, unknown>; deleted?: boolean }): Promise<EnvEntity>;
  backups(): Promise<Backup[]>;
  backupPreview(id: string): Promise<RestorePreview>;
  restore(id: string): Promise<RestorePreview>;
  close(): Promise<void>;
}

/** A service that cannot be reached; says the URL so the user can check it. `reason`: the error's code (ECONNREFUSED) or message. */
export class UnreachableError extends Error {
  constructor(readonly url: string, readonly reason: string) {
    super(`cannot reach the environment at ${url} (${reason})`);
  }
}

/**
 * A token that cannot be sent (a line break in it, say): refused before any request. Says where
 * the token came from (`source`: a variable's name, or undefined for one stored in the editor),
 * never the token.
 */
export class InvalidTokenError extends Error {
  constructor(readonly env: string, readonly source: string | undefined, readonly fault: TokenFault) {
    super(`environment "${env}": the token ${source ? `in ${source}` : 'set for it'} holds a ${fault}; set it to the token alone, on one line`);
  }
}

/**
 * Why fetch could not send a request, safe to show: an error code (ECONNREFUSED) or the cause's
 * message; never fetch's own TypeError message, which can quote a header (the token) whole.
 */
function unreachableReason(e: unknown, token: string | undefined): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
  const said = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : 'the request could not be sent';
  const trimmed = token?.trim();
  return trimmed ? said.split(trimmed).join('…') : said;
}

/** An environment behind `isola env serve`, over HTTP with a bearer token. */
export class HttpClient implements EnvClient {
  /**
   * `language` (`en`, `ru`) is sent as `Accept-Language`: the service answers errors in it.
   * `tokenSource` names where the token came from (a variable) when a bad one is refused.
   */
  constructor(readonly name: string, readonly url: string, private readonly token: string | undefined, private readonly language?: string, private readonly tokenSource?: string) {}

  private async call<T>(method: string, path: string, body?: unknown, raw?: { body: Readable; length: number }, signal?: AbortSignal): Promise<T> {
    const res = await this.fetch(method, path, body, raw, signal);
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new EnvError(502 as never, `${this.url} answered ${res.status} with something that is not JSON`);
    }
    if (!res.ok) {
      const err = (json as { error?: { status: number; reason?: string; message?: string; details?: unknown } })?.error;
      throw new EnvError(res.status as never, err?.message ?? `${method} ${path} failed with ${res.status}`, err?.reason, err?.details);
    }
    return json as T;
  }

  private async fetch(method: string, path: string, body?: unknown, raw?: { body: Readable; length: number }, signal?: AbortSignal): Promise<Response> {
    const fault = this.token ? tokenFault(this.token) : undefined;
    if (fault) throw new InvalidTokenError(this.name, this.tokenSource, fault);
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.language) headers['accept-language'] = this.language;
    let payload: RequestInit['body'];
    if (raw) {
      headers['content-type'] = 'application/octet-stream';
      headers['content-length'] = String(raw.length);
      payload = Readable.toWeb(raw.body) as unknown as RequestInit['body'];
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    try {
      return await fetch(`${this.url}${path}`, { method, headers, body: payload, ...(raw ? { duplex: 'half' } : {}), ...(signal ? { signal } : {}) } as RequestInit);
    } catch (e) {
      // Stopped by the caller: not the service's fault (the service stops the plan when the request goes away).
      if (signal?.aborted) throw signal.reason;
      throw new UnreachableError(this.url, unreachableReason(e, this.token));
    }
  }

  info = () => this.fetch('GET', '/v1/health').then(async (r) => (await r.json()) as EnvInfo);
  whoami = () => this.call<Caller>('GET', '/v1/whoami');
  uploadPackage = async (file: string) => {
    const { size } = await fs.stat(file);
    return this.call<Omit<StoredPackage, 'file'>>('POST', '/v1/packages', undefined, { body: createReadStream(file), length: size });
  };
  plan = (id: string, as?: string, choice?: Partial<ImportChoice>, signal?: AbortSignal) => this.call<ImportPlan>('POST', '/v1/plans', { package: id, ...(as ? { as } : {}), ...choice }, undefined, signal);
  startImport = (plan: string, onConflict: 'cancel' | 'replace') => this.call<Job>('POST', '/v1/imports', { plan, onConflict });
  startExport = (r: ExportRequest) => this.call<Job>('POST', '/v1/exports', r);
  job = (id: string) => this.call<Job>('GET', `/v1/jobs/${encodeURIComponent(id)}`);
  jobLog = (id: string, after = -1) => this.call<LogLine[]>('GET', `/v1/jobs/${encodeURIComponent(id)}/log?after=${after}`);
  cancelJob = (id: string) => this.call<Job>('POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`);
  jobs = () => this.call<Job[]>('GET', '/v1/jobs');
  downloadPackage = async (id: string, out: string, signal?: AbortSignal) => {
    const res = await this.fetch('GET', `/v1/packages/${encodeURIComponent(id)}/content`);
    if (!res.ok || !res.body) {
      const err = ((await res.json().catch(() => undefined)) as { error?: { message?: string; reason?: string } } | undefined)?.error;
      throw new EnvError(res.status as never, err?.message ?? `download failed with ${res.status}`, err?.reason);
    }
    // Not a predictable `out.partial`, which a link planted there would take elsewhere: a temporary
    // file created exclusively under a random name, renamed over `out` only when the download is whole.
    const body = Readable.fromWeb(res.body as never);
    await writeExclusive(out, `partial-${process.pid}`, (h) => pipeline(body, h.createWriteStream(), { signal }));
  };
  discardExport = async (id: string) => {
    await this.call('DELETE', `/v1/packages/${encodeURIComponent(id)}`).catch((e) => {
      if (!(e instanceof EnvError && e.status === 405)) throw e;
    });
  };
  namespaces = () => this.call<NamespaceInfo[]>('GET', '/v1/namespaces');
  entities = (ns: string) => this.call<EnvEntity[]>('GET', `/v1/namespaces/${encodeURIComponent(ns)}/entities`);
  entity = (id: string) => this.call<EnvEntity & { history: { hash: string; at: string }[] }>('GET', `/v1/entities/${encodeURIComponent(id)}`);
  changeEntity = (id: string, change: { body?: Record<string, unknown>; deleted?: boolean }) => this.call<EnvEntity>('PUT', `/v1/entities/${encodeURIComponent(id)}`, change);
  backups = () => this.call<Backup[]>('GET', '/v1/backups');
  backupPreview = (id: string) => this.call<RestorePreview>('GET', `/v1/backups/${encodeURIComponent(id)}`);
  restore = (id: string) => this.call<RestorePreview>('POST', `/v1/backups/${encodeURIComponent(id)}/restore`);
  close = async () => undefined;
}

/** Follows a job until it ends, reporting new log lines as they come. */
export async function followJob(client: EnvClient, id: string, onUpdate: (job: Job, newLines: LogLine[]) => void, intervalMs = 200): Promise<Job> {
  let after = -1;
  for (;;) {
    const job = await client.job(id);
    const lines = await client.jobLog(id, after);
    if (lines.length) after = lines[lines.length - 1].seq;
    onUpdate(job, lines);
    if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') return job;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
