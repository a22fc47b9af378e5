import { locatePaths, NodeLocation } from '../json/locate';
import { JsonPath, pathKey } from '../json/path';
import { LineIndex, Position, Range } from '../json/positions';
import type { EntityDecl, Manifest, Reference } from '../manifest/types';

/** Where the references and entities of one manifest version stand. */
export interface ManifestLocations {
  lines: LineIndex;
  /** Range of a reference's text, inside the quotes. */
  reference(ref: Reference): Range | undefined;
  /** Range of an entity's code, inside the quotes (an app manifest's top-level `code` for its app). */
  code(e: EntityDecl): Range | undefined;
  /** Range of the entity's whole object. */
  extent(e: EntityDecl): Range | undefined;
}

/** A manifest is immutable per text version, so its locations are cached by identity. */
const cache = new WeakMap<Manifest, ManifestLocations>();

/** The path of an entity's code value. */
export function codePath(e: EntityDecl): JsonPath {
  return [...e.path, 'code'];
}

/** Locations of a manifest's references and entities, found in one pass over its text and cached. */
export function locationsOf(m: Manifest): ManifestLocations {
  let loc = cache.get(m);
  if (loc) return loc;
  const paths: JsonPath[] = m.references.map((r) => r.path);
  for (const e of m.entities) paths.push(codePath(e), e.path);
  const found = locatePaths(m.text, paths, { tolerantOnly: m.syntaxErrors.length > 0 });
  const lines = new LineIndex(m.text);
  const inner = (n: NodeLocation | undefined): Range | undefined => {
    if (!n) return undefined;
    const quoted = m.text[n.offset] === '"' && n.length >= 2;
    return quoted ? lines.rangeOf(n.offset + 1, n.length - 2) : lines.rangeOf(n.offset, n.length);
  };
  loc = {
    lines,
    reference: (ref) => inner(found.get(pathKey(ref.path))),
    code: (e) => inner(found.get(pathKey(codePath(e)))),
    extent: (e) => {
      const n = found.get(pathKey(e.path));
      return n && lines.rangeOf(n.offset, n.length);
    },
  };
  cache.set(m, loc);
  return loc;
}

/** Whether a position lies within a range (ends inclusive, so a cursor right after a word still counts). */
export function contains(r: Range, p: Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

/** What stands under the cursor: a reference, or an entity's code where it is declared. */
export type SymbolAt =
  | { kind: 'reference'; ref: Reference; range: Range }
  | { kind: 'declaration'; entity: EntityDecl; range: Range };

export function symbolAt(m: Manifest, pos: Position): SymbolAt | undefined {
  const loc = locationsOf(m);
  for (const ref of m.references) {
    const r = loc.reference(ref);
    if (r && contains(r, pos)) return { kind: 'reference', ref, range: r };
  }
  for (const e of m.entities) {
    if (e.code.startsWith('#')) continue;
    const r = loc.code(e);
    if (r && contains(r, pos)) return { kind: 'declaration', entity: e, range: r };
  }
  return undefined;
}
