import * as vscode from 'vscode';
import type { Connections } from '../environments/connections';
import { showEnvError } from '../environments/errors';

/** "Isola: Restore Backup": says what will change, asks in a modal dialog, then restores. */
export function registerRestoreBackup(connections: Connections, refresh: () => void): vscode.Disposable {
  return vscode.commands.registerCommand('isola.restoreBackup', async (args: { env: string; backup: string; confirmed?: boolean }) => {
    if (!args?.env || !args.backup) {
      void vscode.window.showInformationMessage('Isola: choose a backup in the Environments view to restore it.');
      return undefined;
    }
    try {
      const client = await connections.client(args.env);
      const p = await client.backupPreview(args.backup);
      const changing = p.entities.filter((e) => e.change !== 'unchanged');
      const removing = changing.filter((e) => e.change === 'remove');
      const records = p.records.reduce((n, r) => n + r.restore + r.remove, 0);
      const detail = [
        `Backup of ${p.backup.createdAt} (import job ${p.backup.jobId} by ${p.backup.createdBy}) in ${p.backup.namespaces.join(', ')}.`,
        `${changing.length - removing.length} entit${changing.length - removing.length === 1 ? 'y goes' : 'ies go'} back to the version before that import; ${removing.length} that it created will be removed; ${records} data record(s) are put back or removed.`,
        ...changing.slice(0, 8).map((e) => `• ${e.id}: ${e.reason}`),
        ...(changing.length > 8 ? [`• … and ${changing.length - 8} more`] : []),
        ...(p.backup.restoredAt ? [`It was restored before, on ${p.backup.restoredAt}.`] : []),
      ].join('\n');
      if (!args.confirmed) {
        const ok = await vscode.window.showWarningMessage(`Restore backup ${p.backup.id} in ${args.env}?`, { modal: true, detail }, 'Restore');
        if (ok !== 'Restore') return undefined;
      }
      const r = await client.restore(args.backup);
      refresh();
      void vscode.window.showInformationMessage(`Isola: restored backup ${r.backup.id} in ${args.env}.`);
      return r;
    } catch (e) {
      await showEnvError(e, args.env, `restore in ${args.env}`);
      return undefined;
    }
  });
}
