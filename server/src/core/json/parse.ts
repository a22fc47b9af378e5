import { parse as parseJsonc, ParseError, printParseErrorCode } from 'jsonc-parser';
import { jsoncToJson } from './strict';

/** A syntax error found while parsing JSONC text, with the offset of the offending token. */
export interface JsonSyntaxError {
  message: string;
  offset: number;
  length: number;
}

/** The plain value of a JSONC document plus its syntax errors (the value is best-effort when errors exist). */
export interface ParsedJson {
  value: unknown;
  errors: JsonSyntaxError[];
}

const OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false };

/**
 * Parses JSONC into plain values. No locations are kept: ranges are found on demand by
 * `locatePaths`, which keeps the common path (no findings) as cheap as a bare parse.
 */
export function parseJson(text: string): ParsedJson {
  // Fast path: well-formed JSONC becomes strict JSON, which V8 parses natively many times faster
  // than any parser in JavaScript. Anything else goes to jsonc-parser, which recovers and reports.
  const strict = jsoncToJson(text);
  if (strict !== undefined) {
    try {
      return { value: JSON.parse(strict), errors: [] };
    } catch {
      // fall through: a syntax error somewhere; the tolerant parser says where
    }
  }
  const raw: ParseError[] = [];
  const value = parseJsonc(text, raw, OPTIONS);
  return {
    value,
    errors: raw.map((e) => ({ message: describe(printParseErrorCode(e.error)), offset: e.offset, length: e.length })),
  };
}

function describe(code: string): string {
  // jsonc-parser names errors like "CommaExpected"; users read "comma expected".
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Removes a UTF-8 byte order mark, which editors hide too, so offsets agree with theirs. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
