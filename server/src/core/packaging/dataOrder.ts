import type { Project } from '../manifest/project';
import type { Manifest } from '../manifest/types';

/** An app's data file named by a manifest's `data`. */
export interface DataSource {
  /** `namespace.app` */
  app: string;
  absPath: string;
}

/** The data files of a package's manifests. */
export function dataSources(manifests: Manifest[]): DataSource[] {
  const out: DataSource[] = [];
  for (const m of manifests) {
    for (const l of m.links) {
      if (l.role !== 'data') continue;
      const appCode = String(l.path[1]);
      const ns = m.namespace ?? m.code!;
      out.push({ app: `${ns}.${appCode}`, absPath: l.absPath });
    }
  }
  return out;
}

/**
 * Orders apps so that the records an app's `app`-type fields point to are written (and so imported)
 * before the records pointing to them; cycles keep their declared order. Stable otherwise.
 */
export function orderByReferences(project: Project, apps: string[]): string[] {
  const wanted = new Set(apps);
  const deps = new Map<string, Set<string>>(apps.map((a) => [a, new Set()]));
  for (const m of project.manifests) {
    for (const ref of m.references) {
      if (ref.kind !== 'app' || ref.owner?.kind !== 'field') continue;
      const owner = ref.owner.parent;
      const target = project.resolve(ref).targets[0];
      if (!owner || !target) continue;
      const from = `${owner.namespace}.${owner.code}`;
      const to = `${target.namespace}.${target.code}`;
      if (from !== to && wanted.has(from) && wanted.has(to)) deps.get(from)!.add(to);
    }
  }
  return orderByDependencies(apps, deps);
}

/**
 * Orders apps so that each comes after the apps it depends on (`deps`: app → apps its records
 * point to); cycles keep their declared order, and so does everything else. Shared by the builder
 * (dependencies from manifests) and the environment's export (from cards).
 */
export function orderByDependencies(apps: string[], deps: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  // Tarjan's strongly connected components come out dependencies first; an app outside any
  // cycle is a component of its own, so an acyclic graph gets plain depth-first post-order.
  // The apps of one cycle have no right order among themselves: they keep their declared order.
  const declared = new Map(apps.map((a, i) => [a, i]));
  const out: string[] = [];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (a: string) => {
    index.set(a, index.size);
    low.set(a, index.get(a)!);
    stack.push(a);
    onStack.add(a);
    for (const d of deps.get(a) ?? []) {
      if (!index.has(d)) {
        visit(d);
        low.set(a, Math.min(low.get(a)!, low.get(d)!));
      } else if (onStack.has(d)) {
        low.set(a, Math.min(low.get(a)!, index.get(d)!));
      }
    }
    if (low.get(a) !== index.get(a)) return;
    const component: string[] = [];
    let x: string;
    do {
      x = stack.pop()!;
      onStack.delete(x);
      component.push(x);
    } while (x !== a);
    out.push(...component.sort((p, q) => declared.get(p)! - declared.get(q)!));
  };
  for (const a of apps) if (!index.has(a)) visit(a);
  return out;
}
