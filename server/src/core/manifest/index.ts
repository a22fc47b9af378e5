import type { EntityDecl, EntityKind, Manifest } from './types';

/**
 * Every top-level entity declaration of a project, by namespace, kind and code. Nested entities
 * (fields, scripts...) are never referenced across manifests and can only clash inside their own
 * manifest, so they stay out (see `nestedDuplicates`). Nested maps, not joined string keys:
 * lookups happen for every reference, and joining allocates.
 */
export class EntityIndex {
  private readonly map = new Map<string, Map<string, Map<string, EntityDecl[]>>>();
  /** Manifests that declare entities in each namespace. */
  readonly namespaces = new Map<string, Manifest[]>();

  constructor(manifests: Iterable<Manifest>) {
    // A manifest's entities mostly share a namespace, and entities of a list share a kind: the
    // maps found for the previous entity are taken again without a lookup when they match.
    let scope: string | undefined;
    let kinds: Map<string, Map<string, EntityDecl[]>> | undefined;
    let kind: string | undefined;
    let codes: Map<string, EntityDecl[]> | undefined;
    for (const m of manifests) {
      for (const e of m.entities) {
        if (e.parent) continue;
        if (e.namespace !== scope || !kinds) {
          scope = e.namespace;
          kinds = this.map.get(scope);
          if (!kinds) this.map.set(scope, (kinds = new Map()));
          kind = undefined;
        }
        if (e.kind !== kind || !codes) {
          kind = e.kind;
          codes = kinds.get(kind);
          if (!codes) kinds.set(kind, (codes = new Map()));
        }
        const list = codes.get(e.code);
        if (list) list.push(e);
        else codes.set(e.code, [e]);
      }
      if (m.namespace) {
        const list = this.namespaces.get(m.namespace);
        if (list) list.push(m);
        else this.namespaces.set(m.namespace, [m]);
      }
    }
  }

  /** A key that identifies an entity across project snapshots (same scope, kind and code). */
  static keyOf(e: EntityDecl): string {
    return `${e.parent ? e.parent.id : e.namespace}\u0000${e.kind}\u0000${e.code}`;
  }

  /** Declarations of one top-level entity (several when the code is duplicated). */
  find(namespace: string, kind: EntityKind, code: string): EntityDecl[] {
    return this.map.get(namespace)?.get(kind)?.get(code) ?? [];
  }

  /** Declarations sharing this entity's scope, kind and code (itself included). */
  same(e: EntityDecl): EntityDecl[] {
    if (e.parent) return e.manifest.entities.filter((x) => x.parent === e.parent && x.kind === e.kind && x.code === e.code);
    return this.map.get(e.namespace)?.get(e.kind)?.get(e.code) ?? [e];
  }

  /**
   * Declarations grouped by scope, kind and code (groups of two or more are duplicates). An array
   * of the index's own lists, not a generator: a generator's resumption per group was most of
   * what finding duplicates cost with many small manifests.
   */
  groups(): EntityDecl[][] {
    const out: EntityDecl[][] = [];
    for (const kinds of this.map.values()) for (const codes of kinds.values()) for (const list of codes.values()) out.push(list);
    return out;
  }

  /** Groups of two or more declarations of one scope, kind and code. */
  duplicateGroups(): EntityDecl[][] {
    const out: EntityDecl[][] = [];
    for (const kinds of this.map.values()) for (const codes of kinds.values()) for (const list of codes.values()) if (list.length > 1) out.push(list);
    return out;
  }

  /**
   * For each top-level declaration that gets a card (`owns`) and whose id, `namespace.code`, an
   * earlier one of another kind in its namespace already has: that earlier one. Codes are unique
   * per kind, but a package names a card by namespace and code alone, so an import of one would
   * write over the other. One per kind and code: repeats of one kind are `duplicateGroups`.
   */
  sameIds(owns: (e: EntityDecl) => boolean): Map<EntityDecl, EntityDecl> {
    const out = new Map<EntityDecl, EntityDecl>();
    for (const kinds of this.map.values()) {
      if (kinds.size < 2) continue;
      const first = new Map<string, EntityDecl>();
      for (const codes of kinds.values()) {
        for (const [code, list] of codes) {
          const e = list.find(owns);
          if (!e) continue;
          const had = first.get(code);
          if (had) out.set(e, had);
          else first.set(code, e);
        }
      }
    }
    return out;
  }

  /** The namespaces (and the org chart's scope) that declare top-level entities, in index order. */
  scopes(): IterableIterator<string> {
    return this.map.keys();
  }

