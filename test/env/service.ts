import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');

/** Storage a suite runs against: the embedded database always, PostgreSQL when ISOLA_TEST_PG names a server. */
export interface Backend {
  name: 'pglite' | 'postgres';
  /** A fresh database URL (a new schema) for PostgreSQL; undefined for the embedded one. */
  fresh(): string | undefined;
}

export function backends(): Backend[] {
  const out: Backend[] = [{ name: 'pglite', fresh: () => undefined }];
  const pg = process.env.ISOLA_TEST_PG;
  if (pg) {
    out.push({
      name: 'postgres',
      fresh: () => {
        const u = new URL(pg);
        u.searchParams.set('schema', `t_${randomBytes(6).toString('hex')}`);
        return u.toString();
      },
    });
  }
  return out;
}

/** A running `isola env serve` on a loopback port chosen by the OS. */
export interface Service {
  url: string;
  /** The administrator token printed on first run. */
  adminToken: string;
  dataDir: string;
  databaseUrl?: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
  /** SIGKILL and wait (the fault test). */
  kill(): Promise<void>;
}

/**
 * Starts the real service (the bundled CLI) on `dataDir` (a new temporary folder unless given)
 * and resolves once it prints its URL. A restart on the same data passes the previous token;
 * `env` adds to its environment (a `--require` through NODE_OPTIONS).
 */
export async function startService(o: { dataDir?: string; databaseUrl?: string; adminToken?: string; args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<Service> {
  const dataDir = o.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'isola-env-'));
  const args = [CLI, 'env', 'serve', '--data', dataDir, '--port', '0', ...(o.databaseUrl ? ['--database', o.databaseUrl] : []), ...(o.args ?? [])];
  // ELECTRON_RUN_AS_NODE: the VS Code suites call this from an extension host, where
  // process.execPath may be Electron; plain Node ignores it.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env, ELECTRON_RUN_AS_NODE: '1' } });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    // PGlite's first start runs initdb, which takes over a minute when the machine's cores are busy with other work.
    const timer = setTimeout(() => reject(new Error(`the service did not start in 180 s:\n${out}`)), 180_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      // A first run prints the administrator's token on the line after the URL; a restart does not.
      const ready = m && (o.adminToken !== undefined || /Administrator token[^\n]*\n/.test(out));
      if (ready) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code}:\n${out}`));
    });
  });
  const token = o.adminToken ?? /Administrator token[^:]*: (\S+)/.exec(out)?.[1];
  if (!token) throw new Error(`no administrator token in the service's output:\n${out}`);
  return {
    url,
    adminToken: token,
    dataDir,
    databaseUrl: o.databaseUrl,
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Removes a service's data folder. */
export function removeData(s: Service): void {
  rmSync(s.dataDir, { recursive: true, force: true });
}

/** A JSON request to the service; returns status and parsed body. */
export async function api(s: { url: string }, method: string, p: string, o: { token?: string; body?: unknown; raw?: Buffer } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | Buffer | undefined;
  if (o.raw) {
    headers['content-type'] = 'application/octet-stream';
    body = o.raw;
  } else if (o.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.body);
  }
  // A GET is safe to repeat: once, when the connection was closed under it (a keep-alive race on a busy machine).
  const res = await fetch(`${s.url}${p}`, { method, headers, body }).catch((e: Error & { cause?: { code?: string } }) => {
    if (method !== 'GET' || e.cause?.code !== 'UND_ERR_SOCKET') throw e;
    return fetch(`${s.url}${p}`, { method, headers, body });
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

/** Polls a job until it has finished. */
export async function waitJob(s: { url: string }, token: string, id: string, timeoutMs = 120_000): Promise<any> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await api(s, 'GET', `/v1/jobs/${id}`, { token });
    if (r.status !== 200) throw new Error(`GET job ${id}: ${r.status} ${JSON.stringify(r.body)}`);
    if (['succeeded', 'failed', 'cancelled'].includes(r.body.status)) return r.body;
    if (Date.now() > end) throw new Error(`job ${id} still ${r.body.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
