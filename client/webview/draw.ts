/**
 * The graph as SVG elements, laid out by dagre: the package as a dashed boundary holding its own
 * nodes, everything it reaches around it, red edges that break isolation with their codes,
 * built-ins faded. Colours come from the theme (CSS classes in graph.css use `--vscode-*`).
 * Every node and edge is focusable and activates on click, Enter or Space.
 */
import * as dagre from '@dagrejs/dagre';
import { edgeLabel, nodeDetail, nodeName, packageCaption } from '../../server/src/core/graph/labels';
import type { GraphEdge, GraphNode, ReferenceGraph } from '../../server/src/core/graph/types';
import { edgeKey, isRed } from '../src/graph/graphMessages';

const SVG = 'http://www.w3.org/2000/svg';
const CLUSTER = '\u0000package';
const PAD = 12;
const CLASSES = ['inside', 'builtin', 'viaSolution', 'breaks', 'unknown'] as const;
/** Room under a node for the loop of its references to itself (dagre routes self-edges poorly inside a cluster). */
const LOOP = 34;

/** What a drawing calls back: an item activated, or an item's words to show while it has focus or the mouse. */
export interface DrawHandlers {
  activate(kind: 'node' | 'edge', id: string): void;
  describe(text: string | undefined): void;
}

/** The drawing and what it holds (ids of nodes, keys of edges). */
export interface Drawing {
  svg: SVGSVGElement;
  nodes: string[];
  edges: { key: string; label: string; red: boolean }[];
}

/** Nodes and edges left when only what breaks isolation is wanted: red edges and their ends. */
export function breaking(g: ReferenceGraph): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const edges = g.edges.filter((e) => isRed(e.class));
  const ends = new Set(edges.flatMap((e) => [e.from, e.to]));
  return { nodes: g.nodes.filter((n) => ends.has(n.id)), edges };
}

let measureCtx: CanvasRenderingContext2D | null = null;
/** Width of `text` in the webview's font (the theme sets family and size). */
function textWidth(text: string, font: string): number {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  if (!measureCtx) return text.length * 7;
  measureCtx.font = font;
  return measureCtx.measureText(text).width;
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

function focusable(g: SVGGElement, kind: 'node' | 'edge', id: string, label: string, tip: string, h: DrawHandlers): void {
  g.setAttribute('tabindex', '0');
  g.setAttribute('role', 'button');
  g.setAttribute('aria-label', label);
  g.dataset.id = id;
  el('title', {}, g).textContent = tip;
  g.addEventListener('click', () => h.activate(kind, id));
  g.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      h.activate(kind, id);
    }
  });
  const show = () => h.describe(tip);
  const hide = () => h.describe(undefined);
  g.addEventListener('focus', show);
  g.addEventListener('mouseenter', show);
  g.addEventListener('blur', hide);
  g.addEventListener('mouseleave', () => {
    if (document.activeElement !== g) hide();
  });
}

