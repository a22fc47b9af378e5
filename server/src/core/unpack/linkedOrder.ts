import { compareCodes } from '../compare';

type Obj = Record<string, unknown>;

/** An element of a list whose order the package carries as links: the code of the sibling it follows. */
export interface Sibling {
  el: Obj;
  after?: string;
}

/**
 * Siblings in the order their links give, and what keeps the links from giving all of it. Each
 * run starts at a sibling that follows none (or one the list lacks), in code order, and goes on
 * through those that follow it (depth first, several by code); siblings in a cycle come last,
 * from the lowest code on. Iterative: a menu or an org chart may hold thousands of siblings.
 */
export function linkedOrder(siblings: readonly Sibling[]): { els: Obj[]; gaps: string[]; unlinked: boolean } {
  const byCode = new Map<string, Sibling>();
  for (const s of siblings) if (typeof s.el.code === 'string' && !byCode.has(s.el.code)) byCode.set(s.el.code, s);
  const codeOf = (s: Sibling) => String(s.el.code);
  const sorted = [...siblings].sort((a, b) => compareCodes(codeOf(a), codeOf(b)));
  const followers = new Map<string, Sibling[]>();
  const starts: Sibling[] = [];
  const gaps: string[] = [];
  for (const s of sorted) {
    if (s.after !== undefined && s.after !== codeOf(s) && byCode.has(s.after)) {
      if (!followers.has(s.after)) followers.set(s.after, []);
      followers.get(s.after)!.push(s);
    } else {
      if (s.after !== undefined) gaps.push(s.after === codeOf(s) ? `${s.after} follows itself` : `${codeOf(s)} follows ${s.after}, which is not one of them`);
      starts.push(s);
    }
  }
  const heads = starts.filter((s) => s.after === undefined);
  // No links at all: a package from before they were carried, not a broken one.
  const unlinked = heads.length > 1 && heads.length === sorted.length;
  if (heads.length > 1 && !unlinked) gaps.push(`${heads.map(codeOf).join(', ')} each come first`);
  for (const [code, f] of followers) if (f.length > 1) gaps.push(`${f.map(codeOf).join(', ')} each follow ${code}`);
  // Heads first, then those whose link leads nowhere.
  starts.sort((a, b) => (a.after === undefined ? 0 : 1) - (b.after === undefined ? 0 : 1));
  const els: Obj[] = [];
  const done = new Set<Sibling>();
  const run = (first: Sibling) => {
    const stack = [first];
    while (stack.length) {
      const s = stack.pop()!;
      if (done.has(s)) continue;
      done.add(s);
      els.push(s.el);
      const next = followers.get(codeOf(s)) ?? [];
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
    }
  };
  for (const s of starts) run(s);
  const cycle = sorted.filter((s) => !done.has(s));
  if (cycle.length) gaps.push(`${cycle.map(codeOf).join(', ')} follow each other in a cycle`);
  for (const s of cycle) run(s);
  return { els, gaps, unlinked };
}
