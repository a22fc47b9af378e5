import type { GraphLevel, ReferenceGraph, ReferenceSite } from '../../../server/src/core/graph/types';
export { edgeKey } from '../../../server/src/core/graph/condense';

/** What the panel posts to the graph's webview: a graph to draw (in place), or why there is none. */
export type ToGraphView =
  | {
      type: 'graph';
      graph: ReferenceGraph;
      /** Per edge of `graph.edges`, the words its hover shows: the findings' messages, or where its references stand. */
      edgeTips: string[];
      /** Per node of `graph.nodes`, the words its hover shows. */
      nodeTips: string[];
    }
  | { type: 'error'; message: string };

/**
 * The graph as the page gets it: the page only counts an edge's references and never opens a
 * node itself (the panel resolves every click against the full graph), so the reference sites
 * travel as empty placeholders and the nodes without their ranges. At entity level on the
 * 10,000-entity project this makes the message several times smaller.
 */
export function forPage(g: ReferenceGraph): ReferenceGraph {
  return {
    ...g,
    nodes: g.nodes.map(({ file: _f, range: _r, declarations: _d, ...n }) => n),
    edges: g.edges.map((e) => ({ ...e, references: e.references.map(() => ({}) as ReferenceSite) })),
  };
}

/** What the webview reports it drew (the panel keeps it; the tests read it). */
export interface DrawnGraph {
  level: GraphLevel;
  onlyBreaks: boolean;
  nodes: string[];
  /** Each edge drawn, by `edgeKey`, with its label and whether it is drawn red (it breaks isolation). */
  edges: { key: string; label: string; red: boolean }[];
  /** Milliseconds from the graph's arrival in the webview to its drawing on screen (layout included). */
  ms: number;
  /** dagre laid the graph out again (the nodes changed); false when the last layout was kept. */
  laidOut?: boolean;
  /** SVG items made and removed by this drawing: an update that only moves references makes none. */
  created?: number;
  removed?: number;
  /** Entity level: outside namespaces drawn as one node each, and how many built-in entities are left out. */
  collapsed?: string[];
  hiddenBuiltins?: number;
}

/** What the webview sends: ready, a click (or Enter) on a node or an edge, the level switched, a drawing done. */
export type FromGraphView =
  | { command: 'ready' }
  | { command: 'openNode'; id: string }
  /** `keys`: the graph's edges a drawn edge stands for, when it bundles several (entity level, a collapsed namespace). */
  | { command: 'openEdge'; key: string; keys?: string[] }
  | { command: 'level'; level: GraphLevel }
  | { command: 'drawn'; drawn: DrawnGraph };

/** Edge classes drawn red: references that break isolation, or name something that exists nowhere. */
export function isRed(cls: string): boolean {
  return cls === 'breaks' || cls === 'unknown';
}

/**
 * Whether a message from the webview is one the panel understands. The page is ours, but what it
 * posts is checked as input all the same: a message of another shape is ignored.
 */
export function isGraphMessage(m: unknown): m is FromGraphView {
  if (typeof m !== 'object' || m === null) return false;
  const x = m as Record<string, unknown>;
  switch (x.command) {
    case 'ready': return true;
    case 'openNode': return typeof x.id === 'string';
    case 'openEdge': return typeof x.key === 'string' && (x.keys === undefined || (Array.isArray(x.keys) && x.keys.every((k) => typeof k === 'string')));
    case 'level': return x.level === 'namespace' || x.level === 'entity';
    case 'drawn': return typeof x.drawn === 'object' && x.drawn !== null && Array.isArray((x.drawn as DrawnGraph).nodes) && Array.isArray((x.drawn as DrawnGraph).edges);
    default: return false;
  }
}
