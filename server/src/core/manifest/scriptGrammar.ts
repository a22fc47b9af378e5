/** The small pieces of JavaScript's lexical grammar that the script scan reads tokens with. */

export const LINE_BREAK = /[\n\r\u2028\u2029]/;
const LINE_BREAK_G = /[\n\r\u2028\u2029]/g;
export const ID_START = /[\p{ID_Start}]/u;
const ID_PART = /[\p{ID_Continue}\u200c\u200d]/u;
export const SPACE = /\s/;

/** Whether the UTF-16 unit `c` is an ASCII letter, digit, `_` or `$`. */
export const isAsciiIdent = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
/** Whether `c` is an ASCII digit. */
export const isDigit = (c: number) => c >= 48 && c <= 57;
/** Whether `c` is one of JavaScript's line terminators. */
export const isLineBreak = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/** A name at `i` (letters, digits, `$`, `_`, Unicode letters, `\uXXXX` and `\u{…}` decoded), or undefined for a backslash that starts none. */
export function readIdent(src: string, i: number): { end: number; name: string; escaped: boolean } | undefined {
  const start = i;
  while (isAsciiIdent(src.charCodeAt(i))) i++;
  const c0 = src.charCodeAt(i);
  if (c0 !== 92 && !(c0 > 127)) return i > start ? { end: i, name: src.slice(start, i), escaped: false } : undefined; // the common case, one flat string
  let name = src.slice(start, i);
  let escaped = false;
  for (;;) {
    const c = src.charCodeAt(i);
    if (isAsciiIdent(c)) {
      name += src[i];
      i++;
    } else if (c === 92 && src.charCodeAt(i + 1) === 117) {
      const m = /^\\u(?:([0-9a-fA-F]{4})|\{([0-9a-fA-F]{1,6})\})/.exec(src.slice(i, i + 10));
      const cp = m ? parseInt(m[1] ?? m[2], 16) : NaN;
      if (!(cp <= 0x10ffff)) break;
      name += String.fromCodePoint(cp);
      escaped = true;
      i += m![0].length;
    } else if (c > 127) {
      const ch = String.fromCodePoint(src.codePointAt(i)!);
      if (!ID_PART.test(ch)) break;
      name += ch;
      i += ch.length;
    } else break;
  }
  return i > start ? { end: i, name, escaped } : undefined;
}

/** After a quoted string at `i`: at its closing quote, or at the line break that leaves it open. */
export function stringEnd(src: string, i: number): number {
  const quote = src.charCodeAt(i);
  let j = i + 1;
  while (j < src.length) {
    const c = src.charCodeAt(j);
    if (c === 92) j += src.charCodeAt(j + 1) === 13 && src.charCodeAt(j + 2) === 10 ? 3 : 2; // `\` CRLF continues the line
    else if (c === quote) return j + 1;
    else if (c === 10 || c === 13) return j;
    else j++;
  }
  return j;
}

/** From inside a template literal at `i`: after its closing backtick, or after a `${` (open). */
export function templateEnd(src: string, i: number): { i: number; open: boolean } {
  let j = i;
  while (j < src.length) {
    const c = src.charCodeAt(j);
    if (c === 92) j += 2;
    else if (c === 96) return { i: j + 1, open: false };
    else if (c === 36 && src.charCodeAt(j + 1) === 123) return { i: j + 2, open: true };
    else j++;
  }
  return { i: j, open: false };
}

/** Where the line holding `i` ends: at any of JavaScript's line terminators. */
export function lineEnd(src: string, i: number): number {
  LINE_BREAK_G.lastIndex = i;
  const m = LINE_BREAK_G.exec(src);
  return m ? m.index : src.length;
}

/**
 * The next token's start from `i`, past whitespace and comments. Only where a `/` cannot start a
 * regular expression: right after an operand.
 */
export function skipTrivia(src: string, i: number): number {
  for (;;) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 11 || c === 12 || isLineBreak(c) || (c > 127 && SPACE.test(src[i]))) i++;
    else if (c === 47 && src.charCodeAt(i + 1) === 47) i = lineEnd(src, i);
    else if (c === 47 && src.charCodeAt(i + 1) === 42) {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else return i;
  }
}

/** Whether a `:` follows `end` (whitespace between): the name before it is an object literal's key. */
export function colonNext(src: string, end: number): boolean {
  let j = end;
  while (j < src.length && SPACE.test(src[j])) j++;
  return src.charCodeAt(j) === 58;
}

/**
 * Where the regular expression starting with the `/` at `i` ends, after its flags; undefined if
 * its line ends first. Classes do not nest here, whatever the flags, as in the language's grammar
 * (a `v` flag's nested classes are read from the body later, and must escape a `/`).
 */
