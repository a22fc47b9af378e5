/**
 * The graph as SVG elements: the package as a dashed boundary holding its own nodes, everything it
 * reaches around it, red edges that break isolation with their codes, built-ins faded. Colours
 * come from the theme (CSS classes in graph.css use `--vscode-*`). Every node and edge is
 * focusable and activates on click, Enter or Space.
 *
 * An update changes only what changed: nodes and edges are matched by id and key, and an element
 * that stays keeps its identity (and its focus) with only the attributes that differ set again;
 * dagre runs only when the set of nodes changes (see layout.ts).
 */
import { edgeLabel, nodeDetail, nodeName, packageCaption } from '../../server/src/core/graph/labels';
import { edgeKey } from '../../server/src/core/graph/condense';
import type { GraphEdge, GraphNode, ReferenceGraph } from '../../server/src/core/graph/types';
import { isRed } from '../src/graph/graphMessages';
import { Box, boxAboveLoop, clip, LOOP, loop } from '../../server/src/core/graph/geometry';
import { Layout, layoutOf, Size } from './layout';

const SVG = 'http://www.w3.org/2000/svg';
const PAD = 12;
const CLASSES = ['inside', 'builtin', 'viaSolution', 'breaks', 'unknown'] as const;

/** What a drawing calls back: an item activated, or an item's words to show while it has focus or the mouse. */
export interface DrawHandlers {
  activate(kind: 'node' | 'edge', id: string): void;
  describe(text: string | undefined): void;
}

/** What one update drew: ids of nodes, keys of edges, and how much of the page it touched. */
export interface Drawing {
  nodes: string[];
  edges: { key: string; label: string; red: boolean }[];
  /** dagre ran (the nodes changed), or the last layout was kept. */
  laidOut: boolean;
  /** Elements made, and elements removed, by this update (0 and 0 for an update that only moved references). */
  created: number;
  removed: number;
}

/** Nodes and edges left when only what breaks isolation is wanted: red edges and their ends. */
export function breaking(g: { nodes: GraphNode[]; edges: GraphEdge[] }): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const edges = g.edges.filter((e) => isRed(e.class));
  const ends = new Set(edges.flatMap((e) => [e.from, e.to]));
  return { nodes: g.nodes.filter((n) => ends.has(n.id)), edges };
}

