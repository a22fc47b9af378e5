import type { EntityDecl, EntityKind, Manifest } from './types';

/**
 * Every entity declaration of a project, by scope, kind and code. The scope is the namespace,
 * or the parent's id for nested entities (fields, scripts...). Nested maps, not joined string
 * keys: lookups happen for every reference and every declaration, and joining allocates.
 */
export class EntityIndex {
  private readonly map = new Map<string, Map<string, Map<string, EntityDecl[]>>>();
  /** Manifests that declare entities in each namespace. */
  readonly namespaces = new Map<string, Manifest[]>();

  constructor(manifests: Iterable<Manifest>) {
    for (const m of manifests) {
      for (const e of m.entities) {
        const scope = e.parent ? e.parent.id : e.namespace;
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
    return this.map.get(e.parent ? e.parent.id : e.namespace)?.get(e.kind)?.get(e.code) ?? [e];
  }

  /** Declarations grouped by scope, kind and code (groups of two or more are duplicates). */
  *groups(): Iterable<EntityDecl[]> {
    for (const kinds of this.map.values()) for (const codes of kinds.values()) yield* codes.values();
  }

  /** Every declaration, for suggestions. */
  *all(): Iterable<EntityDecl> {
    for (const list of this.groups()) yield* list;
  }
}
