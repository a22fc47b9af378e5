import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExportRequest } from '../../../server/src/core/environment/types';
import { plural } from '../../../server/src/core/report/words';
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
    const env = await pickEnvironment(list, args.env, 'Export from');
    if (!env) return undefined;
    try {
      const client = await connections.client(env);
      let kind = args.kind;
      let code = args.code;
      if (!kind || !code) {
        const namespaces = await client.namespaces();
        const picked = await vscode.window.showQuickPick(namespaces.map((n) => ({ label: n.code, description: `${n.kind}${n.title ? ` · ${n.title}` : ''}`, detail: `${plural(n.entities, 'entity', 'entities')}, ${plural(n.records, 'record')}`, exportKind: (n.kind === 'solution' ? 'solution' : 'namespace') as ExportRequest['kind'] })), { title: `Export from ${env}` });
        if (!picked) return undefined;
        [kind, code] = [picked.exportKind, picked.label];
      }
      if (!kind || !code) return undefined;
      const design = args.design ?? (await vscode.window.showQuickPick([
        { label: 'All design entities', value: 'all' as const }, { label: 'No design entities (data only)', value: 'none' as const },
      ], { title: `Export ${kind} ${code}: design` }))?.value;
      if (!design) return undefined;
      let data = args.data;
      if (data === undefined) {
        const choice = await vscode.window.showQuickPick([
          { label: 'No data records', value: 'none' as const }, { label: 'All data records', value: 'all' as const }, { label: 'Records of chosen apps…', value: 'some' as const },
        ], { title: `Export ${kind} ${code}: data` });
        if (!choice) return undefined;
        if (choice.value === 'some') {
          const apps = (await client.entities(kind === 'app' ? code.split('.')[0] : code)).filter((e) => e.type === 'app').map((e) => e.id);
          const chosen = await vscode.window.showQuickPick(apps, { canPickMany: true, title: 'Apps whose records to export' });
          if (!chosen?.length) return undefined;
          data = chosen;
        } else data = choice.value;
      }
      const out = args.out ?? (await vscode.window.showSaveDialog({
        title: `Save ${kind} ${code} from ${env}`, filters: { 'Isola package': ['isolapkg'] },
        defaultUri: vscode.Uri.file(path.join(list.root ?? '', `${code}-${env}.isolapkg`)),
      }))?.fsPath;
      if (!out) return undefined;
      if (!(await exportToFile(client, env, { kind, code, design, data }, out, 'export', output, refresh))) return undefined;
      await vscode.commands.executeCommand('isola.inspectPackage', vscode.Uri.file(out));
      void vscode.window.showInformationMessage(`Isola: exported ${kind} ${code} from ${env} to ${vscode.workspace.asRelativePath(out)}.`);
      return out;
    } catch (e) {
      await showEnvError(e, env, `export from ${env}`);
      return undefined;
    }
  });
}
