import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { planHtml, PlanSession } from './planHtml';
import { isPlanMessage } from './planMessages';

export type { PlanSession };

/**
 * The plan of an import in an editor tab: the checks (failed ones with their reasons), counts per
 * action, one row per entity, data per app, and the choices (Import, or Replace when conflicts
 * stand, and Cancel). Buttons run the same commands as the palette, so both paths are one.
 */
export class PlanPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  session: PlanSession | undefined;

  show(session: PlanSession): void {
    this.session = session;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('isola.importPlan', vscode.l10n.t('Import Plan'), vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: true });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.session = undefined;
      });
      this.panel.webview.onDidReceiveMessage((m: unknown) => {
        if (!isPlanMessage(m)) return;
        if (m.command === 'apply') void vscode.commands.executeCommand('isola.importPlan.apply', { onConflict: 'cancel' });
        if (m.command === 'replace') void vscode.commands.executeCommand('isola.importPlan.apply', { onConflict: 'replace' });
        if (m.command === 'cancel') void vscode.commands.executeCommand('isola.importPlan.cancel');
        if (m.command === 'diff' && m.id) void vscode.commands.executeCommand('isola.importPlan.showDiff', { id: m.id });
        if (m.command === 'choose') void vscode.commands.executeCommand('isola.importPlan.choose', { design: m.design, data: m.data });
      });
    }
    const p = session.plan;
    this.panel.title = vscode.l10n.t('Import Plan: {0} → {1}', p.package.importedAs ?? p.package.code, session.env);
    this.panel.webview.html = planHtml(session, randomBytes(16).toString('base64'), undefined, vscode.l10n.t);
    this.panel.reveal();
  }

  /** Shows the outcome and retires the buttons (the plan is used). */
  done(message: string): void {
    if (this.panel && this.session) this.panel.webview.html = planHtml(this.session, randomBytes(16).toString('base64'), message, vscode.l10n.t);
  }

  close(): void {
    this.panel?.dispose();
  }

  dispose(): void {
    this.close();
  }
}
