import * as vscode from 'vscode';
import type { ImportChoice } from '../../../server/src/core/environment/importChoice';
import type { ImportPlan } from '../../../server/src/core/environment/types';
import type { Connections } from '../environments/connections';
import type { EnvironmentList } from '../environments/environmentList';
import { showEnvError } from '../environments/errors';
import { pickEnvironment } from '../environments/pickEnvironment';
import type { PlanPanel } from '../environments/planPanel';
import type { PackageContentsModel } from '../packages/packageContentsModel';
import { pickPackageFile } from '../packages/pickPackageFile';

/** Arguments that skip the prompts (menus pass the file; tests and tasks pass everything). */
export interface ImportPackageArgs {
  file?: string | vscode.Uri;
  env?: string;
  /** Import under another code (duplicate). */
  as?: string;
  /** What to import (default: all design, all data); the plan panel changes it later. */
  design?: ImportChoice['design'];
  data?: ImportChoice['data'];
}

/**
 * "Isola: Import Package": pick the package and the environment, upload it, and show the
 * environment's plan. Nothing changes until the plan is confirmed ("Isola: Apply Import Plan").
 */
export function registerImportPackage(list: EnvironmentList, connections: Connections, panel: PlanPanel, packages: PackageContentsModel): vscode.Disposable {
  return vscode.commands.registerCommand('isola.importPackage', async (args: ImportPackageArgs | vscode.Uri = {}): Promise<ImportPlan | undefined> => {
    const a: ImportPackageArgs = args instanceof vscode.Uri ? { file: args } : args;
    const file = await pickPackageFile(packages, vscode.l10n.t('Import Package'), a.file);
    if (!file) return undefined;
    const env = await pickEnvironment(list, a.env, vscode.l10n.t('Import {0} into', vscode.workspace.asRelativePath(file)));
    if (!env) return undefined;
    for (;;) {
      // Cancel stops the planning (it reads every record of a large package); nothing was imported.
      const stop = new AbortController();
      try {
        const client = await connections.client(env);
        const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Isola: checking the package against {0}', env), cancellable: true }, async (progress, token) => {
          token.onCancellationRequested(() => stop.abort(new Error('cancelled')));
          progress.report({ message: vscode.l10n.t('uploading') });
          const stored = await client.uploadPackage(file.fsPath);
          if (stop.signal.aborted) return undefined;
          progress.report({ message: vscode.l10n.t('making the plan') });
          const choice: ImportChoice = { design: a.design ?? 'all', data: a.data ?? 'all' };
          const p = await client.plan(stored.id, a.as, choice, stop.signal);
          panel.show({ env, production: connections.config(env)?.production === true, file: file.fsPath, packageId: stored.id, as: a.as, choice, plan: p });
          return p;
        });
        return plan;
      } catch (e) {
        if (stop.signal.aborted) return undefined;
        if (!(await showEnvError(e, env, vscode.l10n.t('import into {0}', env)))) return undefined;
      }
    }
  });
}
