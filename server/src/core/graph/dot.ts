import { COLOURS, edgeLabel, nodeDetail, nodeName, packageCaption, plainText } from './labels';
import type { GraphEdge, GraphNode, ReferenceGraph } from './types';

/**
 * A DOT quoted string. In DOT only `\"` is an escape, but label strings then read `\\`, `\n`,
 * `\l`... as escapes of their own, so a backslash is doubled too: a title ending in `\` cannot
 * swallow the closing quote, and `\N` in a code is not the node's name.
 */
export function dotString(s: string): string {
  return `"${plainText(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A DOT label of several lines: each line escaped, joined by DOT's own `\n`. */
export function dotLabel(lines: string[]): string {
  return `"${lines.filter((l) => l).map((l) => dotString(l).slice(1, -1)).join('\\n')}"`;
}

/** The graph in Graphviz DOT: the package as a dashed cluster, outside nodes around it, breaking edges red. */
export function toDot(g: ReferenceGraph): string {
  const out: string[] = [];
  out.push(`digraph ${dotString(`isola ${g.package.kind} ${g.package.code}`)} {`);
  out.push('  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.3, ranksep=0.8];');
  out.push('  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];');
  out.push(`  edge [fontname="Helvetica", fontsize=9, color="${COLOURS.inside}"];`);
  out.push('  subgraph "cluster_package" {');
  out.push(`    label=${dotString(packageCaption(g))}; style="dashed,rounded"; color="${COLOURS.package}"; fontcolor="${COLOURS.package}";`);
  for (const n of g.nodes) if (n.inside) out.push(`    ${node(n)}`);
  out.push('  }');
  for (const n of g.nodes) if (!n.inside) out.push(`  ${node(n)}`);
  for (const e of g.edges) out.push(`  ${edge(e)}`);
  out.push('}');
  return out.join('\n') + '\n';
}

function node(n: GraphNode): string {
  const attrs = [`label=${dotLabel([nodeName(n), nodeDetail(n)])}`];
  if (n.builtin) attrs.push(`color="${COLOURS.builtin}"`, `fontcolor="${COLOURS.builtin}"`, 'fillcolor="#f6f6f6"');
  else if (n.missing) attrs.push(`color="${COLOURS.unknown}"`, 'style="rounded,dashed"');
  return `${dotString(n.id)} [${attrs.join(', ')}];`;
}

function edge(e: GraphEdge): string {
  const attrs: string[] = [];
  const label = edgeLabel(e);
  if (label) attrs.push(`label=${dotString(label)}`);
  if (e.class === 'breaks' || e.class === 'unknown') attrs.push(`color="${COLOURS.breaks}"`, `fontcolor="${COLOURS.breaks}"`, 'penwidth=2');
  if (e.class === 'unknown') attrs.push('style=dashed');
  if (e.class === 'viaSolution') attrs.push(`color="${COLOURS.viaSolution}"`, `fontcolor="${COLOURS.viaSolution}"`, 'style=dashed');
  if (e.class === 'builtin') attrs.push(`color="${COLOURS.builtin}"`, `fontcolor="${COLOURS.builtin}"`);
  return `${dotString(e.from)} -> ${dotString(e.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`;
}
