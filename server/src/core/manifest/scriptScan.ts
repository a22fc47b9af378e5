import { isAsciiIdent, readIdent } from './scriptGrammar';
import { lexBranch, record, START, type Ctx } from './scriptLexer';
import { constructorReach, reachOf, REACH_NAMES, type Via } from './scriptReach';
import { LexContext } from './scriptScope';

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
 * Steps (tokens read, characters looked at for a regular expression's end) per character of the
 * source that all readings together may take; past that, every `Global` in the source counts,
 * strings and comments included. One reading takes at most two per character, and as many again
 * where it looks past a name of the global object for the member read.
 */
const STEPS_PER_CHAR = 8;

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
  ctx.work.push(START);
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

function usesOf(found: Map<number, GlobalUse>): GlobalUse[] {
  return [...found.values()].sort((a, b) => a.index - b.index);
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
