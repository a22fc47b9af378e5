import * as vscode from 'vscode';
import type { PlanPanel } from '../environments/planPanel';

/** Closes the plan on screen: nothing was sent, so nothing changes in the environment. */
export function registerCancelImportPlan(panel: PlanPanel): vscode.Disposable {
  return vscode.commands.registerCommand('isola.importPlan.cancel', () => {
    const s = panel.session;
    panel.close();
    if (s) void vscode.window.showInformationMessage(vscode.l10n.t('Isola: import cancelled; nothing was changed in {0}.', s.env));
    return !!s;
  });
}
