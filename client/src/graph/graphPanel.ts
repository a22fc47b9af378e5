import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { GraphEdge, GraphLevel, GraphNode, ReferenceGraph } from '../../../server/src/core/graph/types';
import { GraphRequest } from '../../../server/src/protocol';
import { LANGUAGE_ID } from '../languageClient';
import { registerGraphCodeLens } from './graphCodeLens';
import { DrawnGraph, edgeKey, forPage, isGraphMessage, ToGraphView } from './graphMessages';
import { pageWords } from './pageWords';

/** Which package to draw: the one a manifest is checked in, or a package named by kind and code. */
export interface GraphTarget {
  /** A manifest of the project (URI). */
  uri: string;
  package?: string;
  kind?: string;
}

/**
 * How long to wait after the last diagnostics change before asking for the graph again: long
 * enough to gather the burst of files one re-check publishes, short against the 100 ms an update
 * may take (the server keeps one graph per model snapshot, so an extra ask costs little).
 */
const DEBOUNCE_MS = 40;

/** One place to go to: a declaration or a reference. */
export interface GraphSite {
  label: string;
  description: string;
  file: string;
  range: NonNullable<GraphNode['range']>;
}

/**
 * "Isola: Show Package Graph": a webview that draws the package's references (asked of the
 * language server with `isola/graph`) and follows the active manifest. When diagnostics change
 * (the server re-checked after an edit) it asks again and posts the new graph; the page redraws
 * in place. Clicks in the page open declarations and references.
 */
