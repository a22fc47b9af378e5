/**
 * Reading what a client sends (request target, path ids, query parameters, JSON bodies) as
 * untrusted input: anything malformed is a 400 or 413 with a message that says what is wrong,
 * never an exception that surfaces as a 500 (or, worse, reaches the database).
 */
import type { IncomingMessage } from 'node:http';
import { badRequest, EnvError } from '../core/environment/errors';
import { changedNumbers } from '../core/json/numbers';

/** Largest JSON request body (plans, exports and edits are small). */
export const MAX_JSON = 4 * 1024 * 1024;

/**
 * Deepest nesting of a JSON body (the top value is level 1). `JSON.parse` takes any depth, but
 * hashing and storing an entity body recurse; the package reader allows cards as deep.
 */
export const MAX_JSON_DEPTH = 256;

/** C0 controls, DEL and C1 controls: never part of an id, a code or a name. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, but tabs and line breaks pass (free text such as a comment). */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** A lone surrogate: JSON may carry one (`"\ud800"`), but it is not Unicode text and PostgreSQL refuses it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A value quoted for a message: JSON escapes control characters, and long input is cut. */
const quote = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);

/** A request's path (still percent-encoded, matched against the routes) and its query. */
export interface Target {
  path: string;
  query: URLSearchParams;
}

/**
 * Splits a request target into path and query without resolving it against a base URL: that
 * would throw on targets such as `http://[` (and once did, outside any error handler) and
 * would let `//host/...` change what the path means.
 */
export function parseTarget(raw: string | undefined): Target {
  let t = raw || '/';
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(t); // absolute-form, as sent to proxies
  if (absolute) t = t.slice(absolute[0].length) || '/';
  if (!t.startsWith('/')) throw badRequest(`the request target ${quote(t)} is not a path`);
  const hash = t.indexOf('#');
  if (hash >= 0) t = t.slice(0, hash);
  const q = t.indexOf('?');
  return { path: q < 0 ? t : t.slice(0, q), query: new URLSearchParams(q < 0 ? '' : t.slice(q + 1)) };
}

/**
 * Decodes one path segment that names something (`:id`, `:ns`, `:app`). The one place path
 * parameters are decoded: bad percent-encoding, control characters and `.`/`..` are 400.
 */
export function decodeSegment(raw: string, name: string): string {
  let v: string;
  try {
    v = decodeURIComponent(raw);
  } catch {
    throw badRequest(`the path parameter :${name} (${quote(raw)}) is not valid percent-encoded UTF-8`);
  }
  if (CONTROL.test(v)) throw badRequest(`the path parameter :${name} (${quote(v)}) holds a control character; ids never do`);
  if (v === '.' || v === '..') throw badRequest(`the path parameter :${name} cannot be "${v}"`);
  return v;
}

/**
 * A whole-number query parameter within [min, max], or `fallback` when absent. Decimal digits
 * only: `1e20`, `0x10` and the empty string are refused, and the range keeps values inside what
 * the database's integer columns take.
 */
export function queryInt(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const v = q.get(name);
  if (v === null) return fallback;
  const n = /^[+-]?\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw badRequest(`the query parameter "${name}" must be a whole number from ${min} to ${max} (got ${quote(v)})`);
  return n;
}

/** A text query parameter (a record id to page after), or `fallback`; NUL is refused (no stored text holds it). */
export function queryText(q: URLSearchParams, name: string, fallback: string): string {
  const v = q.get(name);
  if (v === null) return fallback;
  if (v.includes('\u0000')) throw badRequest(`the query parameter "${name}" holds a NUL character`);
  return v;
}

const tooLarge = (max: number) => new EnvError(413, `the request body is over ${max} bytes`, 'too-large');

/**
 * Reads a JSON object body (an empty body is `{}`). 413 when it is, or says it is, over `max`
 * bytes; 400 when it is not UTF-8, not JSON, not an object, nests deeper than MAX_JSON_DEPTH,
 * holds a string no database keeps (NUL, a lone surrogate) or a number that reading it changes
 * (`1e400`, more digits than a double holds).
 */
