import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Environment } from '../core/environment/environment';
import { storedFileError } from '../core/environment/packages';
import { badRequest, EnvError, localizedError } from '../core/environment/errors';
import { fromAcceptLanguage, translator } from '../core/l10n';
import type { Caller, ExportRequest } from '../core/environment/types';
import { contentDisposition, readCredentials } from './headers';
import { jobIn, planIn, previewIn } from '../core/environment/said';
import { codeList, decodeSegment, parseTarget, queryInt, queryText, readJson, stringField } from './input';

/** How much of an unread request body (a refusal, or a route that reads none) is thrown away before the connection is cut. */
const DRAIN_MAX = 64 * 1024 * 1024;
/** How long an unread request body is read before the connection is cut. */
const DRAIN_MS = 10_000;

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

/**
 * The request's language (`Accept-Language`): what the service says in sentences (refusals,
 * plans' checks and reasons, restore previews) is said in it; codes and reasons stay the same.
 */
const languageOf = (req: IncomingMessage) => translator(fromAcceptLanguage(req.headers['accept-language']));

/** A body field that names something (a code, an id, a name, a title): no control characters. */
const str = (v: unknown, name: string, required = true): string | undefined => stringField(v, name, { required });

/** The body's size as its `Content-Length` declares it; undefined when it declares none (chunked). */
function declaredLength(req: IncomingMessage): number | undefined {
  const n = Number(req.headers['content-length']);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Every route of the API (docs/environment-api.md describes each). */
function routes(env: Environment): Route[] {
  return [
    route('GET', '/v1/whoami', async (_q, _r, _p, caller) => caller),
    route('GET', '/v1/users', async (_q, _r, _p, caller) => env.users(caller)),
    route('POST', '/v1/users', async (req, _r, _p, caller) => {
      const b = await readJson(req);
      const namespaces = b.namespaces === undefined ? [] : codeList(b.namespaces, 'namespaces', 'namespace codes');
      if (b.admin !== undefined && typeof b.admin !== 'boolean') throw badRequest('"admin" must be true or false');
      return env.createUser(caller, { name: str(b.name, 'name')!, admin: b.admin === true, namespaces });
    }, 201),
    route('PATCH', '/v1/settings', async (req, _r, _p, caller) => {
      const b = await readJson(req);
      const languages = b.languages === undefined ? undefined : codeList(b.languages, 'languages', 'language codes');
      return env.updateSettings(caller, { platform: str(b.platform, 'platform', false), languages, name: str(b.name, 'name', false) });
    }),
    route('GET', '/v1/namespaces', async (_q, _r, _p, caller) => env.namespaces(caller)),
    route('GET', '/v1/namespaces/:ns/entities', async (_q, _r, p, caller) => env.entities(caller, p.ns)),
    route('GET', '/v1/entities/:id', async (_q, _r, p, caller) => env.entity(caller, p.id)),
    route('PUT', '/v1/entities/:id', async (req, _r, p, caller) => {
      const b = await readJson(req);
      if (b.deleted !== undefined && typeof b.deleted !== 'boolean') throw badRequest('"deleted" must be true or false');
      if (b.body !== undefined && (typeof b.body !== 'object' || b.body === null || Array.isArray(b.body))) throw badRequest('"body" must be a JSON object');
      return env.changeEntity(caller, p.id, { body: b.body as Record<string, unknown> | undefined, deleted: b.deleted as boolean | undefined });
    }),
    route('GET', '/v1/records/:app', async (_q, _r, p, caller, q) => env.records(caller, p.app, queryText(q, 'after', ''), queryInt(q, 'limit', 100, 1, Number.MAX_SAFE_INTEGER))),
    route('POST', '/v1/packages', async (req, _r, _p, caller) => strip(await env.upload(caller, req, declaredLength(req))), 201),
    route('GET', '/v1/packages/:id', async (_q, _r, p, caller) => strip(await env.package(caller, p.id))),
    route('DELETE', '/v1/packages/:id', async (_q, _r, p, caller) => {
      await env.handOver(caller, p.id);
      return { deleted: p.id };
    }),
    route('GET', '/v1/packages/:id/content', async (req, res, p, caller) => {
      const pkg = await env.package(caller, p.id);
      const file = createReadStream(pkg.file);
      // A missing file is still answered with a JSON error: a 404 naming the package, not its path.
      await once(file, 'open').catch((e) => {
        throw storedFileError(pkg.id, e);
      });
      // A body the request declared is never read: the connection ends with the download (not
      // cut after DRAIN_MS, which a download may outlast; unread, the body only fills buffers).
      if (!req.complete) res.setHeader('connection', 'close');
      res.writeHead(200, {
        'content-type': 'application/zip', 'content-length': String(pkg.size),
        'content-disposition': contentDisposition(`${pkg.code}.isolapkg`),
      });
      // pipeline, not pipe: a client that goes away must not leave the file open.
      await pipeline(file, res);
      return STREAMED;
    }),
    route('POST', '/v1/plans', async (req, res, _p, caller) => {
      const b = await readJson(req);
      // A client that goes away (Ctrl+C in \`isola import\`) stops the plan: reading the records of a
      // large package takes seconds nobody waits for any more.
      const gone = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) gone.abort(Object.assign(new Error('the client went away before the plan was made'), { code: 'ECONNRESET' }));
      };
      res.on('close', onClose);
      try {
        // `design` and `data` are checked by the engine (importChoice.ts): 400 for a wrong type or an app the package lacks.
        return planIn(await env.plan(caller, { package: str(b.package, 'package')!, as: str(b.as, 'as', false), design: b.design, data: b.data }, gone.signal), languageOf(req));
      } finally {
        res.off('close', onClose);
      }
    }, 201),
    route('POST', '/v1/imports', async (req, _r, _p, caller) => {
      const b = await readJson(req);
      const onConflict = b.onConflict ?? 'cancel';
      if (onConflict !== 'cancel' && onConflict !== 'replace') throw badRequest('"onConflict" must be "cancel" or "replace"');
      return jobIn(await env.startImport(caller, { plan: str(b.plan, 'plan')!, onConflict }), languageOf(req));
    }, 202),
    route('POST', '/v1/exports', async (req, _r, _p, caller) => {
      const b = await readJson(req);
      const kinds = ['namespace', 'workspace', 'module', 'app', 'solution', 'configuration'];
      if (!kinds.includes(b.kind as string)) throw badRequest(`"kind" must be one of ${kinds.join(', ')}`);
      if (b.design !== undefined && b.design !== 'all' && b.design !== 'none') throw badRequest('"design" must be "all" or "none"');
      const data = b.data ?? 'none';
      if (data !== 'none' && data !== 'all' && !(Array.isArray(data) && data.every((a) => typeof a === 'string'))) throw badRequest('"data" must be "none", "all" or a list of apps (namespace.app)');
      return env.startExport(caller, { kind: b.kind as ExportRequest['kind'], code: str(b.code, 'code')!, design: b.design as 'all' | 'none' | undefined, data: data as ExportRequest['data'], title: str(b.title, 'title', false), comment: stringField(b.comment, 'comment', { required: false, kind: 'text' }) });
    }, 202),
    route('GET', '/v1/jobs', async (req, _r, _p, caller) => {
      const t = languageOf(req);
      return (await env.jobList(caller)).map((j) => jobIn(j, t));
    }),
    route('GET', '/v1/jobs/:id', async (req, _r, p, caller) => jobIn(await env.job(caller, p.id), languageOf(req))),
    route('GET', '/v1/jobs/:id/log', async (_q, _r, p, caller, q) => env.jobLog(caller, p.id, queryInt(q, 'after', -1, -1, 2 ** 31 - 1))),
    route('POST', '/v1/jobs/:id/cancel', async (_q, _r, p, caller) => env.cancelJob(caller, p.id)),
    route('GET', '/v1/backups', async (_q, _r, _p, caller) => env.backups(caller)),
    route('GET', '/v1/backups/:id', async (req, _r, p, caller) => previewIn(await env.backupPreview(caller, p.id), languageOf(req))),
    route('POST', '/v1/backups/:id/restore', async (req, _r, p, caller) => previewIn(await env.restore(caller, p.id), languageOf(req))),
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
 * JSON in and out, errors as `{ error: { status, reason, message, details } }`. `hostAllowed`
 * (hostCheck.ts) refuses, before anything else, a request naming a host the service is not.
 */
export function createHandler(env: Environment, version: string, o: { hostAllowed?: (host: string | undefined) => boolean } = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes(env);
  return (req, res) => {
    handle(req, res).catch((e) => {
      // Only a bug in the error path itself gets here; it must not end the process.
      console.error(e);
      res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      // Before /v1/health too: through DNS rebinding a web page reads whatever it is answered.
      if (o.hostAllowed && !o.hostAllowed(req.headers.host)) {
        const host = req.headers.host ?? '';
        throw localizedError(403, 'env.hostRefused', { host: host.length > 100 ? `${host.slice(0, 100)}...` : host }, 'bad-host');
      }
      const { path, query } = parseTarget(req.url);
      if (req.method === 'GET' && path === '/v1/health') return answer(req, res, 200, { ok: true, version, ...(await env.info()) });
      let matched: { r: Route; m: RegExpExecArray } | undefined;
      let pathKnown = false;
      for (const r of table) {
        const m = r.pattern.exec(path);
        if (!m) continue;
        pathKnown = true;
        if (r.method !== req.method) continue;
        matched = { r, m };
        break;
      }
      const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path;
      if (!matched) throw localizedError(pathKnown ? 405 : 404, pathKnown ? 'env.badMethod' : 'env.noEndpoint', { method: String(req.method), path: shown }, pathKnown ? 'bad-method' : 'not-found');
      const { r, m } = matched;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeSegment(m[i + 1], n)));
      const credentials = readCredentials(req.headers.authorization);
      if (credentials.kind === 'malformed') throw localizedError(401, 'env.authMalformed', undefined, 'unauthorized');
      const caller = await env.authenticate(credentials.kind === 'bearer' ? credentials.token : undefined);
      const out = await r.handler(req, res, params, caller, query);
      if (out !== STREAMED) answer(req, res, r.status ?? 200, out);
    } catch (e) {
      const err = e instanceof EnvError ? e : new EnvError(500, `internal error: ${(e as Error).message}`, 'internal');
      // A client that went away mid-upload or mid-download is no fault of the service.
      const gone = ['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET'].includes((e as NodeJS.ErrnoException).code ?? '');
      // A full disk (507) is for the operator to mend: logged as a fault is, with the path.
      if ((err.status === 500 || err.status === 507) && !gone) console.error(e);
      // The message in the request's language (`Accept-Language`); `reason` is the same in every language.
      const message = err.messageIn(languageOf(req));
      if (!res.headersSent) answer(req, res, err.status, { error: { status: err.status, reason: err.reason, message, ...(err.details !== undefined ? { details: err.details } : {}) } });
      else {
        drain(req);
        res.destroy();
      }
    }
  }
}