export class GraphPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: GraphTarget | undefined;
  private level: GraphLevel = 'namespace';
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private message: ToGraphView | undefined;
  private posted = '';
  /** A manifest the panel itself opened: showing it is no reason to draw another package. */
  private opening: string | undefined;
  private readonly drew = new vscode.EventEmitter<DrawnGraph>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The graph last posted to the page, and the root folder its files are relative to. */
  graph: ReferenceGraph | undefined;
  root: vscode.Uri | undefined;
  /** What the page last reported it drew. */
  drawn: DrawnGraph | undefined;
  /** Fires when the page has drawn a graph (first draw and every update). */
  readonly onDidDraw = this.drew.event;
  /** Asks which of several sites to go to (a quick pick; the tests answer it themselves). */
  pickSite: (sites: GraphSite[], title: string, placeHolder: string) => Thenable<GraphSite | undefined> =
    (sites, title, placeHolder) => vscode.window.showQuickPick(sites, { title, placeHolder });

  constructor(private readonly client: LanguageClient, private readonly extensionUri: vscode.Uri) {
    this.subscriptions.push(
      this.drew,
      // The lens that opens this panel lives and dies with it.
      registerGraphCodeLens(),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        const doc = editor?.document;
        if (!this.panel || !doc || doc.languageId !== LANGUAGE_ID || doc.uri.scheme !== 'file') return;
        if (doc.uri.toString() === this.opening) {
          this.opening = undefined;
          return;
        }
        this.target = { uri: doc.uri.toString() };
        this.soon(0);
      }),
      vscode.languages.onDidChangeDiagnostics(() => this.panel && this.soon(DEBOUNCE_MS)),
    );
  }

  /** Opens the panel (or brings it forward) on `target`. */
  show(target: GraphTarget): void {
    this.target = target;
    if (!this.panel) {
      const webviewRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
      const beside = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
      this.panel = vscode.window.createWebviewPanel('isola.packageGraph', vscode.l10n.t('Package Graph'), beside, { enableScripts: true, localResourceRoots: [webviewRoot] });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.message = undefined;
        this.posted = '';
      });
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m));
      this.panel.webview.html = pageHtml(this.panel.webview, webviewRoot, randomBytes(16).toString('base64'));
    } else {
      this.panel.reveal(undefined, true);
    }
    this.soon(0);
  }

  /** Handles a message of the page (public: the tests post clicks through it as the page would). */
  async receive(m: unknown): Promise<void> {
    if (!isGraphMessage(m)) return;
    switch (m.command) {
      case 'ready':
        // A page (re)loaded, e.g. shown again after being hidden: it gets the last graph at once.
        this.posted = '';
        if (this.message) this.post(this.message);
        return;
      case 'level':
        this.level = m.level;
        return this.refresh();
      case 'drawn':
        this.drawn = m.drawn;
        this.drew.fire(m.drawn);
        return;
      case 'openNode': {
        const node = this.graph?.nodes.find((n) => n.id === m.id);
        if (!node) return;
        if (!node.file || !node.range) {
          void vscode.window.showInformationMessage(node.builtin
            ? vscode.l10n.t('{0} is declared nowhere in the project: every environment has it.', nodeWords(node))
            : vscode.l10n.t('{0} is declared nowhere in the project.', nodeWords(node)));
          return;
        }
        const all = node.declarations ?? [{ file: node.file, range: node.range }];
        return this.openOne(all.map((d) => ({ label: d.file, description: vscode.l10n.t('line {0}', d.range.start.line + 1), ...d })),
          vscode.l10n.t('{0}: {1} declarations', nodeWords(node), all.length), vscode.l10n.t('Go to which declaration?'));
      }
      case 'openEdge': {
        // A drawn edge may bundle several of the graph's (entity level, into a collapsed namespace).
        const keys = new Set(m.keys ?? [m.key]);
        const edges = this.graph?.edges.filter((e) => keys.has(edgeKey(e))) ?? [];
        const refs = edges.flatMap((e) => e.references);
        const code = [...new Set(edges.map((e) => e.code ?? e.class))].join(', ');
        return this.openOne(refs.map((r) => ({ label: r.text, description: `${r.file}:${r.range.start.line + 1}`, file: r.file, range: r.range })),
          vscode.l10n.t('{0}: {1} references', code, refs.length), vscode.l10n.t('Go to which reference?'));
      }
    }
  }

  /** Opens the one site, or the one picked of several. */
  private async openOne(sites: GraphSite[], title: string, placeHolder: string): Promise<void> {
    const site = sites.length > 1 ? await this.pickSite(sites, title, placeHolder) : sites[0];
    if (site) await this.open(site.file, site.range);
  }

  private async open(file: string, range: NonNullable<GraphNode['range']>): Promise<void> {
    if (!this.root) return;
    const uri = vscode.Uri.joinPath(this.root, ...file.split('/'));
    const selection = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
    // The editor goes next to the graph, not over it.
    const viewColumn = this.panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    // The editor switch this causes is the panel's own: the graph stays on its package.
    this.opening = vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() ? undefined : uri.toString();
    const editor = await vscode.window.showTextDocument(uri, { selection, viewColumn, preserveFocus: false });
    editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private soon(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), ms);
  }

  /** Asks the server for the graph of the target and posts it when it changed. */
  private async refresh(): Promise<void> {
    const target = this.target;
    if (!this.panel || !target) return;
    const mine = ++this.seq;
    const answer = await this.client.sendRequest(GraphRequest, { ...target, level: this.level })
      .then((r) => r, (e: unknown) => ({ error: vscode.l10n.t('the language server did not answer: {0}', e instanceof Error ? e.message : String(e)), graph: undefined, root: undefined }));
    if (mine !== this.seq || !this.panel) return; // a newer request is on its way, or the panel closed
    if (!answer.graph || !answer.root) {
      this.post({ type: 'error', message: vscode.l10n.t('No graph: {0}.', answer.error ?? vscode.l10n.t('no answer')) });
      return;
    }
    const g = answer.graph;
    this.graph = g;
    this.root = vscode.Uri.parse(answer.root);
    this.panel.title = vscode.l10n.t('Graph: {0} {1}', g.package.kind, g.package.code);
    this.post({ type: 'graph', graph: forPage(g), edgeTips: g.edges.map((e) => this.edgeTip(e)), nodeTips: g.nodes.map((n) => nodeTip(n)) });
  }

  /** Posts `message` unless it is what the page shows already (a re-check that changed nothing redraws nothing). */
  private post(message: ToGraphView): void {
    this.message = message;
    const json = JSON.stringify(message);
    if (json === this.posted || !this.panel) return;
    this.posted = json;
    void this.panel.webview.postMessage(message);
  }

  /** An edge's hover: the findings its references raise (as the Problems panel words them), or where they stand. */
  private edgeTip(e: GraphEdge): string {
    const lines = new Set<string>();
    for (const r of e.references) {
      const where = `${r.file}:${r.range.start.line + 1}`;
      const found = e.code && this.root
        ? vscode.languages.getDiagnostics(vscode.Uri.joinPath(this.root, ...r.file.split('/')))
          .find((d) => codeOf(d) === e.code && d.range.start.line === r.range.start.line && d.range.start.character === r.range.start.character)
        : undefined;
      lines.add(found ? `${e.code}: ${found.message} (${where})` : `${e.code ? `${e.code}: ` : ''}${r.text} (${where})`);
    }
    const all = [...lines];
    const head = e.code ? '' : `${e.class === 'builtin' ? vscode.l10n.t('Built-in') : e.class === 'inside' ? vscode.l10n.t('Inside the package') : e.class}: `;
    return head + (all.length > 6 ? [...all.slice(0, 6), vscode.l10n.t('and {0} more', all.length - 6)] : all).join('\n');
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.panel?.dispose();
    this.subscriptions.forEach((s) => s.dispose());
  }
}

