import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { ExportRequest } from '../core/environment/types';
import { describeEnvError, openEnvironment } from './envArgs';
import { follow } from './import';
import { unpackInto } from './unpack';
import { ExitCode, Io, UsageError } from './usage';

const KINDS = ['namespace', 'workspace', 'module', 'app', 'solution', 'configuration'];

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
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.package) throw new UsageError('--package CODE is required (a namespace, app, solution or configuration code)');
  if (!KINDS.includes(values.kind!)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown format "${values.format}": use text or json`);
  const data = values.data === 'none' || values.data === 'all' ? values.data : values.data!.split(',').map((s) => s.trim()).filter(Boolean);
  const dir = path.resolve(io.cwd, values.dir!);
  const client = await openEnvironment(values.env, io);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-retrieve-'));
  // Job lines go to stderr with --format json, so stdout stays one JSON object.
  const jobIo: Io = values.format === 'json' ? { ...io, out: io.err } : io;
  try {
    const req: ExportRequest = { kind: values.kind as ExportRequest['kind'], code: values.package, design: 'all', data };
    const job = await client.startExport(req);
    jobIo.out(`Export job ${job.id}:\n`);
    const done = await follow(client, job.id, jobIo);
    if (done.status !== 'succeeded') {
      io.err(`isola retrieve: job ${done.id} ${done.status}: ${done.error ?? ''}\n`);
      return 1;
    }
    const file = path.join(tmp, `${values.package}.isolapkg`);
    await client.downloadPackage(String(done.result!.package), file);
    return await unpackInto(file, dir, { dryRun: !!values['dry-run'], force: !!values.force, format: values.format!, label: `the package of ${values.package}` }, io, 'retrieve');
  } catch (e) {
    const line = describeEnvError(e, client.name);
    if (line) {
      io.err(`isola retrieve: ${line}\n`);
      return 1;
    }
    throw e;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await client.close();
  }
}
