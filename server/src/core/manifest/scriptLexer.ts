import { aliasNext, colonNext, ID_START, isAsciiIdent, isDigit, isLineBreak, LINE_BREAK, lineEnd, literalAt, nameMode, readIdent, regexEnd, skipTrivia, SPACE, stringEnd, templateEnd, type Mode } from './scriptGrammar';
import { constructorReach, loadReach, prevOfName, prevOfPunct, reachOf, REACH_NAMES, type Prev, type Reach } from './scriptReach';
import type { GlobalUse } from './scriptScan';
import { endExpression, endsTest, LexContext, LOCAL_BIT, type Open } from './scriptScope';

/**
 * Where the names a function's parameters (or a `for`'s head) declare go, in `carry`: `BRACE` to
 * a `{` that must come next (a `for`'s body); `PARAMS` after a parameter list, to a `{`, or on
 * past `=>` or a return type's `:`; `TYPE` in a return type, to a `{` or past `=>`, unless a
 * line break, `;` or a closing bracket comes first; `ARROW` after `=>`, to a `{` or an `x`.
 */
const enum Wait { NONE, BRACE, PARAMS, TYPE, ARROW }

/** A reading of the source from `i` on. */
export interface Branch {
  i: number;
  mode: Mode;
  nl: boolean; // a line break since the previous token
  stack: Open | undefined;
  prev: Prev; // what the token before was, for `reachOf`
  last: string; // the token before: a name, or a punctuator as written ('' unknown)
  carry: number; // names made local by parameters just read, for the body that follows (`Wait`)
  wait: Wait;
  fnAt: number; // the depth (stack id + 1) where the next `(` is a function's parameters, or 0
}

/** The first reading of a source. */
export const START: Branch = { i: 0, mode: 'R', nl: true, stack: undefined, prev: '', last: '', carry: 0, wait: Wait.NONE, fnAt: 0 };

export type Ctx = LexContext<GlobalUse, Branch>;

/** What a reading costs to start, in steps. */
const FORK_STEPS = 20;
/** Tokens before an operand that make of it a boolean or a string: `a.constructor === b.constructor`, `!x.constructor`. */
const TESTS = new Set(['==', '===', '!=', '!==', '!', 'typeof', 'void', 'delete', 'instanceof', 'in']);
/** Tokens after which a `{` opens a block, though a value may follow them: `=> {`, `{ {`, `else {`, `do {`. */
const BLOCK_AFTER = new Set(['=>', '{', 'else', 'do']);
/** Words before a class member's or a method's name. */
const MODIFIERS = new Set(['static', 'async', 'get', 'set', 'public', 'private', 'protected', 'readonly', 'override', 'abstract', 'declare', 'accessor']);
/** Tokens at the end of a line after which a declaration's list goes on: `let a = 1,\n  self = this`. */
const LIST_GOES_ON = new Set(['const', 'let', 'var', ',', '=']);
/** How many uses an `a` holds before it is taken for no arrow's parameters (`f(self, self, …)`). */
const HELD_MAX = 8;

/** Records what `reachOf` found. */
export function record(found: Map<number, GlobalUse>, r: Reach): void {
  found.set(r.index, r.indirect ? { index: r.index, length: r.length, indirect: true, via: r.via } : { index: r.index, length: r.length });
}

