import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { PackageError } from '../core/packaging/reader';
import { UnpackRefused } from '../core/unpack/errors';
import { UnpackResult, unpackPackage } from '../core/unpack/unpack';
import { ExitCode, Io, UsageError } from './usage';

/** `isola unpack FILE [--dir DIR] [--dry-run] [--force] [--format text|json]`: a package becomes manifests, edited in place where they exist. */
export async function runUnpack(args: string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { dir: { type: 'string', default: '.' }, 'dry-run': { type: 'boolean' }, force: { type: 'boolean' }, format: { type: 'string', default: 'text' } },
  });
  if (positionals.length !== 1) throw new UsageError('usage: isola unpack FILE [--dir DIR] [--dry-run] [--force] [--format text|json]');
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`unknown format "${values.format}": use text or json`);
  const file = path.resolve(io.cwd, positionals[0]);
  const dir = path.resolve(io.cwd, values.dir!);
  return unpackInto(file, dir, { dryRun: !!values['dry-run'], force: !!values.force, format: values.format, label: positionals[0] }, io, 'unpack');
}

/** Unpacks and reports, for `unpack` and `retrieve` alike: exit 1 when refused (nothing written), 2 when the package cannot be read. */
export async function unpackInto(file: string, dir: string, o: { dryRun: boolean; force: boolean; format: string; label: string }, io: Io, command: string): Promise<ExitCode> {
  let r: UnpackResult;
  try {
    r = await unpackPackage({ file, dir, dryRun: o.dryRun, force: o.force });
  } catch (e) {
    if (e instanceof PackageError) throw new UsageError(`${o.label}: ${e.message}`);
    if (e instanceof UnpackRefused) {
      io.err(`isola ${command}: refused, nothing written: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (o.format === 'json') {
    io.out(JSON.stringify(r, null, 2) + '\n');
    return 0;
  }
  io.out(unpackText(r, dir, io.cwd));
  return 0;
}

/** One line per file (created, changed with its count of entities, unchanged), the notes, and a summary. */
export function unpackText(r: UnpackResult, dir: string, cwd: string): string {
  const where = path.relative(cwd, dir) || '.';
  const lines = [`${r.written ? 'Unpacked' : 'Would unpack'} ${r.package.kind} ${r.package.code}${r.package.version ? ` ${r.package.version}` : ''} into ${where}:`];
  for (const f of r.files) {
    const n = f.entities !== undefined && f.status === 'changed' ? ` (${f.entities} ${f.entities === 1 ? 'entity' : 'entities'})` : '';
    lines.push(`  ${f.status.padEnd(9)} ${f.file}${n}`);
  }
  for (const note of r.notes) lines.push(`  note: ${note}`);
  const count = (s: string) => r.files.filter((f) => f.status === s).length;
  lines.push(`${count('created')} created, ${count('changed')} changed, ${count('unchanged')} unchanged${r.written ? '' : ' (dry run: nothing written)'}`);
  return lines.join('\n') + '\n';
}
