import { promises as fs, Stats } from 'node:fs';
import { NotAFileError, refuseNotAFile, writeRefusal } from '../core/exclusiveWrite';
import type { Translator } from '../core/l10n';
import type { Descriptor } from '../core/packaging/format';
import { descriptorBefore } from '../core/packaging/replaced';
import { UsageError } from './usage';

/** Why a package cannot be written at `--out`: said before anything is written, exit status 1. */
export class OutRefused extends Error {}

/**
 * Checks `out` before a build or an export writes a package there, and returns what it holds (as
 * `descriptorBefore`). Anything but a regular file (a folder, a named pipe, a device, a socket)
 * is bad input, exit 2, even with `force`: `--out` names a package file, and replacing
 * `/dev/null` or a pipe another program reads is never what was meant. A file that is not a
 * readable package is refused unless `force`: a typo or a swapped argument would replace a
 * manifest or a document. A file the build reads (`inputs`) is refused even with `force`: the
 * build would destroy what it was built from. A link at `out` is judged by what it points at,
 * though the write replaces the link itself.
 */
export async function checkOut(out: string, shown: string, o: { force: boolean; inputs?: Iterable<string>; t: Translator }): Promise<Descriptor | null | undefined> {
  if (!(await fs.stat(out).catch(() => undefined))) return undefined;
  await refuseNotAFile(out).catch((e) => {
    throw outUsage(e, out, shown, o.t);
  });
  if (o.inputs && (await isInput(out, o.inputs))) throw new OutRefused(o.t.t('cli.out.input', { file: shown }));
  const before = await descriptorBefore(out);
  if (before === null && !o.force) throw new OutRefused(o.t.t('cli.out.notPackage', { file: shown }));
  return before;
}

/**
 * The writer's refusal of something other than a file at `out` (`NotAFileError`) as the bad
 * usage it is, in `--out`'s words (exit 2); any other error as it is. The writer looks again
 * before it replaces `out`, so this is also what a pipe put there during the build gets.
 */
export function outUsage(e: unknown, out: string, shown: string, t: Translator): unknown {
  if (!(e instanceof NotAFileError) || e.file !== out) return e;
  if (e.what === 'folder') return new UsageError(t.t('cli.out.folder', { file: shown }));
  return new UsageError(t.t('cli.out.special', { file: shown, what: t.t(`write.what.${e.what}`) }));
}

/**
 * Whether writing `out` would replace one of `inputs`: the entry at `out` itself (a link there is
 * replaced, not followed) is the file an input names or leads to. By identity, not by name, so
 * another spelling of the path or a hard link is caught too.
 */
async function isInput(out: string, inputs: Iterable<string>): Promise<boolean> {
  const target = await fs.lstat(out).catch(() => undefined);
  if (!target?.isFile()) return false;
  const same = (s: Stats | undefined) => !!s && s.ino === target.ino && s.dev === target.dev && s.ino !== 0;
  for (const f of new Set(inputs)) if (same(await fs.stat(f).catch(() => undefined))) return true;
  return false;
}

/**
 * A plain sentence for a failure to write `out` ("no space left on device writing out.isolapkg"),
 * or undefined for any other error. An error that names a path names `out` or a temporary file
 * beside it; one of a read (a data file the build streams) is not this.
 */
export function writeFailure(e: unknown, out: string, shown: string, t: Translator): string | undefined {
  const reason = writeRefusal(e, out);
  return reason === undefined ? undefined : t.t('cli.out.writeFailed', { reason, file: shown });
}
