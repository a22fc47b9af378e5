import * as crypto from 'node:crypto';

/**
 * Makes a `canonicalJson` with its own memory of quoted keys. The function it returns refers to
 * nothing outside this one (no module state, no imports), so its source can run in a worker thread
 * as it is (inflateAhead.ts), and both threads hash a card body alike.
 */
export function canonicalJsonMaker(): (value: unknown) => string {
  // Object keys as JSON text with the colon, by key: a package's cards repeat a few hundred keys
  // (`code`, `title`, `type`, ...) tens of thousands of times. Bounded, so hostile keys cannot grow it;
  // longer keys are quoted each time, so a hostile card's megabyte-long keys do not stay in memory.
  const quotedKeys = new Map<string, string>();
  const QUOTED_KEYS_KEPT = 4096;
  const QUOTED_KEY_MAX_LENGTH = 64;
  return function canonicalJson(value: unknown): string {
    if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
    if (Array.isArray(value)) {
      let s = '[';
      for (let i = 0; i < value.length; i++) s += (i ? ',' : '') + canonicalJson(value[i]);
      return s + ']';
    }
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    // Strictly ascending already is exactly what sort() would return. A few keys are sorted in
    // place: the built-in sort copies every array it sorts, a tenth of what hashing 10,000 cards allocated.
    for (let i = 1; i < keys.length; i++) {
      if (!(keys[i - 1] < keys[i])) {
        if (keys.length > 24) keys.sort();
        else {
          for (let j = i; j < keys.length; j++) {
            const k = keys[j];
            let at = j;
            while (at > 0 && keys[at - 1] > k) {
              keys[at] = keys[at - 1];
              at--;
            }
            keys[at] = k;
          }
        }
        break;
      }
    }
    let s = '{';
    let first = true;
    for (const k of keys) {
      const v = obj[k];
      if (v === undefined) continue;
      let quoted = quotedKeys.get(k);
      if (quoted === undefined) {
        quoted = JSON.stringify(k) + ':';
        if (k.length <= QUOTED_KEY_MAX_LENGTH && quotedKeys.size < QUOTED_KEYS_KEPT) quotedKeys.set(k, quoted);
      }
      s += (first ? '' : ',') + quoted + canonicalJson(v);
      first = false;
    }
    return s + '}';
  };
}

/**
 * JSON with object keys sorted, so equal content always hashes equally whatever the key order.
 * Built with plain loops: every card's hash is checked against it when a package is read, and the
 * arrays that filter, map and join made for 10,000 cards were most of that check. Keys already in
 * order (most nested objects of a card) are not sorted again, and each key is quoted once.
 */
export const canonicalJson: (value: unknown) => string = canonicalJsonMaker();

/**
 * sha256 of text or bytes, in hex: one call where Node has `crypto.hash` (20.12 and later; a hash
 * object per card was a tenth of reading 10,000 cards), a hash object where it has not (the
 * editor's own Node may be older).
 */
export const sha256: (data: string | Buffer) => string = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data)
  : (data) => crypto.createHash('sha256').update(data).digest('hex');

/**
 * Whether two JSON values are equal (key order aside): what comparing their `canonicalJson` says
 * (a property holding `undefined` is absent; `undefined` itself is `null`), found by walking both
 * at once. Serializing both sides cost 13% of an in-place unpack of 10,000 entities, because the
 * merge and the text edit ask again at every level of nesting, and a tenth of planning 6,000
 * updated cards; the walk stops at the first difference.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const objA = typeof a === 'object' && a !== null;
  const objB = typeof b === 'object' && b !== null;
  if (!objA || !objB) return !objA && !objB && canonicalJson(a) === canonicalJson(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k of Object.keys(x)) {
    if (x[k] === undefined) continue;
    n++;
    if (!Object.prototype.hasOwnProperty.call(y, k) || y[k] === undefined || !sameJson(x[k], y[k])) return false;
  }
  for (const k of Object.keys(y)) if (y[k] !== undefined) n--;
  return n === 0;
}
