import type { EntityDecl, EntityKind, Manifest } from './types';

/**
 * Every entity declaration of a project, by namespace, kind and code. Nested entities
 * (fields, scripts...) are keyed under their parent's id instead of the namespace.
 */
export class EntityIndex {
  private readonly map = new Map<string, EntityDecl[]>();
  /** Manifests that declare entities in each namespace. */
  readonly namespaces = new Map<string, Manifest[]>();

  constructor(manifests: Iterable<Manifest>) {
    for (const m of manifests) {
      for (const e of m.entities) {
        const k = EntityIndex.keyOf(e);
        const list = this.map.get(k);
        if (list) list.push(e);
        else this.map.set(k, [e]);
      }
      if (m.namespace) {
        const list = this.namespaces.get(m.namespace);
        if (list) list.push(m);
        else this.namespaces.set(m.namespace, [m]);
      }
    }
  }

  static keyOf(e: EntityDecl): string {
    return `${e.parent ? e.parent.id : e.namespace}\u0000${e.kind}\u0000${e.code}`;
  }

  /** Declarations of one top-level entity (several when the code is duplicated). */
  find(namespace: string, kind: EntityKind, code: string): EntityDecl[] {
    return this.map.get(`${namespace}\u0000${kind}\u0000${code}`) ?? [];
  }

  /** Declarations sharing this entity's scope, kind and code (itself included). */
  same(e: EntityDecl): EntityDecl[] {
    return this.map.get(EntityIndex.keyOf(e)) ?? [e];
  }

  /** Every top-level declaration, for suggestions. */
  *all(): Iterable<EntityDecl> {
    for (const list of this.map.values()) yield* list;
  }
}
