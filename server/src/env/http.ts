import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Environment } from '../core/environment/environment';
import { badRequest, EnvError, notFound } from '../core/environment/errors';
import type { Caller, ExportRequest } from '../core/environment/types';

/** Largest JSON request body (plans, exports and edits are small). */
const MAX_JSON = 4 * 1024 * 1024;

type Handler = (req: IncomingMessage, res: ServerResponse, p: Record<string, string>, caller: Caller, q: URLSearchParams) => Promise<unknown>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
  /** 201 or 202 for what creates something or starts a job. */
  status?: number;
}

function route(method: string, path: string, handler: Handler, status?: number): Route {
  const names: string[] = [];
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_, n) => {
    names.push(n);
    return '([^/]+)';
  })}$`);
  return { method, pattern, names, handler, status };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const b of req as AsyncIterable<Buffer>) {
    n += b.length;
    if (n > MAX_JSON) throw new EnvError(413, `the request body is over ${MAX_JSON} bytes`, 'too-large');
    parts.push(b);
  }
  if (!n) return {};
  try {
    const v = JSON.parse(Buffer.concat(parts).toString('utf8'));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v;
  } catch (e) {
    throw badRequest(`the request body must be a JSON object (${(e as Error).message})`);
  }
}

/** A whole-number query parameter, or the default when absent; 400 when it is not a number. */
const int = (q: URLSearchParams, name: string, fallback: number): number => {
  const v = q.get(name);
  if (v === null) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`"${name}" must be a whole number`);
  return n;
};

const str = (v: unknown, name: string, required = true): string | undefined => {
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || !v) throw badRequest(`"${name}" must be a non-empty string`);
  return v;
};

/** Every route of the API (docs/environment-api.md describes each). */
function routes(env: Environment): Route[] {
  return [
    route('GET', '/v1/whoami', async (_q, _r, _p, caller) => caller),
    route('GET', '/v1/users', async (_q, _r, _p, caller) => env.users(caller)),
    route('POST', '/v1/users', async (req, _r, _p, caller) => {
      const b = await readJson(req);
      const namespaces = b.namespaces === undefined ? [] : b.namespaces;
      if (!Array.isArray(namespaces) || namespaces.some((n) => typeof n !== 'string')) throw badRequest('"namespaces" must be a list of namespace codes');
      return env.createUser(caller, { name: str(b.name, 'name')!, admin: b.admin === true, namespaces: namespaces as string[] });
    }, 201),
    route('PATCH', '/v1/settings', async (req, _r, _p, caller) => {
      const b = await readJson(req);
      if (b.languages !== undefined && (!Array.isArray(b.languages) || b.languages.some((l) => typeof l !== 'string'))) throw badRequest('"languages" must be a list of language codes');
      return env.updateSettings(caller, { platform: str(b.platform, 'platform', false), languages: b.languages as string[] | undefined, name: str(b.name, 'name', false) });
    }),
    route('GET', '/v1/namespaces', async (_q, _r, _p, caller) => env.namespaces(caller)),
    route('GET', '/v1/namespaces/:ns/entities', async (_q, _r, p, caller) => env.entities(caller, p.ns)),
    route('GET', '/v1/entities/:id', async (_q, _r, p, caller) => env.entity(caller, p.id)),
    route('PUT', '/v1/entities/:id', async (req, _r, p, caller) => {
      const b = await readJson(req);
      if (b.deleted !== undefined && typeof b.deleted !== 'boolean') throw badRequest('"deleted" must be true or false');
      return env.changeEntity(caller, p.id, { body: b.body as Record<string, unknown> | undefined, deleted: b.deleted as boolean | undefined });
    }),
    route('GET', '/v1/records/:app', async (_q, _r, p, caller, q) => env.records(caller, p.app, q.get('after') ?? '', int(q, 'limit', 100))),
    route('POST', '/v1/packages', async (req, _r, _p, caller) => strip(await env.upload(caller, req)), 201),
    route('GET', '/v1/packages/:id', async (_q, _r, p, caller) => strip(await env.package(caller, p.id))),
    route('GET', '/v1/packages/:id/content', async (_q, res, p, caller) => {
      const pkg = await env.package(caller, p.id);
      res.writeHead(200, {
        'content-type': 'application/zip', 'content-length': String(pkg.size),
        'content-disposition': `attachment; filename="${pkg.code}.isolapkg"`,
      });
      await new Promise<void>((resolve, reject) => createReadStream(pkg.file).on('error', reject).pipe(res).on('finish', resolve));
      return STREAMED;
    }),
    route('POST', '/v1/plans', async (req, _r, _p, caller) => {
      const b = await readJson(req);
      return env.plan(caller, { package: str(b.package, 'package')!, as: str(b.as, 'as', false) });
    }, 201),
    route('POST', '/v1/imports', async (req, _r, _p, caller) => {
      const b = await readJson(req);
      const onConflict = b.onConflict ?? 'cancel';
      if (onConflict !== 'cancel' && onConflict !== 'replace') throw badRequest('"onConflict" must be "cancel" or "replace"');
      return env.startImport(caller, { plan: str(b.plan, 'plan')!, onConflict });
    }, 202),
    route('POST', '/v1/exports', async (req, _r, _p, caller) => {
      const b = await readJson(req);
      const kinds = ['namespace', 'workspace', 'module', 'app', 'solution', 'configuration'];
      if (!kinds.includes(b.kind as string)) throw badRequest(`"kind" must be one of ${kinds.join(', ')}`);
      if (b.design !== undefined && b.design !== 'all' && b.design !== 'none') throw badRequest('"design" must be "all" or "none"');
      const data = b.data ?? 'none';
      if (data !== 'none' && data !== 'all' && !(Array.isArray(data) && data.every((a) => typeof a === 'string'))) throw badRequest('"data" must be "none", "all" or a list of apps (namespace.app)');
      return env.startExport(caller, { kind: b.kind as ExportRequest['kind'], code: str(b.code, 'code')!, design: b.design as 'all' | 'none' | undefined, data: data as ExportRequest['data'], title: str(b.title, 'title', false), comment: str(b.comment, 'comment', false) });
    }, 202),
    route('GET', '/v1/jobs', async (_q, _r, _p, caller) => env.jobList(caller)),
    route('GET', '/v1/jobs/:id', async (_q, _r, p, caller) => env.job(caller, p.id)),
    route('GET', '/v1/jobs/:id/log', async (_q, _r, p, caller, q) => env.jobLog(caller, p.id, int(q, 'after', -1))),
    route('POST', '/v1/jobs/:id/cancel', async (_q, _r, p, caller) => env.cancelJob(caller, p.id)),
    route('GET', '/v1/backups', async (_q, _r, _p, caller) => env.backups(caller)),
    route('GET', '/v1/backups/:id', async (_q, _r, p, caller) => env.backupPreview(caller, p.id)),
    route('POST', '/v1/backups/:id/restore', async (_q, _r, p, caller) => env.restore(caller, p.id)),
  ];
}

const STREAMED = Symbol('streamed');

/** A stored package as the API shows it: where it lies on the server's disk is not the client's business. */
function strip<T extends { file?: string }>(p: T): Omit<T, 'file'> {
  const { file: _file, ...rest } = p;
  return rest;
}

/**
 * The request handler of `isola env serve`: bearer tokens on every route but `/v1/health`,
 * JSON in and out, errors as `{ error: { status, reason, message, details } }`.
 */
export function createHandler(env: Environment, version: string): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes(env);
  return (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      try {
        if (req.method === 'GET' && url.pathname === '/v1/health') return send(res, 200, { ok: true, version, ...(await env.info()) });
        let matched: { r: Route; params: Record<string, string> } | undefined;
        let pathKnown = false;
        for (const r of table) {
          const m = r.pattern.exec(url.pathname);
          if (!m) continue;
          pathKnown = true;
          if (r.method !== req.method) continue;
          const params: Record<string, string> = {};
          r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
          matched = { r, params };
          break;
        }
        if (!matched) throw pathKnown ? new EnvError(405, `${req.method} is not allowed on ${url.pathname}`, 'bad-method') : notFound(`no such endpoint: ${req.method} ${url.pathname}`);
        const auth = req.headers.authorization;
        const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
        const caller = await env.authenticate(token);
        const out = await matched.r.handler(req, res, matched.params, caller, url.searchParams);
        if (out !== STREAMED) send(res, matched.r.status ?? 200, out);
      } catch (e) {
        const err = e instanceof EnvError ? e : new EnvError(500, `internal error: ${(e as Error).message}`, 'internal');
        if (err.status === 500) console.error(e);
        req.resume(); // an upload refused before it was read must still be drained
        if (!res.headersSent) send(res, err.status, { error: { status: err.status, reason: err.reason, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } });
        else res.destroy();
      }
    })();
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...(status === 401 ? { 'www-authenticate': 'Bearer realm="isola"' } : {}) });
  res.end(text);
}
