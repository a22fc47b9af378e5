import type DagreModule from '@dagrejs/dagre' with { 'resolution-mode': 'import' };
import { Box, boxAboveLoop, clip, LOOP, loop, Route } from './geometry';
import { COLOURS, edgeLabel, nodeDetail, nodeName, packageCaption, plainText } from './labels';
import type { GraphEdge, GraphNode, ReferenceGraph } from './types';

/**
 * The layout library, loaded on the first drawing: the package is an ES module with a CommonJS
 * build, which `require` picks (and esbuild bundles); loading it late keeps it out of the
 * start-up of `isola check`, whose bundle it shares.
 */
function layoutLibrary(): typeof DagreModule {
  return require('@dagrejs/dagre');
}

/** Text for SVG (XML) content and attribute values: the five markup characters as entities. */
export function xmlText(s: string): string {
  return plainText(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CLUSTER = '\u0000package';
const CHAR = 6.6; // average width of a character at 11px, enough to size boxes without measuring fonts
const PAD = 12;

/**
 * The graph as a standalone SVG, laid out by dagre (no Graphviz needed): the package as a dashed
 * box holding its nodes, outside nodes around it, isolation-breaking edges red with their codes,
 * built-ins faded, a legend below.
 */
export function toSvg(g: ReferenceGraph): string {
  const dagre = layoutLibrary();
  const lay = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  lay.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 70, edgesep: 12, marginx: 16, marginy: 16, ranker: 'tight-tree' });
  lay.setDefaultEdgeLabel(() => ({}));
  const caption = packageCaption(g);
  lay.setNode(CLUSTER, { label: caption, paddingTop: 28, paddingLeft: 14, paddingRight: 14, paddingBottom: 14 } as never);
  // A node that refers to itself gets room for its loop under it, laid out with the node (see geometry.ts).
  const looped = new Set(g.edges.filter((e) => e.from === e.to).map((e) => e.from));
  const heightOf = (n: GraphNode) => (nodeDetail(n) ? 40 : 26);
  for (const n of g.nodes) {
    const width = Math.max(nodeName(n).length * (CHAR + 0.6), nodeDetail(n).length * (CHAR - 0.8), 60) + 2 * PAD;
    lay.setNode(n.id, { width, height: heightOf(n) + (looped.has(n.id) ? LOOP : 0) });
    if (n.inside) lay.setParent(n.id, CLUSTER);
  }
  g.edges.forEach((e, i) => {
    if (e.from === e.to) return;
    const label = edgeLabel(e);
    lay.setEdge(e.from, e.to, label ? { width: label.length * CHAR + 6, height: 14, labelpos: 'c' } : {}, String(i));
  });
  dagre.layout(lay);
  const boxes = new Map<string, Box>(g.nodes.map((n) => [n.id, boxAboveLoop(lay.node(n.id), heightOf(n))]));
  const routeOf = (e: GraphEdge, i: number): Route => {
    if (e.from === e.to) return loop(boxes.get(e.from)!);
    const route: Route = lay.edge({ v: e.from, w: e.to, name: String(i) });
    const pts = [...(route.points ?? [])];
    // An end at a node with a loop met the room for the loop: it is moved onto the box itself.
    if (pts.length > 1 && looped.has(e.from)) pts[0] = clip(boxes.get(e.from)!, pts[1]);
    if (pts.length > 1 && looped.has(e.to)) pts[pts.length - 1] = clip(boxes.get(e.to)!, pts[pts.length - 2]);
    return { ...route, points: pts };
  };

  const graph = lay.graph();
  const legendHeight = 30;
  const key = legend(Math.ceil(graph.height ?? 0) + 8);
  const width = Math.max(Math.ceil(graph.width ?? 0), key.width);
  const height = Math.ceil(graph.height ?? 0) + legendHeight;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  out.push(`<title>${xmlText(`References of ${caption}`)}</title>`);
  out.push('<defs>');
  for (const [name, colour] of Object.entries(COLOURS)) {
    out.push(`<marker id="arrow-${name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`);
  }
  out.push('</defs>');
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  const box = lay.node(CLUSTER);
  if (box && g.nodes.some((n) => n.inside)) {
    const x = box.x - box.width / 2;
    const y = box.y - box.height / 2;
    out.push(`<g class="package"><rect x="${r(x)}" y="${r(y)}" width="${r(box.width)}" height="${r(box.height)}" rx="10" fill="#f3f7fc" stroke="${COLOURS.package}" stroke-dasharray="6 3"/>`);
    out.push(`<text x="${r(x + 10)}" y="${r(y + 18)}" fill="${COLOURS.package}" font-weight="bold">${xmlText(caption)}</text></g>`);
  }
  g.edges.forEach((e, i) => out.push(edgeSvg(e, routeOf(e, i))));
  for (const n of g.nodes) out.push(nodeSvg(n, boxes.get(n.id)!));
  out.push(key.svg);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function nodeSvg(n: GraphNode, b: Box): string {
  const x = b.x - b.width / 2;
  const y = b.y - b.height / 2;
  const faded = n.builtin ? ' opacity="0.55"' : '';
  const stroke = n.missing ? `${COLOURS.unknown}" stroke-dasharray="4 3` : n.builtin ? COLOURS.builtin : n.inside ? COLOURS.package : '#777777';
  const detail = nodeDetail(n);
  const lines = [`<tspan x="${r(b.x)}" dy="0" font-weight="bold">${xmlText(nodeName(n))}</tspan>`];
  if (detail) lines.push(`<tspan x="${r(b.x)}" dy="14" font-size="9.5" fill="#666666">${xmlText(detail)}</tspan>`);
  const top = detail ? b.y - 3 : b.y + 4;
  return `<g class="node${n.inside ? ' inside' : ''}${n.builtin ? ' builtin' : ''}${n.missing ? ' missing' : ''}"${faded}><title>${xmlText(n.id)}</title>` +
    `<rect x="${r(x)}" y="${r(y)}" width="${r(b.width)}" height="${r(b.height)}" rx="5" fill="${n.builtin ? '#f6f6f6' : '#ffffff'}" stroke="${stroke}"/>` +
    `<text x="${r(b.x)}" y="${r(top)}" text-anchor="middle">${lines.join('')}</text></g>`;
}

function edgeSvg(e: GraphEdge, route: Route): string {
  const pts = route.points ?? [];
  if (pts.length === 0) return '';
  const colour = COLOURS[e.class];
  const d = route.d ?? pts.map((p, i) => `${i ? 'L' : 'M'}${r(p.x)},${r(p.y)}`).join(' ');
  const dash = e.class === 'viaSolution' || e.class === 'unknown' ? ' stroke-dasharray="5 4"' : '';
  const widthAttr = e.class === 'breaks' ? 2 : 1.2;
  const faded = e.class === 'builtin' ? ' opacity="0.6"' : '';
  const label = edgeLabel(e);
  const sites = e.references.map((s) => `${s.file}:${s.range.start.line + 1} ${s.text}`).join('\n');
  const text = label && route.x !== undefined && route.y !== undefined
    ? `<text x="${r(route.x)}" y="${r(route.y + 4)}" text-anchor="middle" font-size="10" fill="${colour}" stroke="#ffffff" stroke-width="3" paint-order="stroke"${e.class === 'breaks' ? ' font-weight="bold"' : ''}>${xmlText(label)}</text>`
    : '';
  return `<g class="edge ${e.class}"${faded}><title>${xmlText(sites)}</title><path d="${d}" fill="none" stroke="${colour}" stroke-width="${widthAttr}"${dash} marker-end="url(#arrow-${e.class})"/>${text}</g>`;
}

/** The key of colours and dashes under the drawing, and how wide it is. */
function legend(y: number): { svg: string; width: number } {
  const items: [string, string, string][] = [
    [COLOURS.breaks, '', 'breaks isolation (code)'],
    [COLOURS.viaSolution, ' stroke-dasharray="5 4"', 'only through the solution'],
    [COLOURS.unknown, ' stroke-dasharray="5 4"', 'unknown target'],
    [COLOURS.inside, '', 'inside'],
    [COLOURS.builtin, '', 'built-in'],
  ];
  let x = 16;
  const parts = items.map(([colour, dash, words]) => {
    const s = `<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${colour}" stroke-width="2"${dash}/><text x="${x + 28}" y="${y + 4}" font-size="10" fill="#444444">${xmlText(words)}</text>`;
    x += 40 + words.length * 5.6;
    return s;
  });
  return { svg: `<g class="legend">${parts.join('')}</g>`, width: Math.ceil(x) };
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}
