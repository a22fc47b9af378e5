/**
 * Where `Global` is used in a script's source: index and length of the identifier in UTF-16 units
 * (`Glob\u0061l`, written with an escape, is 11 long).
 */
export interface GlobalUse {
  index: number;
  length: number;
}

/**
 * What a `/` at the next token would be, decided by the token before it:
 * E an operand ended, so `/` divides; R an operand is expected, so `/` starts a regular
 * expression; O as R, after `{` or `,` (a name followed by `:` is then an object's key);
 * K after `if`, `while`, `for` or `with`, whose `(…)` is followed by a statement;
 * D after `.` or `?.`, so a name is a property; A unknown (after `}`, `>`, `await`, `yield`,
 * `void`, and `of` in a `for (…)`): both readings are followed.
 */
type Mode = 'E' | 'R' | 'O' | 'K' | 'D' | 'A';

/**
 * An open bracket and those around it: `{`, `(`, `[`, `$` for a template's `${`, `c` for the `(`
 * of `if`, `while`, `for`, `with`. Shared between readings and numbered, so that comparing two
 * readings' states does not depend on how deep they are.
 */
interface Open {
  ch: string;
  up: Open | undefined;
  id: number;
}

/** A reading of the source from `i` on. */
interface Branch {
  i: number;
  mode: Mode;
  nl: boolean; // a line break since the previous token
  stack: Open | undefined;
}

/** Keywords after which `/` starts a regular expression. */
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'new', 'delete', 'throw', 'case', 'do', 'else',
  'extends', 'default', 'break', 'continue', 'debugger']);
const CONTROL_KEYWORDS = new Set(['if', 'while', 'for', 'with']);
/**
 * Steps (tokens read, characters looked at for a regular expression's end) per character of the
 * source that all readings together may take; past that, every `Global` in the source counts,
 * strings and comments included. One reading takes at most two per character.
 */
const STEPS_PER_CHAR = 8;
/** What a reading costs to start, in steps. */
const FORK_STEPS = 20;

const LINE_BREAK = /[\n\r\u2028\u2029]/;
const LINE_BREAK_G = /[\n\r\u2028\u2029]/g;
const ID_START = /[\p{ID_Start}]/u;
const ID_PART = /[\p{ID_Continue}\u200c\u200d]/u;
const SPACE = /\s/;

const isAsciiIdent = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLineBreak = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/**
 * Finds uses of the `Global` object in TypeScript/JavaScript source: the identifier `Global`
 * (also written with `\u` escapes) outside comments, strings, template text and regular
 * expressions, not itself a property (`x.Global`) or an object literal's key. Not only `Global.`:
 * `Global["ns"]`, `Global?.ns` and `const G = Global; G.ns` reach the same objects outside the package.
 * A lexer, not a parser. Where it cannot tell a regular expression from a division (after `}`, `>`,
 * `await`, `yield`) or an HTML-like comment from code, it follows both readings, so that a wrong
 * guess never hides code inside a string, a comment or a regular expression.
 */
export function findGlobalUses(src: string): GlobalUse[] {
  if (!src.includes('Global') && !src.includes('\\u')) return []; // the common case, decided natively
  const ctx = new LexContext(src.length * STEPS_PER_CHAR + 10_000);
  ctx.work.push({ i: 0, mode: 'R', nl: true, stack: undefined });
  while (ctx.work.length) {
    lexBranch(src, ctx.work.pop()!, ctx);
    if (ctx.over()) return everyGlobal(src);
  }
  return [...ctx.found].sort((a, b) => a[0] - b[0]).map(([index, length]) => ({ index, length }));
}

class LexContext {
  readonly found = new Map<number, number>();
  /** Line starts and states already read: a branch that reaches one reads on as another did. */
  readonly seen = new Set<string>();
  readonly work: Branch[] = [];
  private forked = false;
  private readonly opens = new Map<string, Open>();

  constructor(public steps: number) {}

  fork(b: Branch): void {
    this.forked = true;
    this.steps -= FORK_STEPS;
    this.work.push(b);
  }
  branching(): boolean {
    return this.forked;
  }
  over(): boolean {
    return this.steps < 0;
  }
  push(up: Open | undefined, ch: string): Open {
    const key = `${up?.id ?? 0}${ch}`;
    let o = this.opens.get(key);
    if (!o) this.opens.set(key, (o = { ch, up, id: this.opens.size + 1 }));
    return o;
  }
}

