import * as vscode from 'vscode';
import { EnvError } from '../../../server/src/core/environment/errors';
import type { Job } from '../../../server/src/core/environment/types';
import type { Connections } from '../environments/connections';
import { showEnvError } from '../environments/errors';
import { failureLine, followWithProgress } from '../environments/jobProgress';
import type { PlanPanel } from '../environments/planPanel';

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
      void vscode.window.showWarningMessage('Isola: no import plan is open; run "Isola: Import Package" first.');
      return undefined;
    }
    if (s.production) {
      const typed = args.typedName ?? (await vscode.window.showInputBox({
        title: `Import into production environment "${s.env}"`,
        prompt: `Type ${s.env} to confirm`,
        validateInput: (v) => (v === s.env ? undefined : `Type the environment's name exactly: ${s.env}`),
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
        void vscode.window.showWarningMessage(`Isola: ${s.env} changed since the plan was made; here is a new plan. Review it and confirm again.`);
        return undefined;
      }
      if (e instanceof EnvError && e.reason === 'conflicts') {
        void vscode.window.showWarningMessage(`Isola: ${e.message}`);
        return undefined;
      }
      await showEnvError(e, s.env, `import into ${s.env}`);
      return undefined;
    }
    const done = await followWithProgress(client, job, `Isola: importing ${s.plan.package.importedAs ?? s.plan.package.code} into ${s.env}`, output);
    refresh();
    if (done.status === 'succeeded') {
      const c = s.plan.counts;
      const msg = `Imported into ${s.env}: ${c.create} created, ${c.update} updated, ${onConflict === 'replace' ? `${c.conflict} replaced, ` : ''}${c.unchanged} unchanged, ${c.kept} kept.`;
      panel.done(msg);
      void vscode.window.showInformationMessage(`Isola: ${msg}`);
    } else {
      const line = await failureLine(client, done);
      const msg = `Import ${done.status} at ${done.step}: ${done.error ?? ''}${line && !done.error?.includes(line) ? ` (${line})` : ''}`;
      panel.done(`${msg} Nothing was changed.`);
      void vscode.window.showErrorMessage(`Isola: ${msg}`, 'Show Log').then((c) => c && output.show());
    }
    return done;
  });
}
