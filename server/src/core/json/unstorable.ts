import type { JsonPath } from './path';
import { unstorableString, type Unstorable } from '../oneLine';

/** A string or property name of a manifest that no environment stores. */
export interface UnstorableString {
  /** Where the string stands (for a property name: the property). */
  path: JsonPath;
  /** The property name, not its value. */
  key: boolean;
  why: Unstorable;
}

/**
 * The strings and property names of a manifest's value that hold a NUL or an unpaired surrogate.
 * Every reader refuses a card or descriptor holding one (PostgreSQL stores neither in text or
 * JSON), so a package built from such a manifest could never be imported. In a text that was
 * UTF-8 only a `\u` escape spells them (a raw NUL in a string is a syntax error), except in a
 * text an editor hands over: the value is walked only when either could be there.
 */
export function unstorableStrings(text: string, value: unknown): UnstorableString[] {
  if (!text.includes('\\u') && !SURROGATE.test(text)) return [];
  const out: UnstorableString[] = [];
  const at: (string | number)[] = [];
  // Recursive: the parse refuses to model a value nested deeper than MAX_JSON_DEPTH levels.
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      const why = unstorableString(v);
      if (why) out.push({ path: at.slice(), key: false, why });
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        at.push(i);
        walk(v[i]);
        at.pop();
      }
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        at.push(k);
        const why = unstorableString(k);
        if (why) out.push({ path: at.slice(), key: true, why });
        walk(x);
        at.pop();
      }
    }
  };
  walk(value);
  return out;
}

const SURROGATE = /[\ud800-\udfff]/;