  /** Declarations of one kind in one namespace, a list per code (several when the code is duplicated). */
  ofKind(namespace: string, kind: EntityKind): Iterable<EntityDecl[]> {
    return this.map.get(namespace)?.get(kind)?.values() ?? [];
  }

  /** Every top-level declaration of one namespace. */
  inNamespace(namespace: string): EntityDecl[] {
    const out: EntityDecl[] = [];
    for (const codes of this.map.get(namespace)?.values() ?? []) for (const list of codes.values()) out.push(...list);
    return out;
  }

  private flat?: EntityDecl[];

  /** Every declaration, for suggestions and completion (an array, built once: generators are slow in hot loops). */
  all(): EntityDecl[] {
    if (!this.flat) {
      this.flat = [];
      for (const list of this.groups()) for (const e of list) this.flat.push(e);
    }
    return this.flat;
  }
}

const nestedCache = new WeakMap<Manifest, Map<EntityDecl, EntityDecl>>();
// Up to this many entities (in a manifest, or siblings in a run), pairs are compared directly (at most SMALL² / 2 comparisons).
const SMALL = 16;

const NONE: ReadonlyMap<EntityDecl, EntityDecl> = new Map();

/**
 * Nested entities of a manifest that repeat an earlier sibling's kind and code, with that sibling
 * (cached per manifest version when the manifest is large; a small one costs less to compare again).
 */
export function nestedDuplicates(m: Manifest): ReadonlyMap<EntityDecl, EntityDecl> {
  if (m.entities.length <= SMALL) return pairDuplicates(m.entities, 0, m.entities.length, undefined) ?? NONE;
  let dup = nestedCache.get(m);
  if (!dup) nestedCache.set(m, (dup = siblingRuns(m.entities) ?? keyedDuplicates(m.entities)));
  return dup;
}

/**
 * Nested duplicates among `list[from..to)` found by comparing each nested entity with the earlier
 * ones: for few entities that costs less than building maps, and finds the same first declaration.
 * Nothing is allocated unless there is a duplicate.
 */
function pairDuplicates(list: EntityDecl[], from: number, to: number, dup: Map<EntityDecl, EntityDecl> | undefined): Map<EntityDecl, EntityDecl> | undefined {
  for (let i = from; i < to; i++) {
    const e = list[i];
    if (!e.parent) continue;
    for (let j = from; j < i; j++) {
      const f = list[j];
      if (f.parent === e.parent && f.kind === e.kind && f.code === e.code) {
        (dup ??= new Map()).set(e, f);
        break;
      }
    }
  }
  return dup;
}

/**
 * The builder declares an entity's children right after it, so siblings stand in one run of the
 * list: each run is compared on its own (pairs for a short run, maps for a long one), rather than
 * maps built for every parent (2.3% of checking 200 manifests of 10,000 entities). Undefined when
 * a parent's children are not one run (a model made otherwise): maps over the whole list decide then.
 */
function siblingRuns(list: EntityDecl[]): Map<EntityDecl, EntityDecl> | undefined {
  let dup: Map<EntityDecl, EntityDecl> | undefined;
  const done = new Set<EntityDecl>();
  let i = 0;
  while (i < list.length) {
    const parent = list[i].parent;
    let end = i + 1;
    if (parent) {
      if (done.has(parent)) return undefined;
      done.add(parent);
      while (end < list.length && list[end].parent === parent) end++;
      if (end - i <= SMALL) dup = pairDuplicates(list, i, end, dup);
      else for (const [e, f] of keyedDuplicates(list.slice(i, end))) (dup ??= new Map()).set(e, f);
    }
    i = end;
  }
  return dup ?? new Map();
}

/** Nested duplicates by maps of parent, kind and code: for any order of the list. */
function keyedDuplicates(list: EntityDecl[]): Map<EntityDecl, EntityDecl> {
  const dup = new Map<EntityDecl, EntityDecl>();
  // Nested maps (parent, kind, code) rather than a joined key: building and hashing a key string
  // per entity cost more.
  const seen = new Map<EntityDecl, Map<string, Map<string, EntityDecl>>>();
  for (const e of list) {
    if (!e.parent) continue;
    let kinds = seen.get(e.parent);
    if (!kinds) seen.set(e.parent, (kinds = new Map()));
    let codes = kinds.get(e.kind);
    if (!codes) kinds.set(e.kind, (codes = new Map()));
    const first = codes.get(e.code);
    if (first) dup.set(e, first);
    else codes.set(e.code, e);
  }
  return dup;
}
