import { colonNext, ID_START, isAsciiIdent, isDigit, isLineBreak, LINE_BREAK, lineEnd, readIdent, SPACE, stringEnd, templateEnd } from './scriptLex';
import { prevOfName, prevOfPunct, reachOf, REACH_NAMES, type Prev } from './scriptReach';

/**
 * Where `Global` is used in a script's source: index and length in UTF-16 units of the identifier
 * (`Glob\u0061l`, written with an escape, is 11 long), or of the property name (`Global` in
 * `globalThis["Global"]`). `indirect`: what is there is the way to `Global`, not the name: the
 * global object handed on or read by a computed name (`globalThis`), or `eval`, `Function`.
 */
export interface GlobalUse {
  index: number;
  length: number;
  indirect?: true;
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
  prev: Prev; // what the token before was, for `reachOf`
}

/** Keywords after which `/` starts a regular expression. */
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'new', 'delete', 'throw', 'case', 'do', 'else',
  'extends', 'default', 'break', 'continue', 'debugger']);
const CONTROL_KEYWORDS = new Set(['if', 'while', 'for', 'with']);
/**
 * Steps (tokens read, characters looked at for a regular expression's end) per character of the
 * source that all readings together may take; past that, every `Global` in the source counts,
 * strings and comments included. One reading takes at most two per character, and as many again
 * where it looks past a name of the global object for the member read.
 */
const STEPS_PER_CHAR = 8;
/** What a reading costs to start, in steps. */
const FORK_STEPS = 20;

/**
 * Finds uses of the `Global` object in TypeScript/JavaScript source: the identifier `Global`
 * (also written with `\u` escapes) outside comments, strings, template text and regular
 * expressions, not itself a property (`x.Global`) or an object literal's key. Not only `Global.`:
 * `Global["ns"]`, `Global?.ns` and `const G = Global; G.ns` reach the same objects outside the package.
 * So do the global object's property (`globalThis.Global`, `window["Global"]`) and, as far as a
 * scan can tell, the global object handed on or read by a name built at run time, and `eval` and
 * `Function`: those are reported too, as `indirect` (see `reachOf`).
 * A lexer, not a parser. Where it cannot tell a regular expression from a division (after `}`, `>`,
 * `await`, `yield`) or an HTML-like comment from code, it follows both readings, so that a wrong
 * guess never hides code inside a string, a comment or a regular expression.
 */
export function findGlobalUses(src: string): GlobalUse[] {
  if (!mayReachGlobal(src)) return []; // the common case, decided natively
  const ctx = new LexContext(src.length * STEPS_PER_CHAR + 10_000);
  ctx.work.push({ i: 0, mode: 'R', nl: true, stack: undefined, prev: '' });
  while (ctx.work.length) {
    lexBranch(src, ctx.work.pop()!, ctx);
    if (ctx.over()) return everyGlobal(src);
  }
  return usesOf(ctx.found);
}

/** A name of `REACH_NAMES` as a word of its own, not part of one (`itself`, `evaluate`). */
const REACH_WORD = new RegExp(`\\b(?:${[...REACH_NAMES].join('|')})\\b`);

/**
 * Whether the source holds a name the scan looks for, or an escape that may spell one. The
 * substrings are looked for first, natively; the regular expression only where one is found.
 */
function mayReachGlobal(src: string): boolean {
  if (src.includes('Global') || src.includes('\\u')) return true;
  for (const name of REACH_NAMES) if (src.includes(name)) return REACH_WORD.test(src);
  return false;
}

/** Uses by index: the length, negative for an indirect one. */
type Found = Map<number, number>;

function usesOf(found: Found): GlobalUse[] {
  return [...found].sort((a, b) => a[0] - b[0]).map(([index, n]) => (n < 0 ? { index, length: -n, indirect: true } : { index, length: n }));
}

class LexContext {
  readonly found: Found = new Map();
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
  let { i, mode, nl, stack, prev } = b;
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
      const key = `${i}${mode}${stack?.id ?? 0}${prev}`;
      if (ctx.seen.has(key)) return;
      ctx.seen.add(key);
    }
    const c = src.charCodeAt(i);
    const d = src.charCodeAt(i + 1);
    const lineBreak = nl;
    const start = i;
    let after: Prev | undefined; // what `prev` becomes, when it is not read from the punctuator
    nl = false;
    // `<!--` anywhere and `-->` first on a line are comments in a classic script, not in a module.
    if ((c === 60 && src.startsWith('<!--', i)) || (c === 45 && lineBreak && src.startsWith('-->', i))) {
      ctx.fork({ i: lineEnd(src, i), mode, nl: false, stack, prev });
    }

    if (c === 47) {
      const end = mode === 'E' ? undefined : regexEnd(src, i, ctx);
      if (end !== undefined && (mode === 'A' || mode === 'D' || mode === 'K')) ctx.fork({ i: end, mode: 'E', nl: false, stack, prev: '' });
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
        prev = '';
        continue;
      }
      if (mode === 'D') {
        mode = 'E';
        after = '';
      } else {
        if (!(mode === 'O' && colonNext(src, id.end))) {
          if (id.name === 'Global') ctx.found.set(i, id.end - i);
          else if (REACH_NAMES.has(id.name)) {
            const r = reachOf(src, i, id.end, id.name, prev, ctx);
            if (r) ctx.found.set(r.index, r.indirect ? -r.length : r.length);
          }
        }
        mode = id.escaped ? 'E' : nameMode(id.name, mode, top() === 'c');
        after = prevOfName(id.name, id.escaped);
      }
      i = id.end;
    } else {
      i++;
      mode = 'R';
    }
    prev = after ?? prevOfPunct(src, start, i);
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

/**
 * Every name that spells `Global`, wherever it is, and every way to it `reachOf` finds, read as
 * if the whole source were code: the answer when the readings are too many to follow. Past its
 * budget, a name of `REACH_NAMES` counts without a look at what follows.
 */
function everyGlobal(src: string): GlobalUse[] {
  const found: Found = new Map();
  const budget = { steps: src.length * 4 + 10_000 };
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (!(isAsciiIdent(c) || c === 92 || c > 127)) continue;
    const id = readIdent(src, i);
    if (!id) continue;
    if (!precededByDot(src, i)) {
      if (id.name === 'Global') found.set(i, id.end - i);
      else if (REACH_NAMES.has(id.name)) {
        const r = budget.steps > 0 ? reachOf(src, i, id.end, id.name, '', budget) : { index: i, length: id.end - i, indirect: true };
        if (r && !found.has(r.index)) found.set(r.index, r.indirect ? -r.length : r.length);
      }
    }
    i = id.end - 1;
  }
  return usesOf(found);
}

function precededByDot(src: string, at: number): boolean {
  const c = src.charCodeAt(at - 1);
  return c === 46 && src.charCodeAt(at - 2) !== 46;
}
