import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ExportRequest } from '../../../server/src/core/environment/types';
import { entitiesWord } from '../words';
import type { Connections } from '../environments/connections';
import type { EnvironmentList } from '../environments/environmentList';
import { showEnvError } from '../environments/errors';
import { exportToFile } from '../environments/jobProgress';
import { pickEnvironment } from '../environments/pickEnvironment';
import { UnpackOutcome, unpackWithEdit } from '../packages/unpackEdit';
import { pickFolder } from './unpackPackage';
import { reached } from '../walkthrough';

/** Arguments that skip the prompts (the Environments view passes env, kind and code; tests pass `confirm: false`). */
export interface RetrieveArgs {
  env?: string;
  kind?: ExportRequest['kind'];
  code?: string;
  /** Records to bring too (default none: design only, as `isola retrieve`). */
  data?: ExportRequest['data'];
  /** The folder to unpack into (default: the workspace folder). */
  dir?: string;
  /** false: apply without the refactor preview. Users always get the preview. */
  confirm?: boolean;
  /** As `isola retrieve --force`: unpack past the refusals force overrides (the message of such a refusal offers it too). */
  force?: boolean;
}

/**
 * "Isola: Retrieve from Environment": an export job on the environment (followed in a progress
 * notification you can cancel), its package downloaded to a temporary file, then unpacked into
 * the workspace folder as one edit shown in the refactor preview (unpackEdit.ts). What the
 * environment has as the workspace has it changes nothing ("Nothing to change"). The download
 * is deleted when the command ends, or, when the refusal's message offers "Unpack Anyway…",
 * once that is answered: the forced unpack needs the same package.
 */
export function registerRetrieveFromEnvironment(client: LanguageClient, list: EnvironmentList, connections: Connections, output: vscode.LogOutputChannel, refresh: () => void): vscode.Disposable {
  return vscode.commands.registerCommand('isola.retrieveFromEnvironment', async (args: RetrieveArgs = {}): Promise<UnpackOutcome | undefined> => {
    const env = await pickEnvironment(list, args.env, vscode.l10n.t('Retrieve from'));
    if (!env) return undefined;
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'isola-retrieve-'));
    const drop = () => fs.rm(tmp, { recursive: true, force: true });
    let kept: Promise<unknown> | undefined;
    try {
      const envClient = await connections.client(env);
      let { kind, code } = args;
      if (!kind || !code) {
        const namespaces = await envClient.namespaces();
        const picked = await vscode.window.showQuickPick(namespaces.map((n) => ({
          label: n.code, description: `${n.kind}${n.title ? ` · ${n.title}` : ''}`, detail: entitiesWord(n.entities),
          exportKind: (n.kind === 'solution' ? 'solution' : 'namespace') as ExportRequest['kind'],
        })), { title: vscode.l10n.t('Retrieve from {0}', env), placeHolder: vscode.l10n.t('What to bring into the workspace') });
        if (!picked) return undefined;
        [kind, code] = [picked.exportKind, picked.label];
      }
      const dir = args.dir ? vscode.Uri.file(args.dir) : await pickFolder();
      if (!dir) return undefined;
      // A fixed name: the code comes from the environment, and only names a folder's files once unpack has judged it.
      const file = path.join(tmp, 'retrieved.isolapkg');
      if (!(await exportToFile(envClient, env, { kind, code, design: 'all', data: args.data ?? 'none' }, file, vscode.l10n.t('retrieve'), output, refresh))) return undefined;
      const keepFileUntil = (answered: Promise<UnpackOutcome | undefined>) => {
        kept = answered.then((forced) => {
          if (forced?.applied || forced?.nothingToChange) reached('retrieved');
        });
      };
      const outcome = await unpackWithEdit(client, { file, dir, what: vscode.l10n.t('{0} {1} from {2}', kind, code, env), confirm: args.confirm !== false, force: args.force, keepFileUntil }, output);
      if (outcome?.applied || outcome?.nothingToChange) reached('retrieved');
      return outcome;
    } catch (e) {
      await showEnvError(e, env, vscode.l10n.t('retrieve from {0}', env));
      return undefined;
    } finally {
      if (kept) void kept.finally(drop);
      else await drop();
    }
  });
}
