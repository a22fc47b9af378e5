import { lineCommentEnd, skipStringAt } from './scan';

/**
 * A property name written twice or more in one object. `JSON.parse` (and every reader of a
 * package) keeps the last value, so each earlier one is ignored while the text still shows it.
 */
export interface RepeatedKey {
  /** The property name, decoded. */
  key: string;
  /** Offset and length of an ignored occurrence's name token (with its quotes). */
  offset: number;
  length: number;
  /** Offset of the occurrence that counts (the last one in that object). */
  keptAt: number;
}

/**
 * Whether strict JSON text (no comments) may hold a repeated property name, given the value
 * parsed from it; false is a proof that it holds none. When no name has white space before its
 * colon, every name is counted among the occurrences of `":` (a few more may stand inside
 * strings, as `\":`), so that count is at least the names written, which are at least the
 * properties the value kept; equal counts leave no room for a repeat. A few native searches and
 * one walk of the value, against a scan of every string.
 */
export function mayRepeatKeys(strict: string, value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  // One search for every colon: a quote before it counts a name; white space and then a quote
  // is a name the count would miss, so the text goes to the full scan.
  let names = 0;
  for (let i = strict.indexOf(':'); i >= 0; i = strict.indexOf(':', i + 1)) {
    let b = i - 1;
    let c = strict.charCodeAt(b);
    if (c === 34) {
      names++;
      continue;
    }
    while (c === 32 || c === 10 || c === 13 || c === 9) c = strict.charCodeAt(--b);
    if (c === 34 && b < i - 1) return true;
  }
  return names !== propertyCount(value);
}

/** Properties of every object in a parsed JSON value, nested ones included. */
function propertyCount(value: object): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c = v[i];
        if (c !== null && typeof c === 'object') stack.push(c);
      }
    } else {
      const o = v as Record<string, unknown>;
      for (const k in o) {
        n++;
        const c = o[k];
        if (c !== null && typeof c === 'object') stack.push(c);
      }
    }
  }
  return n;
}

/**
 * Every ignored occurrence of a repeated property name in well-formed JSONC text (comments and
 * trailing commas allowed), in text order. Strings are skipped with `indexOf`; a name is
 * decoded only to be compared. Empty for text that is not well-formed (its syntax errors say
 * what is wrong first).
 */
export function repeatedKeys(text: string): RepeatedKey[] {
  const out: RepeatedKey[] = [];
  // Per open container: undefined for an array, else the names seen so far with where they stand.
  const stack: (Map<string, number[]> | undefined)[] = [];
  let expectName = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const end = skipStringAt(text, i);
      if (end < 0) return [];
      if (expectName) {
        const key = JSON.parse(text.slice(i, end)) as string;
        const names = stack[stack.length - 1]!;
        const at = names.get(key);
        if (at) at.push(i, end - i);
        else names.set(key, [i, end - i]);
        expectName = false;
      }
      i = end;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) i = lineCommentEnd(text, i + 2);
    else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) return [];
      i = e + 2;
    } else {
      if (c === 123) {
        stack.push(new Map());
        expectName = true;
      } else if (c === 91) {
        stack.push(undefined);
      } else if (c === 44) {
        expectName = stack[stack.length - 1] !== undefined;
      } else if (c === 125 || c === 93) {
        const names = stack.pop();
        if (names) collect(names, out);
        expectName = false;
      }
      i++;
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function collect(names: Map<string, number[]>, out: RepeatedKey[]): void {
  for (const [key, at] of names) {
    if (at.length === 2) continue;
    const keptAt = at[at.length - 2];
    for (let k = 0; k < at.length - 2; k += 2) out.push({ key, offset: at[k], length: at[k + 1], keptAt });
  }
}
