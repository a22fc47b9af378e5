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
  const out: string[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (a: string) => {
    if (state.get(a)) return; // done, or on the stack (a cycle: keep declared order)
    state.set(a, 1);
    for (const d of deps.get(a) ?? []) visit(d);
    state.set(a, 2);
    out.push(a);
  };
  for (const a of apps) visit(a);
  return out;
}
