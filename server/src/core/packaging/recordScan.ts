import { isUtf8 } from 'node:buffer';
import { MAX_JSON_DEPTH } from '../json/depth';

/**
 * A record line taken as it is stored, without building it as objects: a JSON object whose `id`
 * is a string or a number, and the raw JSON of the top-level fields that were asked for.
 */
export interface ScannedRecord {
  /** The id as `String(JSON.parse(line).id)` gives it. */
  id: string;
  /** The raw JSON value of each field asked for that the record has (the last one when a key repeats, as `JSON.parse` does). */
  fields?: Map<string, Buffer>;
}

/**
 * Reads a record line of a package without parsing it into objects: one pass over its bytes that
 * checks the JSON grammar (RFC 8259, as strictly as `JSON.parse` and PostgreSQL's jsonb), finds the
 * top-level `id` and the raw values of `want`. Parsing every record into objects and writing it out
 * again was most of an import's CPU; the database parses the line once more anyway.
 *
 * Undefined whenever the line is not plainly acceptable as it is, so the caller takes the full
 * parse, which says exactly what is wrong or does what it always did: malformed JSON, anything but
 * an object, an `id` that is missing, repeated or neither string nor number, bytes that are not
 * UTF-8, nesting deeper than MAX_JSON_DEPTH, any `\u` escape (it may spell a NUL or a lone
 * surrogate, which no environment stores), and numbers a database may not hold as written (an
 * exponent of four digits or more, or a thousand characters).
 */
export function scanRecord(line: Buffer, want?: ReadonlyMap<string, Buffer>): ScannedRecord | undefined {
  if (!isUtf8(line)) return undefined;
  b = line;
  end = line.length;
  idStart = -1;
  idEnd = -1;
  idCount = 0;
  wanted = want;
  found = undefined;
  unsure = false;
  try {
    let i = ws(0);
    if (i >= end || b[i] !== OPEN_BRACE) return undefined;
    i = value(i, 1);
    if (i < 0 || ws(i) !== end || idCount !== 1 || unsure) return undefined;
    let id: string;
    const first = b[idStart];
    if (first === QUOTE) {
      id = idEscaped ? (JSON.parse(b.toString('utf8', idStart, idEnd)) as string) : b.toString('utf8', idStart + 1, idEnd - 1);
    } else if (first === MINUS || (first >= ZERO && first <= NINE)) {
      const n = Number(b.toString('latin1', idStart, idEnd));
      // A whole number past 2^53 is not kept exactly: the full parse refuses it (dataScan.ts `inexactId`).
      if (!Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n))) return undefined;
      id = String(n);
    } else return undefined;
    // An empty id is refused by the full parse (dataScan.ts `EMPTY_ID`).
    if (id === '') return undefined;
    return found ? { id, fields: found } : { id };
  } finally {
    b = EMPTY;
    wanted = undefined;
    found = undefined;
  }
}

const EMPTY = Buffer.alloc(0);
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_U = 0x75;
const MAX_NUMBER_CHARS = 1000;
const MAX_EXPONENT_DIGITS = 3;
/** Characters that may follow a backslash, `u` left out (see scanRecord). */
const SIMPLE_ESCAPE = new Uint8Array(128);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

// One scan at a time (it never awaits): its state lives here rather than in a closure per line.
let b: Buffer = EMPTY;
let end = 0;
let idStart = -1;
let idEnd = -1;
let idCount = 0;
let idEscaped = false;
let escaped = false;
let wanted: ReadonlyMap<string, Buffer> | undefined;
let found: Map<string, Buffer> | undefined;
let unsure = false;

