import { parse as parseJsonc, ParseError, printParseErrorCode } from 'jsonc-parser';
import { excessNestingOffset, MAX_JSON_DEPTH, tooDeepMessage, valueNestsDeeperThan } from './depth';
import { jsoncToJson, quickStrict } from './strict';
import { mayRepeatKeys, RepeatedKey, repeatedKeys } from './repeatedKeys';

/** A syntax error found while parsing JSONC text, with the offset of the offending token. */
export interface JsonSyntaxError {
  message: string;
  offset: number;
  length: number;
  /** Set when the file could not be read at all (so this is no syntax error): why. */
  unreadable?: string;
}

/** The plain value of a JSONC document plus its syntax errors (the value is best-effort when errors exist). */
export interface ParsedJson {
  value: unknown;
  errors: JsonSyntaxError[];
  /**
   * Property names written twice in one object, each ignored occurrence (the value keeps the
   * last); set only when there are some, and only for text without syntax errors.
   */
  repeated?: RepeatedKey[];
}

const OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false };

/**
 * Parses JSONC into plain values. No locations are kept: ranges are found on demand by
 * `locatePaths`, which keeps the common path (no findings) as cheap as a bare parse.
 * Text nested deeper than `MAX_JSON_DEPTH` gives no value and one error, at the bracket that
 * crosses the limit, so nothing that recurses (the tolerant parser, the model builder, the
 * schema validator) ever walks it.
 */
export function parseJson(text: string): ParsedJson {
  // Most manifests are strict JSON, or JSONC whose comments open lines and whose trailing commas
  // end them: that is made strict without reading strings (`quickStrict`; a wrong guess fails the
  // parse). Otherwise, or when that parse fails, the full pass below runs.
  const quick = quickStrict(text);
  if (quick !== undefined) {
    const value = tryParse(quick);
    if (value !== FAILED) return withRepeats(text, quick, measured(text, value));
  }
  // Well-formed JSONC becomes strict JSON, which V8 parses natively many times faster than any
  // parser in JavaScript. Anything else goes to jsonc-parser, which recovers and reports.
  const strict = jsoncToJson(text);
  if (strict !== undefined) {
    const value = tryParse(strict);
    if (value !== FAILED) return withRepeats(text, strict, measured(text, value));
  }
  // jsonc-parser recurses once per level: the text is measured before it sees it.
  const deep = excessNestingOffset(text, MAX_JSON_DEPTH);
  if (deep >= 0) return tooDeep(deep);
  const raw: ParseError[] = [];
  const value = parseJsonc(text, raw, OPTIONS);
  return {
    value,
    errors: raw.map((e) => ({ message: describe(printParseErrorCode(e.error)), offset: e.offset, length: e.length })),
  };
}

const FAILED = Symbol('failed');

// A parsed value with the property names written twice in it, found in the text once the cheap
// count over the strict text says there may be some.
function withRepeats(text: string, strict: string, parsed: ParsedJson): ParsedJson {
  if (parsed.errors.length > 0 || !mayRepeatKeys(strict, parsed.value)) return parsed;
  const repeated = repeatedKeys(text);
  return repeated.length > 0 ? { ...parsed, repeated } : parsed;
}

// The value of strict JSON, or FAILED on a syntax error (the tolerant parser then says where).
function tryParse(strict: string): unknown {
  try {
    return JSON.parse(strict);
  } catch {
    return FAILED;
  }
}

// A parsed value, unless it nests too deep. V8's JSON.parse does not recurse, so its value may be
// measured after the fact, which costs a fraction of a scan of the text; the text is scanned only
// to say where the limit is crossed. Text shorter than an opening and a closing bracket per level
// cannot nest that deep, and is not measured at all (most manifests are that short).
function measured(text: string, value: unknown): ParsedJson {
  if (text.length <= 2 * MAX_JSON_DEPTH || !valueNestsDeeperThan(value, MAX_JSON_DEPTH)) return { value, errors: [] };
  return tooDeep(Math.max(excessNestingOffset(text), 0));
}

function tooDeep(offset: number): ParsedJson {
  return { value: undefined, errors: [{ message: tooDeepMessage(MAX_JSON_DEPTH), offset, length: 1 }] };
}

function describe(code: string): string {
  // jsonc-parser names errors like "CommaExpected"; users read "comma expected".
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Removes a UTF-8 byte order mark, which editors hide too, so offsets agree with theirs. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