function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  return String(typeof c === 'object' && c !== null ? c.value : c);
}

function nodeWords(n: GraphNode): string {
  return n.id.startsWith('ns:') ? `${n.kind === 'builtin' ? vscode.l10n.t('built-in namespace') : n.kind} ${n.code}` : `${n.kind} ${n.namespace}.${n.code}`;
}

/** A node's hover: what it is, whether the package carries it, where it is declared. */
function nodeTip(n: GraphNode): string {
  const where = n.file && n.range ? vscode.l10n.t('declared in {0}:{1}', n.file, n.range.start.line + 1)
    : n.missing ? vscode.l10n.t('not found anywhere (ISO006)') : vscode.l10n.t('declared outside the project');
  const status = n.inside ? vscode.l10n.t('inside the package') : n.builtin ? vscode.l10n.t('built in: every environment has it') : n.missing ? '' : vscode.l10n.t('outside the package');
  return [`${nodeWords(n)}${n.title ? ` · ${n.title}` : ''}`, status, where].filter((s) => s).join('\n');
}

/** The page: a strict policy (no inline script or style; the bundled script and style sheet of dist/webview only). */
function pageHtml(webview: vscode.Webview, root: vscode.Uri, nonce: string): string {
  const src = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
  // The page's script has no vscode.l10n: its words travel in the body, escaped for the attribute.
  const words = esc(JSON.stringify(pageWords(vscode.l10n.t)));
  return `<!DOCTYPE html><html lang="${esc(vscode.env.language)}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; font-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${src('graph.css')}">
<title>${esc(vscode.l10n.t('Package Graph'))}</title></head><body data-words="${words}">
<header>
  <span id="caption"></span>
  <span class="toggle" role="group" aria-label="${esc(vscode.l10n.t('Level'))}"><button id="level-namespace" aria-pressed="true">${esc(vscode.l10n.t('Namespaces'))}</button><button id="level-entity" aria-pressed="false">${esc(vscode.l10n.t('Entities'))}</button></span>
  <label><input type="checkbox" id="only-breaks"> ${esc(vscode.l10n.t('Only what breaks isolation'))}</label>
  <label hidden><input type="checkbox" id="show-builtins"> ${esc(vscode.l10n.t('Show built-ins'))}</label>
  <button id="collapse" hidden>${esc(vscode.l10n.t('Collapse namespaces'))}</button>
  <span class="legend" aria-hidden="true"><span class="breaks">${esc(vscode.l10n.t('breaks isolation'))}</span><span class="via">${esc(vscode.l10n.t('only through the solution'))}</span><span class="unknown">${esc(vscode.l10n.t('unknown target'))}</span><span class="inside">${esc(vscode.l10n.t('inside'))}</span><span class="builtin">${esc(vscode.l10n.t('built-in'))}</span></span>
</header>
<div id="info" role="status" aria-live="polite">${esc(vscode.l10n.t('Drawing…'))}</div>
<main id="canvas"></main>
<script nonce="${nonce}" src="${src('graph.js')}"></script>
</body></html>`;
}

/** Escapes text for HTML content and attribute values. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
