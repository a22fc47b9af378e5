import { lineCommentEnd } from './scan';

/*
 * The nesting depth of JSONC text. V8's `JSON.parse` takes any depth, but jsonc-parser,
 * vscode-json-languageservice, the model builder and the schema validator all recurse once per
 * level: a manifest nested 10,000 deep ended a check in a RangeError. Text nested deeper than the
 * limit is therefore never given to anything that recurses.
 */

/**
 * The deepest nesting of objects and arrays Isola reads from JSONC text (the top value is level
 * 1). Real manifests stay near 10 (an org chart 40 units deep is 81); 256 leaves room for
 * anything hand-written while every recursive reader stays far from the stack's end.
 */
export const MAX_JSON_DEPTH = 256;

const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const QUOTE = 34;
const BACKSLASH = 92;
const SLASH = 47;
const STAR = 42;
const LF = 10;
const CR = 13;

/**
 * Offset of the `{` or `[` that opens level `limit + 1`, or -1 when the text nests no deeper
 * than `limit`. One iterative pass over the text.
 *
 * The count never falls below what any parser of the text reaches: tokens are split exactly as
 * jsonc-parser's scanner splits them (which vscode-json-languageservice uses too; a string ends
 * at its closing quote or at a line break, a line comment at CR or LF), and a closing bracket
 * closes only an opening one of its own kind, because that is all those parsers' error recovery
 * does (a stray `}` inside an array is skipped, not taken as the array's end). Where the text is
 * strict JSON, `JSON.parse` agrees with them.
 */
export function excessNestingOffset(text: string, limit: number = MAX_JSON_DEPTH): number {
  const open = new Uint8Array(Math.max(limit, 0));
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth >= limit) return i;
      open[depth++] = c;
    } else if (c === CLOSE_BRACE) {
      if (depth > 0 && open[depth - 1] === OPEN_BRACE) depth--;
    } else if (c === CLOSE_BRACKET) {
      if (depth > 0 && open[depth - 1] === OPEN_BRACKET) depth--;
    } else if (c === QUOTE) {
      i = stringEnd(text, i + 1) - 1;
    } else if (c === SLASH) {
      const d = text.charCodeAt(i + 1);
      if (d === SLASH) i = lineCommentEnd(text, i + 2) - 1;
      else if (d === STAR) {
        const e = text.indexOf('*/', i + 2);
        i = e < 0 ? n : e + 1;
      }
    }
  }
  return -1;
}

/**
 * Whether a parsed value nests objects and arrays deeper than `limit` (the top value is level 1).
 * Iterative. For a value `JSON.parse` made (V8's parser does not recurse) this is far cheaper than
 * scanning its text, and gives the same answer where the text is strict JSON after comments go.
 */
export function valueNestsDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit < 1) return true;
  const stack: object[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop() as Record<string, unknown> | unknown[];
    const depth = depths.pop()!;
    // Two plain loops rather than a shared callback: this runs on every value the fast parse makes.
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c = v[i];
        if (c === null || typeof c !== 'object') continue;
        if (depth >= limit) return true;
        stack.push(c);
        depths.push(depth + 1);
      }
    } else {
      for (const k in v) {
        const c = v[k];
        if (c === null || typeof c !== 'object') continue;
        if (depth >= limit) return true;
        stack.push(c);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** Whether JSONC text nests objects and arrays deeper than `limit`. */
export function nestsDeeperThan(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  return excessNestingOffset(text, limit) >= 0;
}

/** The message for text nested too deep (the caller names the offset). */
export function tooDeepMessage(limit: number = MAX_JSON_DEPTH): string {
  return `objects and arrays nested deeper than ${limit} levels (the limit): the file is not read further`;
}

// Index after a string's closing quote, or of the line break that ends it unclosed (as jsonc-parser's scanner).
function stringEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i += 2;
    else if (c === LF || c === CR) return i;
    else i++;
  }
  return n;
}
