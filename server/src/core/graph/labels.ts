import { ENTITY_NOUN } from '../manifest/kinds';
import type { EntityKind } from '../manifest/types';
import type { GraphEdge, GraphNode, ReferenceGraph } from './types';

/** The words every drawing shows; each renderer escapes them for its own format. */

/** First line of a node: its code, qualified when it lies outside the package. */
export function nodeName(n: GraphNode): string {
  if (n.kind === 'orgChart') return 'org chart';
  if (n.kind === 'global') return 'global';
  if (n.id.startsWith('ns:')) return n.code;
  if (n.inside || n.kind === 'orgUnit') return n.code;
  return `${n.namespace}.${n.code}`;
}

/** Second line of a node: what it is, its title, and whether it exists. */
export function nodeDetail(n: GraphNode): string {
  const what = n.id.startsWith('ns:') ? (n.builtin ? 'built-in' : n.kind === 'orgChart' || n.kind === 'global' ? '' : n.kind)
    : `${n.builtin ? 'built-in ' : ''}${ENTITY_NOUN[n.kind as EntityKind] ?? n.kind}`;
  const parts = [what, n.title && n.title.toLowerCase() !== nodeName(n).toLowerCase() ? n.title : '', n.missing ? 'not found' : ''].filter((p) => p);
  return parts.join(' · ');
}

/** An edge's words: its rule code and how many references it stands for. */
export function edgeLabel(e: GraphEdge): string {
  const n = e.references.length;
  return [e.code ?? '', n > 1 ? `×${n}` : ''].filter((p) => p).join(' ');
}

/** The package's words, on its boundary. */
export function packageCaption(g: ReferenceGraph): string {
  const p = g.package;
  return `${p.kind} ${p.code}${p.title && p.title !== p.code ? ` · ${p.title}` : ''}`;
}

/** Characters that break every text format when they slip through: controls and lone surrogates. */
export function plainText(s: string): string {
  return s.replace(/[\u0000-\u001F\u007F]+/g, ' ').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Colours shared by the drawings: red breaks isolation, grey is built in, blue is the package. */
export const COLOURS = {
  breaks: '#d0021b',
  unknown: '#d0021b',
  viaSolution: '#b26b00',
  inside: '#555555',
  builtin: '#b0b0b0',
  package: '#3a6ea5',
} as const;