function ws(i: number): number {
  const buf = b;
  const n = end;
  while (i < n) {
    const c = buf[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else break;
  }
  return i;
}

/** The index after the value starting at `i` (a non-space byte), or -1. */
function value(i: number, depth: number): number {
  if (i >= end) return -1;
  const c = b[i];
  if (c === QUOTE) return string(i);
  if (c === OPEN_BRACE) return depth > MAX_JSON_DEPTH ? -1 : object(i, depth);
  if (c === OPEN_BRACKET) return depth > MAX_JSON_DEPTH ? -1 : array(i, depth);
  if (c === MINUS || (c >= ZERO && c <= NINE)) return number(i);
  if (c === 0x74) return literal(i, TRUE);
  if (c === 0x66) return literal(i, FALSE);
  if (c === 0x6e) return literal(i, NULL);
  return -1;
}

function string(i: number): number {
  // Locals, not the module's bindings: this loop is most of the scan.
  const buf = b;
  const n = end;
  let esc = false;
  for (i++; i < n; i++) {
    const c = buf[i];
    if (c === QUOTE) {
      escaped = esc;
      return i + 1;
    }
    if (c === BACKSLASH) {
      const e = buf[i + 1];
      if (e === undefined || e === LOWER_U || e >= 128 || !SIMPLE_ESCAPE[e]) return -1;
      esc = true;
      i++;
    } else if (c < 0x20) return -1;
  }
  return -1;
}

function digits(i: number): number {
  while (i < end && b[i] >= ZERO && b[i] <= NINE) i++;
  return i;
}

function number(start: number): number {
  let i = start;
  if (b[i] === MINUS) i++;
  if (i >= end) return -1;
  if (b[i] === ZERO) i++;
  else if (b[i] >= ZERO + 1 && b[i] <= NINE) i = digits(i);
  else return -1;
  if (b[i] === DOT) {
    const j = digits(i + 1);
    if (j === i + 1) return -1;
    i = j;
  }
  if (b[i] === LOWER_E || b[i] === UPPER_E) {
    i++;
    if (b[i] === PLUS || b[i] === MINUS) i++;
    const j = digits(i);
    if (j === i || j - i > MAX_EXPONENT_DIGITS) return -1;
    i = j;
  }
  return i - start > MAX_NUMBER_CHARS ? -1 : i;
}

function literal(i: number, word: Buffer): number {
  if (i + word.length > end) return -1;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return -1;
  return i + word.length;
}

function array(i: number, depth: number): number {
  i = ws(i + 1);
  if (b[i] === CLOSE_BRACKET) return i + 1;
  for (;;) {
    i = value(i, depth + 1);
    if (i < 0) return -1;
    i = ws(i);
    if (b[i] === COMMA) i = ws(i + 1);
    else if (b[i] === CLOSE_BRACKET) return i + 1;
    else return -1;
  }
}

function object(i: number, depth: number): number {
  i = ws(i + 1);
  if (b[i] === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (b[i] !== QUOTE) return -1;
    const keyStart = i + 1;
    i = string(i);
    if (i < 0) return -1;
    const keyEnd = i - 1;
    const keyEscaped = escaped;
    i = ws(i);
    if (b[i] !== COLON) return -1;
    const at = ws(i + 1);
    i = value(at, depth + 1);
    if (i < 0) return -1;
    if (depth === 1) {
      if (keyEscaped && wanted) unsure = true; // it may spell a field asked for
      topLevel(keyStart, keyEnd, at, i);
    }
    i = ws(i);
    if (b[i] === COMMA) i = ws(i + 1);
    else if (b[i] === CLOSE_BRACE) return i + 1;
    else return -1;
  }
}

/** Notes a field of the record itself: its id, or one asked for. A key written with escapes is never `id` (`\u` never gets here). */
function topLevel(keyStart: number, keyEnd: number, at: number, after: number): void {
  if (keyEnd - keyStart === 2 && b[keyStart] === 0x69 && b[keyStart + 1] === 0x64) {
    idStart = at;
    idEnd = after;
    idEscaped = b[at] === QUOTE && escaped;
    idCount++;
    return;
  }
  if (!wanted) return;
  for (const [name, bytes] of wanted) {
    if (bytes.length !== keyEnd - keyStart) continue;
    let same = true;
    for (let k = 0; k < bytes.length && same; k++) same = b[keyStart + k] === bytes[k];
    if (!same) continue;
    (found ??= new Map()).set(name, b.subarray(at, after));
    return;
  }
}

/** The fields to ask `scanRecord` for, by name. */
export function wantedFields(names: Iterable<string>): ReadonlyMap<string, Buffer> {
  return new Map([...names].map((n) => [n, Buffer.from(n, 'utf8')]));
}
