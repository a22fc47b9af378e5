import type { Reach } from './scriptReach';

/**
 * The brackets a reading of a script is inside, shared between the readings the script scan
 * follows: which `{` is an object literal, which `:` ends a ternary's test, and which names of
 * the global object a declaration or a parameter has made local.
 */

/**
 * An open bracket and those around it: `r` the top level (once a name is declared there); `{` a
 * block, a function's body or a type; `o` an object literal; `p` a declaration's object pattern
 * (`const {`), `q` its array pattern (`const [`), nested or not; `P` and `Q` the same in a
 * function's parameters (`function f({`), which declare into the function; `k` a class's body; `(`; `a` a `(` that may be
 * an arrow function's parameters; `f` a function's, a method's or a `catch`'s parameters; `[`;
 * `$` a template's `${`; `c` the `(` of `if`, `while`, `for`, `with`; and, closed by what ends an
 * expression rather than by a bracket: `?` a ternary's test and `C` a `case`'s, each up to its
 * `:`; `K` a class's head, up to its body; `x` an arrow function's expression body (which a line
 * break after its first token ends too); `L` a declaration's list of names (`let a = 1, self`), which
 * a `,` keeps open and a line break not after `,` or `=` ends too. Numbered and shared between readings,
 * so that comparing two readings' states does not depend on how deep they are.
 */
export interface Open {
  ch: string;
  up: Open | undefined;
  id: number;
  /** Names of the global object (`LOCAL_BIT`) declared here or around: locals here, not the global object. */
  scope: number;
  /** For `a` and `f`: the parameters named so, local in the function's body. */
  params: number;
  /** For `a`: what its parameters would be if it is no arrow's (`f(self)`): reported at its `)` unless it is. */
  held: readonly Reach[];
}

/** Bits of the names of the global object that a script may also declare as its own. */
export const LOCAL_BIT: ReadonlyMap<string, number> = new Map([['globalThis', 1], ['window', 2], ['self', 4], ['global', 8]]);

/** What ends where an expression ends (at `,`, `;`, a closing bracket), not at a bracket of its own. */
const PSEUDO = new Set(['?', 'C', 'K', 'x', 'L']);

/**
 * The stack without the entries that end where an expression ends (before `,`, `;`, a closing
 * bracket). `comma`: at a `,`, which a class's head may hold (`implements A, B`) and a
 * declaration's list of names (`let a = 1, self = this`, an `L`).
 */
export function endExpression(stack: Open | undefined, comma = false): Open | undefined {
  while (stack && PSEUDO.has(stack.ch) && !(comma && (stack.ch === 'K' || stack.ch === 'L'))) stack = stack.up;
  return stack;
}

/** Patterns: a declaration's (`p`, `q`) or a function's parameters' (`P`, `Q`), whose names it declares. */
const PATTERN = new Set(['p', 'q', 'P', 'Q']);

/**
 * Whether a `:` at `stack` ends a ternary's or a `case`'s test (an arrow's body inside it ends
 * there too). Past a few arrows' bodies, it is taken to: the answer that hides nothing.
 */
export function endsTest(stack: Open | undefined): boolean {
  for (let n = 0; stack?.ch === 'x'; n++) {
    if (n === 16) return true;
    stack = stack.up;
  }
  return stack?.ch === '?' || stack?.ch === 'C';
}

/**
 * The state of a scan shared by its readings: what it found, where readings met, its budget, and
 * the brackets, one object for each nesting and its names.
 */
export class LexContext<F, B> {
  readonly found = new Map<number, F>();
  /** Line starts and states already read: a branch that reaches one reads on as another did. */
  readonly seen = new Set<string>();
  readonly work: B[] = [];
  private forked = false;
  private readonly opens = new Map<string, Open>();

  constructor(public steps: number) {}

  /** Starts another reading, at a cost. */
  fork(b: B, cost: number): void {
    this.forked = true;
    this.steps -= cost;
    this.work.push(b);
  }
  /** Whether readings have parted: only then are line starts remembered. */
  branching(): boolean {
    return this.forked;
  }
  /** Whether the budget is spent. */
  over(): boolean {
    return this.steps < 0;
  }
  /** The bracket `ch` opened inside `up`, where the names `bits` are local besides those around it. */
  push(up: Open | undefined, ch: string, bits = 0): Open {
    return this.node(up, ch, (up?.scope ?? 0) | bits, 0, []);
  }
  /**
   * `stack` with the names `bits` declared in its innermost bracket (or at the top level): the
   * one that holds a declaration's list (`L`), which ends before the names' scope does.
   */
  declare(stack: Open | undefined, bits: number): Open {
    if (stack?.ch === 'L') {
      const up = this.declare(stack.up, bits);
      return this.node(up, 'L', up.scope, stack.params, stack.held);
    }
    return stack ? this.node(stack.up, stack.ch, stack.scope | bits, stack.params, stack.held) : this.node(undefined, 'r', bits, 0, []);
  }
  /** `stack` (an `a` or `f`) with the parameters `bits`, and `held` for an `a`. */
  param(stack: Open, bits: number, held?: Reach): Open {
    return this.node(stack.up, stack.ch, stack.scope, stack.params | bits, held ? [...stack.held, held] : stack.held);
  }
  /**
   * `stack` (a pattern) with the names `bits` declared around it, where the declaration is: past
   * the patterns it is nested in (`const { a: { self } } = x`), to the declaration's bracket, or
   * to the parameters of the function whose pattern it is (`function f({ self })`).
   */
  declareAround(stack: Open, bits: number): Open {
    const up = stack.up;
    const around = up && PATTERN.has(up.ch) ? this.declareAround(up, bits) : up && (up.ch === 'f' || up.ch === 'a') ? this.param(up, bits) : this.declare(up, bits);
    return this.node(around, stack.ch, around.scope | (stack.ch === 'P' || stack.ch === 'Q' ? 0 : bits), stack.params, stack.held);
  }
  /** The same object for the same nesting, names and held uses. */
  node(up: Open | undefined, ch: string, scope: number, params: number, held: readonly Reach[]): Open {
    let key = `${up?.id ?? 0}${ch}`;
    if (scope || params || held.length) key += `${scope}.${params}.${held.map((r) => r.index).join(',')}`;
    let o = this.opens.get(key);
    if (!o) this.opens.set(key, (o = { ch, up, id: this.opens.size + 1, scope, params, held }));
    return o;
  }
}
