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
 * configurations; fewer members, then lower code, break ties); a manifest nothing includes is its own,
 * except an app manifest of a namespace that a workspace or module declares: that package carries
 * the app (see `packageManifests`), so the app is checked in it too.
 *
 * Every workspace, module and app that a larger package holds is also a package of its own, in
 * `packages` (it can be built alone) but not in `packageOf`. With `focus`, that manifest is checked
 * in its own package instead, and so is what that package holds: the view of a unit built alone.
 */
export function computePackages(manifests: Manifest[], focus?: Manifest): PackageMap {
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
  // Loops with a stack of their own, not calls: a chain of thousands of includes overflowed the
  // call stack (and `isola check` stopped with an internal error).
  const cycleLinks = new Set<LinkedFile>();
  const state = new Map<Manifest, 1 | 2>();
  const dfs = (root: Manifest) => {
    state.set(root, 1);
    const stack: { m: Manifest; i: number }[] = [{ m: root, i: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.i >= top.m.links.length) {
        state.set(top.m, 2);
        stack.pop();
        continue;
      }
      const l = top.m.links[top.i++];
      const t = includeTarget.get(l);
      if (!t) continue;
      const s = state.get(t);
      if (s === 1) cycleLinks.add(l);
      else if (s === undefined) {
        state.set(t, 1);
        stack.push({ m: t, i: 0 });
      }
    }
  };
  // A manifest without links closes no cycle and is never on the stack when another edge is
  // looked at: the search starts only from those with links (most manifests have none).
  for (const m of manifests) if (m.links.length > 0 && !state.has(m)) dfs(m);

  const packages: Package[] = [];
  const containers: Package[] = [];
  for (const m of manifests) {
    if (m.kind !== 'solution' && m.kind !== 'configuration') continue;
    const members: Manifest[] = [];
    const seen = new Set<Manifest>([m]);
    // Depth first, each member before what it includes, in the order of the links.
    members.push(m);
    const stack: { c: Manifest; i: number }[] = [{ c: m, i: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.i >= top.c.links.length) {
        stack.pop();
        continue;
      }
      const l = top.c.links[top.i++];
      const t = includeTarget.get(l);
      if (!t || seen.has(t) || cycleLinks.has(l)) continue;
      // A solution holds only workspaces and modules; anything else is a MAN003 finding, not a member.
      if (m.kind === 'solution' && !SOLUTION_MEMBER_KINDS.has(t.kind!)) continue;
      seen.add(t);
      members.push(t);
      stack.push({ c: t, i: 0 });
    }
    const pkg = makePackage(m, members);
    containers.push(pkg);
    packages.push(pkg);
  }

  const rank = (p: Package) => (p.kind === 'solution' ? 0 : 1);
  containers.sort((a, b) => rank(a) - rank(b) || a.members.length - b.members.length || compareCodes(a.code, b.code));
  const packageOf = new Map<Manifest, Package>();
  // The focused unit and what it holds come first, so no larger package claims them.
  if (focus?.kind) {
    const own = containers.find((p) => p.root === focus) ?? makePackage(focus, [focus]);
    if (!packages.includes(own)) packages.push(own);
    for (const member of own.members) packageOf.set(member, own);
  }
  for (const p of containers) if (!packageOf.has(p.root)) packageOf.set(p.root, p);
  for (const p of containers) {
    for (const member of p.members) if (!packageOf.has(member)) packageOf.set(member, p);
  }
  const namespaceOwner = new Map<string, Manifest>();
  for (const m of manifests) {
    if ((m.kind === 'workspace' || m.kind === 'module') && !namespaceOwner.has(m.code!)) namespaceOwner.set(m.code!, m);
  }
  for (const m of manifests) {
    if (!m.kind || packageOf.has(m) || m.kind === 'app') continue;
    const pkg = makePackage(m, [m]);
    packages.push(pkg);
    packageOf.set(m, pkg);
  }
  for (const m of manifests) {
    if (m.kind !== 'app' || packageOf.has(m)) continue;
    const owner = m.namespace === undefined ? undefined : namespaceOwner.get(m.namespace);
    const ownerPkg = owner && packageOf.get(owner);
    // Checked the way the workspace's build treats it; still a package of its own, to build alone.
    const pkg = makePackage(m, [m]);
    packages.push(pkg);
    packageOf.set(m, ownerPkg && ownerPkg.namespaces.has(m.namespace!) ? ownerPkg : pkg);
  }
  // Units held by a larger package can still be built alone.
  // (Every solution and configuration is a package already.)
  for (const m of manifests) {
    if ((m.kind !== 'workspace' && m.kind !== 'module') || m === focus) continue;
    if (packageOf.get(m)?.root !== m) packages.push(makePackage(m, [m]));
  }
  return { packages, packageOf, includeTarget, cycleLinks };
}

// The scope of every app package: one set for all (a project of many small manifests has thousands).
const NO_NAMESPACES: ReadonlySet<string> = new Set();

function makePackage(root: Manifest, members: Manifest[]): Package {
  // An app package's scope is the one app: it carries no namespace.
  if (root.kind === 'app') return { kind: 'app', code: root.code!, root, members, namespaces: NO_NAMESPACES };
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
