/**
 * Properties of JSON values by their own names. JSON may name a property `__proto__`, and
 * `JSON.parse` keeps it as an own property; assigned with `o[k] = v` it would instead replace the
 * object's prototype (the property is gone, and its fields show through as inherited ones), and
 * read with `o[k]` where the object lacks it, it would be `Object.prototype`. Code that copies
 * properties whose names come from manifests, packages or the environment goes through these.
 */

/** Sets `o[key] = value` as an own, enumerable property, whatever the key. */
export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else o[key] = value;
}

/** `o[key]` when `o` has it as its own property, otherwise undefined. */
export function getOwn(o: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}
