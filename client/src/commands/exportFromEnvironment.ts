import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportRequest } from '../../../server/src/core/environment/types';
import { entitiesWord, recordsWord } from '../words';
import type { Connections } from '../environments/connections';
import type { EnvironmentList } from '../environments/environmentList';
import { showEnvError } from '../environments/errors';
import { exportToFile } from '../environments/jobProgress';
import { pickEnvironment } from '../environments/pickEnvironment';

/** Arguments that skip the prompts (the Environments view passes env, kind and code). */
export interface ExportArgs {
  env?: string;
  kind?: ExportRequest['kind'];
  code?: string;
  design?: 'all' | 'none';
  data?: ExportRequest['data'];
  out?: string;
}

/**
 * "Isola: Export from Environment": what to export (namespace, app or solution), the package
 * options as quick picks, then the job with progress, the file saved where the user says and
 * opened in the Package Contents view.
 */
export function registerExportFromEnvironment(list: EnvironmentList, connections: Connections, output: vscode.LogOutputChannel, refresh: () => void): vscode.Disposable {
  return vscode.commands.registerCommand('isola.exportFromEnvironment', async (args: ExportArgs = {}) => {
    const env = await pickEnvironment(list, args.env, vscode.l10n.t('Export from'));
    if (!env) return undefined;
    try {
      const client = await connections.client(env);
      let kind = args.kind;
      let code = args.code;
      if (!kind || !code) {
        const namespaces = await client.namespaces();
        const picked = await vscode.window.showQuickPick(namespaces.map((n) => ({ label: n.code, description: `${n.kind}${n.title ? ` · ${n.title}` : ''}`, detail: `${entitiesWord(n.entities)}, ${recordsWord(n.records)}`, exportKind: (n.kind === 'solution' ? 'solution' : 'namespace') as ExportRequest['kind'] })), { title: vscode.l10n.t('Export from {0}', env) });
        if (!picked) return undefined;
        [kind, code] = [picked.exportKind, picked.label];
      }
      if (!kind || !code) return undefined;
      const design = args.design ?? (await vscode.window.showQuickPick([
        { label: vscode.l10n.t('All design entities'), value: 'all' as const }, { label: vscode.l10n.t('No design entities (data only)'), value: 'none' as const },
      ], { title: vscode.l10n.t('Export {0} {1}: design', kind, code) }))?.value;
      if (!design) return undefined;
      let data = args.data;
      if (data === undefined) {
        const choice = await vscode.window.showQuickPick([
          { label: vscode.l10n.t('No data records'), value: 'none' as const }, { label: vscode.l10n.t('All data records'), value: 'all' as const }, { label: vscode.l10n.t('Records of chosen apps…'), value: 'some' as const },
        ], { title: vscode.l10n.t('Export {0} {1}: data', kind, code) });
        if (!choice) return undefined;
        if (choice.value === 'some') {
          const apps = (await client.entities(kind === 'app' ? code.split('.')[0] : code)).filter((e) => e.type === 'app').map((e) => e.id);
          const chosen = await vscode.window.showQuickPick(apps, { canPickMany: true, title: vscode.l10n.t('Apps whose records to export') });
          if (!chosen?.length) return undefined;
          data = chosen;
        } else data = choice.value;
      }
      const out = args.out ?? (await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Save {0} {1} from {2}', kind, code, env), filters: { [vscode.l10n.t('Isola package')]: ['isolapkg'] },
        defaultUri: vscode.Uri.file(path.join(list.root ?? '', `${code}-${env}.isolapkg`)),
      }))?.fsPath;
      if (!out) return undefined;
      if (!(await exportToFile(client, env, { kind, code, design, data }, out, vscode.l10n.t('export'), output, refresh))) return undefined;
      await vscode.commands.executeCommand('isola.inspectPackage', vscode.Uri.file(out));
      void vscode.window.showInformationMessage(vscode.l10n.t('Isola: exported {0} {1} from {2} to {3}.', kind, code, env, vscode.workspace.asRelativePath(out)));
      return out;
    } catch (e) {
      await showEnvError(e, env, vscode.l10n.t('export from {0}', env));
      return undefined;
    }
  });
}
