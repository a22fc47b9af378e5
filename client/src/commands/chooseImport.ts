import * as vscode from 'vscode';
import type { ImportChoice } from '../../../server/src/core/environment/importChoice';
import type { ImportPlan } from '../../../server/src/core/environment/types';
import type { Connections } from '../environments/connections';
import { showEnvError } from '../environments/errors';
import type { PlanPanel } from '../environments/planPanel';

/**
 * Changes what the plan on screen imports (design all/none; data none, all or chosen apps): the
 * environment makes a new plan with that choice and the panel shows it, so Apply imports what is
 * seen. The plan panel's inputs run this; tests and keybindings pass the choice as arguments.
 * Fields left out keep the current choice. A choice the environment refuses leaves the plan shown.
 */
export function registerChooseImport(connections: Connections, panel: PlanPanel): vscode.Disposable {
  return vscode.commands.registerCommand('isola.importPlan.choose', async (args: Partial<ImportChoice> = {}): Promise<ImportPlan | undefined> => {
    const s = panel.session;
    if (!s) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Isola: no import plan is open; run "Isola: Import Package" first.'));
      return undefined;
    }
    const choice: ImportChoice = { design: args.design ?? s.choice?.design ?? 'all', data: args.data ?? s.choice?.data ?? 'all' };
    try {
      const client = await connections.client(s.env);
      const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Isola: planning the import into {0} again', s.env) }, () => client.plan(s.packageId, s.as, choice));
      // Only if the same import is still on screen (the panel may have been closed or replaced meanwhile).
      if (panel.session?.packageId !== s.packageId || panel.session.env !== s.env) return undefined;
      panel.show({ ...s, choice, plan });
      return plan;
    } catch (e) {
      // Puts the inputs back as the plan on screen was made.
      if (panel.session === s) panel.show(s);
      void showEnvError(e, s.env, vscode.l10n.t('choosing what to import into {0}', s.env));
      return undefined;
    }
  });
}