function lexBranch(src: string, b: Branch, ctx: LexContext): void {
  const n = src.length;
  let { i, mode, nl, stack } = b;
  const top = () => stack?.ch;
  const pop = () => (stack = stack?.up);
  const template = (from: number) => {
    const t = templateEnd(src, from);
    i = t.i;
    if (t.open) {
      stack = ctx.push(stack, '$');
      mode = 'R';
    } else mode = 'E';
  };
  for (;;) {
    // Whitespace and comments keep the state; a line break is remembered (`a\n++b`).
    while (i < n) {
      const c = src.charCodeAt(i);
      const d = src.charCodeAt(i + 1);
      if (isLineBreak(c)) {
        nl = true;
        i++;
      } else if (c === 32 || c === 9 || c === 11 || c === 12 || (c > 127 && SPACE.test(src[i]))) i++;
      else if (c === 47 && d === 47) i = lineEnd(src, i);
      else if (c === 47 && d === 42) {
        const end = src.indexOf('*/', i + 2);
        const stop = end < 0 ? n : end + 2;
        if (LINE_BREAK.test(src.slice(i, stop))) nl = true;
        i = stop;
      } else if (c === 35 && d === 33 && i === 0) i = lineEnd(src, 0); // #!
      else break;
    }
    if (i >= n || --ctx.steps < 0) return;
    // Readings part within a line and meet again at a line's start, where strings and regular
    // expressions have ended.
    if (nl && ctx.branching()) {
      const key = `${i}${mode}${stack?.id ?? 0}`;
      if (ctx.seen.has(key)) return;
      ctx.seen.add(key);
    }
    const c = src.charCodeAt(i);
    const d = src.charCodeAt(i + 1);
    const lineBreak = nl;
    nl = false;
    // `<!--` anywhere and `-->` first on a line are comments in a classic script, not in a module.
    if ((c === 60 && src.startsWith('<!--', i)) || (c === 45 && lineBreak && src.startsWith('-->', i))) {
      ctx.fork({ i: lineEnd(src, i), mode, nl: false, stack });
    }

    if (c === 47) {
      const end = mode === 'E' ? undefined : regexEnd(src, i, ctx);
      if (end !== undefined && (mode === 'A' || mode === 'D' || mode === 'K')) ctx.fork({ i: end, mode: 'E', nl: false, stack });
      if (end !== undefined && (mode === 'R' || mode === 'O')) {
        i = end;
        mode = 'E';
      } else {
        i += d === 61 ? 2 : 1; // `/` or `/=`
        mode = 'R';
      }
    } else if (c === 34 || c === 39) {
      i = stringEnd(src, i);
      mode = 'E';
    } else if (c === 96) template(i + 1);
    else if (c === 125) {
      if (top() === '$') {
        pop();
        template(i + 1);
      } else {
        if (top() === '{') pop();
        i++;
        mode = 'A'; // a block's `}` is followed by a statement, an object literal's by an operator
      }
    } else if (c === 123 || c === 40 || c === 91) {
      stack = ctx.push(stack, c === 123 ? '{' : c === 91 ? '[' : mode === 'K' ? 'c' : '(');
      mode = c === 123 ? 'O' : 'R';
      i++;
    } else if (c === 41 || c === 93) {
      const t = top();
      mode = c === 41 && t === 'c' ? 'R' : 'E';
      if ((c === 41 && (t === 'c' || t === '(')) || (c === 93 && t === '[')) pop();
      i++;
    } else if (c === 44) {
      mode = 'O';
      i++;
    } else if (isDigit(c) || (c === 46 && isDigit(d))) {
      i++;
      while (i < n && (isAsciiIdent(src.charCodeAt(i)) || src.charCodeAt(i) === 46)) i++;
      mode = 'E';
    } else if (c === 46) {
      if (d === 46 && src.charCodeAt(i + 2) === 46) {
        i += 3; // spread
        mode = 'R';
      } else {
        i++;
        mode = 'D';
      }
    } else if (c === 63) {
      if (d === 46 && !isDigit(src.charCodeAt(i + 2))) {
        i += 2;
        mode = 'D';
      } else {
        i++;
        mode = 'R';
      }
    } else if ((c === 43 || c === 45) && d === c) {
      // `++`/`--` right after an operand, on its line, is postfix: an operand ended.
      i += 2;
      mode = (mode === 'E' || mode === 'A') && !lineBreak ? mode : 'R';
    } else if (c === 33 && d !== 61) {
      // TypeScript's non-null `x!` ends an operand; `!x` starts one.
      i++;
      mode = (mode === 'E' || mode === 'A') && !lineBreak ? mode : 'R';
    } else if (c === 61 && d === 62) {
      i += 2;
      mode = 'R';
    } else if (c === 62) {
      while (src.charCodeAt(i) === 62) i++;
      if (src.charCodeAt(i) === 61) {
        i++;
        mode = 'R';
      } else mode = 'A'; // a comparison, or the end of type arguments (`f<T> / 2`)
    } else if (c === 35 && readIdent(src, i + 1)) {
      i = readIdent(src, i + 1)!.end; // a private name, `#Global` included, is a property
      mode = 'E';
    } else if (isAsciiIdent(c) || c === 92 || (c > 127 && ID_START.test(String.fromCodePoint(src.codePointAt(i)!)))) {
      const id = readIdent(src, i);
      if (!id) {
        i++; // a stray backslash
        mode = 'R';
        continue;
      }
      if (mode === 'D') mode = 'E';
      else {
        if (id.name === 'Global' && !(mode === 'O' && colonNext(src, id.end))) ctx.found.set(i, id.end - i);
        mode = id.escaped ? 'E' : nameMode(id.name, mode, top() === 'c');
      }
      i = id.end;
    } else {
      i++;
      mode = 'R';
    }
  }
}

