import { COLOURS, edgeLabel, nodeDetail, nodeName, packageCaption, plainText } from './labels';
import type { ReferenceGraph } from './types';

/**
 * Text for a Mermaid quoted label. Mermaid has no backslash escapes: it reads `#name;` and
 * `#123;` entity codes, so every character that could end the label or start markup
 * (`"`, `<`, `>`, `&`, `#`, backquote, `|`, brackets) is written as a numeric code.
 */
export function mermaidText(s: string): string {
  return plainText(s).replace(/["<>&#`|[\]{}()]/g, (c) => `#${c.charCodeAt(0)};`);
}

/**
 * The graph as a fenced Mermaid flowchart, ready for a pull-request comment: the package as a
 * subgraph, outside nodes around it, breaking edges thick and red with their codes, built-ins faded.
 */
export function toMermaid(g: ReferenceGraph): string {
  const ids = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const out: string[] = ['```mermaid', 'flowchart LR'];
  const line = (n: (typeof g.nodes)[number]) => {
    const detail = nodeDetail(n);
    const label = mermaidText(nodeName(n)) + (detail ? `<br/>${mermaidText(detail)}` : '');
    const cls = n.builtin ? ':::builtin' : n.missing ? ':::missing' : '';
    return `${ids.get(n.id)}["${label}"]${cls}`;
  };
  out.push(`  subgraph pkg["${mermaidText(packageCaption(g))}"]`);
  for (const n of g.nodes) if (n.inside) out.push(`    ${line(n)}`);
  out.push('  end');
  for (const n of g.nodes) if (!n.inside) out.push(`  ${line(n)}`);
  const styles: string[] = [];
  g.edges.forEach((e, i) => {
    const label = edgeLabel(e);
    const arrow = e.class === 'breaks' ? '==>' : e.class === 'viaSolution' || e.class === 'unknown' ? '-.->' : '-->';
    out.push(`  ${ids.get(e.from)} ${arrow}${label ? `|"${mermaidText(label)}"|` : ''} ${ids.get(e.to)}`);
    const colour = e.class === 'unknown' ? COLOURS.unknown : COLOURS[e.class];
    if (e.class !== 'inside') styles.push(`  linkStyle ${i} stroke:${colour},color:${colour}${e.class === 'breaks' ? ',stroke-width:2px' : ''}`);
  });
  out.push(...styles);
  out.push(`  classDef builtin fill:#f6f6f6,stroke:${COLOURS.builtin},color:#999999`);
  out.push(`  classDef missing stroke:${COLOURS.unknown},stroke-dasharray:4 3`);
  out.push(`  style pkg stroke:${COLOURS.package},stroke-dasharray:6 3`);
  out.push('```');
  return out.join('\n') + '\n';
}
