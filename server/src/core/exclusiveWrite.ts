import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { english, Translator } from './l10n';

/** What stands at a path in place of a file. */
export type NotAFile = 'folder' | 'pipe' | 'device' | 'socket';

/**
 * A write refused because its target is not a regular file: a folder, a named pipe, a device
 * (`/dev/null`) or a socket, also behind a link. Replacing one is never what was meant, and
 * writing into a pipe would block until someone reads it.
 */
export class NotAFileError extends Error {
  constructor(readonly file: string, readonly what: NotAFile) {
    super(notAFileText(file, what, english));
  }

  /** The refusal in `t`'s language, naming the file as `shown`. */
  say(t: Translator, shown = this.file): string {
    return notAFileText(shown, this.what, t);
  }
}

function notAFileText(file: string, what: NotAFile, t: Translator): string {
  return t.t('write.notFile', { file, what: t.t(`write.what.${what}`) });
}

/**
 * Refuses (`NotAFileError`) when something other than a regular file is at `target`. Judged by
 * what a link there points at, as the CLI's `--out` check is: the rename would replace the link,
 * but a link to `/dev/null` was not meant as a file name either. Only `stat`: nothing is opened.
 */
export async function refuseNotAFile(target: string): Promise<void> {
  const s = await fs.stat(target).catch(() => undefined);
  if (!s || s.isFile()) return;
  throw new NotAFileError(target, s.isDirectory() ? 'folder' : s.isFIFO() ? 'pipe' : s.isSocket() ? 'socket' : 'device');
}

/** Renames the finished temporary file over `target`, looking again first: something else may have been put there meanwhile. */
export async function renameOver(tmp: string, target: string): Promise<void> {
  await refuseNotAFile(target);
  await fs.rename(tmp, target);
}

/**
 * A temporary file next to `target` that nobody else can have put there: a random name, created
 * with O_EXCL, which refuses a name that exists (a symbolic link planted at a predictable name
 * included) instead of writing through it. Renamed over `target` when complete, it replaces a
 * link there rather than writing into what the link points at.
 *
 * It takes the permissions of a regular file at `target`: the rename replaces that file, and a
 * private (0600) manifest or history must not come back readable by everyone. Anything else at
 * `target` (a folder, a pipe, a device, a socket) is refused before the file is made. Temporary
 * files of `target` that a killed process left (`removeStalePartials`) go first, unless `sweep` is false.
 */
export async function exclusiveTemp(target: string, tag: string = partialTag(), o: { sweep?: boolean } = {}): Promise<{ path: string; handle: FileHandle }> {
  await refuseNotAFile(target);
  if (o.sweep !== false) await removeStalePartials(path.dirname(target), new Set([path.basename(target)]));
  for (let attempt = 0; ; attempt++) {
    const tmp = `${target}.${tag}-${randomBytes(6).toString('hex')}`;
    let handle: FileHandle;
    try {
      handle = await fs.open(tmp, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 8) throw e;
      continue;
    }
    await keepMode(target, handle);
    return { path: tmp, handle };
  }
}

/**
 * Gives `handle` the permission bits of the regular file at `target`, if there is one (a link
 * there is replaced, not followed). Through the descriptor, so it is the file just created that
 * changes. Best effort: Windows knows little of modes, and a failure leaves the default.
 */
async function keepMode(target: string, handle: FileHandle): Promise<void> {
  const old = await fs.lstat(target).catch(() => undefined);
  if (!old?.isFile()) return;
  // Permission bits only: a set-user-ID bit is not for a file Isola wrote.
  await handle.chmod(old.mode & 0o777).catch(() => undefined);
}

/**
 * The tag of this process's temporary files: `exclusiveTemp` names them `FILE.partial-<pid>-<random
 * hex>`. The pid tells a file whose writer was killed (SIGKILL, a crash) from one still being
 * written, so a later write can remove it; `isola init`'s `.gitignore` line `*.partial-*` keeps
 * one that stays out of commits.
 */
export function partialTag(): string {
  return `partial-${process.pid}`;
}

/** How old a temporary file named without a pid (`.history-<hex>`, `.unpack-<hex>`, by earlier versions) must be to be taken for abandoned. */
const PIDLESS_STALE_MS = 24 * 60 * 60 * 1000;

/** A temporary file `exclusiveTemp` made beside a target: the target's name, and its writer's pid if the name has one. */
const TEMP_NAME = /^(.+)\.(?:partial-(\d+)-(?:[0-9a-f]{12}|\d+)|(?:history|unpack)-[0-9a-f]{12})$/;

