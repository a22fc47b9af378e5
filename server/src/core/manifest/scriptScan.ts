import { colonNext, ID_START, isAsciiIdent, isDigit, isLineBreak, LINE_BREAK, lineEnd, literalAt, readIdent, regexEnd, skipTrivia, SPACE, stringEnd, templateEnd } from './scriptLex';
import { constructorReach, loadReach, prevOfName, prevOfPunct, reachOf, REACH_NAMES, type Prev, type Reach, type Via } from './scriptReach';
import { endExpression, LexContext, type Open } from './scriptScope';

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
  /** For an indirect use: what it goes through (see `Via`). */
  via?: Via;
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

/** A reading of the source from `i` on. */
interface Branch {
  i: number;
  mode: Mode;
  nl: boolean; // a line break since the previous token
  stack: Open | undefined;
  prev: Prev; // what the token before was, for `reachOf`
  last: string; // the token before: a name, or a punctuator as written ('' unknown)
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
  const ctx: Ctx = new LexContext(src.length * STEPS_PER_CHAR + 10_000);
  ctx.work.push({ i: 0, mode: 'R', nl: true, stack: undefined, prev: '', last: '' });
  while (ctx.work.length) {
    lexBranch(src, ctx.work.pop()!, ctx);
    if (ctx.over()) return everyGlobal(src);
  }
  return usesOf(ctx.found);
}

/** The names the scan looks at: `REACH_NAMES`, and properties (`.constructor`). */
const WATCHED = [...REACH_NAMES, 'constructor'];
/** An escape that may spell a watched name: `\\u` in a name or a string, `\\x` and octal in a string. */
const ESCAPE = /\\[ux0-7]/;
/** A watched name as a word of its own, not part of one (`itself`, `evaluate`). */
const REACH_WORD = new RegExp(`\\b(?:${WATCHED.join('|')})\\b`);

/**
 * Whether the source holds a name the scan looks for, or an escape that may spell one. The
 * substrings are looked for first, natively; the regular expression only where one is found.
 */
function mayReachGlobal(src: string): boolean {
  if (src.includes('Global') || ESCAPE.test(src)) return true;
  for (const name of WATCHED) if (src.includes(name)) return REACH_WORD.test(src);
  return false;
}

type Ctx = LexContext<GlobalUse, Branch>;

function usesOf(found: Map<number, GlobalUse>): GlobalUse[] {
  return [...found.values()].sort((a, b) => a.index - b.index);
}

/** Records what `reachOf` found. */
function record(found: Map<number, GlobalUse>, r: Reach): void {
  found.set(r.index, r.indirect ? { index: r.index, length: r.length, indirect: true, via: r.via } : { index: r.index, length: r.length });
}

const COMPARISONS = new Set(['==', '===', '!=', '!==']);

/** Tokens after which a `{` opens a block, though a value may follow them: `=> {`, `{ {`, `else {`, `do {`. */
const BLOCK_AFTER = new Set(['=>', '{', 'else', 'do']);