/** Reads one reading of `src` from `b` to the end, or to a line start another reading has reached. */
export function lexBranch(src: string, b: Branch, ctx: Ctx): void {
  const n = src.length;
  let { i, mode, nl, stack, prev, last, carry, wait, fnAt } = b;
  let alias = false; // after `type X`: its `=` is followed by a type
  let member = false; // the token before was a name that began a statement or member: `m?(): T` in a type
  let chainBefore = ''; // the token before the operand whose members are read (`a === b.constructor`)
  const top = () => stack?.ch;
  const pop = () => (stack = stack?.up);
  const here = () => (stack?.id ?? 0) + 1;
  const peek = (k: number) => {
    const j = skipTrivia(src, k);
    ctx.steps -= j - k;
    return j;
  };
  const template = (from: number) => {
    const t = templateEnd(src, from);
    i = t.i;
    if (t.open) {
      stack = ctx.push(stack, '$');
      mode = 'R';
    } else mode = 'E';
  };
  const report = (r: Reach | undefined) => (r ? record(ctx.found, r) : undefined);
  // The `Function` constructor as a function's `.constructor`, or an object literal's key (`{ constructor: F } = f`).
  const ctor = (at: number, length: number, end: number) => {
    if (constructorReach(src, end, TESTS.has(chainBefore), ctx)) ctx.found.set(at, { index: at, length, indirect: true, via: 'constructor' });
  };
  const literal = () => top() === 'o' || top() === 'p' || top() === 'P';
  // A pattern nested in a pattern at a place that takes one (`{ a: {`, `[ [`, `[a, {`), or a
  // function's parameter that is one (`function f({`): which pattern `{` (0) or `[` (1) opens, if any.
  const patternAt = (brace: 0 | 1): string | undefined => {
    const t = top();
    const inner = (t === 'p' || t === 'P') ? last === ':' : (t === 'q' || t === 'Q') ? last === '[' || last === ',' : false;
    if (inner) return (t === 'p' || t === 'q' ? 'pq' : 'PQ')[brace];
    return t === 'f' && (last === '(' || last === ',') ? 'PQ'[brace] : undefined;
  };
  const ctorKey = (k: number) => {
    const lit = literalAt(src, k);
    if (lit?.value !== 'constructor') return;
    let j = peek(lit.end);
    if (src.charCodeAt(j) === 93) j = peek(j + 1);
    if (src.charCodeAt(j) === 58) ctx.found.set(lit.from, { index: lit.from, length: lit.end - 1 - lit.from, indirect: true, via: 'constructor' });
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
    if (i >= n || --ctx.steps < 0) {
      for (let s = stack; s && ctx.steps-- > 0; s = s.up) s.held.forEach(report); // an `a` left open (past the budget, all count)
      return;
    }
    // Readings part within a line and meet again at a line's start, where strings and regular
    // expressions have ended.
    if (nl && ctx.branching()) {
      const key = `${i}${mode}${stack?.id ?? 0}${prev} ${last} ${wait}.${wait ? carry : 0}.${fnAt}`;
      if (ctx.seen.has(key)) return;
      ctx.seen.add(key);
    }
    const c = src.charCodeAt(i);
    const d = src.charCodeAt(i + 1);
    const lineBreak = nl;
    const start = i;
    let after: Prev | undefined; // what `prev` becomes, when it is not read from the punctuator
    let name: string | undefined; // the name read, unescaped
    let declares = false; // a `,` in a declaration's list: the name after it is declared as after `let`
    nl = false;
    if (mode !== 'D' && mode !== 'E') chainBefore = last;
    // A new statement or member: after `{`, `;`, `}`, or on a new line after an operand (a line
    // after `+`, `,`, `await` or `yield` goes on with its expression).
    const statement = (lineBreak && mode === 'E') || last === '{' || last === ';' || last === '}';
    // An arrow function's expression body ends at a line break after its first token (or where an expression ends).
    if (lineBreak) while (stack?.ch === 'x') pop();
    // A declaration's list ends at a line break too, unless the line ends in the keyword, a `,` or
    // `=` (after a `,` of the list, `last` is the keyword), or the next starts with `,` or `=`.
    if (lineBreak && stack?.ch === 'L' && !LIST_GOES_ON.has(last) && c !== 44 && c !== 61) pop();
    let typeColon = false; // a return type's `:`, not a ternary's
    if (wait !== Wait.NONE) {
      if (wait === Wait.ARROW) {
        if (c !== 123) {
          stack = ctx.push(stack, 'x', carry); // at its first token, whatever line it is on
          wait = Wait.NONE;
        }
      } else if (c === 123) {
        // the body, which the `{` takes
      } else if (c === 61 && d === 62 && wait !== Wait.BRACE) wait = Wait.ARROW;
      else if (c === 58 && wait === Wait.PARAMS) {
        wait = Wait.TYPE;
        typeColon = true;
      } else if (wait !== Wait.TYPE || lineBreak || c === 59 || c === 41 || c === 93 || c === 125) wait = Wait.NONE;
    }
    // `<!--` anywhere and `-->` first on a line are comments in a classic script, not in a module.
    if ((c === 60 && src.startsWith('<!--', i)) || (c === 45 && lineBreak && src.startsWith('-->', i))) {
      ctx.fork({ i: lineEnd(src, i), mode, nl: false, stack, prev, last, carry, wait, fnAt }, FORK_STEPS);
    }

    if (c === 47) {
      const end = mode === 'E' ? undefined : regexEnd(src, i, ctx);
      if (end !== undefined && (mode === 'A' || mode === 'D' || mode === 'K')) {
        ctx.fork({ i: end, mode: 'E', nl: false, stack, prev: '', last: '/', carry, wait, fnAt }, FORK_STEPS);
      }
      if (end !== undefined && (mode === 'R' || mode === 'O')) {
        i = end;
        mode = 'E';
      } else {
        i += d === 61 ? 2 : 1; // `/` or `/=`
        mode = 'R';
      }
    } else if (c === 34 || c === 39) {
      i = stringEnd(src, i);
      if (mode === 'O' && literal()) ctorKey(start); // `{ "constructor": F }`
      mode = 'E';
    } else if (c === 96) template(i + 1);
    else if (c === 125) {
      stack = endExpression(stack);
      if (top() === '$') {
        pop();
        template(i + 1);
      } else {
        if (top() === '{' || top() === 'o' || top() === 'k' || top() === 'p' || top() === 'P') pop();
        i++;
        mode = 'A'; // a block's `}` is followed by a statement, an object literal's by an operator
      }
      fnAt = 0;
    } else if (c === 123) {
      // A function's body takes the names its parameters declare. An object literal is where a
      // value is expected; its `:` is followed by a value, not a type. `const {` is a pattern.
      const body = wait !== Wait.NONE;
      const cls = top() === 'K';
      if (cls) pop();
      const kind = body ? '{' : cls ? 'k' : alias ? '{' : prev === 'b' ? 'p' : patternAt(0) ?? (prev === 'v' && !BLOCK_AFTER.has(last) ? 'o' : '{');
      stack = ctx.push(stack, kind, body ? carry : 0);
      wait = Wait.NONE;
      alias = false;
      fnAt = 0;
      mode = 'O';
      i++;
    } else if (c === 40 || c === 91) {
      let kind = c === 91 ? (prev === 'b' ? 'q' : patternAt(1) ?? '[') : mode === 'K' ? 'c' : '(';
      if (kind === '(' && fnAt === here()) kind = 'f';
      else if (kind === '(' && (mode === 'R' || mode === 'O' || mode === 'A' || last === 'async')) kind = 'a'; // `(self) =>`
      if (c === 91 && (mode === 'E' || mode === 'A')) {
        const lit = literalAt(src, peek(i + 1));
        const close = lit && lit.value === 'constructor' ? peek(lit.end) : -1;
        if (lit && src.charCodeAt(close) === 93) ctor(lit.from, lit.end - 1 - lit.from, close + 1); // `f["constructor"]`
      } else if (c === 91 && mode === 'O' && literal()) ctorKey(peek(i + 1)); // `{ ["constructor"]: F }`
      stack = ctx.push(stack, kind);
      fnAt = 0;
      mode = 'R';
      i++;
    } else if (c === 41 || c === 93) {
      stack = endExpression(stack);
      const o = stack;
      const t = top();
      mode = c === 41 && t === 'c' ? 'R' : 'E';
      if (o && c === 41 && (t === 'c' || t === '(' || t === 'a' || t === 'f')) {
        pop();
        if (t === 'f' || (t === 'a' && arrowNext(src, peek(i + 1), stack))) {
          carry = o.params;
          wait = Wait.PARAMS;
        } else if (t === 'c' && o.scope !== (stack?.scope ?? 0)) {
          carry = o.scope; // `for (const self of …) {`
          wait = Wait.BRACE;
        } else o.held.forEach(report); // `f(self)`
      } else if (c === 93 && (t === '[' || t === 'q' || t === 'Q')) pop();
      i++;
    } else if (c === 44 || c === 59) {
      stack = endExpression(stack, c === 44); // `class A implements B, C {`
      if (c === 44 && top() === 'L') {
        after = 'b'; // the next name of the list is declared: `let a = 1, self = this`
        declares = true;
      }
      if (c === 59) alias = false;
      if (c === 59) fnAt = 0;
      mode = c === 44 ? 'O' : 'R';
      i++;
    } else if (c === 58) {
      // A ternary's or a case's `:` (the entry `?` or `case` left), or a type's, or an object literal's.
      if (!typeColon) while (top() === 'x') pop(); // an arrow's body ends at a `:` of its level
      if (!typeColon && (top() === '?' || top() === 'C')) {
        after = top() === '?' ? 'v' : '';
        pop();
      } else after = !typeColon && literal() ? 'v' : 'y';
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
        const e = src.charCodeAt(peek(i));
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
    } else if (c === 61) {
      if (alias) after = 'y'; // `type X = { cb: Function }`
      alias = false;
      fnAt = 0;
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
        else if (id.name === 'require') report(loadReach(src, i, id.end, 'require', ctx)); // `module.require(…)`
        mode = 'E';
        after = '';
      } else {
        const key = mode === 'O' && colonNext(src, id.end);
        const t = top();
        const reach = REACH_NAMES.has(id.name);
        const bit = reach ? LOCAL_BIT.get(id.name) ?? 0 : 0;
        // What follows, where it tells a declaration or a member from a reference.
        const next = bit || t === 'k' || t === 'o' || t === 'p' || t === 'q' || t === 'P' || t === 'Q' || t === 'a' || t === 'f' ? peek(id.end) : id.end;
        const e = src.charCodeAt(next);
        if (id.name === 'constructor' && mode === 'O' && literal() && e !== 40) {
          ctx.found.set(i, { index: i, length: id.end - i, indirect: true, via: 'constructor' }); // not a method
        }
        // A class member's name, a method's in an object literal: a property, not a reference.
        const memberStart = (t === 'k' && (statement || MODIFIERS.has(last)))
          || (t === 'o' && (last === '{' || last === ',' || MODIFIERS.has(last)) && e === 40);
        if (memberStart && e === 40) fnAt = here(); // its parameters come next
        const ends = e === 44 || e === 41 || e === 93 || e === 125 || e === 58 || e === 63 || (e === 61 && !'=>'.includes(src[next + 1]));
        if (key || memberStart) {
          // nothing to find
        } else if ((t === 'p' || t === 'q' || t === 'P' || t === 'Q') && ['{', '[', ',', ':', '...'].includes(last) && ends && e !== 58 && e !== 63) {
          // A declaration's pattern (`const { self } = item`) or a parameter's (`function f({ self })`).
          if (bit) stack = ctx.declareAround(stack!, bit);
        } else if (bit && t === 'o' && stack!.up?.ch === 'a' && (last === '{' || last === ',' || last === ':') && ends && e !== 58 && e !== 63) {
          // An object in what may be an arrow's parameters: its pattern (`({ window }) => window.x`)
          // declares the name; an object handed to a call (`f({ window })`) hands the global object on.
          const r = reachOf(src, i, id.end, id.name, prev, ctx);
          const a = stack!.up!;
          if (r && a.held.length >= HELD_MAX) report(r);
          else {
            const up = ctx.param(a, bit, r);
            stack = ctx.node(up, 'o', up.scope, stack!.params, stack!.held);
          }
        } else if (bit && prev === 'b' && (last === 'const' || last === 'let' || last === 'var')) {
          stack = ctx.declare(stack, bit);
        } else if (bit && (t === 'a' || t === 'f') && (last === '(' || last === ',' || last === '...') && ends && e !== 93 && e !== 125) {
          // A parameter (`function f(self: Item)`), or what may be one (`(self) =>` or `f(self)`).
          const r = t === 'a' ? reachOf(src, i, id.end, id.name, prev, ctx) : undefined;
          if (r && stack!.held.length >= HELD_MAX) {
            stack!.held.forEach(report);
            report(r);
            stack = ctx.node(stack!.up, '(', stack!.scope, 0, []);
          } else stack = ctx.param(stack!, bit, r);
        } else if (bit && e === 61 && src.charCodeAt(next + 1) === 62) {
          carry = bit; // `self => self.Global`
          wait = Wait.PARAMS;
        } else if (bit && (stack?.scope ?? 0) & bit) {
          // a local of that name
        } else if (id.name === 'Global') ctx.found.set(i, { index: i, length: id.end - i });
        else if (reach) report(reachOf(src, i, id.end, id.name, prev, ctx));
        after = prevOfName(id.name, id.escaped);
        if (key) name = undefined;
        else if (name === 'case') stack = ctx.push(stack, 'C');
        else if ((name === 'const' || name === 'let' || name === 'var') && last !== 'as' && last !== '<') stack = ctx.push(stack, 'L'); // its list of names
        else if (name === 'class') stack = ctx.push(stack, 'K');
        else if (name === 'extends' && top() === 'K') after = 'v'; // a class's heritage is a value
        else if (name === 'type') alias = aliasNext(src, id.end);
        else if ((name === 'function' && prev !== 'd') || name === 'catch') fnAt = here(); // not `declare function`
        // In a `for` head, whose declaration's list (`L`) may stand open: `for (const x of /re/)`.
        mode = id.escaped ? 'E' : nameMode(id.name, mode, top() === 'c' || (top() === 'L' && stack!.up?.ch === 'c'));
      }
      i = id.end;
    } else {
      i++;
      mode = 'R';
    }
    member = name !== undefined && statement;
    prev = after ?? prevOfPunct(src, start, i);
    last = declares ? 'let' : name ?? (i - start <= 3 ? src.slice(start, i) : src[start]);
  }
}

/**
 * Whether the `(…)` before `k` is an arrow function's parameters: `=>` follows, or a return
 * type's `:` that ends no ternary's or `case`'s test (`c ? (a) : b`).
 */
function arrowNext(src: string, k: number, stack: Open | undefined): boolean {
  const c = src.charCodeAt(k);
  if (c === 61) return src.charCodeAt(k + 1) === 62;
  return c === 58 && !endsTest(stack);
}
