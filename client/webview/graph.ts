/**
 * The script of the package graph's webview (bundled by `npm run build:webview` into
 * dist/webview/graph.js; never imported by the extension). It draws what the panel posts, in
 * place, and posts back clicks, the level switch and what it drew. Its choices (level, only what
 * breaks isolation) survive the panel being hidden through the webview's state.
 */
import { condense } from '../../server/src/core/graph/condense';
import type { GraphLevel } from '../../server/src/core/graph/types';
import { edgeKey, type DrawnGraph, type FromGraphView, type ToGraphView } from '../src/graph/graphMessages';
import { fill, pageWords, type PageWords } from '../src/graph/pageWords';
import { breaking, GraphView } from './draw';
import './graph.css';

interface VsCodeApi {
  postMessage(message: FromGraphView): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface ViewState {
  level: GraphLevel;
  onlyBreaks: boolean;
  /** Entity level: draw built-in entities that carry no finding. */
  builtins: boolean;
  /** Entity level: outside namespaces drawn entity by entity (the others are one node each). */
  expanded: string[];
}

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as Partial<ViewState> | undefined;
const state: ViewState = {
  level: saved?.level === 'entity' ? 'entity' : 'namespace', onlyBreaks: saved?.onlyBreaks === true,
  builtins: saved?.builtins === true, expanded: Array.isArray(saved?.expanded) ? saved.expanded.filter((x) => typeof x === 'string') : [],
};

/** The words the panel wrote into the page in the display language (English when absent). */
const words: PageWords = { ...pageWords(), ...readWords() };

function readWords(): Partial<PageWords> {
  try {
    return JSON.parse(document.body.dataset.words ?? '{}') as Partial<PageWords>;
  } catch {
    return {};
  }
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const canvas = byId<HTMLDivElement>('canvas');
const caption = byId<HTMLSpanElement>('caption');
const info = byId<HTMLDivElement>('info');
const levelButtons = { namespace: byId<HTMLButtonElement>('level-namespace'), entity: byId<HTMLButtonElement>('level-entity') };
const onlyBreaks = byId<HTMLInputElement>('only-breaks');
const showBuiltins = document.getElementById('show-builtins') as HTMLInputElement | null;
const collapseAll = document.getElementById('collapse') as HTMLButtonElement | null;

let current: Extract<ToGraphView, { type: 'graph' }> | undefined;
let lastTip = '';

function showLevel(): void {
  for (const [level, button] of Object.entries(levelButtons)) button.setAttribute('aria-pressed', String(level === state.level));
  onlyBreaks.checked = state.onlyBreaks;
  if (showBuiltins) {
    showBuiltins.checked = state.builtins;
    (showBuiltins.parentElement as HTMLElement).hidden = state.level !== 'entity';
  }
  if (collapseAll) collapseAll.hidden = state.level !== 'entity' || state.expanded.length === 0;
}

/** The edge keys a drawn edge stands for (several when it bundles the edges into a collapsed namespace). */
let parts = new Map<string, string[]>();
/** Collapsed namespaces drawn, by node id. */
let groups = new Map<string, string>();

const view = new GraphView({
  activate: (kind, id) => {
    const ns = kind === 'node' ? groups.get(id) : undefined;
    if (ns !== undefined) {
      // A collapsed namespace opens up in place: its entities are drawn instead.
      state.expanded = [...state.expanded, ns];
      vscode.setState(state);
      showLevel();
      render();
      return;
    }
    if (kind === 'node') vscode.postMessage({ command: 'openNode', id });
    else {
      // An edge into a collapsed namespace is none of the graph's: it names the edges it stands for.
      const keys = parts.get(id);
      vscode.postMessage({ command: 'openEdge', key: id, ...(keys && (keys.length !== 1 || keys[0] !== id) ? { keys } : {}) });
    }
  },
  describe,
});

function describe(text: string | undefined): void {
  info.textContent = text ?? lastTip;
}

/** Draws the current graph in place (only what changed), keeping the focused item focused. */
function render(): void {
  if (!current) return;
  const started = performance.now();
  const { graph } = current;
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.id;
  const filtered = state.onlyBreaks ? breaking(graph) : graph;
  const shown = condense(graph.level, filtered.nodes, filtered.edges, { expanded: new Set(state.expanded), builtins: state.builtins });
  parts = shown.parts;
  groups = new Map([...shown.collapsed.keys()].map((ns) => [`ns:${ns}`, ns]));
  const nodeTips = new Map(graph.nodes.map((n, i) => [n.id, current!.nodeTips[i] ?? n.id]));
  const edgeTips = new Map(graph.edges.map((e, i) => [edgeKey(e), current!.edgeTips[i] ?? '']));
  const insideGroups = new Set(shown.nodes.filter((n) => n.inside && groups.has(n.id)).map((n) => n.id));
  for (const [id, ns] of groups) nodeTips.set(id, fill(insideGroups.has(id) ? words.groupInside : words.groupOutside, ns, shown.collapsed.get(ns) ?? 0));
  for (const [key, keys] of parts) {
    if (keys.length > 1) edgeTips.set(key, [...new Set(keys.flatMap((k) => (edgeTips.get(k) ?? '').split('\n')))].filter((l) => l).slice(0, 8).join('\n'));
  }
  const drawing = view.update(graph, shown.nodes, shown.edges, { node: nodeTips, edge: edgeTips });
  if (canvas.firstChild !== view.element) canvas.replaceChildren(view.element);
  const red = graph.edges.filter((e) => e.class === 'breaks' || e.class === 'unknown').length;
  const hidden = [
    counted(shown.collapsed.size, words.collapsedOne, words.collapsedMany),
    counted(shown.hiddenBuiltins, words.hiddenBuiltinOne, words.hiddenBuiltinMany),
  ].filter((x) => x).join(', ');
  caption.textContent = fill(words.caption, graph.package.kind, graph.package.code, graph.nodes.length, graph.edges.length, red) + (hidden ? ` (${hidden})` : '');
  lastTip = shown.nodes.length === 0
    ? (state.onlyBreaks ? words.nothingBreaks : words.nothingReferenced)
    : words.help + (shown.collapsed.size ? words.helpCollapsed : '');
  info.textContent = lastTip;
  const active = document.activeElement as HTMLElement | null;
  if (focused && active?.dataset?.id !== focused) (canvas.querySelector(`[data-id="${CSS.escape(focused)}"]`) as SVGGElement | null)?.focus();
  // Reported once the browser has painted: the time a user waits for the picture.
  requestAnimationFrame(() => {
    const drawn: DrawnGraph = {
      level: graph.level, onlyBreaks: state.onlyBreaks, nodes: drawing.nodes, edges: drawing.edges, ms: Math.round(performance.now() - started),
      laidOut: drawing.laidOut, created: drawing.created, removed: drawing.removed, collapsed: [...shown.collapsed.keys()], hiddenBuiltins: shown.hiddenBuiltins,
    };
    vscode.postMessage({ command: 'drawn', drawn });
  });
}

window.addEventListener('message', (ev: MessageEvent<ToGraphView>) => {
  const m = ev.data;
  if (m?.type === 'graph') {
    current = m;
    if (m.graph.level !== state.level) {
      // The panel follows the webview's level: a graph of the other level is already outdated.
      state.level = m.graph.level;
      showLevel();
      vscode.setState(state);
    }
    render();
  } else if (m?.type === 'error') {
    current = undefined;
    caption.textContent = '';
    canvas.replaceChildren();
    info.textContent = m.message;
    lastTip = m.message;
  }
});

for (const [level, button] of Object.entries(levelButtons) as [GraphLevel, HTMLButtonElement][]) {
  button.addEventListener('click', () => {
    if (state.level === level) return;
    state.level = level;
    vscode.setState(state);
    showLevel();
    vscode.postMessage({ command: 'level', level });
  });
}
onlyBreaks.addEventListener('change', () => {
  state.onlyBreaks = onlyBreaks.checked;
  vscode.setState(state);
  render();
});
showBuiltins?.addEventListener('change', () => {
  state.builtins = showBuiltins.checked;
  vscode.setState(state);
  render();
});
collapseAll?.addEventListener('click', () => {
  state.expanded = [];
  vscode.setState(state);
  showLevel();
  render();
});

showLevel();
vscode.postMessage({ command: 'ready' });
if (state.level !== 'namespace') vscode.postMessage({ command: 'level', level: state.level });

/** A count in words: none, one, or many (the many-form says the number). */
function counted(n: number, one: string, many: string): string {
  return n === 0 ? '' : n === 1 ? one : fill(many, n);
}
