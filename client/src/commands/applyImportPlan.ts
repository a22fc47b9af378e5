import * as vscode from 'vscode';
import { EnvError } from '../../../server/src/core/environment/errors';
import type { Job } from '../../../server/src/core/environment/types';
import type { Connections } from '../environments/connections';
import { showEnvError } from '../environments/errors';
import { failureLine, followWithProgress } from '../environments/jobProgress';
import type { PlanPanel } from '../environments/planPanel';
import { reached } from '../walkthrough';

/** Arguments for keybindings and tests. */
export interface ApplyImportPlanArgs {
  onConflict?: 'cancel' | 'replace';
  /** The production environment's name, as the user would type it. */
  typedName?: string;
}

/**
 * Confirms the plan on screen: asks a production environment's name first, starts the import,
 * follows the job with progress and its log in the output, and reports the outcome. A plan the
 * environment calls stale is made again and shown, never applied.
 */
export function registerApplyImportPlan(connections: Connections, panel: PlanPanel, output: vscode.LogOutputChannel, refresh: () => void): vscode.Disposable {
  return vscode.commands.registerCommand('isola.importPlan.apply', async (args: ApplyImportPlanArgs = {}): Promise<Job | undefined> => {
    const s = panel.session;
    if (!s) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Isola: no import plan is open; run "Isola: Import Package" first.'));
      return undefined;
    }
    if (s.production) {
      const typed = args.typedName ?? (await vscode.window.showInputBox({
        title: vscode.l10n.t('Import into production environment "{0}"', s.env),
        prompt: vscode.l10n.t('Type {0} to confirm', s.env),
        validateInput: (v) => (v === s.env ? undefined : vscode.l10n.t('Type the environment\'s name exactly: {0}', s.env)),
      }));
      if (typed !== s.env) return undefined;
    }
    const onConflict = args.onConflict ?? 'cancel';
    const client = await connections.client(s.env);
    let job: Job;
    try {
      job = await client.startImport(s.plan.id, onConflict);
    } catch (e) {
      if (e instanceof EnvError && e.reason === 'stale-plan') {
        const plan = await client.plan(s.packageId, s.as, s.choice);
        panel.show({ ...s, plan });
        void vscode.window.showWarningMessage(vscode.l10n.t('Isola: {0} changed since the plan was made; here is a new plan. Review it and confirm again.', s.env));
        return undefined;
      }
      if (e instanceof EnvError && e.reason === 'conflicts') {
        void vscode.window.showWarningMessage(`Isola: ${e.message}`);
        return undefined;
      }
      await showEnvError(e, s.env, vscode.l10n.t('import into {0}', s.env));
      return undefined;
    }
    const done = await followWithProgress(client, job, vscode.l10n.t('Isola: importing {0} into {1}', s.plan.package.importedAs ?? s.plan.package.code, s.env), output);
    refresh();
    if (done.status === 'succeeded') {
      reached('imported');
      const c = s.plan.counts;
      const msg = onConflict === 'replace'
        ? vscode.l10n.t('Imported into {0}: {1} created, {2} updated, {3} replaced, {4} unchanged, {5} kept.', s.env, c.create, c.update, c.conflict, c.unchanged, c.kept)
        : vscode.l10n.t('Imported into {0}: {1} created, {2} updated, {3} unchanged, {4} kept.', s.env, c.create, c.update, c.unchanged, c.kept);
      panel.done(msg);
      void vscode.window.showInformationMessage(`Isola: ${msg}`);
    } else {
      const line = await failureLine(client, done);
      const msg = vscode.l10n.t('Import {0} at {1}: {2}', done.status, done.step, `${done.error ?? ''}${line && !done.error?.includes(line) ? ` (${line})` : ''}`);
      panel.done(`${msg} ${vscode.l10n.t('Nothing was changed.')}`);
      void vscode.window.showErrorMessage(`Isola: ${msg}`, vscode.l10n.t('Show Log')).then((c) => c && output.show());
    }
    return done;
  });
}
