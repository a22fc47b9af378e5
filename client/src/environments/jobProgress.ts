import * as vscode from 'vscode';
import type { ExportRequest, Job, LogLine } from '../../../server/src/core/environment/types';
import { EnvClient, followJob } from '../../../server/src/env/client';

/**
 * Follows a job in a cancellable progress notification (status, step, percentage) and streams
 * its log into the Isola output channel; cancelling the notification cancels the job on the
 * environment. Resolves with the finished job.
 */
export function followWithProgress(client: EnvClient, job: Job, title: string, output: vscode.LogOutputChannel): Promise<Job> {
  output.info(`${title}: job ${job.id} on ${client.name}`);
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    let reported = 0;
    const cancel = token.onCancellationRequested(() => {
      output.warn(`cancelling job ${job.id}`);
      client.cancelJob(job.id).catch((e) => output.warn(`cancel: ${(e as Error).message}`));
    });
    try {
      return await followJob(client, job.id, (j, lines) => {
        for (const l of lines) log(output, l);
        const pct = Math.round(j.progress * 100);
        progress.report({ message: `${j.status} · ${j.step} · ${pct}%`, increment: pct - reported });
        reported = pct;
      }, 250);
    } finally {
      cancel.dispose();
    }
  }));
}

function log(output: vscode.LogOutputChannel, l: LogLine): void {
  if (l.level === 'error') output.error(l.line);
  else if (l.level === 'warn') output.warn(l.line);
  else output.info(l.line);
}

/** The log line that says why a job failed (its last error line), for the error message. */
export async function failureLine(client: EnvClient, job: Job): Promise<string | undefined> {
  const lines = await client.jobLog(job.id).catch(() => [] as LogLine[]);
  return [...lines].reverse().find((l) => l.level === 'error')?.line;
}

/**
 * An export job followed with progress, then its package downloaded to `file`. `refresh` runs once
 * the job ended (it is in the environment's Imports and Exports then, whatever its outcome); a
 * failed job is an error message (`verb` names the command) and false.
 */
export async function exportToFile(client: EnvClient, env: string, req: ExportRequest, file: string, verb: string, output: vscode.LogOutputChannel, refresh: () => void): Promise<boolean> {
  const job = await client.startExport(req);
  const done = await followWithProgress(client, job, vscode.l10n.t('Isola: exporting {0} {1} from {2}', req.kind, req.code, env), output);
  refresh();
  if (done.status !== 'succeeded') {
    const line = await failureLine(client, done);
    void vscode.window.showErrorMessage(`Isola: ${verb} ${done.status}: ${done.error ?? line ?? ''}`, vscode.l10n.t('Show Log')).then((c) => c && output.show());
    return false;
  }
  const id = String(done.result!.package);
  await client.downloadPackage(id, file);
  // Downloaded once and never again: the environment's copy goes. One it cannot delete is logged, not fatal.
  await client.discardExport(id).catch((e) => output.warn(`${env} keeps package ${id}: ${e instanceof Error ? e.message : String(e)}`));
  return true;
}
