import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { PackageError } from '../core/packaging/reader';
import { UnpackBusy, UnpackInterrupted, UnpackRefused, UnpackUnfinished, UnpackWriteFailed } from '../core/unpack/errors';
import { UnpackResult, unpackPackage } from '../core/unpack/unpack';
import { english, Translator } from '../core/l10n';
import { oneLine } from '../core/oneLine';
import { sayFinished } from './finishUnpacks';
import { translatorOf } from './lang';
import { ExitCode, Io, UsageError } from './usage';

/** `isola unpack FILE [--dir DIR] [--dry-run] [--force] [--format text|json]`: a package becomes manifests, edited in place where they exist. */
export async function runUnpack(args: string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { dir: { type: 'string', default: '.' }, 'dry-run': { type: 'boolean' }, force: { type: 'boolean' }, format: { type: 'string', default: 'text' } },
  });
  const t = translatorOf(io);
  if (positionals.length !== 1) throw new UsageError(t.t('cli.usage', { synopsis: 'isola unpack FILE [--dir DIR] [--dry-run] [--force] [--format text|json]' }));
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(t.t('cli.unknownFormat.textJson', { format: String(values.format) }));
  const file = path.resolve(io.cwd, positionals[0]);
  const dir = path.resolve(io.cwd, values.dir!);
  return unpackInto(file, dir, { dryRun: !!values['dry-run'], force: !!values.force, format: values.format, label: positionals[0] }, io, 'unpack');
}

/** Unpacks and reports, for `unpack` and `retrieve` alike: exit 1 when refused or a write fails (a full disk), 2 when the package cannot be read. */
export async function unpackInto(file: string, dir: string, o: { dryRun: boolean; force: boolean; format: string; label: string }, io: Io, command: string): Promise<ExitCode> {
  const t = translatorOf(io);
  let r: UnpackResult;
  // Ctrl+C or a kill stops the unpack through its signal: it removes its temporary files and
  // replaces nothing (a process that just died would leave `*.partial-*` files and half an unpack).
  const interrupt = new AbortController();
  let caught: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    caught ??= signal;
    interrupt.abort();
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    r = await unpackPackage({ file, dir, dryRun: o.dryRun, force: o.force, signal: interrupt.signal });
  } catch (e) {
    if (e instanceof UnpackInterrupted) {
      io.err(`isola ${command}: ${t.t('cli.unpack.interrupted', { dir: path.relative(io.cwd, dir) || '.' })}\n`);
      return caught === 'SIGTERM' ? 143 : 130;
    }
    if (e instanceof PackageError) throw new UsageError(`${o.label}: ${e.message}`);
    if (e instanceof UnpackWriteFailed) {
      const words = { reason: e.reason, file: path.relative(io.cwd, path.join(dir, e.file)) || e.file, dir: path.relative(io.cwd, dir) || '.', n: e.replaced };
      io.err(`isola ${command}: ${oneLine(t.t(e.replaced ? 'cli.unpack.writeFailedLate' : 'cli.unpack.writeFailed', words), Infinity)}\n`);
      return 1;
    }
    if (e instanceof UnpackRefused) {
      io.err(`isola ${command}: ${oneLine(t.t('cli.unpack.refused', { reason: e.message }), Infinity)}\n`);
      return 1;
    }
    // Another unpack running into the folder, or this one stopped among its renames (its journal stays).
    if (e instanceof UnpackBusy || e instanceof UnpackUnfinished) {
      io.err(`isola ${command}: ${oneLine(e.message, Infinity)}\n`);
      return 1;
    }
    throw e;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
  if (r.finished) sayFinished(r.finished, io, command);
  if (o.format === 'json') {
    io.out(JSON.stringify(r, null, 2) + '\n');
    return 0;
  }
  io.out(unpackText(r, dir, io.cwd, t));
  return 0;
}

/**
 * One line per file (created, changed with its count of entities, unchanged), the notes, and a
 * summary, in `t`'s language (the notes are the unpacker's, in English).
 */
export function unpackText(r: UnpackResult, dir: string, cwd: string, t: Translator = english): string {
  const where = path.relative(cwd, dir) || '.';
  const head = { kind: t.noun(r.package.kind), code: r.package.code, version: r.package.version ? ` ${r.package.version}` : '', dir: where };
  const lines = [t.t(r.written ? 'cli.unpack.done' : 'cli.unpack.would', head)];
  const status = { created: t.t('cli.unpack.created'), changed: t.t('cli.unpack.changed'), unchanged: t.t('cli.unpack.unchanged') };
  // The file names line up after the longest status word (9 characters in English).
  const width = Math.max(...Object.values(status).map((s) => s.length));
  for (const f of r.files) {
    const n = f.entities !== undefined && f.status === 'changed' ? ` (${t.t('cli.count.entity', { n: f.entities })})` : '';
    lines.push(`  ${(status[f.status as keyof typeof status] ?? f.status).padEnd(width)} ${f.file}${n}`);
  }
  for (const note of r.notes) lines.push(`  ${t.t('cli.unpack.note', { note })}`);
  const count = (s: string) => r.files.filter((f) => f.status === s).length;
  lines.push(t.t('cli.unpack.summary', { created: count('created'), changed: count('changed'), unchanged: count('unchanged'), dryRun: r.written ? '' : t.t('cli.unpack.dryRun') }));
  // Notes and names quote the package's codes and hints: one line each, no escape sequence.
  return lines.map((l) => oneLine(l, Infinity)).join('\n') + '\n';
}
