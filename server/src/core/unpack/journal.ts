import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseJson } from '../json/parse';
import { createExclusive, HeldLock, isStale, newOwner, Owner, pause, readOwned, SeenOwned, takeOver } from '../ownedFile';
import type { History } from '../packaging/format';
import { HISTORY_FILE, historyShapeError } from '../packaging/history';
import { commitLockedHistory, HISTORY_LOCK, HistoryFileError, HistoryWriteError, lockHistory } from '../packaging/historyFile';
import { foreignOwner } from '../packaging/projectFolder';
import { UnpackBusy, UnpackUnfinished } from './errors';
import { mergeHistory } from './history';
import { unsafeRelativePath } from './names';
import { JOURNAL } from './journalName';

export { JOURNAL };


/** An unpack's journal: each temporary file and the file it becomes, paths relative to its folder, forward slashes. */
export interface Journal {
  owner: Owner;
  /** The package, in words: `workspace invoices 1.2.0`. */
  package: string;
  /**
   * `size` is the temporary file's when it was complete (one of another size was cut short), `ino`
   * its inode number, which a rename keeps: a file that has it was renamed before the interruption.
   */
  files: { tmp: string; file: string; size: number; ino: string }[];
  /** The package's history in `tmp`, merged (under the history's lock) into the history in `folder` after the renames. */
  history?: { folder: string; tmp: string; size: number };
  /** Files whose temporary file was gone when an interrupted unpack was finished: they are as they were before it. */
  missing?: string[];
}

/** What finishing an interrupted unpack did. */
export interface Finished {
  /** The folder it unpacked into. */
  dir: string;
  package: string;
  /** Files put in place now. */
  renamed: number;
  /** Files that could not be (their temporary files are gone): as they were before that unpack. */
  missing: string[];
  /** The journal's path. */
  journal: string;
  /** Whether the journal stays, naming the missing files (they are missing and it was not dropped). */
  kept: boolean;
}

/** Every temporary file an unpack makes ends so: `scripts/a.ts.partial-<pid>-<12 hex>` (`exclusiveTemp` with `partialTag`). */
const TEMP = /\.partial-\d+-[0-9a-f]{12}$/;

/** How long a command waits for another process's unpack into the same folder to finish its renames. */
const WAIT_MS = 60_000;

/**
 * Finishes every interrupted unpack whose journal is in `start` or a folder above it (the folder a
 * command works in is then inside it): each temporary file that is complete is renamed into place,
 * then the package's history is merged. Waits for an unpack still running there (`UnpackBusy`
 * after a minute). When temporary files are gone, their files are reported as `missing`; `drop`
 * then removes the journal (an unpack about to write the folder again), else it stays, naming
 * them, so every later command says so until the package is unpacked again or it is deleted.
 * A journal of another user is not touched.
 */
export async function finishInterruptedUnpacks(start: string, o: { drop?: boolean } = {}): Promise<Finished[]> {
  const out: Finished[] = [];
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const file = path.join(dir, JOURNAL);
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const seen = await readOwned(file).catch(() => undefined);
      if (!seen || foreignOwner(file) !== undefined) break;
      if (isStale(seen)) {
        const done = await finishJournal(dir, seen, !!o.drop);
        if (done === 'gone') break;
        if (done) {
          out.push(done);
          break;
        }
      } else if (Date.now() > deadline) throw new UnpackBusy(dir, seen.owner);
      await pause();
    }
    if (path.dirname(dir) === dir) return out;
  }
}

/**
 * Creates the journal of an unpack into `dir` (on the disk before it returns). An unpack still
 * running there is waited for; one interrupted is finished first (with `lock`, the history's lock
 * the caller holds, for its history).
 */
export async function writeJournal(dir: string, j: Journal, lock?: HeldLock): Promise<void> {
  const file = path.join(dir, JOURNAL);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (await createExclusive(file, JSON.stringify(j) + '\n', true)) return;
    const seen = await readOwned(file);
    if (!seen) continue;
    if (isStale(seen)) {
      if (await finishJournal(dir, seen, true, lock)) continue;
    } else if (Date.now() > deadline) throw new UnpackBusy(dir, seen.owner);
    await pause();
  }
}

/**
 * Puts in place what `j` lists, in order (the renames, then the history), and removes the
 * journal; `lock` is the history's lock when the caller holds it. Files whose temporary file is
 * gone are `missing` (a journal that is not dropped keeps naming them).
 */
