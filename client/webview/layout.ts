/**
 * Where the graph's boxes and lines go: dagre when the set of nodes changes, the last layout
 * otherwise (an edit that moves, removes or adds references between the nodes already drawn
 * keeps every box where it is; a new edge is routed straight between its ends).
 */
import * as dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphNode } from '../../server/src/core/graph/types';
import { edgeKey } from '../../server/src/core/graph/condense';
import { Box, clip, Route } from '../../server/src/core/graph/geometry';

const CLUSTER = '\u0000package';

/** A box's size. */
export type Size = { width: number; height: number };

/** Where everything went: node boxes (with their loop room), edge routes by key, the package's boundary. */
export interface Layout {
  width: number;
  height: number;
  cluster?: Box;
  nodes: Map<string, Box>;
  edges: Map<string, Route>;
  /** What was laid out: a layout is reused only for the same level and the same boxes. */
  level: string;
  sizes: Map<string, Size>;
  /** Whether dagre ran for it (false: the previous layout, kept). */
  fresh: boolean;
}

/** What a layout needs of the drawing. */
export interface LayoutInput {
  level: string;
  caption: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Node boxes by id, edge labels by key (0 × 0 when unlabelled). */
  sizes: Map<string, Size>;
  line: number;
}

/**
 * The layout of `input`: `last` again when it holds exactly the same nodes with the same sizes
 * (routes of edges it lacks are drawn straight), otherwise dagre's.
 */
export function layoutOf(input: LayoutInput, last: Layout | undefined): Layout {
  return reuse(input, last) ?? runDagre(input);
}

function reuse(input: LayoutInput, last: Layout | undefined): Layout | undefined {
  if (!last || last.level !== input.level || last.nodes.size !== input.nodes.length) return undefined;
  for (const n of input.nodes) {
    const had = last.sizes.get(n.id);
    const size = input.sizes.get(n.id)!;
    if (!had || !last.nodes.has(n.id) || Math.abs(had.width - size.width) > 0.5 || had.height !== size.height) return undefined;
  }
  const edges = new Map<string, Route>();
  for (const e of input.edges) {
    if (e.from === e.to) continue;
    const key = edgeKey(e);
    edges.set(key, last.edges.get(key) ?? straight(last.nodes.get(e.from)!, last.nodes.get(e.to)!));
  }
  return { ...last, edges, sizes: new Map([...last.sizes, ...input.sizes]), fresh: false };
}

function runDagre(input: LayoutInput): Layout {
  const { nodes, edges, sizes, line } = input;
  const lay = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  // Wide ranks: a fan of edges into one column of targets then crosses fewer boxes on its way.
  // The tight-tree ranker: network simplex (the default) costs two to three times as much here
  // and draws these shallow graphs (a package and what it reaches) no better.
  lay.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: input.level === 'entity' ? 120 : 90, edgesep: 14, marginx: 20, marginy: 20, ranker: 'tight-tree' });
  lay.setDefaultEdgeLabel(() => ({}));
  const inside = nodes.some((n) => n.inside);
  if (inside) lay.setNode(CLUSTER, { label: input.caption, paddingTop: line + 18, paddingLeft: 16, paddingRight: 16, paddingBottom: 16 } as never);
  for (const n of nodes) {
    lay.setNode(n.id, { ...sizes.get(n.id)! });
    if (n.inside) lay.setParent(n.id, CLUSTER);
  }
  for (const e of edges) {
    if (e.from === e.to) continue;
    const key = edgeKey(e);
    const label = sizes.get(key)!;
    lay.setEdge(e.from, e.to, label.width ? { ...label, labelpos: 'c' } : {}, key);
  }
  dagre.layout(lay);
  const box = lay.graph();
  return {
    width: Math.ceil(box.width ?? 0), height: Math.ceil(box.height ?? 0),
    cluster: inside ? lay.node(CLUSTER) : undefined,
    nodes: new Map(nodes.map((n) => [n.id, lay.node(n.id)])),
    edges: new Map(edges.filter((e) => e.from !== e.to).map((e) => [edgeKey(e), lay.edge({ v: e.from, w: e.to, name: edgeKey(e) }) as Route])),
    level: input.level, sizes, fresh: true,
  };
}

/** A new edge between boxes already placed: a straight line from box to box, its label halfway. */
function straight(from: Box, to: Box): Route {
  const a = clip(from, to);
  const b = clip(to, from);
  return { points: [a, b], x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}
