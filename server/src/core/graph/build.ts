import { packageView } from '../check';
import { compareCodes } from '../compare';
import type { Range } from '../json/positions';
import { locationsOf } from '../language/locations';
import { locateInManifest } from '../manifest/locationMemo';
import type { Project } from '../manifest/project';
import { GLOBAL_NAMESPACE, ORG_NAMESPACE, EntityDecl, Manifest, Package } from '../manifest/types';
import { contextNamespace } from '../manifest/resolve';
import { importVerdict, ReferenceVerdict, referenceVerdict } from '../manifest/verdict';
import { pathKey } from '../json/path';
import { stringRange, valueRange } from './sites';
import type { GraphEdge, GraphLevel, GraphNode, NamespaceNodeKind, ReferenceGraph, ReferenceSite } from './types';

/** Graphs already drawn per project snapshot: a snapshot never changes, so neither does its graph. */
const cache = new WeakMap<Project, Map<string, ReferenceGraph>>();

/**
 * The reference graph of a package at one level, from the same model and the same resolution
 * the checks use: every reference of every manifest checked in the package (see `packageView`),
 * classed by `referenceVerdict`, so each breaking edge is a finding of the check and the other
 * way round. At namespace level, references inside one namespace are left out (they say nothing
 * about what the package needs); at entity level they are edges between the entities.
 */
export function buildGraph(project: Project, pkg: Package, level: GraphLevel): ReferenceGraph {
  let perProject = cache.get(project);
  if (!perProject) cache.set(project, (perProject = new Map()));
  const key = `${pkg.kind}\u0000${pkg.code}\u0000${pkg.root.file}\u0000${level}`;
  let g = perProject.get(key);
  if (!g) perProject.set(key, (g = new GraphBuilder(project, pkg, level).build()));
  return g;
}

class GraphBuilder {
  private readonly view: Project;
  private readonly pkg: Package;
  private readonly manifests: Manifest[];
  private readonly nodes = new Map<string, GraphNode>();
  private readonly edges = new Map<string, GraphEdge>();

  constructor(project: Project, pkg: Package, private readonly level: GraphLevel) {
    ({ view: this.view, pkg: this.pkg, manifests: this.manifests } = packageView(project, pkg));
  }

  build(): ReferenceGraph {
    // What the package declares is drawn inside its box even when nothing refers to it or from it.
    for (const m of this.manifests) this.addDeclared(m);
    for (const m of this.manifests) this.addManifest(m);
    const nodes = [...this.nodes.values()].sort((a, b) => Number(b.inside) - Number(a.inside) || compareCodes(a.id, b.id));
    const edges = [...this.edges.values()].sort((a, b) => compareCodes(a.from, b.from) || compareCodes(a.to, b.to) || compareCodes(a.class, b.class));
    const root = this.pkg.root;
    return { package: { kind: this.pkg.kind, code: this.pkg.code, file: root.file, title: root.title }, level: this.level, nodes, edges };
  }

  /** The manifest's namespace and top-level entities (nested ones, fields or scripts, belong to their owner's node). */
  private addDeclared(m: Manifest): void {
    if (this.level === 'namespace') {
      if (m.namespace) this.namespaceNode(m.namespace, true);
      for (const e of m.entities) if (!e.parent) this.namespaceNode(e.namespace, true);
    } else {
      for (const e of m.entities) if (!e.parent) this.entityNode(e, true);
    }
  }

  private addManifest(m: Manifest): void {
    const loc = locationsOf(m);
    for (const ref of m.references) {
      const r = this.view.resolve(ref);
      const verdict = referenceVerdict(r);
      const target = r.targets[0];
      const namespace = target?.namespace ?? r.builtin?.namespace ?? r.namespace;
      const to = this.level === 'namespace'
        ? this.namespaceNode(namespace)
        : target ? this.entityNode(target) : this.outsideEntityNode(ref.kind, namespace, r.code, !!r.builtin, r.builtin?.title);
      const range = loc.reference(ref) ?? zero();
      this.addEdge(this.sourceOf(m, ref.owner), to, verdict, { kind: ref.kind, text: ref.text, file: m.file, range });
    }
    if (m.scripts.some((s) => s.imports.length > 0)) {
      const pkg = this.view.packageOf(m) ?? this.pkg;
      const found = locateInManifest(m, m.scripts.flatMap((s) => s.imports.map((i) => i.path)));
      for (const s of m.scripts) {
        for (const imp of s.imports) {
          const range = stringRange(m, found.get(pathKey(imp.path)));
          this.addEdge(this.sourceOf(m, s.entity), this.namespaceNode(imp.namespace), importVerdict(pkg, this.view.catalog, imp.namespace),
            { kind: 'import', text: imp.namespace, file: m.file, range });
        }
      }
    }
  }

