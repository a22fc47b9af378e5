import { getLocation } from 'jsonc-parser';
import { getOwn } from '../json/own';
import { LineIndex } from '../json/positions';
import { repeatedKeys } from '../json/repeatedKeys';

/**
 * The properties a manifest's text writes more than once in one object: for each object of the
 * value parsed from it, the names repeated there with the lines (1-based) of every occurrence.
 */
export type RepeatedProperties = Map<object, Map<string, number[]>>;

/**
 * The properties `text` writes more than once in one object, keyed by the object of `value` (the
 * value `JSON.parse` gives for `text`, which keeps the last occurrence) that holds them. Names are
 * compared decoded, as the check's MAN002 does: `"title"` and `"ti\u0074le"` are one name.
 */
export function repeatedProperties(text: string, value: unknown): RepeatedProperties {
  const out: RepeatedProperties = new Map();
  const found = repeatedKeys(text);
  if (found.length === 0) return out;
  // The occurrences of one name in one object share the one that counts.
  const byKept = new Map<number, { key: string; offsets: number[] }>();
  for (const r of found) {
    const group = byKept.get(r.keptAt) ?? { key: r.key, offsets: [] };
    group.offsets.push(r.offset);
    byKept.set(r.keptAt, group);
  }
  const lines = new LineIndex(text);
  for (const [kept, { key, offsets }] of byKept) {
    // Inside the name's token, the path ends with the name: the object's path is what comes before.
    const holder = valueAt(value, getLocation(text, kept + 1).path.slice(0, -1));
    if (typeof holder !== 'object' || holder === null) continue;
    const names = out.get(holder) ?? new Map<string, number[]>();
    names.set(key, [...offsets, kept].map((o) => lines.positionAt(o).line + 1));
    out.set(holder, names);
  }
  return out;
}

/**
 * Why a change of property `key` of `holder` (or of what it holds) cannot be placed in the text,
 * in words for the person who wrote it; undefined when the name is written once there. Which
 * occurrence to edit is not ours to guess: the text shows both, and only the last one counts.
 */
export function repeatedOnPath(repeated: RepeatedProperties, holder: object, key: string): string | undefined {
  const lines = repeated.get(holder)?.get(key);
  if (!lines) return undefined;
  const distinct = [...new Set(lines)];
  const where = distinct.length === 1 ? `${lines.length === 2 ? 'both' : 'all'} on line ${distinct[0]}` : `on lines ${distinct.slice(0, -1).join(', ')} and ${distinct[distinct.length - 1]}`;
  const times = lines.length === 2 ? 'twice' : `${lines.length} times`;
  return `the property "${key}" is written ${times} in one object (${where}) and the package changes its value, so which one to edit is unclear; keep one of them (isola check reports MAN002 there)`;
}

function valueAt(value: unknown, path: (string | number)[]): unknown {
  let v = value;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = Array.isArray(v) ? (typeof seg === 'number' ? v[seg] : undefined) : typeof seg === 'string' ? getOwn(v as Record<string, unknown>, seg) : undefined;
  }
  return v;
}
