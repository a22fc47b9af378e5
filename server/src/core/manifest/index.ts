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
    for (const m of manifests) {
      for (const e of m.entities) {
        if (e.parent) continue;
        const scope = e.namespace;
        let kinds = this.map.get(scope);
        if (!kinds) this.map.set(scope, (kinds = new Map()));
        let codes = kinds.get(e.kind);
        if (!codes) kinds.set(e.kind, (codes = new Map()));
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

  /** Declarations grouped by scope, kind and code (groups of two or more are duplicates). */
  *groups(): Iterable<EntityDecl[]> {
    for (const kinds of this.map.values()) for (const codes of kinds.values()) yield* codes.values();
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
// Up to this many entities in a manifest, pairs are compared directly (at most SMALL² / 2 comparisons).
const SMALL = 16;

/** Nested entities of a manifest that repeat an earlier sibling's kind and code, with that sibling (cached per manifest version). */
export function nestedDuplicates(m: Manifest): Map<EntityDecl, EntityDecl> {
  let dup = nestedCache.get(m);
  if (!dup) {
    dup = new Map();
    if (m.entities.length <= SMALL) {
      // Few entities (most small manifests): comparing each nested one with the earlier ones costs
      // less than building maps, and finds the same first declaration.
      const list = m.entities;
      for (let i = 0; i < list.length; i++) {
        const e = list[i];
        if (!e.parent) continue;
        for (let j = 0; j < i; j++) {
          const f = list[j];
          if (f.parent === e.parent && f.kind === e.kind && f.code === e.code) {
            dup.set(e, f);
            break;
          }
        }
      }
    } else {
      // Nested maps (parent, kind, code) rather than a joined key: this runs for every nested
      // entity of every manifest, and building and hashing a key string per entity cost more.
      const seen = new Map<EntityDecl, Map<string, Map<string, EntityDecl>>>();
      for (const e of m.entities) {
        if (!e.parent) continue;
        let kinds = seen.get(e.parent);
        if (!kinds) seen.set(e.parent, (kinds = new Map()));
        let codes = kinds.get(e.kind);
        if (!codes) kinds.set(e.kind, (codes = new Map()));
        const first = codes.get(e.code);
        if (first) dup.set(e, first);
        else codes.set(e.code, e);
      }
    }
    nestedCache.set(m, dup);
  }
  return dup;
}