function lexBranch(src: string, b: Branch, ctx: Ctx): void {
  const n = src.length;
  let { i, mode, nl, stack, prev, last } = b;
  let alias = false; // after `type X`: its `=` is followed by a type
  let member = false; // the token before was a name first in its line or statement: a member's in a type (`m?(): T`)
  let chainBefore = ''; // the token before the operand whose members are read (`a === b.constructor`)
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
      const key = `${i}${mode}${stack?.id ?? 0}${prev} ${last}`;
      if (ctx.seen.has(key)) return;
      ctx.seen.add(key);
    }
    const c = src.charCodeAt(i);
    const d = src.charCodeAt(i + 1);
    const lineBreak = nl;
    const start = i;
    let after: Prev | undefined; // what `prev` becomes, when it is not read from the punctuator
    let name: string | undefined; // the name read, unescaped
    nl = false;
    if (mode !== 'D' && mode !== 'E') chainBefore = last;
    // The `Function` constructor as a function's `.constructor`, or an object literal's key (`{ constructor: F } = f`).
    const ctor = (at: number, length: number, end: number) => {
      if (constructorReach(src, end, COMPARISONS.has(chainBefore), ctx)) ctx.found.set(at, { index: at, length, indirect: true, via: 'constructor' });
    };
    const ctorKey = (k: number) => {
      const lit = literalAt(src, k);
      if (lit?.value !== 'constructor') return;
      let j = skipTrivia(src, lit.end);
      if (src.charCodeAt(j) === 93) j = skipTrivia(src, j + 1);
      if (src.charCodeAt(j) === 58) ctx.found.set(lit.from, { index: lit.from, length: lit.end - 1 - lit.from, indirect: true, via: 'constructor' });
    };
    // `<!--` anywhere and `-->` first on a line are comments in a classic script, not in a module.
    if ((c === 60 && src.startsWith('<!--', i)) || (c === 45 && lineBreak && src.startsWith('-->', i))) {
      ctx.fork({ i: lineEnd(src, i), mode, nl: false, stack, prev, last }, FORK_STEPS);
    }

    if (c === 47) {
      const end = mode === 'E' ? undefined : regexEnd(src, i, ctx);
      if (end !== undefined && (mode === 'A' || mode === 'D' || mode === 'K')) ctx.fork({ i: end, mode: 'E', nl: false, stack, prev: '', last: '/' }, FORK_STEPS);
      if (end !== undefined && (mode === 'R' || mode === 'O')) {
        i = end;
        mode = 'E';
      } else {
        i += d === 61 ? 2 : 1; // `/` or `/=`
        mode = 'R';
      }
    } else if (c === 34 || c === 39) {
      i = stringEnd(src, i);
      if (mode === 'O' && top() === 'o') ctorKey(start); // `{ "constructor": F }`
      mode = 'E';
    } else if (c === 96) template(i + 1);
    else if (c === 125) {
      stack = endExpression(stack);
      if (top() === '$') {
        pop();
        template(i + 1);
      } else {
        if (top() === '{' || top() === 'o' || top() === 'k') pop();
        i++;
        mode = 'A'; // a block's `}` is followed by a statement, an object literal's by an operator
      }
    } else if (c === 123) {
      // An object literal where a value is expected; its `:` is followed by a value, not a type.
      const cls = top() === 'K';
      if (cls) pop();
      // A declaration's pattern (`const {`, prev `b`) is read as one: `const { constructor: F } = f`.
      const kind = cls ? 'k' : alias ? '{' : (prev === 'v' && !BLOCK_AFTER.has(last)) || prev === 'b' ? 'o' : '{';
      stack = ctx.push(stack, kind);
      alias = false;
      mode = 'O';
      i++;
    } else if (c === 40 || c === 91) {
      if (c === 91 && (mode === 'E' || mode === 'A')) {
        const lit = literalAt(src, skipTrivia(src, i + 1));
        const close = lit && lit.value === 'constructor' ? skipTrivia(src, lit.end) : -1;
        if (lit && src.charCodeAt(close) === 93) ctor(lit.from, lit.end - 1 - lit.from, close + 1); // `f["constructor"]`
      } else if (c === 91 && mode === 'O' && top() === 'o') ctorKey(skipTrivia(src, i + 1)); // `{ ["constructor"]: F }`
      stack = ctx.push(stack, c === 91 ? '[' : mode === 'K' ? 'c' : '(');
      mode = 'R';
      i++;
    } else if (c === 41 || c === 93) {
      stack = endExpression(stack);
      const t = top();
      mode = c === 41 && t === 'c' ? 'R' : 'E';
      if ((c === 41 && (t === 'c' || t === '(')) || (c === 93 && t === '[')) pop();
      i++;
    } else if (c === 44 || c === 59) {
      stack = endExpression(stack, c === 44); // `class A implements B, C {`
      if (c === 59) alias = false;
      mode = c === 44 ? 'O' : 'R';
      i++;
    } else if (c === 58) {
      // A ternary's or a case's `:` (the entry `?` or `case` left), or a type's, or an object literal's.
      const s = stack?.ch === '?' || stack?.ch === 'C' ? stack : undefined;
      if (s) stack = s.up;
      after = s ? (s.ch === '?' ? 'v' : '') : top() === 'o' ? 'v' : 'y';
      mode = 'R';
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
      } else if (d === 63) {
        i += src.charCodeAt(i + 2) === 61 ? 3 : 2; // `??`, `??=`
        mode = 'R';
      } else {
        i++;
        mode = 'R';
        // A ternary, not TypeScript's optional `x?: T`, `f(x?)`, `(x?, y)`, `m?(): T` in a type.
        const k = skipTrivia(src, i);
        const e = src.charCodeAt(k);
        ctx.steps -= k - i;
        const optional = e === 58 || e === 44 || e === 41 || e === 61 || (e === 40 && member && (top() === '{' || top() === 'k'));
        if (!optional) stack = ctx.push(stack, '?');
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
    } else if ((c === 61 || c === 33) && d === 61) {
      i += src.charCodeAt(i + 2) === 61 ? 3 : 2; // `==`, `===`, `!=`, `!==`
      mode = 'R';
    } else if (c === 61 && d !== 61 && alias) {
      after = 'y'; // `type X = { cb: Function }`
      alias = false;
      i++;
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
        last = '\\';
        continue;
      }
      if (!id.escaped) name = id.name;
      if (mode === 'D') {
        if (id.name === 'constructor') ctor(i, id.end - i, id.end);
        else if (id.name === 'require') { // `module.require(…)`
          const r = loadReach(src, i, id.end, 'require', ctx);
          if (r) record(ctx.found, r);
        }
        mode = 'E';
        after = '';
      } else {
        if (id.name === 'constructor' && mode === 'O' && top() === 'o' && src.charCodeAt(skipTrivia(src, id.end)) !== 40) {
          ctx.found.set(i, { index: i, length: id.end - i, indirect: true, via: 'constructor' }); // not a method
        }
        const key = mode === 'O' && colonNext(src, id.end);
        if (!key) {
          if (id.name === 'Global') ctx.found.set(i, { index: i, length: id.end - i });
          else if (REACH_NAMES.has(id.name)) {
            const r = reachOf(src, i, id.end, id.name, prev, ctx);
            if (r) record(ctx.found, r);
          }
        }
        after = prevOfName(id.name, id.escaped);
        if (key) name = undefined;
        else if (name === 'case') stack = ctx.push(stack, 'C');
        else if (name === 'class') stack = ctx.push(stack, 'K');
        else if (name === 'extends' && top() === 'K') after = 'v'; // a class's heritage is a value
        else if (name === 'type') alias = aliasNext(src, id.end);
        mode = id.escaped ? 'E' : nameMode(id.name, mode, top() === 'c');
      }
      i = id.end;
    } else {
      i++;
      mode = 'R';
    }
    member = name !== undefined && (lineBreak || last === '{' || last === ';' || last === ',' || last === '}');
    prev = after ?? prevOfPunct(src, start, i);
    last = name ?? (i - start <= 3 ? src.slice(start, i) : src[start]);
  }
}