export function regexEnd(src: string, i: number, budget: { steps: number }): number | undefined {
  let inClass = false;
  for (let j = i + 1; j < src.length; j++) {
    budget.steps--;
    const c = src.charCodeAt(j);
    if (isLineBreak(c)) return undefined;
    if (c === 92) {
      j++;
      if (isLineBreak(src.charCodeAt(j))) return undefined;
    } else if (c === 91) inClass = true;
    else if (c === 93) inClass = false;
    else if (c === 47 && !inClass) {
      let end = j + 1;
      while (end < src.length && isAsciiIdent(src.charCodeAt(end))) end++;
      return end;
    }
  }
  return undefined;
}

const SINGLE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v' };

/**
 * The string literal, or template without `${`, at `k`: its value with escapes decoded
 * (`"c\x6fnstructor"` is `constructor`), where its text starts and ends (after the closing
 * quote); undefined for anything else, or one left open.
 */
export function literalAt(src: string, k: number): { value: string; from: number; end: number } | undefined {
  const q = src.charCodeAt(k);
  if (q !== 34 && q !== 39 && q !== 96) return undefined;
  let value = '';
  let j = k + 1;
  while (j < src.length) {
    const c = src.charCodeAt(j);
    if (c === q) return { value, from: k + 1, end: j + 1 };
    if ((q !== 96 && isLineBreak(c)) || (q === 96 && c === 36 && src.charCodeAt(j + 1) === 123)) return undefined;
    if (c !== 92) {
      value += src[j++];
      continue;
    }
    const e = src[j + 1];
    const m = /^(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\}|([0-3][0-7]{0,2}|[4-7][0-7]?))/.exec(src.slice(j + 1, j + 11));
    if (m) {
      const cp = m[4] !== undefined ? parseInt(m[4], 8) : parseInt(m[1] ?? m[2] ?? m[3], 16); // octal: a classic script's
      if (cp > 0x10ffff) return undefined;
      value += String.fromCodePoint(cp);
      j += 1 + m[0].length;
    } else if (e === '\r' && src[j + 2] === '\n') j += 3;
    else {
      if (!isLineBreak(src.charCodeAt(j + 1))) value += SINGLE_ESCAPES[e] ?? e ?? '';
      j += 2;
    }
  }
  return undefined;
}

/**
 * What a `/` at the next token would be, decided by the token before it:
 * E an operand ended, so `/` divides; R an operand is expected, so `/` starts a regular
 * expression; O as R, after `{` or `,` (a name followed by `:` is then an object's key);
 * K after `if`, `while`, `for` or `with`, whose `(…)` is followed by a statement;
 * D after `.` or `?.`, so a name is a property; A unknown (after `}`, `>`, `await`, `yield`,
 * `void`, and `of` in a `for (…)`): both readings are followed.
 */
export type Mode = 'E' | 'R' | 'O' | 'K' | 'D' | 'A';

/** Keywords after which `/` starts a regular expression. */
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'new', 'delete', 'throw', 'case', 'do', 'else',
  'extends', 'default', 'break', 'continue', 'debugger']);
const CONTROL_KEYWORDS = new Set(['if', 'while', 'for', 'with']);

/** Whether `type`, ending at `end`, starts a type alias: a name follows on its line (`type F = …`). */
export function aliasNext(src: string, end: number): boolean {
  const k = skipTrivia(src, end);
  const c = src.charCodeAt(k);
  const name = (isAsciiIdent(c) && !isDigit(c)) || c === 92 || (c > 127 && ID_START.test(String.fromCodePoint(src.codePointAt(k)!)));
  return name && !LINE_BREAK.test(src.slice(end, k));
}

/**
 * The state after a name (an escaped keyword is a name: the caller passes only unescaped ones).
 * `inHead`: in the `(…)` of `if`, `while`, `for` or `with`.
 */
export function nameMode(name: string, before: Mode, inHead: boolean): Mode {
  if (REGEX_KEYWORDS.has(name)) return 'R';
  if (CONTROL_KEYWORDS.has(name)) return 'K';
  if (name === 'await' && before === 'K') return 'K'; // for await (…)
  // A keyword, or a name: `await` and `yield` in a plain function, `void` as a TypeScript type
  // (`x as void / 2`), `of` after the binding of for…of but also a type's name (`x as of / 2`).
  if (name === 'await' || name === 'yield' || name === 'void') return 'A';
  if (name === 'of') return inHead && (before === 'E' || before === 'A') ? 'A' : 'E';
  return 'E';
}