/**
 * Sends an answer, whatever its status. When the request's body is still coming (a refusal
 * before it was read, or a route that reads none: `GET /v1/health` or any GET with a declared
 * body), the connection ends with this answer and the rest of the body is drained within
 * DRAIN_MAX and DRAIN_MS: kept alive, it was read for as long as the client kept sending, and a
 * client without a token that trickled a byte a second into `GET /v1/health` held its connection
 * (and a file descriptor) indefinitely.
 */
function answer(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  if (!req.complete && !req.destroyed) {
    res.setHeader('connection', 'close');
    drain(req);
  }
  send(res, status, body);
}

/**
 * Reads and discards what is left of a request's body that is answered without being read, so that the client, still
 * sending, gets to read the answer; past DRAIN_MAX bytes or DRAIN_MS the connection is cut
 * instead. The time bound matters more: the service waits as long as an upload takes
 * (`requestTimeout` 0), and a client without a token that trickled a byte now and then kept its
 * connection, and with enough of them every file descriptor the service had.
 */
function drain(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  let n = 0;
  const cut = setTimeout(() => req.socket.destroy(), DRAIN_MS);
  cut.unref();
  req.on('data', (b: Buffer) => {
    n += b.length;
    if (n > DRAIN_MAX) req.socket.destroy();
  });
  req.on('close', () => clearTimeout(cut));
  req.resume();
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...(status === 401 ? { 'www-authenticate': 'Bearer realm="isola"' } : {}) });
  res.end(text);
}
