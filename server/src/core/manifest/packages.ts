import { compareCodes } from '../compare';
import { SOLUTION_MEMBER_KINDS, definesNamespace } from './kinds';
import { GLOBAL_NAMESPACE, LinkedFile, Manifest, ORG_NAMESPACE, Package } from './types';

/** What the include graph says about a project: the package of every manifest, and the broken includes. */
export interface PackageMap {
  packages: Package[];
  packageOf: Map<Manifest, Package>;
  /** Target of every include link that names a loaded manifest. */
  includeTarget: Map<LinkedFile, Manifest>;
  /** Include links that close a cycle. */
  cycleLinks: Set<LinkedFile>;
}

/**
 * Decides the packages of a project (spec §3): every solution and configuration is a package of
 * its includes; a manifest is checked in the smallest package that contains it (solutions before
 * configurations; fewer members, then lower code, break ties); a manifest nothing includes is its own.
 */
export function computePackages(manifests: Manifest[]): PackageMap {
  const byAbs = new Map<string, Manifest>();
  for (const m of manifests) byAbs.set(m.absPath, m);
  const includeTarget = new Map<LinkedFile, Manifest>();
  for (const m of manifests) {
    for (const l of m.links) {
      if (l.role !== 'include') continue;
      const t = byAbs.get(l.absPath);
      if (t?.kind) includeTarget.set(l, t);
    }
  }

  // Cycles: a depth-first search over include edges; an edge into a manifest on the stack closes one.
  const cycleLinks = new Set<LinkedFile>();
  const state = new Map<Manifest, 1 | 2>();
  const dfs = (m: Manifest) => {
    state.set(m, 1);
    for (const l of m.links) {
      const t = includeTarget.get(l);
      if (!t) continue;
      const s = state.get(t);
      if (s === 1) cycleLinks.add(l);
      else if (s === undefined) dfs(t);
    }
    state.set(m, 2);
  };
  for (const m of manifests) if (!state.has(m)) dfs(m);

  const packages: Package[] = [];
  const containers: Package[] = [];
  for (const m of manifests) {
    if (m.kind !== 'solution' && m.kind !== 'configuration') continue;
    const members: Manifest[] = [];
    const seen = new Set<Manifest>([m]);
    const collect = (c: Manifest) => {
      members.push(c);
      for (const l of c.links) {
        const t = includeTarget.get(l);
        if (!t || seen.has(t) || cycleLinks.has(l)) continue;
        // A solution holds only workspaces and modules; anything else is a MAN003 finding, not a member.
        if (m.kind === 'solution' && !SOLUTION_MEMBER_KINDS.has(t.kind!)) continue;
        seen.add(t);
        collect(t);
      }
    };
    collect(m);
    const pkg = makePackage(m, members);
    containers.push(pkg);
    packages.push(pkg);
  }

  const rank = (p: Package) => (p.kind === 'solution' ? 0 : 1);
  containers.sort((a, b) => rank(a) - rank(b) || a.members.length - b.members.length || compareCodes(a.code, b.code));
  const packageOf = new Map<Manifest, Package>();
  for (const p of containers) packageOf.set(p.root, p);
  for (const p of containers) {
    for (const member of p.members) if (!packageOf.has(member)) packageOf.set(member, p);
  }
  for (const m of manifests) {
    if (!m.kind || packageOf.has(m)) continue;
    const pkg = makePackage(m, [m]);
    packages.push(pkg);
    packageOf.set(m, pkg);
  }
  return { packages, packageOf, includeTarget, cycleLinks };
}

function makePackage(root: Manifest, members: Manifest[]): Package {
  const namespaces = new Set<string>();
  for (const m of members) {
    if (m.kind === 'app') {
      // An app package's scope is the one app; a configuration carries whole namespaces.
      if (root.kind === 'configuration' && m.namespace) namespaces.add(m.namespace);
    } else if (definesNamespace(m.kind!)) namespaces.add(m.code!);
    else if (m.kind === 'solution') namespaces.add(m.code!);
  }
  if (root.kind === 'configuration') {
    namespaces.add(GLOBAL_NAMESPACE);
    namespaces.add(ORG_NAMESPACE);
  }
  return { kind: root.kind!, code: root.code!, root, members, namespaces };
}