export async function runJournal(dir: string, j: Journal, lock?: HeldLock, drop = true): Promise<Finished> {
  const file = path.join(dir, JOURNAL);
  const at = (rel: string) => path.join(dir, ...rel.split('/'));
  const missing = [...(j.missing ?? [])];
  let renamed = 0;
  for (const f of j.files) {
    const st = await fs.lstat(at(f.tmp)).catch(() => undefined);
    if (st?.isFile() && st.size === f.size) {
      await fs.rename(at(f.tmp), at(f.file));
      renamed++;
    } else if (st) {
      // Cut short (a power cut before it reached the disk): the file stays as it was.
      await fs.rm(at(f.tmp), { force: true });
      missing.push(f.file);
    } else if (String((await fs.lstat(at(f.file), { bigint: true }).catch(() => undefined))?.ino) !== f.ino) {
      // Gone, and its file is not the one it was (a rename keeps the inode): never put in place.
      missing.push(f.file);
    }
  }
  const h = j.history;
  if (h) {
    const tmp = at(h.tmp);
    // Not when files are missing: the project does not hold the package's versions.
    if (!missing.length) {
      const st = await fs.lstat(tmp).catch(() => undefined);
      if (st?.isFile() && st.size === h.size) await mergeInto(at(h.folder), await fs.readFile(tmp, 'utf8'), lock);
      else if (st) missing.push(`${h.folder === '.' ? '' : `${h.folder}/`}${HISTORY_FILE}`);
      // Gone: merged before the interruption (it is removed only once the history is written).
    }
    await fs.rm(tmp, { force: true });
  }
  if (missing.length && !drop) {
    const left: Journal = { owner: j.owner, package: j.package, files: [], missing };
    const tmp = `${file}.${process.pid}`;
    await fs.writeFile(tmp, JSON.stringify(left) + '\n');
    await fs.rename(tmp, file);
  } else {
    await fs.rm(file, { force: true });
  }
  return { dir, package: j.package, renamed, missing, journal: file, kept: missing.length > 0 && !drop };
}

// Takes over a stale journal and finishes it: the result, 'gone' when there was nothing to do,
// or undefined when another process took it over first (look again).
async function finishJournal(dir: string, seen: SeenOwned, drop: boolean, lock?: HeldLock): Promise<Finished | 'gone' | undefined> {
  const file = path.join(dir, JOURNAL);
  const j = seen.owner ? journalOf(file, seen.raw) : undefined;
  // Left half-written: its unpack had renamed nothing.
  if (!j) return (await takeOver(file, seen)) ? 'gone' : undefined;
  const mine: Journal = { ...j, owner: newOwner() };
  if (!(await takeOver(file, seen, JSON.stringify(mine) + '\n'))) return undefined;
  return runJournal(dir, mine, lock, drop);
}

// The history in `folder` with the package's (`text`) merged in, under the history's lock.
async function mergeInto(folder: string, text: string, lock?: HeldLock): Promise<void> {
  const { value, errors } = parseJson(text);
  const problem = errors.length ? 'not valid JSON' : historyShapeError(value);
  if (problem) throw new UnpackUnfinished(`${folder}: the package's history to merge into ${HISTORY_FILE} is ${problem}; unpack the package again`);
  const pkg = value as History;
  // The caller's lock when it is this history's (an unpack holds it while it writes its journal).
  const own = lock?.file === path.join(folder, HISTORY_LOCK) ? lock : undefined;
  let held: HeldLock | undefined;
  try {
    held = own ?? (await lockHistory(folder, 'the history is as it was'));
    await commitLockedHistory(folder, (current) => mergeHistory(current, pkg));
  } catch (e) {
    throw e instanceof HistoryFileError || e instanceof HistoryWriteError ? new UnpackUnfinished(`${e.message}; the unpack's files are in place, its history is not merged yet: the next command in the folder merges it`) : e;
  } finally {
    if (held !== own) await held?.release();
  }
}

// A journal's content, checked: every path inside its folder and every temporary file named as
// an unpack names them, so a planted file cannot rename anything else.
function journalOf(file: string, raw: string): Journal {
  const { value, errors } = parseJson(raw);
  const j = value as Journal;
  const tempOf = (tmp: unknown, of: string) => typeof tmp === 'string' && tmp.startsWith(`${of}.`) && TEMP.test(tmp) && !tmp.slice(of.length + 1).includes('/');
  const good = !errors.length && typeof j === 'object' && j !== null && typeof j.package === 'string' && Array.isArray(j.files)
    && j.files.every((f) => typeof f?.file === 'string' && !unsafeRelativePath(f.file) && tempOf(f.tmp, f.file) && typeof f.size === 'number' && typeof f.ino === 'string')
    && (j.history === undefined || (typeof j.history.folder === 'string' && (j.history.folder === '.' || !unsafeRelativePath(j.history.folder))
      && tempOf(j.history.tmp, j.history.folder === '.' ? HISTORY_FILE : `${j.history.folder}/${HISTORY_FILE}`) && typeof j.history.size === 'number'))
    && (j.missing === undefined || (Array.isArray(j.missing) && j.missing.every((m) => typeof m === 'string')));
  if (!good) throw new UnpackUnfinished(`${file} is not the journal of an unpack Isola wrote; delete it`);
  return j;
}
