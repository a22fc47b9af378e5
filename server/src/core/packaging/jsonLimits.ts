import { MAX_JSON_DEPTH } from '../json/depth';

/**
 * Nesting depth of JSON read from a package: the same limit as manifests (json/depth.ts).
 * V8's `JSON.parse` takes any depth, but everything after it recurses (canonical hashing,
 * `JSON.stringify`, reference walks, the database's jsonb): a card nested 10,000 deep used to end
 * an import in a RangeError. Whether a parsed value is too deep: `valueNestsDeeperThan`; this
 * file holds only the cheap test that spares most data lines that walk.
 */
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * Whether JSON bytes could nest deeper than `max`. Counting the opening brackets with `indexOf`
 * costs next to nothing and settles the usual flat record; past `max` of them (a descriptor
 * indexing 10,000 entries has that many) one pass over the bytes measures the nesting itself,
 * skipping strings, which for JSON that parsed is exact and far cheaper than walking the parsed
 * value. For bytes that are not JSON the answer only errs towards "could".
 */
export function mayBeDeeperThan(line: Buffer, max: number = MAX_JSON_DEPTH, manyBrackets: boolean = moreBracketsThan(line, max)): boolean {
  return manyBrackets && nestsDeeperThan(line, max);
}

/**
 * Whether bytes (or text) hold more than `max` opening brackets (`mayBeDeeperThan`'s first test; pass its
 * answer as `manyBrackets` when it is known). It refers to nothing outside itself, so its source
 * runs as it is in the worker that inflates cards (inflateWorker.ts).
 */
export function moreBracketsThan(bytes: Buffer | string, max: number): boolean {
  let n = 0;
  // Bytes are searched for byte values, text for characters (a project's data line is text).
  for (const ch of typeof bytes === 'string' ? ['{', '['] : [0x7b, 0x5b]) {
    for (let i = bytes.indexOf(ch as never); i !== -1; i = bytes.indexOf(ch as never, i + 1)) if (++n > max) return true;
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

function nestsDeeperThan(b: Buffer, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === QUOTE) {
      for (i++; i < b.length && b[i] !== QUOTE; i++) if (b[i] === BACKSLASH) i++;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      // Unbalanced closers are not JSON: count conservatively, never below zero.
      if (depth > 0) depth--;
    }
  }
  return false;
}
