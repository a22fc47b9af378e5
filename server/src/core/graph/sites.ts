import type { NodeLocation } from '../json/locate';
import { pathKey, JsonPath } from '../json/path';
import type { Range } from '../json/positions';
import { locationsOf } from '../language/locations';
import { locateInManifest } from '../manifest/locationMemo';
import type { Manifest } from '../manifest/types';

/** Where a string value of a manifest stands: its content, inside the quotes, as findings point. */
export function valueRange(m: Manifest, at: JsonPath): Range {
  return stringRange(m, locateInManifest(m, [at]).get(pathKey(at)));
}

/** The range of a located string value's content (the whole token when it is not a string). */
export function stringRange(m: Manifest, at: NodeLocation | undefined): Range {
  if (!at) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const lines = locationsOf(m).lines;
  const quoted = m.text[at.offset] === '"' && at.length >= 2;
  return quoted ? lines.rangeOf(at.offset + 1, at.length - 2) : lines.rangeOf(at.offset, at.length);
}
