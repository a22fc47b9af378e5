import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { ExportRequest } from '../core/environment/types';
import type { EnvClient } from '../env/client';
import { withEnvironment } from './envArgs';
import { translatorOf } from './lang';
import { follow } from './import';
import { oneLine } from '../core/oneLine';
import { checkOut, OutRefused, outUsage, writeFailure } from './outFile';
import { shown } from './projectArgs';
import { Interrupt } from './interrupt';
import { ExitCode, Io, UsageError } from './usage';

/** What `--kind` of export and retrieve accepts. */
export const EXPORT_KINDS = ['namespace', 'workspace', 'module', 'app', 'solution', 'configuration'];

/** `isola export --package CODE [--kind KIND] [--env NAME] --out FILE [--force]`: an export job, then the download. */
export async function runExport(args: string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      package: { type: 'string' }, kind: { type: 'string', default: 'namespace' }, env: { type: 'string' }, out: { type: 'string' },
      data: { type: 'string', default: 'none' }, design: { type: 'string', default: 'all' }, title: { type: 'string' }, comment: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  const t = translatorOf(io);
  if (positionals.length) throw new UsageError(t.t('cli.unexpectedArgument', { arg: positionals[0] }));
  if (!values.package) throw new UsageError(t.t('cli.packageCodeRequired'));
  if (!values.out) throw new UsageError(t.t('cli.export.outRequired'));
  if (!EXPORT_KINDS.includes(values.kind!)) throw new UsageError(t.t('cli.kindOneOf', { kinds: EXPORT_KINDS.join(', ') }));
  if (values.design !== 'all' && values.design !== 'none') throw new UsageError(t.t('cli.export.design'));
  const data = values.data === 'none' || values.data === 'all' ? values.data : values.data!.split(',').map((s) => s.trim()).filter(Boolean);
  const out = path.resolve(io.cwd, values.out);
  const file = shown(io.cwd, out);
  // Before the job: a refused --out should not cost an export on the environment.
  try {
    await checkOut(out, file, { force: values.force!, t });
  } catch (e) {
    if (!(e instanceof OutRefused)) throw e;
    io.err(`isola export: ${e.message}\n`);
    return 1;
  }
  // Ctrl+C or a kill cancels the job, or stops the download, which removes its partial file.
  const interrupt = new Interrupt();
  try {
    return await withEnvironment('export', values.env, io, async (client) => {
      const req: ExportRequest = { kind: values.kind as ExportRequest['kind'], code: values.package!, design: values.design as ExportRequest['design'], data, title: values.title, comment: values.comment };
      try {
        if (!(await exportPackage(client, req, out, 'export', io, io, interrupt))) return interrupt.caught ? interrupted() : 1;
      } catch (e) {
        if (interrupt.caught) return interrupted();
        const failure = writeFailure(e, out, file, t);
        if (!failure) throw outUsage(e, out, file, t);
        io.err(`isola export: ${failure}\n`);
        return 1;
      }
      io.out(`${t.t('cli.export.saved', { file: path.relative(io.cwd, out) || out })}\n`);
      return 0;
    });
  } finally {
    interrupt.off();
  }

  function interrupted(): ExitCode {
    io.err(`isola export: ${t.t('cli.export.interrupted', { file })}\n`);
    return interrupt.exitCode();
  }
}

/**
 * An export job followed to its end (its log lines to `jobIo.out`), then its package downloaded
 * to `file`. False, with the job's failure on stderr, when the job did not succeed. Its own lines
 * are in the user's language; the job's log and error are the environment's. A signal `interrupt`
 * caught cancels the job (or stops the download, which throws): false, and nothing said, when
 * `interrupt.caught`, for the caller to say it.
 */
export async function exportPackage(client: EnvClient, req: ExportRequest, file: string, command: string, io: Io, jobIo: Io = io, interrupt?: Interrupt): Promise<boolean> {
  const t = translatorOf(io);
  if (interrupt?.caught) return false;
  const job = await client.startExport(req);
  jobIo.out(`${oneLine(t.t('cli.export.job', { id: job.id }), Infinity)}\n`);
  // A job that has ended cannot be cancelled (409): its package is then not downloaded.
  interrupt?.onSignal(() => client.cancelJob(job.id).catch(() => undefined));
  const done = await follow(client, job.id, jobIo);
  if (interrupt?.caught) return false;
  if (done.status !== 'succeeded') {
    io.err(`isola ${command}: ${oneLine(t.t('cli.job.failed', { id: done.id, status: done.status, error: done.error ?? '' }), Infinity)}\n`);
    return false;
  }
  const id = String(done.result!.package);
  await client.downloadPackage(id, file, interrupt?.signal);
  // Downloaded once and never again: the environment's copy goes. One it cannot delete is said, not fatal.
  await client.discardExport(id).catch((e) => io.err(`isola ${command}: ${oneLine(`the environment keeps package ${id}: ${e instanceof Error ? e.message : String(e)}`, Infinity)}\n`));
  return true;
}