/** Lays out and draws `nodes` and `edges` of `g`; `tips` are the hover words by node id and edge key. */
export function draw(
  g: ReferenceGraph, nodes: GraphNode[], edges: GraphEdge[],
  tips: { node: Map<string, string>; edge: Map<string, string> }, h: DrawHandlers,
): Drawing {
  const style = getComputedStyle(document.body);
  const family = style.fontFamily || 'sans-serif';
  const size = parseFloat(style.fontSize) || 13;
  const nameFont = `600 ${size}px ${family}`;
  const detailFont = `${size - 2}px ${family}`;
  const line = size + 4;

  const inside = nodes.some((n) => n.inside);
  const looped = new Set(edges.filter((e) => e.from === e.to).map((e) => e.from));
  const heightOf = (n: GraphNode) => (nodeDetail(n) ? 2 * line + 12 : line + 12);
  const sizes = new Map<string, Size>();
  for (const n of nodes) {
    const detail = nodeDetail(n);
    const width = Math.max(textWidth(nodeName(n), nameFont), detail ? textWidth(detail, detailFont) : 0, 60) + 2 * PAD;
    sizes.set(n.id, { width, height: heightOf(n) + (looped.has(n.id) ? LOOP : 0) });
  }
  for (const e of edges) {
    const label = edgeLabel(e);
    if (e.from !== e.to) sizes.set(edgeKey(e), label ? { width: textWidth(label, detailFont) + 8, height: line } : { width: 0, height: 0 });
  }
  const lay = reusable(g.level, nodes, sizes) ?? layout(g, nodes, edges, sizes, line);
  const { width, height } = lay;
  const svg = el('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': `References of ${packageCaption(g)}` });
  const defs = el('defs', {}, svg);
  for (const c of CLASSES) {
    const m = el('marker', { id: `arrow-${c}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse', class: `arrow ${c}` }, defs);
    el('path', { d: 'M0,0 L10,5 L0,10 z' }, m);
  }
  const cluster = inside ? lay.cluster : undefined;
  if (cluster) {
    const x = cluster.x - cluster.width / 2;
    const y = cluster.y - cluster.height / 2;
    const gp = el('g', { class: 'package' }, svg);
    el('rect', { x, y, width: cluster.width, height: cluster.height, rx: 10 }, gp);
    el('text', { x: x + 12, y: y + line + 4 }, gp).textContent = packageCaption(g);
  }

  // Lines lie under the boxes; the edges' focusable parts (a wide hit stroke, the label) lie over
  // them and come after the nodes in the document, so Tab visits nodes first.
  const lineLayer = el('g', { class: 'lines' }, svg);
  const drawnNodes: string[] = [];
  const nodeLayer = el('g', { class: 'nodes' }, svg);
  const boxes = new Map<string, { x: number; y: number; width: number; height: number }>();
  for (const n of nodes) {
    // A node with a loop has its room for the loop below it; the box itself sits at the top.
    const laid = lay.nodes.get(n.id)!;
    const b = { x: laid.x, y: laid.y - (looped.has(n.id) ? LOOP / 2 : 0), width: laid.width, height: heightOf(n) };
    boxes.set(n.id, b);
    const cls = ['node', n.inside ? 'inside' : 'outside', n.builtin ? 'builtin' : '', n.missing ? 'missing' : ''].filter((c) => c).join(' ');
    const gn = el('g', { class: cls }, nodeLayer);
    const detail = nodeDetail(n);
    focusable(gn, 'node', n.id, `${nodeName(n)}${detail ? `, ${detail}` : ''}`, tips.node.get(n.id) ?? n.id, h);
    el('rect', { x: b.x - b.width / 2, y: b.y - b.height / 2, width: b.width, height: b.height, rx: 5 }, gn);
    const top = detail ? b.y - line / 2 + size / 2 - 2 : b.y + size / 2 - 2;
    el('text', { x: b.x, y: top, class: 'name' }, gn).textContent = nodeName(n);
    if (detail) el('text', { x: b.x, y: top + line, class: 'detail' }, gn).textContent = detail;
    drawnNodes.push(n.id);
  }

  const drawnEdges: Drawing['edges'] = [];
  const edgeLayer = el('g', { class: 'edges' }, svg);
  edges.forEach((e) => {
    const route = e.from === e.to ? loop(boxes.get(e.from)!) : lay.edges.get(edgeKey(e)) ?? {};
    const pts = [...(route.points ?? [])];
    if (pts.length === 0) return;
    if (e.from !== e.to) {
      // Ends at a node with a loop met its room for the loop: move them onto the box itself.
      if (looped.has(e.from) && pts.length > 1) pts[0] = clip(boxes.get(e.from)!, pts[1]);
      if (looped.has(e.to) && pts.length > 1) pts[pts.length - 1] = clip(boxes.get(e.to)!, pts[pts.length - 2]);
    }
    const key = edgeKey(e);
    const label = edgeLabel(e);
    const ge = el('g', { class: `edge ${e.class}` }, edgeLayer);
    const what = `${label || e.class} edge from ${e.from} to ${e.to}`;
    focusable(ge, 'edge', key, what, tips.edge.get(key) ?? what, h);
    const d = route.d ?? pts.map((p, j) => `${j ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const lineGroup = el('g', { class: `edge-line ${e.class}` }, lineLayer);
    el('path', { d, class: 'line', 'marker-end': `url(#arrow-${e.class})` }, lineGroup);
    el('path', { d, class: 'hit' }, ge); // a wide transparent stroke: an easier target for the mouse
    const mark = (on: boolean) => () => lineGroup.classList.toggle('active', on);
    ge.addEventListener('mouseenter', mark(true));
    ge.addEventListener('mouseleave', () => lineGroup.classList.toggle('active', document.activeElement === ge));
    ge.addEventListener('focus', mark(true));
    ge.addEventListener('blur', mark(false));
    if (label && route.x !== undefined && route.y !== undefined) el('text', { x: route.x, y: route.y + size / 2 - 2, class: 'label' }, ge).textContent = label;
    drawnEdges.push({ key, label, red: isRed(e.class) });
  });
  return { svg, nodes: drawnNodes, edges: drawnEdges };
}

type Route = { points?: { x: number; y: number }[]; x?: number; y?: number; d?: string };
type Size = { width: number; height: number };
type Box = Size & { x: number; y: number };

/** Where dagre put everything: node boxes (with their loop room), edge routes by key, the package's boundary. */
interface Layout {
  width: number;
  height: number;
  cluster?: Box;
  nodes: Map<string, Box>;
  edges: Map<string, Route>;
  level: string;
  sizes: Map<string, Size>;
}

/** The last layout: an update that keeps every node (the same size) and drops or keeps edges redraws without dagre. */
let last: Layout | undefined;

function reusable(level: string, nodes: GraphNode[], sizes: Map<string, Size>): Layout | undefined {
  if (!last || last.level !== level || last.nodes.size !== nodes.length) return undefined;
  for (const [key, size] of sizes) {
    const had = last.sizes.get(key);
    if (!had || Math.abs(had.width - size.width) > 0.5 || had.height !== size.height) return undefined;
  }
  return last;
}

function layout(g: ReferenceGraph, nodes: GraphNode[], edges: GraphEdge[], sizes: Map<string, Size>, line: number): Layout {
  const lay = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  // Wide ranks: a fan of edges into one column of targets then crosses fewer boxes on its way.
  lay.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: g.level === 'entity' ? 120 : 90, edgesep: 14, marginx: 20, marginy: 20 });
  lay.setDefaultEdgeLabel(() => ({}));
  const inside = nodes.some((n) => n.inside);
  if (inside) lay.setNode(CLUSTER, { label: packageCaption(g), paddingTop: line + 18, paddingLeft: 16, paddingRight: 16, paddingBottom: 16 } as never);
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
  const result: Layout = {
    width: Math.ceil(box.width ?? 0), height: Math.ceil(box.height ?? 0),
    cluster: inside ? lay.node(CLUSTER) : undefined,
    nodes: new Map(nodes.map((n) => [n.id, lay.node(n.id)])),
    edges: new Map(edges.filter((e) => e.from !== e.to).map((e) => [edgeKey(e), lay.edge({ v: e.from, w: e.to, name: edgeKey(e) }) as Route])),
    level: g.level, sizes,
  };
  last = result;
  return result;
}