export async function readJson(req: IncomingMessage, max = MAX_JSON): Promise<Record<string, unknown>> {
  // Refused before reading: a client that announces a huge body need not send it first.
  const declared = Number(req.headers['content-length']);
  if (declared > max) throw tooLarge(max);
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    const done = (e?: Error) => {
      req.off('data', onData).off('end', onEnd).off('error', done).off('close', onClose);
      if (e) reject(e);
      else resolve(Buffer.concat(parts));
    };
    // Listeners, not `for await`: leaving that loop early destroys the request, and with it the
    // socket the 413 must go out on.
    const onData = (b: Buffer) => {
      n += b.length;
      if (n > max) done(tooLarge(max));
      else parts.push(b);
    };
    const onEnd = () => done();
    // A client gone before the end: settle, or the request would wait forever.
    const onClose = () => done(Object.assign(new Error('the client closed the connection'), { code: 'ECONNRESET' }));
    req.on('data', onData).on('end', onEnd).on('error', done).on('close', onClose);
  });
  if (!bytes.length) return {};
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('the request body is not UTF-8');
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw badRequest(`the request body is not JSON (${(e as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badRequest(`the request body must be a JSON object, not ${v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`}`);
  checkTree(v);
  // JSON.parse reads 1e400 as Infinity (stored as null) and rounds a number past a double's 15-17
  // digits: an entity's body would change without a word, while an import keeps every digit and
  // refuses what no database holds. Looked for as MAN002 does, once the depth is known to be bounded.
  const changed = changedNumbers(text)[0];
  if (changed) {
    const shown = changed.text.length > 40 ? `${changed.text.slice(0, 40)}...` : changed.text;
    const at = `$${changed.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')}`;
    throw badRequest(`the request body holds the number ${shown} at ${at.length > 80 ? `${at.slice(0, 80)}...` : at}, which cannot be kept as written: read as a number it becomes ${changed.kept}. Write it as a string, or with at most 15 significant digits`);
  }
  return v as Record<string, unknown>;
}

/** Walks a parsed body without recursion (its depth is the untrusted part): depth, keys and strings. */
function checkTree(root: object): void {
  const stack: [unknown, number, string][] = [[root, 1, '$']];
  const checkString = (s: string, at: string) => {
    if (s.includes('\u0000')) throw badRequest(`the request body holds a NUL character (\\u0000) at ${at}`);
    if (LONE_SURROGATE.test(s)) throw badRequest(`the request body holds a lone UTF-16 surrogate at ${at}; it is not Unicode text`);
  };
  while (stack.length) {
    const [v, depth, at] = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) throw badRequest(`the request body nests deeper than ${MAX_JSON_DEPTH} levels (at ${at.slice(0, 80)}...)`);
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [`[${i}]`, x]) : Object.entries(v as object).map(([k, x]) => {
      checkString(k, `${at} (a key)`);
      return [`.${k}`, x];
    });
    for (const [step, x] of entries) {
      if (typeof x === 'string') checkString(x, at + step);
      else if (x !== null && typeof x === 'object') stack.push([x, depth + 1, at + step]);
    }
  }
}

/**
 * A string field of a body. `line` (codes, ids, names, titles) refuses every control
 * character; `text` (a comment) lets tabs and line breaks through.
 */
export function stringField(v: unknown, name: string, o: { required?: boolean; kind?: 'line' | 'text' } = {}): string | undefined {
  if (v === undefined && o.required === false) return undefined;
  if (typeof v !== 'string' || !v) throw badRequest(`"${name}" must be a non-empty string`);
  if ((o.kind === 'text' ? CONTROL_IN_TEXT : CONTROL).test(v)) throw badRequest(`"${name}" must not hold control characters (got ${quote(v)})`);
  return v;
}

/** A list of codes (namespaces, languages): each a non-empty string without control characters. */
export function codeList(v: unknown, name: string, what: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x || CONTROL.test(x))) throw badRequest(`"${name}" must be a list of ${what}`);
  return v as string[];
}
