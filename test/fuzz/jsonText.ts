/**
 * Hostile JSON values and edits of JSON documents, as plain data (so fast-check can shrink and
 * print them). Deep nesting is spliced in as text: JSON.stringify of the test itself would
 * overflow the stack on it, and the point is to see whether the product's code does.
 */
import fc from 'fast-check';

/** A value to put somewhere in a document. */
export type Val =
  | { k: 'json'; v: unknown }
  /** Arrays or objects nested `depth` deep. */
  | { k: 'deep'; depth: number; shape: 'array' | 'object' }
  /** A string of `size` characters: one letter repeated (compresses to nothing) or noise (does not). */
  | { k: 'huge'; size: number; noise: boolean };

/** An edit of one place in a document: `at` picks a path (modulo how many there are). */
export type JsonEdit = { at: number; op: 'set'; val: Val } | { at: number; op: 'drop' };

/** Strings that have broken parsers, paths, SQL and terminals before. */
export const NASTY_STRINGS = [
  '', ' ', 'victim.x', 'global.admins', '#orgchart.ceo', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
  '../../x', '/etc/passwd', 'C:\\Windows\\win.ini', 'a\r\nb', 'line\nbreak', 'инвойсы', '发票', '😀', 'e\u0301',
  '\u0000', 'nul\u0000inside', '\ud800', '\udfff', '\u2028', '\ufeff', '\u001b[31mred', "'; DROP TABLE entities; --",
  '%s%s%n', '${x}', '1e400', 'NaN', 'null', 'true', 'a'.repeat(300),
];

const DEPTHS = [50, 1000, 5000, 20_000, 100_000];
const HUGE = [70_000, 1_200_000];

export const arbDeep: fc.Arbitrary<Val> = fc.record({ k: fc.constant('deep' as const), depth: fc.constantFrom(...DEPTHS), shape: fc.constantFrom('array' as const, 'object' as const) });
export const arbHuge: fc.Arbitrary<Val> = fc.record({ k: fc.constant('huge' as const), size: fc.constantFrom(...HUGE), noise: fc.boolean() });

/** Values of every JSON type, with a bias towards the nasty ones. */
export const arbScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, -0, 1e308, 2 ** 53 + 1, [], {}, [null], { '': null }),
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ maxLength: 12, unit: 'binary' }),
  fc.integer(),
);

export const arbJsonVal: fc.Arbitrary<Val> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('json' as const), v: arbScalar }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('json' as const), v: fc.jsonValue({ maxDepth: 3 }) }) },
  { weight: 1, arbitrary: arbDeep },
  { weight: 1, arbitrary: arbHuge },
);

/** A value from a list that matters for one field, or any value. */
export function arbValFor(specific: unknown[]): fc.Arbitrary<Val> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...specific).map((v): Val => ({ k: 'json', v })) },
    { weight: 2, arbitrary: arbJsonVal },
  );
}

export const arbJsonEdit: fc.Arbitrary<JsonEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ at: fc.nat(), op: fc.constant('set' as const), val: arbJsonVal }) },
  { weight: 1, arbitrary: fc.record({ at: fc.nat(), op: fc.constant('drop' as const) }) },
);

/** Deterministic noise: the same `size` always gives the same text. */
function noise(size: number): string {
  let x = 0x2545f491;
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-_';
  const out: string[] = [];
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.push(chars[(x >>> 0) % chars.length]);
  }
  return out.join('');
}

/** Text of nested containers; the innermost holds a 1. */
export function deepText(depth: number, shape: 'array' | 'object'): string {
  return shape === 'array' ? '['.repeat(depth) + '1' + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/**
 * Builds JSON text from a value with raw pieces in it: `raw(text)` returns a stand-in to put in the
 * value, and `stringify` splices the texts in where their stand-ins are.
 */
export class RawJson {
  private readonly pieces: string[] = [];

  raw(text: string): string {
    this.pieces.push(text);
    return `\u0001RAW${this.pieces.length - 1}\u0001`;
  }

  /** The value a Val stands for (deep values become stand-ins). */
  value(v: Val): unknown {
    if (v.k === 'json') return structuredClone(v.v);
    if (v.k === 'huge') return v.noise ? noise(v.size) : 'a'.repeat(v.size);
    return this.raw(deepText(v.depth, v.shape));
  }

  stringify(value: unknown, indent = 2): string {
    const text = JSON.stringify(value, null, indent) ?? 'null';
    return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_, i) => this.pieces[Number(i)]);
  }
}

type Path = (string | number)[];

/**
 * Every path in a document, the root first, then in document order; no deeper than `MAX_PATH`
 * (a document that is already deeply nested would overflow this function's own recursion).
 */
const MAX_PATH = 64;
export function pathsOf(doc: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (prefix.length >= MAX_PATH) return out;
  if (Array.isArray(doc)) doc.forEach((x, i) => pathsOf(x, [...prefix, i], out));
  else if (doc && typeof doc === 'object') for (const k of Object.keys(doc)) pathsOf((doc as Record<string, unknown>)[k], [...prefix, k], out);
  return out;
}

/** Sets or removes the value at `path` (the root itself is replaced by `set`); returns the new document. */
export function setAt(doc: unknown, path: Path, value: unknown | undefined): unknown {
  if (!path.length) return value;
  const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], doc) as Record<string | number, unknown> | unknown[];
  const key = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else {
    (parent as Record<string | number, unknown>)[key] = value;
  }
  return doc;
}

/** Applies an edit to a (cloned) document; `skipRoot` keeps the root, so only its insides change. */
export function applyJsonEdit(raw: RawJson, doc: unknown, e: JsonEdit, skipRoot = false): unknown {
  const all = pathsOf(doc).filter((p) => !skipRoot || p.length > 0);
  if (!all.length) return doc;
  const p = all[e.at % all.length];
  return setAt(doc, p, e.op === 'set' ? raw.value(e.val) : undefined);
}
