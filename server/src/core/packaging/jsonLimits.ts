/**
 * Nesting depth of JSON read from a package. V8's `JSON.parse` takes any depth, but everything
 * after it recurses (canonical hashing, `JSON.stringify`, reference walks, the database's jsonb):
 * a card nested 10,000 deep used to end an import in a RangeError. No real card or record comes
 * near this limit (a form layout is a few levels deep).
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Whether a parsed JSON value nests objects and arrays deeper than `max` (the top value is level
 * 1). Iterative: the point is to look at untrusted depth without recursing on it.
 */
export function deeperThan(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, depth + 1]);
  }
  return false;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * Whether a JSON line could nest deeper than `max`: only when it has more than `max` opening
 * brackets. Counting them with `indexOf` costs next to nothing for the usual flat record, so the
 * exact walk runs only on the rare line that could be deep.
 */
export function mayBeDeeperThan(line: Buffer, max: number = MAX_JSON_DEPTH): boolean {
  let n = 0;
  for (const ch of [OPEN_BRACE, OPEN_BRACKET]) {
    for (let i = line.indexOf(ch); i !== -1; i = line.indexOf(ch, i + 1)) if (++n > max) return true;
  }
  return false;
}
