import { GLOBAL_NAMESPACE, ORG_NAMESPACE } from '../manifest/types';
import type { GraphEdge, GraphNode, ReferenceGraph } from './types';

/** How much of an entity-level graph a view shows. */
export interface CondenseOptions {
  /** Outside namespaces drawn entity by entity; every other outside namespace is one node. */
  expanded: ReadonlySet<string>;
  /** Draw built-in entities that carry no finding (they never break isolation; hidden, they unclutter the picture). */
  builtins: boolean;
}

/** A condensed graph, and for each of its edges the keys of the edges of the full graph it stands for. */
export interface CondensedGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** By the condensed edge's key (`edgeKey`): the full graph's edge keys. */
  parts: Map<string, string[]>;
  /** Namespaces drawn as one node, with how many entities each stands for. */
  collapsed: Map<string, number>;
  /** Built-in entities left out. */
  hiddenBuiltins: number;
}

/** An edge's identity across updates: its ends, class and code (unique within a graph). */
export function edgeKey(e: { from: string; to: string; class: string; code?: string }): string {
  return `${e.from}|${e.to}|${e.class}|${e.code ?? ''}`;
}

/** The node id a collapsed namespace is drawn as. */
export function collapsedId(namespace: string): string {
  return `ns:${namespace}`;
}

/**
 * The entity level made readable: each namespace with two or more entities collapsed to one node
 * unless expanded (the package's own namespaces too when it spans several, a solution's members;
 * a workspace's own entities are always drawn), built-in entities
 * without a finding left out (unless asked for), and the edges that then run between the same
 * two nodes with the same class and code bundled into one that counts their references. At
 * namespace level, or for a graph with nothing to condense, the nodes and edges come back as given.
 */
export function condense(level: ReferenceGraph['level'], nodes: GraphNode[], edges: GraphEdge[], opts: CondenseOptions): CondensedGraph {
  const parts = new Map<string, string[]>();
  if (level !== 'entity') {
    for (const e of edges) parts.set(edgeKey(e), [edgeKey(e)]);
    return { nodes, edges, parts, collapsed: new Map(), hiddenBuiltins: 0 };
  }
  // A built-in entity stays when one of its edges is a finding (ISO007 on a licensed built-in).
  const flagged = new Set(edges.filter((e) => e.code).map((e) => e.to));
  const hidden = new Set(nodes.filter((n) => n.builtin && !opts.builtins && !flagged.has(n.id)).map((n) => n.id));
  const own = new Set(nodes.filter((n) => n.inside).map((n) => n.namespace));
  const perNamespace = new Map<string, GraphNode[]>();
  for (const n of nodes) {
    if ((n.inside && own.size < 2) || hidden.has(n.id) || opts.expanded.has(n.namespace)) continue;
    const list = perNamespace.get(n.namespace);
    if (list) list.push(n);
    else perNamespace.set(n.namespace, [n]);
  }
  const into = new Map<string, string>();
  const collapsed = new Map<string, number>();
  const groups = new Map<string, GraphNode>();
  for (const [ns, members] of perNamespace) {
    if (members.length < 2) continue;
    const id = collapsedId(ns);
    for (const m of members) into.set(m.id, id);
    collapsed.set(ns, members.length);
    groups.set(id, groupNode(ns, id, members));
  }
  const out: GraphNode[] = [];
  for (const n of nodes) {
    if (hidden.has(n.id)) continue;
    const to = into.get(n.id);
    if (to === undefined) out.push(n);
    else if (groups.has(to)) {
      out.push(groups.get(to)!);
      groups.delete(to); // drawn once, where its first member stood
    }
  }
  const merged = new Map<string, GraphEdge>();
  for (const e of edges) {
    if (hidden.has(e.to) || hidden.has(e.from)) continue;
    const c = { ...e, from: into.get(e.from) ?? e.from, to: into.get(e.to) ?? e.to };
    // Inside one collapsed namespace, references that stay inside say nothing (as at namespace level).
    if (c.from === c.to && c.class === 'inside' && e.from !== e.to) continue;
    const key = edgeKey(c);
    const had = merged.get(key);
    if (had) {
      had.references = [...had.references, ...e.references];
      parts.get(key)!.push(edgeKey(e));
    } else {
      merged.set(key, c);
      parts.set(key, [edgeKey(e)]);
    }
  }
  return { nodes: out, edges: [...merged.values()], parts, collapsed, hiddenBuiltins: hidden.size };
}

/** One node for an outside namespace's entities: built-in or missing only when all of them are. */
function groupNode(ns: string, id: string, members: GraphNode[]): GraphNode {
  const kind: GraphNode['kind'] = ns === GLOBAL_NAMESPACE ? 'global' : ns === ORG_NAMESPACE ? 'orgChart' : 'namespace';
  const node: GraphNode = {
    id, kind, namespace: ns, code: ns, title: `${members.length} entities`,
    inside: members.some((m) => m.inside), builtin: members.every((m) => m.builtin),
  };
  if (members.every((m) => m.missing)) node.missing = true;
  return node;
}
