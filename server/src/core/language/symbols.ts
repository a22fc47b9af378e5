import type { Range } from '../json/positions';
import type { Project } from '../manifest/project';
import type { EntityDecl, EntityKind, Manifest } from '../manifest/types';
import { pathKey } from '../json/path';
import { locationsOf } from './locations';

/** An outline entry: an entity and the entities nested in it. */
export interface EntitySymbol {
  name: string;
  detail?: string;
  kind: EntityKind;
  deleted: boolean;
  range: Range;
  selectionRange: Range;
  children: EntitySymbol[];
}

/** The outline of a manifest: its entities, nested under their parents (fields under apps, scripts under processes). */
export function documentSymbols(m: Manifest): EntitySymbol[] {
  const loc = locationsOf(m);
  const byPath = new Map<string, EntitySymbol>();
  const roots: EntitySymbol[] = [];
  // Parents are declared before what they hold, so the nearest enclosing entity is already known.
  // The root path counts: an app manifest's app is the whole object, and holds the rest.
  const enclosing = (e: EntityDecl): EntitySymbol | undefined => {
    for (let n = e.path.length - 1; n >= 0; n--) {
      const s = byPath.get(pathKey(e.path.slice(0, n)));
      if (s) return s;
    }
    return undefined;
  };
  for (const e of m.entities) {
    const range = loc.extent(e);
    if (!range) continue;
    const s: EntitySymbol = {
      name: e.code.startsWith('#') ? `(${e.kind})` : e.code,
      detail: e.title,
      kind: e.kind,
      deleted: e.deleted,
      range,
      selectionRange: loc.code(e) ?? range,
      children: [],
    };
    const parent = enclosing(e);
    byPath.set(pathKey(e.path), s);
    (parent ? parent.children : roots).push(s);
  }
  return roots;
}

/** A project-wide symbol search hit. */
export interface WorkspaceSymbolHit {
  entity: EntityDecl;
  file: string;
  range: Range;
}

/** Entities whose id contains the query's characters in order (as editors' fuzzy symbol search does). */
export function workspaceSymbols(project: Project, query: string, limit = 500): WorkspaceSymbolHit[] {
  const q = query.toLowerCase();
  const hits: WorkspaceSymbolHit[] = [];
  // Every declaration, nested ones (fields, scripts) too.
  for (const m of project.manifests) {
    for (const e of m.entities) {
      if (hits.length >= limit) return hits;
      if (e.code.startsWith('#') || !subsequence(q, e.id.toLowerCase())) continue;
      const range = locationsOf(e.manifest).code(e);
      if (range) hits.push({ entity: e, file: e.manifest.file, range });
    }
  }
  return hits;
}

function subsequence(q: string, s: string): boolean {
  let i = 0;
  for (let j = 0; j < s.length && i < q.length; j++) if (s[j] === q[i]) i++;
  return i === q.length;
}
