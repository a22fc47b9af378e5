import { MAX_JSON_DEPTH } from '../json/depth';

/**
 * Nesting depth of JSON read from a package: the same limit as manifests (json/depth.ts).
 * V8's `JSON.parse` takes any depth, but everything after it recurses (canonical hashing,
 * `JSON.stringify`, reference walks, the database's jsonb): a card nested 10,000 deep used to end
 * an import in a RangeError. Whether a parsed value is too deep: `valueNestsDeeperThan`; this
 * file holds only the cheap test that spares most data lines that walk.
 */
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