/**
 * Removes from `dir` the temporary files of the targets named `names` whose writer is gone: a
 * build, unpack or download killed mid-write leaves its `FILE.partial-<pid>-<hex>`, which nothing
 * else ever removes. Only regular files named so, only of these targets, and only when no process
 * has that pid on this machine (one that does may be writing it: left alone, also when the pid
 * was reused). Names without a pid (earlier versions) go only when untouched for a day: no write
 * takes that long, and a live one of another version stays. Best effort: a failure changes nothing.
 */
export async function removeStalePartials(dir: string, names: ReadonlySet<string>): Promise<void> {
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of entries) {
    const m = TEMP_NAME.exec(name);
    if (!m || !names.has(m[1])) continue;
    if (m[2] !== undefined && processExists(Number(m[2]))) continue;
    const file = path.join(dir, name);
    const s = await fs.lstat(file).catch(() => undefined);
    if (!s?.isFile()) continue;
    if (m[2] === undefined && Date.now() - s.mtimeMs < PIDLESS_STALE_MS) continue;
    await fs.rm(file, { force: true }).catch(() => undefined);
  }
}

/** `removeStalePartials` for each of `targets` (absolute paths), one look at each folder. */
export async function removeStalePartialsBeside(targets: Iterable<string>): Promise<void> {
  const byFolder = new Map<string, Set<string>>();
  for (const t of targets) {
    const names = byFolder.get(path.dirname(t)) ?? byFolder.set(path.dirname(t), new Set()).get(path.dirname(t))!;
    names.add(path.basename(t));
  }
  for (const [dir, names] of byFolder) await removeStalePartials(dir, names);
}

/** Whether a process with this pid runs on this machine (of any user); anything unclear counts as yes. */
function processExists(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The system calls whose failure is a failure to write a file. */
const WRITE_CALLS = new Set(['open', 'write', 'writev', 'close', 'fsync', 'rename', 'chmod', 'fchmod', 'ftruncate', 'mkdir']);

/**
 * Why the file system refused a write, in Node's words ("no space left on device", "permission
 * denied"), or undefined when `e` is no such refusal (a read, a parse, anything else). With
 * `target`, only a refusal that names no path, `target`, or a temporary file beside it counts.
 */
export function writeRefusal(e: unknown, target?: string): string | undefined {
  if (e instanceof WriteFailed) return target === undefined || e.path === target ? e.reason : undefined;
  const err = e as NodeJS.ErrnoException | undefined;
  if (!err || typeof err.code !== 'string' || !err.syscall || !WRITE_CALLS.has(err.syscall)) return undefined;
  if (target !== undefined && err.path !== undefined && err.path !== target && !err.path.startsWith(`${target}.`)) return undefined;
  // Node's message is "ENOSPC: no space left on device, write": the middle is the reason.
  return /^[A-Z0-9]+: ([^,]+)/.exec(String(err.message))?.[1] ?? err.code;
}

/** A write of `path` the file system refused (a full disk), in words that name the file; nothing of it was written. */
export class WriteFailed extends Error {
  readonly code: string | undefined;
  readonly syscall: string | undefined;

  constructor(readonly path: string, readonly reason: string, cause: unknown) {
    super(`${reason} writing ${path}; nothing was written`, { cause });
    this.code = (cause as NodeJS.ErrnoException).code;
    this.syscall = (cause as NodeJS.ErrnoException).syscall;
  }
}

/** Whether a write failed for want of space: the disk is full, or the user's quota. */
export function outOfSpace(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Writes `target` whole or not at all: `fill` writes an `exclusiveTemp`, which is then renamed over it (and removed on failure). */
export async function writeExclusive(target: string, tag: string, fill: (handle: FileHandle) => Promise<void>): Promise<void> {
  const { path: tmp, handle } = await exclusiveTemp(target, tag);
  try {
    try {
      await fill(handle);
    } finally {
      await handle.close();
    }
    await renameOver(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    // A download that fills the disk names the file it was for, wherever it is shown (the editor too).
    const reason = writeRefusal(e, target);
    throw reason === undefined ? e : new WriteFailed(target, reason, e);
  }
}

/** `writeExclusive` of text or bytes. */
export function writeFileExclusive(target: string, data: string | Uint8Array, tag = 'partial'): Promise<void> {
  return writeExclusive(target, tag, (h) => h.writeFile(data));
}
