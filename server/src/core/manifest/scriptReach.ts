import { literalAt, readIdent, skipTrivia } from './scriptGrammar';

/**
 * How a script reaches the `Global` object without writing `Global` as a name of its own: as a
 * property of the global object (`globalThis.Global`, `window["Global"]`), or through what the
 * scan cannot read (the global object handed on, a computed member of it, code built at run time
 * by `eval` or `Function`). Kept apart from the lexer, which calls `reachOf` at such a name.
 */

/** Names of the global object in scripts (server, browser, worker): `Global` is its property. */
const GLOBAL_OBJECTS = new Set(['globalThis', 'window', 'self', 'global']);
/** Properties of the global object that are that object again. */
const SAME_OBJECT = new Set([...GLOBAL_OBJECTS, 'frames', 'parent', 'top']);
/** What runs text as code: the text may name `Global`, or reach the global object (`return this`). */
const CODE_RUNNERS = new Set(['eval', 'Function']);
/** What runs a string it is given as code, in a browser: `setTimeout("Global.x()")`. */
const TIMERS = new Set(['setTimeout', 'setInterval']);
/** What loads a module by its specifier: `import(…)`, `require(…)`, `import "…"`, `… from "…"`. */
const LOADERS = new Set(['import', 'require', 'from']);
/** Node's modules that run text as code in the script's own global object. */
const CODE_MODULES = new Set(['vm', 'module', 'inspector', 'repl']);
/** Names, not properties, at which the lexer asks `reachOf`. */
export const REACH_NAMES: ReadonlySet<string> = new Set([...GLOBAL_OBJECTS, ...CODE_RUNNERS, ...TIMERS, ...LOADERS]);

/**
 * What the token before a name was, as far as `reachOf` cares: `t` `typeof`; `d` `declare`
 * (`declare global`); `b` a keyword that declares the name (`const self = this`); `n` `new`;
 * `y` what a type follows (`:`, `<`, `|`, `as`, `instanceof`); `v` what a value follows (`=`,
 * `(`, `,`, `return`); `` (empty) anything else.
 */
export type Prev = '' | 't' | 'd' | 'b' | 'n' | 'y' | 'v';

const PREV_OF_NAME = new Map<string, Prev>([
  ['typeof', 't'], ['declare', 'd'], ['new', 'n'],
  ...['const', 'let', 'var', 'function', 'class'].map((w) => [w, 'b'] as [string, Prev]),
  ...['instanceof', 'extends', 'implements', 'as', 'satisfies', 'keyof', 'is'].map((w) => [w, 'y'] as [string, Prev]),
  ...['return', 'yield', 'await', 'case', 'in', 'of', 'do', 'else', 'throw', 'delete', 'void', 'default'].map((w) => [w, 'v'] as [string, Prev]),
]);

/** The `Prev` after a name (an escaped keyword is no keyword). */
export function prevOfName(name: string, escaped: boolean): Prev {
  return escaped ? '' : PREV_OF_NAME.get(name) ?? '';
}

/** The `Prev` after the punctuator `src[start, end)`; the lexer reads `&&` and `||` one character at a time. */
export function prevOfPunct(src: string, start: number, end: number): Prev {
  const c = src[start];
  if (c === '(' || c === '[' || c === '{' || c === ',' || c === '!' || c === '=') return 'v'; // `=` and `=>`
  if (c === '?') return src[start + 1] === '.' ? '' : 'v'; // a ternary's `?` or `??`, not `?.`
  if (c === '.') return end - start === 3 ? 'v' : ''; // a spread
  if (c === ':' || c === '<') return 'y';
  if (c === '|' || c === '&') return src[start - 1] === c ? 'v' : 'y';
  return '';
}

/**
 * What an indirect way to `Global` goes through, for the finding to say: `object` the global
 * object (handed on, read by a name built at run time); `code` text run as code (`eval`,
 * `Function`, `setTimeout("…")`); `constructor` the `Function` constructor reached as a
 * function's `.constructor`; `module` a module the check cannot read (from a URL or data, by a
 * name built at run time) or one that runs text as code (`vm`).
 */
export type Via = 'object' | 'code' | 'constructor' | 'module';

/** Where a script reaches `Global`: `indirect` when it is the way there, not `Global` itself. */
export interface Reach {
  index: number;
  length: number;
  indirect: boolean;
  via?: Via;
}

/** A budget of characters to look at, shared with the lexer. */
export interface Budget {
  steps: number;
}