/** Whether `type`, ending at `end`, starts a type alias: a name follows on its line (`type F = …`). */
function aliasNext(src: string, end: number): boolean {
  const k = skipTrivia(src, end);
  const c = src.charCodeAt(k);
  const name = (isAsciiIdent(c) && !isDigit(c)) || c === 92 || (c > 127 && ID_START.test(String.fromCodePoint(src.codePointAt(k)!)));
  return name && !LINE_BREAK.test(src.slice(end, k));
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
 * Every name that spells `Global`, wherever it is, and every way to it `reachOf` finds, read as
 * if the whole source were code: the answer when the readings are too many to follow. Past its
 * budget, a name of `REACH_NAMES` counts without a look at what follows.
 */
function everyGlobal(src: string): GlobalUse[] {
  const found = new Map<number, GlobalUse>();
  const budget = { steps: src.length * 4 + 10_000 };
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (!(isAsciiIdent(c) || c === 92 || c > 127)) continue;
    const id = readIdent(src, i);
    if (!id) continue;
    if (id.name === 'constructor') {
      // A member, or a key in a string: `f["constructor"]`.
      if (budget.steps <= 0 || constructorReach(src, id.end, false, budget)) found.set(i, { index: i, length: id.end - i, indirect: true, via: 'constructor' });
    } else if (!precededByDot(src, i)) {
      if (id.name === 'Global') found.set(i, { index: i, length: id.end - i });
      else if (REACH_NAMES.has(id.name)) {
        // `Function` as if a value were expected (`c ? f : Function`), unless a type is plain.
        const r = budget.steps > 0 ? reachOf(src, i, id.end, id.name, 'v', budget) : { index: i, length: id.end - i, indirect: true, via: viaOf(id.name) };
        if (r && !found.has(r.index)) record(found, r);
      }
    }
    i = id.end - 1;
  }
  return usesOf(found);
}

function viaOf(name: string): Via {
  if (name === 'import' || name === 'require' || name === 'from') return 'module';
  return name === 'eval' || name === 'Function' || name.startsWith('set') ? 'code' : 'object';
}

function precededByDot(src: string, at: number): boolean {
  const c = src.charCodeAt(at - 1);
  return c === 46 && src.charCodeAt(at - 2) !== 46;
}
