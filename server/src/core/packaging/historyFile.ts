import * as path from 'node:path';
import { parseJson } from '../json/parse';
import { readRegularFile } from '../manifest/host';
import { linkedPathVerdict } from '../manifest/linkedPath';
import { promises as fs } from 'node:fs';
import { exclusiveTemp } from '../exclusiveWrite';
import { acquireLock, HeldLock, LockBusy } from '../ownedFile';
import type { History } from './format';
import { HISTORY_FILE, historyShapeError } from './history';
import { foreignOwner, foreignOwnerWords } from './projectFolder';
import { MAX_DESCRIPTOR_BYTES } from './format';

/** A history file that exists but cannot be used; builds stop rather than lose past versions. */
export class HistoryFileError extends Error {}

/** The lock beside a project's history that every update of it holds (see `lockHistory`). */
export const HISTORY_LOCK = `${HISTORY_FILE}.lock`;

/**
 * Takes the lock on the history in `root`, which every update of it holds from reading the
 * history to renaming the new one in (builds, the CLI's and the editor's, `isola unpack` and `retrieve`):
 * two builds of one project at once (a CI matrix, `make -j`) each read it, added their versions
 * and wrote it back, and the one that wrote last dropped the other's. Waits up to `timeoutMs` for
 * another process's update and takes over a lock whose process is gone. Throws
 * `HistoryWriteError` ending with `consequence` when the lock cannot be had.
 */
export async function lockHistory(root: string, consequence: string, timeoutMs?: number): Promise<HeldLock> {
  const file = path.join(root, HISTORY_FILE);
  const lock = path.join(root, HISTORY_LOCK);
  try {
    return await acquireLock(lock, timeoutMs);
  } catch (e) {
    if (e instanceof LockBusy) {
      throw new HistoryWriteError(`${file} is being updated by ${e.holder}, which holds ${lock}; ${consequence}: try again once it is done, or delete ${lock} if no isola build or unpack is running`);
    }
    throw new HistoryWriteError(`cannot write ${file}: ${writeReason(e)}; ${consequence}`);
  }
}

/**
 * Replaces the history in `root` with what `change` makes of it, with the lock held
 * (`lockHistory`): read again under the lock, so what another build or unpack wrote meanwhile stays.
 */
export async function commitLockedHistory(root: string, change: (current: History) => History): Promise<void> {
  const current = await readHistoryFile(root);
  const staged = await stageHistoryFile(root, change(current), 'the history is as it was', 'the history is as it was');
  await staged.commit();
}

/** A history that could not be written: the build that made it replaced no file (see `stageHistoryFile`). */
export class HistoryWriteError extends Error {}

/** Reads a project's `isola.history.json`: none yet is an empty history. */
export async function readHistoryFile(root: string): Promise<History> {
  const file = path.join(root, HISTORY_FILE);
  // A history that exists but cannot be read is an error, not an empty history: the next build
  // would write a new one over it and lose every past version (and a named pipe would hang).
  // Held to what a package's descriptor may hold (its history goes there), not to the limit of a
  // script: a long-lived project's history passes 64 MB (20,000 entities with 32 versions: 97 MB).
  const read = readRegularFile(file, false, MAX_DESCRIPTOR_BYTES);
  if (read === undefined) return {};
  // A link that leads out of the project would bring another project's versions into this one's packages.
  const verdict = linkedPathVerdict(root, HISTORY_FILE, file);
  if (!verdict.inside) throw new HistoryFileError(`${file}: leads outside the project (to ${verdict.target}); a project's history must be its own file`);
  // Another user's history (found where the project's own would be) is neither read nor replaced:
  // its versions would go into this user's packages, and an environment would take an entity
  // changed there for a version the package knows (an update instead of a conflict).
  const uid = foreignOwner(file);
  if (uid !== undefined) throw new HistoryFileError(`${foreignOwnerWords({ file, uid })}: a project's history must be its own; take the file over (chown) or move it away`);
  if ('reason' in read) throw new HistoryFileError(`${file}: ${read.reason}; fix or delete it (it records every entity's past versions)`);
  const { value, errors } = parseJson(read.bytes.toString('utf8'));
  const problem = errors.length ? `not valid JSON (${errors[0].message} at offset ${errors[0].offset})` : historyShapeError(value);
  if (problem) throw new HistoryFileError(`${file}: ${problem}; fix or delete it (it records every entity's past versions)`);
  return value as History;
}

/** A history written to a temporary file beside `isola.history.json`, to be renamed into place or removed. */
export interface StagedHistory {
  /** The history file it replaces. */
  file: string;
  /** Renames it into place. */
  commit(): Promise<void>;
  /** Removes it, leaving the history as it was. */
  discard(): Promise<void>;
}

/**
 * Writes the history whole to a temporary file beside its place, before a build renames its
 * package into place: a history that cannot be written (no permission, a full disk) then refuses
 * the build with `HistoryWriteError` and no file replaced, instead of leaving a package that
 * carries versions the project does not record. The rename that follows the package's is the
 * only step left that can fail between the two.
 */
export async function stageHistoryFile(root: string, history: History, consequence = 'no package was written, and the history is as it was', unreplaced?: string): Promise<StagedHistory> {
  const file = path.join(root, HISTORY_FILE);
  let tmp: string | undefined;
  try {
    // `isola.history.json.partial-<pid>-<hex>`: what `isola init`'s .gitignore keeps out of commits, and a later build removes if its writer was killed.
    const staged = await exclusiveTemp(file);
    tmp = staged.path;
    try {
      await staged.handle.writeFile(JSON.stringify(history, null, 2) + '\n');
    } finally {
      await staged.handle.close();
    }
  } catch (e) {
    if (tmp !== undefined) await fs.rm(tmp, { force: true });
    throw new HistoryWriteError(`cannot write ${file}: ${writeReason(e)}; ${consequence}`);
  }
  const at = tmp;
  return {
    file,
    commit: () => fs.rename(at, file).catch(async (e) => {
      await fs.rm(at, { force: true });
      throw new HistoryWriteError(unreplaced === undefined
        ? `the package was written, but ${file} could not be replaced (${writeReason(e)}): the package carries versions the history does not record; build again once it can be written`
        : `cannot replace ${file}: ${writeReason(e)}; ${unreplaced}`);
    }),
    discard: () => fs.rm(at, { force: true }),
  };
}

// Why a write failed, in words.
function writeReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOENT':
      return 'its folder does not exist';
    default:
      return err.code ?? String(err.message ?? e);
  }
}
