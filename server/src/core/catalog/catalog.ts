import type { RefKind } from '../manifest/types';
import builtins from './builtins.json';

/** One built-in entity of the catalog. */
export interface BuiltinEntity {
  kind: RefKind;
  namespace: string;
  code: string;
  title: string;
}

/** One built-in namespace: present in every target environment (unless licensed and not bought). */
export interface BuiltinNamespace {
  code: string;
  title: string;
  /** A licensed namespace may be absent from a target environment. */
  licensed: boolean;
  entities: Map<string, BuiltinEntity>;
}

/** The built-in catalog as data; the shape of `builtins.json` and of extra catalog files. */
export interface CatalogData {
  namespaces: {
    code: string;
    title?: string;
    licensed?: boolean;
    apps?: { code: string; title?: string }[];
    groups?: { code: string; title?: string }[];
    [kind: string]: unknown;
  }[];
}

/** Lookup over the built-in namespaces. */
export class Catalog {
  readonly namespaces = new Map<string, BuiltinNamespace>();

  constructor(...sources: CatalogData[]) {
    for (const src of sources) this.add(src);
  }

  /** Merges more namespaces (an environment's own catalog, or a user's extra file). */
  add(data: CatalogData): void {
    for (const ns of data.namespaces ?? []) {
      const entry: BuiltinNamespace = this.namespaces.get(ns.code) ?? {
        code: ns.code, title: ns.title ?? ns.code, licensed: ns.licensed === true, entities: new Map(),
      };
      if (ns.title) entry.title = ns.title;
      if (ns.licensed !== undefined) entry.licensed = ns.licensed === true;
      const lists: [string, RefKind][] = [['apps', 'app'], ['groups', 'group'], ['processes', 'process'], ['widgets', 'widget'], ['pages', 'page']];
      for (const [prop, kind] of lists) {
        const items = ns[prop];
        if (!Array.isArray(items)) continue;
        for (const it of items as { code: string; title?: string }[]) {
          if (typeof it?.code !== 'string') continue;
          entry.entities.set(`${kind}:${it.code}`, { kind, namespace: ns.code, code: it.code, title: it.title ?? it.code });
        }
      }
      this.namespaces.set(ns.code, entry);
    }
  }

  lookup(kind: RefKind, namespace: string, code: string): BuiltinEntity | undefined {
    return this.namespaces.get(namespace)?.entities.get(`${kind}:${code}`);
  }

  /** Every built-in entity of one kind, for suggestions and completion. */
  *entitiesOfKind(kind: RefKind): Iterable<BuiltinEntity> {
    for (const ns of this.namespaces.values()) {
      for (const e of ns.entities.values()) if (e.kind === kind) yield e;
    }
  }
}

/** The catalog every environment has. */
export function defaultCatalog(): Catalog {
  return new Catalog(builtins as CatalogData);
}

/** Checks that parsed JSON has the catalog's shape; returns a reason when it does not. */
export function catalogShapeError(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || !Array.isArray((data as CatalogData).namespaces)) {
    return 'a catalog file must be an object with a "namespaces" array';
  }
  for (const ns of (data as CatalogData).namespaces) {
    if (typeof ns?.code !== 'string') return 'every namespace of a catalog needs a string "code"';
  }
  return undefined;
}
