import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { ExportRequest } from '../core/environment/types';
import { withEnvironment } from './envArgs';
import { translatorOf } from './lang';
import { EXPORT_KINDS, exportPackage } from './export';
import { unpackInto } from './unpack';
import { Interrupt } from './interrupt';
import { writeFailure } from './outFile';
import { oneLine } from '../core/oneLine';
import { ExitCode, Io, UsageError } from './usage';

/**
 * `isola retrieve --package CODE [--kind KIND] [--env NAME] [--dir DIR] [--data none|all|APP,...] [--dry-run] [--force] [--format text|json]`:
 * an export job on the environment, then an unpack of its package into DIR (in place where the
 * manifests are), so `git diff` shows what changed in the environment.
 */
export async function runRetrieve(args: string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      package: { type: 'string' }, kind: { type: 'string', default: 'namespace' }, env: { type: 'string' }, dir: { type: 'string', default: '.' },
      data: { type: 'string', default: 'none' }, 'dry-run': { type: 'boolean' }, force: { type: 'boolean' }, format: { type: 'string', default: 'text' },
    },
  });
  const t = translatorOf(io);
  if (positionals.length) throw new UsageError(t.t('cli.unexpectedArgument', { arg: positionals[0] }));
  if (!values.package) throw new UsageError(t.t('cli.packageCodeRequired'));
  if (!EXPORT_KINDS.includes(values.kind!)) throw new UsageError(t.t('cli.kindOneOf', { kinds: EXPORT_KINDS.join(', ') }));
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(t.t('cli.unknownFormat.textJson', { format: String(values.format) }));
  const data = values.data === 'none' || values.data === 'all' ? values.data : values.data!.split(',').map((s) => s.trim()).filter(Boolean);
  const dir = path.resolve(io.cwd, values.dir!);
  // Job lines go to stderr with --format json, so stdout stays one JSON object.
  const jobIo: Io = values.format === 'json' ? { ...io, out: io.err } : io;
  // Ctrl+C or a kill cancels the export job or stops the download, and the temporary folder goes
  // with it (a process that died of the signal left `isola-retrieve-*` in the temp folder); the
  // unpack that follows stops by its own signal.
  const interrupt = new Interrupt();
  try {
    return await withEnvironment('retrieve', values.env, io, (client) => withTempFolder('isola-retrieve-', async (tmp) => {
      const req: ExportRequest = { kind: values.kind as ExportRequest['kind'], code: values.package!, design: 'all', data };
      const file = path.join(tmp, 'retrieved.isolapkg');
      const interrupted = (): ExitCode => {
        io.err(`isola retrieve: ${t.t('cli.retrieve.interrupted', { dir: path.relative(io.cwd, dir) || '.' })}\n`);
        return interrupt.exitCode();
      };
      try {
        if (!(await exportPackage(client, req, file, 'retrieve', io, jobIo, interrupt))) return interrupt.caught ? interrupted() : 1;
      } catch (e) {
        if (interrupt.caught) return interrupted();
        // The download goes to the temporary folder first: a full one is said so, exit 1.
        const failure = writeFailure(e, file, file, t);
        if (!failure) throw e;
        io.err(`isola retrieve: ${oneLine(t.t('cli.retrieve.downloadFailed', { failure, dir: path.relative(io.cwd, dir) || '.' }), Infinity)}\n`);
        return 1;
      }
      if (interrupt.caught) return interrupted();
      return await unpackInto(file, dir, { dryRun: !!values['dry-run'], force: !!values.force, format: values.format!, label: t.t('cli.retrieve.label', { code: values.package! }) }, io, 'retrieve');
    }));
  } finally {
    interrupt.off();
  }
}

/**
 * Runs `work` with a new private folder under the OS temp folder, removed when it ends, however
 * it ends: returned, failed, or the process exiting meanwhile (`process.exit` by a second Ctrl+C
 * or an internal error).
 */
async function withTempFolder<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), prefix));
  const remove = () => rmSync(tmp, { recursive: true, force: true });
  process.once('exit', remove);
  try {
    return await work(tmp);
  } finally {
    process.off('exit', remove);
    remove();
  }
}
