import * as crypto from 'node:crypto';

/**
 * JSON with object keys sorted, so equal content always hashes equally whatever the key order.
 * Built with plain loops: every card's hash is checked against it when a package is read, and the
 * arrays that filter, map and join made for 10,000 cards were most of that check.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) s += (i ? ',' : '') + canonicalJson(value[i]);
    return s + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let s = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    s += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
    first = false;
  }
  return s + '}';
}

/**
 * sha256 of text or bytes, in hex: one call where Node has `crypto.hash` (20.12 and later; a hash
 * object per card was a tenth of reading 10,000 cards), a hash object where it has not (the
 * editor's own Node may be older).
 */
export const sha256: (data: string | Buffer) => string = typeof crypto.hash === 'function'
  ? (data) => crypto.hash('sha256', data)
  : (data) => crypto.createHash('sha256').update(data).digest('hex');
