import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { ExportRequest } from '../core/environment/types';
import { describeEnvError, openEnvironment } from './envArgs';
import { follow } from './import';
import { ExitCode, Io, UsageError } from './usage';

const KINDS = ['namespace', 'workspace', 'module', 'app', 'solution', 'configuration'];

/** `isola export --package CODE [--kind KIND] [--env NAME] --out FILE`: an export job, then the download. */
export async function runExport(args: string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      package: { type: 'string' }, kind: { type: 'string', default: 'namespace' }, env: { type: 'string' }, out: { type: 'string' },
      data: { type: 'string', default: 'none' }, design: { type: 'string', default: 'all' }, title: { type: 'string' }, comment: { type: 'string' },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.package) throw new UsageError('--package CODE is required (a namespace, app, solution or configuration code)');
  if (!values.out) throw new UsageError('--out FILE is required');
  if (!KINDS.includes(values.kind!)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
  if (values.design !== 'all' && values.design !== 'none') throw new UsageError('--design must be all or none');
  const data = values.data === 'none' || values.data === 'all' ? values.data : values.data!.split(',').map((s) => s.trim()).filter(Boolean);
  const out = path.resolve(io.cwd, values.out);
  const client = await openEnvironment(values.env, io);
  try {
    const req: ExportRequest = { kind: values.kind as ExportRequest['kind'], code: values.package, design: values.design, data, title: values.title, comment: values.comment };
    const job = await client.startExport(req);
    io.out(`Export job ${job.id}:\n`);
    const done = await follow(client, job.id, io);
    if (done.status !== 'succeeded') {
      io.err(`isola export: job ${done.id} ${done.status}: ${done.error ?? ''}\n`);
      return 1;
    }
    await client.downloadPackage(String(done.result!.package), out);
    io.out(`Saved ${path.relative(io.cwd, out) || out}.\n`);
    return 0;
  } catch (e) {
    const line = describeEnvError(e, client.name);
    if (line) {
      io.err(`isola export: ${line}\n`);
      return 1;
    }
    throw e;
  } finally {
    await client.close();
  }
}
