/**
 * The brackets a reading of a script is inside, shared between the readings the script scan
 * follows: which `{` is an object literal, which `:` ends a ternary's test.
 */

/**
 * An open bracket and those around it: `{` a block, a function's body or a type; `o` an object
 * literal; `k` a class's body; `(`; `[`; `$` a template's `${`; `c` the `(` of `if`, `while`,
 * `for`, `with`; and, closed by what ends an expression rather than by a bracket, `?` a
 * ternary's test and `C` a `case`'s, each up to its `:`, and `K` a class's head, up to its body. Numbered and shared between readings,
 * so that comparing two readings' states does not depend on how deep they are.
 */
export interface Open {
  ch: string;
  up: Open | undefined;
  id: number;
}

/** What ends where an expression ends (at `,`, `;`, a closing bracket), not at a bracket of its own. */
const PSEUDO = new Set(['?', 'C', 'K']);

/**
 * The stack without the entries that end where an expression ends (before `,`, `;`, a closing
 * bracket). `comma`: at a `,`, which a class's head may hold (`implements A, B`).
 */
export function endExpression(stack: Open | undefined, comma = false): Open | undefined {
  while (stack && PSEUDO.has(stack.ch) && !(comma && stack.ch === 'K')) stack = stack.up;
  return stack;
}

/**
 * The state of a scan shared by its readings: what it found, where readings met, its budget, and
 * the brackets, one object for each nesting.
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
  /** The bracket `ch` opened inside `up`, the same object for the same nesting. */
  push(up: Open | undefined, ch: string): Open {
    const key = `${up?.id ?? 0}${ch}`;
    let o = this.opens.get(key);
    if (!o) this.opens.set(key, (o = { ch, up, id: this.opens.size + 1 }));
    return o;
  }
}
