import type { GraphLevel, ReferenceGraph } from '../../../server/src/core/graph/types';

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

/** What the webview reports it drew (the panel keeps it; the tests read it). */
export interface DrawnGraph {
  level: GraphLevel;
  onlyBreaks: boolean;
  nodes: string[];
  /** Each edge drawn, by `edgeKey`, with its label and whether it is drawn red (it breaks isolation). */
  edges: { key: string; label: string; red: boolean }[];
  /** Milliseconds from the graph's arrival in the webview to its drawing on screen (layout included). */
  ms: number;
}

/** What the webview sends: ready, a click (or Enter) on a node or an edge, the level switched, a drawing done. */
export type FromGraphView =
  | { command: 'ready' }
  | { command: 'openNode'; id: string }
  | { command: 'openEdge'; key: string }
  | { command: 'level'; level: GraphLevel }
  | { command: 'drawn'; drawn: DrawnGraph };

/** An edge's identity across updates: its ends, class and code (unique within a graph). */
export function edgeKey(e: { from: string; to: string; class: string; code?: string }): string {
  return `${e.from}|${e.to}|${e.class}|${e.code ?? ''}`;
}

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
    case 'openEdge': return typeof x.key === 'string';
    case 'level': return x.level === 'namespace' || x.level === 'entity';
    case 'drawn': return typeof x.drawn === 'object' && x.drawn !== null && Array.isArray((x.drawn as DrawnGraph).nodes) && Array.isArray((x.drawn as DrawnGraph).edges);
    default: return false;
  }
}
