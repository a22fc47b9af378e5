import * as vscode from 'vscode';
import type { Connections } from '../environments/connections';
import { showEnvError } from '../environments/errors';

/** Prints a job's status and whole log into the Isola output (from the Environments view). */
export function registerShowJobLog(connections: Connections, output: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('isola.showJobLog', async (args: { env: string; job: string }) => {
    try {
      const client = await connections.client(args.env);
      const job = await client.job(args.job);
      const lines = await client.jobLog(args.job);
      output.info(`── ${job.kind} job ${job.id} on ${args.env}: ${job.status}${job.error ? ` (${job.error})` : ''}; ${job.packageCode ?? ''} by ${job.createdBy} at ${job.createdAt}`);
      for (const l of lines) (l.level === 'error' ? output.error : l.level === 'warn' ? output.warn : output.info).call(output, `${l.at} ${l.line}`);
      output.show(true);
      return lines.length;
    } catch (e) {
      await showEnvError(e, args.env, vscode.l10n.t('read the job log'));
      return undefined;
    }
  });
}