/**
 * What the name `name` at `[start, end)` (one of `REACH_NAMES`, not a property or a key) reaches:
 * - the global object: a member `Global` (`globalThis.Global`, `window?.["Global"]`,
 *   `self.window.Global`), or `eval`/`Function` as its member, is a use; a member the scan cannot
 *   read (`globalThis["Glo" + "bal"]`, `window[name]`) and the object handed on as a value
 *   (`const g = globalThis`, `f(window)`, `(globalThis as any).Global`) are the way to one;
 *   another member (`window.location`) is none, nor `typeof window`, `declare global`, a
 *   declaration or an assignment of the name;
 * - `eval`: always (not after `typeof`);
 * - `Function`: called, constructed, tagged, a member read (`Function.call`), or handed on as a
 *   value (after `=`, `(`, `??`, a ternary's or an object literal's `:`: the lexer says which);
 *   not as a type (`cb: Function`, `x instanceof Function`, `Map<string, Function>`).
 */
export function reachOf(src: string, start: number, end: number, name: string, prev: Prev, budget: Budget): Reach | undefined {
  const code: Reach = { index: start, length: end - start, indirect: true, via: 'code' };
  if (name === 'eval') return prev === 't' ? undefined : code;
  if (name === 'Function') return functionReach(src, end, prev, budget) ? code : undefined;
  if (TIMERS.has(name)) return stringCall(src, end, budget) ? code : undefined;
  if (LOADERS.has(name)) return loadReach(src, start, end, name, budget);
  const head: Reach = { ...code, via: 'object' };
  let j = end;
  for (;;) {
    const k = nextToken(src, j, budget);
    const m = memberAt(src, k, budget);
    if (m === 'computed') return head;
    if (m === undefined) {
      const c = src.charCodeAt(k);
      const assigned = c === 61 && src.charCodeAt(k + 1) !== 61 && src.charCodeAt(k + 1) !== 62; // `=`, not `==` or `=>`
      return prev === 't' || prev === 'd' || prev === 'b' || assigned ? undefined : head;
    }
    if (m.name === 'Global') return { index: m.index, length: m.length, indirect: false };
    if (CODE_RUNNERS.has(m.name)) return { index: m.index, length: m.length, indirect: true, via: 'code' };
    if (TIMERS.has(m.name)) return stringCall(src, m.end, budget) ? { index: m.index, length: m.length, indirect: true, via: 'code' } : undefined;
    if (!SAME_OBJECT.has(m.name)) return undefined;
    j = m.end;
  }
}

/**
 * Whether `.constructor`, ending at `end`, may be the `Function` constructor put to use: of a
 * function (`f.constructor`, `(async () => {}).constructor`) it is, and a scan cannot tell a
 * function from another object. Called, tagged, or its `call`, `apply`, `bind` read, it is; so is
 * it handed on (`Reflect.construct(f.constructor, …)`), unless tested (`compared`: after `===`,
 * `!`, `typeof`, as in `a.constructor === b.constructor`). Another member read
 * (`x.constructor.name`), an assignment, a comparison or `&&` after it is not.
 */
export function constructorReach(src: string, end: number, compared: boolean, budget: Budget): boolean {
  const k = nextToken(src, end, budget);
  const c = src.charCodeAt(k);
  const d = src.charCodeAt(k + 1);
  if (c === 40 || c === 96) return true;
  if (c === 63 && d === 46 && src.charCodeAt(nextToken(src, k + 2, budget)) === 40) return true; // `?.(`
  const m = memberAt(src, k, budget);
  if (m === 'computed') return true;
  if (m) return m.name === 'call' || m.name === 'apply' || m.name === 'bind';
  if (c === 61 && d !== 61 && d !== 62) return false; // assigned
  if ((c === 61 || c === 33) && d === 61) return false; // `==`, `!=`
  if (c === 38 && d === 38) return false; // `x.constructor && …`: only a falsy one goes on
  return !compared;
}

/** Whether a call begins at the next token with a string written there: `setTimeout("…")`. */
function stringCall(src: string, end: number, budget: Budget): boolean {
  let k = nextToken(src, end, budget);
  if (src.charCodeAt(k) === 63 && src.charCodeAt(k + 1) === 46) k = nextToken(src, k + 2, budget);
  if (src.charCodeAt(k) !== 40) return false;
  const q = src.charCodeAt(nextToken(src, k + 1, budget));
  return q === 34 || q === 39 || q === 96;
}

/**
 * What a module load at the name `name` (`import`, `require`, `from`, at `[start, end)`) reaches:
 * a specifier written as a string that `foreignModule` judges (at the string), or a call whose
 * specifier is built at run time (at the name): `import(url)`, `require("v" + "m")`. Not a
 * package's or a file's specifier, nor `import x from`, `import.meta`, `typeof require`.
 */
