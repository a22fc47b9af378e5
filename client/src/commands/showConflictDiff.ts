import * as vscode from 'vscode';
import { STEP_OF, type CardType } from '../../../server/src/core/packaging/format';
import { envEntityUri, packageCardUri } from '../environments/envDocuments';
import type { PlanPanel } from '../environments/planPanel';

/** Opens VS Code's diff editor for one entity of the plan: the environment's version against the package's. */
export function registerShowConflictDiff(panel: PlanPanel): vscode.Disposable {
  return vscode.commands.registerCommand('isola.importPlan.showDiff', async (args: { id: string }) => {
    const s = panel.session;
    const e = s?.plan.entities.find((x) => x.id === args?.id);
    if (!s || !e) return false;
    const step = STEP_OF[e.type as CardType] ?? 'apps';
    // A renamed import's cards carry the package's own ids.
    const original = s.as && s.plan.package.importedAs ? e.id.replace(s.plan.package.importedAs, s.plan.package.code) : e.id;
    await vscode.commands.executeCommand('vscode.diff', envEntityUri(s.env, e.id), packageCardUri(s.file, `${step}/${original}.card.json`), vscode.l10n.t('{0}: {1} ↔ package', e.id, s.env));
    return true;
  });
}