const widths = new Map<string, number>();
let measureCtx: CanvasRenderingContext2D | null = null;
/** Width of `text` in the webview's font (the theme sets family and size); kept, since a typed edit measures the same words again. */
function textWidth(text: string, font: string): number {
  const key = `${font}\u0000${text}`;
  let w = widths.get(key);
  if (w === undefined) {
    measureCtx ??= document.createElement('canvas').getContext('2d');
    if (measureCtx) measureCtx.font = font;
    w = measureCtx ? measureCtx.measureText(text).width : text.length * 7;
    widths.set(key, w);
  }
  return w;
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

/** Sets the attributes that differ (setting an equal value still costs the browser a style pass). */
function set(e: Element, attrs: Record<string, string | number>): void {
  for (const [k, v] of Object.entries(attrs)) {
    const s = String(v);
    if (e.getAttribute(k) !== s) e.setAttribute(k, s);
  }
}

function text(e: Element, s: string): void {
  if (e.textContent !== s) e.textContent = s;
}

/** A focusable item: its element, and the words its handlers read when they fire (they change in place). */
interface Item {
  g: SVGGElement;
  title: SVGTitleElement;
  tip: string;
}

interface NodeItem extends Item {
  rect: SVGRectElement;
  name: SVGTextElement;
  detail: SVGTextElement;
}

interface EdgeItem extends Item {
  lineGroup: SVGGElement;
  line: SVGPathElement;
  hit: SVGPathElement;
  label: SVGTextElement;
}

/** The page's drawing, kept across updates. */
export class GraphView {
  private readonly svg = el('svg', { role: 'group' });
  private readonly cluster = el('g', { class: 'package' });
  private readonly clusterRect = el('rect', { rx: 10 }, this.cluster);
  private readonly clusterText = el('text', {}, this.cluster);
  // Lines lie under the boxes; the edges' focusable parts (a wide hit stroke, the label) lie over
  // them and come after the nodes in the document, so Tab visits nodes first.
  private readonly lineLayer = el('g', { class: 'lines' });
  private readonly nodeLayer = el('g', { class: 'nodes' });
  private readonly edgeLayer = el('g', { class: 'edges' });
  private readonly nodeItems = new Map<string, NodeItem>();
  private readonly edgeItems = new Map<string, EdgeItem>();
  private last: Layout | undefined;

  constructor(private readonly h: DrawHandlers) {
    const defs = el('defs', {}, this.svg);
    for (const c of CLASSES) {
      const m = el('marker', { id: `arrow-${c}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse', class: `arrow ${c}` }, defs);
      el('path', { d: 'M0,0 L10,5 L0,10 z' }, m);
    }
    this.svg.append(this.cluster, this.lineLayer, this.nodeLayer, this.edgeLayer);
  }

  /** The drawing's element (the same one across updates). */
  get element(): SVGSVGElement {
    return this.svg;
  }

  /** Draws `nodes` and `edges` of `g`, changing only what differs from the last drawing; `tips` are the hover words by node id and edge key. */
  update(g: ReferenceGraph, nodes: GraphNode[], edges: GraphEdge[], tips: { node: Map<string, string>; edge: Map<string, string> }): Drawing {
    const style = getComputedStyle(document.body);
    const family = style.fontFamily || 'sans-serif';
    const size = parseFloat(style.fontSize) || 13;
    const nameFont = `600 ${size}px ${family}`;
    const detailFont = `${size - 2}px ${family}`;
    const line = size + 4;

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
    const caption = packageCaption(g);
    const lay = layoutOf({ level: g.level, caption, nodes, edges, sizes, line }, this.last);
    this.last = lay;
    let created = 0;
    let removed = 0;

    set(this.svg, { width: lay.width, height: lay.height, viewBox: `0 0 ${lay.width} ${lay.height}`, 'aria-label': `References of ${caption}` });
    const c = nodes.some((n) => n.inside) ? lay.cluster : undefined;
    this.cluster.style.display = c ? '' : 'none';
    if (c) {
      const x = c.x - c.width / 2;
      const y = c.y - c.height / 2;
      set(this.clusterRect, { x, y, width: c.width, height: c.height });
      set(this.clusterText, { x: x + 12, y: y + line + 4 });
      text(this.clusterText, caption);
    }

    const boxes = new Map<string, Box>();
    const seenNodes = new Set<string>();
    for (const n of nodes) {
      // A node with a loop has its room for the loop below it; the box itself sits at the top.
      const b = boxAboveLoop(lay.nodes.get(n.id)!, heightOf(n));
      boxes.set(n.id, b);
      seenNodes.add(n.id);
      let item = this.nodeItems.get(n.id);
      if (!item) {
        item = this.newNode(n.id);
        created++;
      }
      const detail = nodeDetail(n);
      set(item.g, { class: ['node', n.inside ? 'inside' : 'outside', n.builtin ? 'builtin' : '', n.missing ? 'missing' : ''].filter((x) => x).join(' '), 'aria-label': `${nodeName(n)}${detail ? `, ${detail}` : ''}` });
      item.tip = tips.node.get(n.id) ?? n.id;
      text(item.title, item.tip);
      set(item.rect, { x: b.x - b.width / 2, y: b.y - b.height / 2, width: b.width, height: b.height });
      const top = detail ? b.y - line / 2 + size / 2 - 2 : b.y + size / 2 - 2;
      set(item.name, { x: b.x, y: top });
      text(item.name, nodeName(n));
      set(item.detail, { x: b.x, y: top + line });
      text(item.detail, detail);
    }
    for (const [id, item] of this.nodeItems) {
      if (seenNodes.has(id)) continue;
      item.g.remove();
      this.nodeItems.delete(id);
      removed++;
    }
    inOrder(this.nodeLayer, nodes.map((n) => this.nodeItems.get(n.id)!.g));

    const drawnEdges: Drawing['edges'] = [];
    const seenEdges = new Set<string>();
    const shownEdges: EdgeItem[] = [];
    for (const e of edges) {
      const route = e.from === e.to ? loop(boxes.get(e.from)!) : lay.edges.get(edgeKey(e)) ?? {};
      const pts = [...(route.points ?? [])];
      if (pts.length === 0) continue;
      if (e.from !== e.to) {
        // Ends at a node with a loop met its room for the loop: move them onto the box itself.
        if (looped.has(e.from) && pts.length > 1) pts[0] = clip(boxes.get(e.from)!, pts[1]);
        if (looped.has(e.to) && pts.length > 1) pts[pts.length - 1] = clip(boxes.get(e.to)!, pts[pts.length - 2]);
      }
      const key = edgeKey(e);
      seenEdges.add(key);
      let item = this.edgeItems.get(key);
      if (!item) {
        item = this.newEdge(key, e.class);
        created++;
      }
      shownEdges.push(item);
      const label = edgeLabel(e);
      const what = `${label || e.class} edge from ${e.from} to ${e.to}`;
      set(item.g, { 'aria-label': what });
      item.tip = tips.edge.get(key) || what;
      text(item.title, item.tip);
      const d = route.d ?? pts.map((p, j) => `${j ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
      set(item.line, { d });
      set(item.hit, { d });
      const labelled = !!label && route.x !== undefined && route.y !== undefined;
      item.label.style.display = labelled ? '' : 'none';
      if (labelled) set(item.label, { x: route.x!, y: route.y! + size / 2 - 2 });
      text(item.label, label);
      drawnEdges.push({ key, label, red: isRed(e.class) });
    }
    for (const [key, item] of this.edgeItems) {
      if (seenEdges.has(key)) continue;
      item.g.remove();
      item.lineGroup.remove();
      this.edgeItems.delete(key);
      removed++;
    }
    inOrder(this.edgeLayer, shownEdges.map((i) => i.g));
    return { nodes: nodes.map((n) => n.id), edges: drawnEdges, laidOut: lay.fresh, created, removed };
  }

  private focusable(item: Item, kind: 'node' | 'edge', id: string): void {
    const { g } = item;
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    g.dataset.id = id;
    g.addEventListener('click', () => this.h.activate(kind, id));
    g.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        this.h.activate(kind, id);
      }
    });
    // The handlers read the item's words when they fire: an update changes them in place.
    const show = () => this.h.describe(item.tip);
    const hide = () => this.h.describe(undefined);
    g.addEventListener('focus', show);
    g.addEventListener('mouseenter', show);
    g.addEventListener('blur', hide);
    g.addEventListener('mouseleave', () => {
      if (document.activeElement !== g) hide();
    });
  }

  private newNode(id: string): NodeItem {
    const g = el('g', {}, this.nodeLayer);
    const item: NodeItem = {
      g, tip: '', title: el('title', {}, g), rect: el('rect', { rx: 5 }, g),
      name: el('text', { class: 'name' }, g), detail: el('text', { class: 'detail' }, g),
    };
    this.focusable(item, 'node', id);
    this.nodeItems.set(id, item);
    return item;
  }

  private newEdge(key: string, cls: string): EdgeItem {
    const g = el('g', { class: `edge ${cls}` }, this.edgeLayer);
    const lineGroup = el('g', { class: `edge-line ${cls}` }, this.lineLayer);
    const item: EdgeItem = {
      g, lineGroup, tip: '', title: el('title', {}, g),
      line: el('path', { class: 'line', 'marker-end': `url(#arrow-${cls})` }, lineGroup),
      hit: el('path', { class: 'hit' }, g), // a wide transparent stroke: an easier target for the mouse
      label: el('text', { class: 'label' }, g),
    };
    this.focusable(item, 'edge', key);
    const mark = (on: boolean) => () => lineGroup.classList.toggle('active', on);
    g.addEventListener('mouseenter', mark(true));
    g.addEventListener('mouseleave', () => lineGroup.classList.toggle('active', document.activeElement === g));
    g.addEventListener('focus', mark(true));
    g.addEventListener('blur', mark(false));
    this.edgeItems.set(key, item);
    return item;
  }
}

/** Puts `children` in this order under `parent` (Tab follows the document), moving only those out of place. */
function inOrder(parent: Element, children: Element[]): void {
  let at = parent.firstElementChild;
  for (const c of children) {
    if (c === at) at = at.nextElementSibling;
    else parent.insertBefore(c, at);
  }
}