  /** The node a reference leaves from: its top-level entity, or the manifest's namespace. */
  private sourceOf(m: Manifest, owner: EntityDecl | undefined): GraphNode {
    let top = owner;
    while (top?.parent) top = top.parent;
    if (this.level === 'namespace' || !top) return this.namespaceNode(top?.namespace ?? contextNamespace(m), true);
    return this.entityNode(top, true);
  }

  private addEdge(from: GraphNode, to: GraphNode, v: ReferenceVerdict, site: ReferenceSite): void {
    if (this.level === 'namespace' && from === to && v.class === 'inside') return;
    const key = `${from.id}\u0000${to.id}\u0000${v.class}\u0000${v.code ?? ''}`;
    const e = this.edges.get(key);
    if (e) e.references.push(site);
    else this.edges.set(key, { from: from.id, to: to.id, class: v.class, ...(v.code ? { code: v.code } : {}), references: [site] });
  }

  private entityNode(e: EntityDecl, source = false): GraphNode {
    const id = `${e.kind}:${e.namespace}.${e.code}`;
    let n = this.nodes.get(id);
    if (!n) {
      const inside = source || (this.pkg.kind === 'app' ? e.manifest === this.pkg.root : this.pkg.namespaces.has(e.namespace));
      n = { id, kind: e.kind, namespace: e.namespace, code: e.code, title: e.title, inside, builtin: false, file: e.manifest.file, range: locationsOf(e.manifest).code(e) };
      const all = this.view.index.same(e);
      if (all.length > 1) n.declarations = all.map((d) => ({ file: d.manifest.file, range: locationsOf(d.manifest).code(d) ?? zero() }));
      this.nodes.set(id, n);
    } else if (source) n.inside = true;
    return n;
  }

  /** A built-in entity, or one that exists nowhere. */
  private outsideEntityNode(kind: GraphNode['kind'], namespace: string, code: string, builtin: boolean, title?: string): GraphNode {
    const id = `${builtin ? '' : 'missing:'}${kind}:${namespace}.${code}`;
    let n = this.nodes.get(id);
    if (!n) this.nodes.set(id, (n = { id, kind, namespace, code, ...(title ? { title } : {}), inside: false, builtin, ...(builtin ? {} : { missing: true }) }));
    return n;
  }

  private namespaceNode(ns: string, source = false): GraphNode {
    const id = `ns:${ns}`;
    let n = this.nodes.get(id);
    if (n) {
      if (source) n.inside = true;
      return n;
    }
    const view = this.view;
    const builtin = view.catalog.namespaces.get(ns);
    const defining = view.firstWithCode('namespace', ns) ?? (view.isSolutionCode(ns) ? view.firstWithCode('solution', ns) : undefined);
    const kind: NamespaceNodeKind = ns === GLOBAL_NAMESPACE ? 'global' : ns === ORG_NAMESPACE ? 'orgChart' : builtin ? 'builtin'
      : defining ? (defining.kind as NamespaceNodeKind) : 'namespace';
    const inside = source || (this.pkg.kind === 'app' ? ns === this.pkg.root.namespace : this.pkg.namespaces.has(ns));
    const title = builtin?.title ?? defining?.title ?? (kind === 'global' ? 'Global objects' : kind === 'orgChart' ? 'Org chart' : undefined);
    n = { id, kind, namespace: ns, code: ns, ...(title ? { title } : {}), inside, builtin: !!builtin };
    if (!builtin && !defining && kind === 'namespace' && !view.index.namespaces.has(ns)) n.missing = true;
    if (defining) {
      n.file = defining.file;
      n.range = valueRange(defining, ['code']);
    }
    // App manifests of the namespace name it in their `namespace`: each is a declaration too.
    const spread = (view.index.namespaces.get(ns) ?? []).filter((m) => m !== defining);
    if (spread.length > 0 && (defining || spread.length > 1)) {
      n.declarations = [
        ...(defining ? [{ file: defining.file, range: n.range! }] : []),
        ...spread.map((m) => ({ file: m.file, range: valueRange(m, [m.kind === 'app' ? 'namespace' : 'code']) })),
      ];
    }
    this.nodes.set(id, n);
    return n;
  }
}

function zero(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}