/**
 * The state after a name (an escaped keyword is a name: the caller passes only unescaped ones).
 * `inHead`: in the `(…)` of `if`, `while`, `for` or `with`.
 */
function nameMode(name: string, before: Mode, inHead: boolean): Mode {
  if (REGEX_KEYWORDS.has(name)) return 'R';
  if (CONTROL_KEYWORDS.has(name)) return 'K';
  if (name === 'await' && before === 'K') return 'K'; // for await (…)
  // A keyword, or a name: `await` and `yield` in a plain function, `void` as a TypeScript type
  // (`x as void / 2`), `of` after the binding of for…of but also a type's name (`x as of / 2`).
  if (name === 'await' || name === 'yield' || name === 'void') return 'A';
  if (name === 'of') return inHead && (before === 'E' || before === 'A') ? 'A' : 'E';
  return 'E';
}

/** A name at `i` (letters, digits, `$`, `_`, Unicode letters, `\uXXXX` and `\u{…}` decoded), or undefined for a backslash that starts none. */
function readIdent(src: string, i: number): { end: number; name: string; escaped: boolean } | undefined {
  const start = i;
  let name = '';
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

/**
 * Where the regular expression starting with the `/` at `i` ends, after its flags; undefined if
 * its line ends first. Classes do not nest here, whatever the flags, as in the language's grammar
 * (a `v` flag's nested classes are read from the body later, and must escape a `/`).
 */
function regexEnd(src: string, i: number, ctx: LexContext): number | undefined {
  let inClass = false;
  for (let j = i + 1; j < src.length; j++) {
    ctx.steps--;
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

/** After a quoted string at `i`: at its closing quote, or at the line break that leaves it open. */
function stringEnd(src: string, i: number): number {
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
function templateEnd(src: string, i: number): { i: number; open: boolean } {
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
function lineEnd(src: string, i: number): number {
  LINE_BREAK_G.lastIndex = i;
  const m = LINE_BREAK_G.exec(src);
  return m ? m.index : src.length;
}

/** Whether a `:` follows `end` (whitespace between): the name before it is an object literal's key. */
function colonNext(src: string, end: number): boolean {
  let j = end;
  while (j < src.length && SPACE.test(src[j])) j++;
  return src.charCodeAt(j) === 58;
}

/** Every name that spells `Global`, wherever it is: the answer when the readings are too many to follow. */
function everyGlobal(src: string): GlobalUse[] {
  const uses: GlobalUse[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (!(isAsciiIdent(c) || c === 92 || c > 127)) continue;
    const id = readIdent(src, i);
    if (!id) continue;
    if (id.name === 'Global' && !precededByDot(src, i)) uses.push({ index: i, length: id.end - i });
    i = id.end - 1;
  }
  return uses;
}

function precededByDot(src: string, at: number): boolean {
  const c = src.charCodeAt(at - 1);
  return c === 46 && src.charCodeAt(at - 2) !== 46;
}