export function loadReach(src: string, start: number, end: number, name: string, budget: Budget): Reach | undefined {
  let k = nextToken(src, end, budget);
  let call = false;
  if (name !== 'from' && src.charCodeAt(k) === 63 && src.charCodeAt(k + 1) === 46) k = nextToken(src, k + 2, budget);
  if (name !== 'from' && src.charCodeAt(k) === 40) {
    call = true;
    k = nextToken(src, k + 1, budget);
  } else if (name === 'require') return undefined;
  const lit = literalAt(src, k);
  if (lit) budget.steps -= lit.end - k;
  const close = lit ? src.charCodeAt(nextToken(src, lit.end, budget)) : 0;
  if (lit && (!call || close === 41 || close === 44)) {
    return foreignModule(lit.value) ? { index: lit.from, length: lit.end - 1 - lit.from, indirect: true, via: 'module' } : undefined;
  }
  return call ? { index: start, length: end - start, indirect: true, via: 'module' } : undefined;
}

/**
 * Whether a module specifier names what the check cannot read, or what runs text as code: a URL
 * (`data:`, `blob:`, `https:`, `file:`), or Node's `vm`, `module`, `inspector`, `repl`.
 */
function foreignModule(spec: string): boolean {
  const node = spec.startsWith('node:');
  if (CODE_MODULES.has((node ? spec.slice(5) : spec).split('/')[0])) return true;
  return !node && /^[a-z][a-z0-9+.-]*:/i.test(spec);
}

/** Whether `Function`, ending at `end`, is used as a value rather than named as a type. */
function functionReach(src: string, end: number, prev: Prev, budget: Budget): boolean {
  if (prev === 'n') return true;
  const k = nextToken(src, end, budget);
  const c = src.charCodeAt(k);
  const d = src.charCodeAt(k + 1);
  if (c === 40 || c === 96 || (c === 63 && d === 46) || (c === 46 && d !== 46)) return true; // `(`, a tag, `?.`, `.`
  if (prev !== 'v') return false;
  // A type argument or a union after `,` or `=` (`Map<string, Function>`, `Function[]`).
  const typeNext = c === 62 || ((c === 124 || c === 38) && d !== c) || (c === 91 && src.charCodeAt(skipTrivia(src, k + 1)) === 93);
  return !typeNext;
}

/** The next token from `i`, past whitespace, comments and TypeScript's non-null `!` (not `!=`). */
function nextToken(src: string, i: number, budget: Budget): number {
  let k = skipTrivia(src, i);
  while (src.charCodeAt(k) === 33 && src.charCodeAt(k + 1) !== 61) k = skipTrivia(src, k + 1);
  budget.steps -= k - i + 1;
  return k;
}

/**
 * The member read at `k` (`.name`, `?.name`, `[literal]`, `?.[literal]`), with where its name is
 * written; `computed` for a `[…]` whose name is not one plain literal; undefined for no member.
 * A literal with an escape is not read: it is computed.
 */
function memberAt(src: string, k: number, budget: Budget): { name: string; index: number; length: number; end: number } | 'computed' | undefined {
  const c = src.charCodeAt(k);
  let at: number;
  if (c === 63 && src.charCodeAt(k + 1) === 46) at = nextToken(src, k + 2, budget);
  else if (c === 46 && src.charCodeAt(k + 1) !== 46) at = nextToken(src, k + 1, budget);
  else if (c === 91) at = k;
  else return undefined;
  if (src.charCodeAt(at) !== 91) {
    if (c === 91) return undefined;
    const id = readIdent(src, at);
    return id ? { name: id.name, index: at, length: id.end - at, end: id.end } : 'computed';
  }
  const from = nextToken(src, at + 1, budget);
  const q = src.charCodeAt(from);
  if (q !== 34 && q !== 39 && q !== 96) return 'computed';
  let e = from + 1;
  while (e < src.length && src.charCodeAt(e) !== q) {
    const x = src.charCodeAt(e);
    if (x === 92 || (q !== 96 && (x === 10 || x === 13)) || (q === 96 && x === 36 && src.charCodeAt(e + 1) === 123)) return 'computed';
    e++;
  }
  budget.steps -= e - from;
  const close = nextToken(src, e + 1, budget);
  if (e >= src.length || src.charCodeAt(close) !== 93) return 'computed';
  return { name: src.slice(from + 1, e), index: from + 1, length: e - from - 1, end: close + 1 };
}
