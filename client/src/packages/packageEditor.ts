import * as vscode from 'vscode';
import type { PackageContentsModel } from './packageContentsModel';

/**
 * Opening a `.isolapkg` (from the Explorer, or by any open command) shows it in the Package
 * Contents view; the editor tab itself shows a short summary, since a zip has no text to edit.
 */
export function registerPackageEditor(model: PackageContentsModel): vscode.Disposable {
  const provider: vscode.CustomReadonlyEditorProvider = {
    openCustomDocument: (uri) => ({ uri, dispose: () => undefined }),
    async resolveCustomEditor(document, panel) {
      panel.webview.options = { enableScripts: false };
      try {
        const c = await model.load(document.uri);
        await vscode.commands.executeCommand('isola.packageContents.focus');
        const d = c.descriptor;
        const rows = c.steps.filter((s) => s.cards.length).map((s) => `<tr><td>${esc(s.step)}</td><td>${s.cards.length}</td></tr>`).join('');
        const data = c.data.map((x) => `<tr><td>${esc(x.app)}</td><td>${x.records}</td></tr>`).join('');
        panel.webview.html = page(`<h2>${esc(`${d.kind} ${d.code}${d.version ? ` ${d.version}` : ''}`)}</h2><p>${esc(String(d.title ?? ''))}</p>
          <p>Built ${esc(String(d.createdAt))} by ${esc(String(d.createdBy))}. ${c.entries} entries, every checksum verified.</p>
          <table><tr><th>Import step</th><th>Cards</th></tr>${rows}</table>
          ${data ? `<table><tr><th>${esc(vscode.l10n.t('Data'))}</th><th>${esc(vscode.l10n.t('Records'))}</th></tr>${data}</table>` : ''}
          <p>${esc(vscode.l10n.t('Browse the cards in the Package Contents view.'))}</p>`);
      } catch (e) {
        panel.webview.html = page(`<h2>${esc(vscode.l10n.t('Package refused'))}</h2><p>${esc((e as Error).message)}</p>`);
      }
    },
  };
  return vscode.window.registerCustomEditorProvider('isola.package', provider, { supportsMultipleEditorsPerDocument: true });
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(body: string): string {
  return `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';"><style>
    body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.5em; }
    table { border-collapse: collapse; margin: 1em 0; } td, th { text-align: left; padding: 2px 16px 2px 0; }
    th { color: var(--vscode-descriptionForeground); font-weight: normal; }</style></head><body>${body}</body></html>`;
}