/** A loop under a node, for references from the node to itself (an unknown name of its own namespace). */
function loop(b: { x: number; y: number; width: number; height: number }): Route {
  const bottom = b.y + b.height / 2;
  const x1 = b.x + b.width / 4;
  const x2 = b.x - b.width / 4;
  return { points: [{ x: x1, y: bottom }, { x: x2, y: bottom }], x: b.x, y: bottom + LOOP - 9, d: `M${x1.toFixed(1)},${bottom.toFixed(1)} C${(x1 + 6).toFixed(1)},${(bottom + LOOP * 0.6).toFixed(1)} ${(x2 - 6).toFixed(1)},${(bottom + LOOP * 0.6).toFixed(1)} ${x2.toFixed(1)},${(bottom + 1).toFixed(1)}` };
}

/** Where the line from the centre of `b` towards `p` leaves the box. */
function clip(b: { x: number; y: number; width: number; height: number }, p: { x: number; y: number }): { x: number; y: number } {
  const dx = p.x - b.x;
  const dy = p.y - b.y;
  let w = b.width / 2;
  let h = b.height / 2;
  if (dx === 0 && dy === 0) return { x: b.x, y: b.y };
  if (Math.abs(dy) * w > Math.abs(dx) * h) {
    if (dy < 0) h = -h;
    return { x: b.x + (h * dx) / dy, y: b.y + h };
  }
  if (dx < 0) w = -w;
  return { x: b.x + w, y: b.y + (w * dy) / dx };
}
