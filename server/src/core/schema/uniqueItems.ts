// The function ajv's compiled scan called, so that a list left to it is judged as before.
const equal = (require('ajv/dist/runtime/equal') as { default: (a: unknown, b: unknown) => boolean }).default;

/*
 * The schema's `uniqueItems` (languages, includes, a script's imports) as the validators compiled
 * by `server/tools/compileSchemas.mjs` judge it. Ajv compares every pair of items when it cannot
 * tell their type from the schema, the square of the list's length: a manifest of 64,000
 * languages took 16 s to check, and one of a few million would never finish.
 */

/**
 * The pair of equal items ajv's pairwise scan reports: the last item `i` that equals an earlier
 * one, and the last `j < i` it equals, as `[i, j]`; undefined when every item differs. Items
 * compare as JSON values, as ajv's `equal` compares every value a manifest holds, each keyed by
 * its content in one pass; a property named `valueOf` or `constructor` is data (`equal` called
 * or compared it, and stopped the check). Only an item nested past `MAX_KEY_DEPTH`, which no
 * manifest holds, is compared pair by pair as ajv did.
 */
export function lastDuplicate(items: readonly unknown[]): [number, number] | undefined {
  const keys: string[] = [];
  for (const item of items) {
    const k = keyOf(item, 0);
    if (k === undefined) return pairwise(items);
    keys.push(k);
  }
  const last = new Map<string, number>();
  let found: [number, number] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const j = last.get(keys[i]);
    if (j !== undefined) found = [i, j];
    last.set(keys[i], i);
  }
  return found;
}

/** Ajv's own scan: from the last item back, each against those before it, nearest first. */
function pairwise(items: readonly unknown[]): [number, number] | undefined {
  for (let i = items.length; i--;) {
    for (let j = i; j--;) if (equal(items[i], items[j])) return [i, j];
  }
  return undefined;
}

/** Deeper than this, an item is left to `equal` (the manifest's own nesting limit is 256). */
const MAX_KEY_DEPTH = 300;

/**
 * A string that two JSON values share exactly when they are equal: strings, numbers (`0` and
 * `-0` are one, as `===` has it; `String` gives every other double a text of its own), booleans,
 * null, arrays item by item, plain objects by their properties in any order, whatever their names.
 * Undefined for anything else, which `equal` then judges.
 */
function keyOf(v: unknown, depth: number): string | undefined {
  switch (typeof v) {
    case 'string':
      return 's' + JSON.stringify(v);
    case 'number':
      return 'n' + String(v);
    case 'boolean':
      return v ? 't' : 'f';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (v === null) return 'z';
  if (depth > MAX_KEY_DEPTH) return undefined;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return undefined;
    const parts: string[] = [];
    for (const x of v) {
      const k = keyOf(x, depth + 1);
      if (k === undefined) return undefined;
      parts.push(k);
    }
    return `[${parts.join(',')}]`;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return undefined;
  const names = Object.keys(v).sort();
  const parts: string[] = [];
  // A property named `constructor`, `valueOf` or `toString` is data like any other: `equal` read
  // it from the object (calling a `valueOf` of 1 stopped the check with an internal error).
  for (const name of names) {
    const k = keyOf((v as Record<string, unknown>)[name], depth + 1);
    if (k === undefined) return undefined;
    parts.push(JSON.stringify(name) + ':' + k);
  }
  return `{${parts.join(',')}}`;
}
