import * as vscode from 'vscode';
import type { Connections } from '../environments/connections';
import { showEnvError } from '../environments/errors';

/** "Isola: Restore Backup": says what will change, asks in a modal dialog, then restores. */
export function registerRestoreBackup(connections: Connections, refresh: () => void): vscode.Disposable {
  return vscode.commands.registerCommand('isola.restoreBackup', async (args: { env: string; backup: string; confirmed?: boolean }) => {
    if (!args?.env || !args.backup) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Isola: choose a backup in the Environments view to restore it.'));
      return undefined;
    }
    try {
      const client = await connections.client(args.env);
      const p = await client.backupPreview(args.backup);
      const changing = p.entities.filter((e) => e.change !== 'unchanged');
      const removing = changing.filter((e) => e.change === 'remove');
      const records = p.records.reduce((n, r) => n + r.restore + r.remove, 0);
      const detail = [
        vscode.l10n.t('Backup of {0} (import job {1} by {2}) in {3}.', p.backup.createdAt, p.backup.jobId, p.backup.createdBy, p.backup.namespaces.join(', ')),
        vscode.l10n.t('Entities going back to the version before that import: {0}; created by it and removed: {1}; data records put back or removed: {2}.', changing.length - removing.length, removing.length, records),
        ...changing.slice(0, 8).map((e) => `• ${e.id}: ${e.reason}`),
        ...(changing.length > 8 ? [`• … ${vscode.l10n.t('and {0} more', changing.length - 8)}`] : []),
        // Apps the import created go with all their records, those added since too: said per app.
        ...p.records.filter((r) => r.reason).map((r) => `• ${r.app}: ${r.reason}`),
        ...(p.backup.restoredAt ? [vscode.l10n.t('It was restored before, on {0}.', p.backup.restoredAt)] : []),
      ].join('\n');
      if (!args.confirmed) {
        const restore = vscode.l10n.t('Restore');
        const ok = await vscode.window.showWarningMessage(vscode.l10n.t('Restore backup {0} in {1}?', p.backup.id, args.env), { modal: true, detail }, restore);
        if (ok !== restore) return undefined;
      }
      const r = await client.restore(args.backup);
      refresh();
      void vscode.window.showInformationMessage(vscode.l10n.t('Isola: restored backup {0} in {1}.', r.backup.id, args.env));
      return r;
    } catch (e) {
      await showEnvError(e, args.env, vscode.l10n.t('restore in {0}', args.env));
      return undefined;
    }
  });
}
