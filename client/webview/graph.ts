/**
 * The script of the package graph's webview (bundled by `npm run build:webview` into
 * dist/webview/graph.js; never imported by the extension). It draws what the panel posts, in
 * place, and posts back clicks, the level switch and what it drew. Its choices (level, only what
 * breaks isolation) survive the panel being hidden through the webview's state.
 */
import type { GraphLevel } from '../../server/src/core/graph/types';
import { edgeKey, type DrawnGraph, type FromGraphView, type ToGraphView } from '../src/graph/graphMessages';
import { breaking, draw } from './draw';
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
}

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as Partial<ViewState> | undefined;
const state: ViewState = { level: saved?.level === 'entity' ? 'entity' : 'namespace', onlyBreaks: saved?.onlyBreaks === true };

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const canvas = byId<HTMLDivElement>('canvas');
const caption = byId<HTMLSpanElement>('caption');
const info = byId<HTMLDivElement>('info');
const levelButtons = { namespace: byId<HTMLButtonElement>('level-namespace'), entity: byId<HTMLButtonElement>('level-entity') };
const onlyBreaks = byId<HTMLInputElement>('only-breaks');

let current: Extract<ToGraphView, { type: 'graph' }> | undefined;
let lastTip = '';

function showLevel(): void {
  for (const [level, button] of Object.entries(levelButtons)) button.setAttribute('aria-pressed', String(level === state.level));
  onlyBreaks.checked = state.onlyBreaks;
}

function describe(text: string | undefined): void {
  info.textContent = text ?? lastTip;
}

/** Draws the current graph, keeping the focused item focused across the redraw. */
function render(): void {
  if (!current) return;
  const started = performance.now();
  const { graph } = current;
  const focused = (document.activeElement as HTMLElement | null)?.dataset?.id;
  const tips = {
    node: new Map(graph.nodes.map((n, i) => [n.id, current!.nodeTips[i] ?? n.id])),
    edge: new Map(graph.edges.map((e, i) => [edgeKey(e), current!.edgeTips[i] ?? ''])),
  };
  const shown = state.onlyBreaks ? breaking(graph) : { nodes: graph.nodes, edges: graph.edges };
  const drawing = draw(graph, shown.nodes, shown.edges, tips, {
    activate: (kind, id) => vscode.postMessage(kind === 'node' ? { command: 'openNode', id } : { command: 'openEdge', key: id }),
    describe,
  });
  canvas.replaceChildren(drawing.svg);
  const red = drawing.edges.filter((e) => e.red).length;
  caption.textContent = `${graph.package.kind} ${graph.package.code}: ${graph.nodes.length} nodes, ${graph.edges.length} edges, ${red} breaking isolation`;
  lastTip = shown.nodes.length === 0
    ? (state.onlyBreaks ? 'Nothing breaks isolation.' : 'The package references nothing.')
    : 'Click a node to go to its declaration, an edge to go to its reference (Tab and Enter work too).';
  info.textContent = lastTip;
  if (focused) (canvas.querySelector(`[data-id="${CSS.escape(focused)}"]`) as SVGGElement | null)?.focus();
  // Reported once the browser has painted: the time a user waits for the picture.
  requestAnimationFrame(() => {
    const drawn: DrawnGraph = { level: graph.level, onlyBreaks: state.onlyBreaks, nodes: drawing.nodes, edges: drawing.edges, ms: Math.round(performance.now() - started) };
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

showLevel();
vscode.postMessage({ command: 'ready' });
if (state.level !== 'namespace') vscode.postMessage({ command: 'level', level: state.level });

