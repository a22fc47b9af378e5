import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { exclusiveTemp, partialTag, writeRefusal } from '../exclusiveWrite';
import { HeldLock, newOwner } from '../ownedFile';
import type { History } from '../packaging/format';
import { HistoryWriteError, lockHistory } from '../packaging/historyFile';
import type { PackageReader } from '../packaging/reader';
import { writeRecords } from './dataFile';
import { UnpackRefused, UnpackUnfinished, UnpackWriteFailed } from './errors';
import { JOURNAL, Journal, runJournal, writeJournal } from './journal';
import type { UnpackedFile } from './unpack';

/** What a planned file holds. */
export type Content = { text: string } | { bytes: Buffer } | { chunks: string[] } | { empty: true };

/** A file an unpack writes, with its content. */
export interface Planned {
  file: string;
  /** A new manifest: a file already at its path belongs to another unit (or is no manifest), never to this one. */
  newManifest?: string;
  content: Content;
  status: UnpackedFile['status'];
  entities?: number;
  /**
   * The history file: the package's history, which an unpack in place merges into the history as
   * it is when the unpack puts its files in place (under its lock), not as it was when planned.
   */
  history?: { folder: string; entries: History };
}

/** A file written beside its place, to be renamed there. */
interface Staged {
  tmp: string;
  target: string;
  size: number;
  ino: string;
  planned: Planned;
}

/** How far a write got: the file it was at (relative to its folder) and how many renames were done, for the words of a refused write. */
interface Progress {
  at?: string;
  renamed: number;
}

/** A write the file system refused (a full disk) as `UnpackWriteFailed`, naming the file it was at; anything else as it is. */
function refused(e: unknown, p: Progress): unknown {
  const reason = writeRefusal(e);
  return reason !== undefined && p.at !== undefined ? new UnpackWriteFailed(p.at, reason, p.renamed) : e;
}

/**
 * Writes the planned files into a staging folder (a dry run for the editor): see `stageAll`, then
 * every rename.
 */
export async function writeAll(reader: PackageReader, dir: string, plan: Planned[], signal?: AbortSignal): Promise<void> {
  const made: string[] = [];
  const staged: Staged[] = [];
  const p: Progress = { renamed: 0 };
  try {
    await stageAll(reader, dir, plan, staged, made, false, p, signal);
    await renameAll(staged, p);
  } catch (e) {
    await dropStaged(staged.slice(p.renamed), p.renamed ? [] : made);
    throw refused(e, p);
  }
}

/**
 * Writes the planned files into the folder itself: each to a temporary file beside it, then,
 * once all are complete, the history's lock is taken and a journal listing every temporary file
 * and its place is written (to the disk), and the renames follow, the history (the package's,
 * merged into the history as it is now) last, and the journal goes. A failure or the signal
 * before the journal removes the temporary files and the folders made for them, so nothing is
 * replaced (a write the file system refuses, a full disk, is `UnpackWriteFailed`, naming the
 * file); the renames take moments and are not stopped. Should the process die among them,
 * the next unpack, retrieve, build or check in the folder finishes them from the journal
 * (`finishInterruptedUnpacks`), so the project is never left half old and half new. Temporary
 * files of an unpack killed before its journal are removed before an unpack writes
 * (`removeStalePartialsBeside`).
 */
export async function writeInPlace(reader: PackageReader, dir: string, plan: Planned[], what: string, signal?: AbortSignal): Promise<void> {
  const made: string[] = [];
  const staged: Staged[] = [];
  let lock: HeldLock | undefined;
  let journaled = false;
  const p: Progress = { renamed: 0 };
  const rel = (abs: string) => path.relative(dir, abs).split(path.sep).join('/');
  try {
    await stageAll(reader, dir, plan, staged, made, true, p, signal);
    signal?.throwIfAborted();
    const history = staged.find((s) => s.planned.history);
    if (history) {
      lock = await lockHistory(path.dirname(history.target), 'nothing was written').catch((e) => {
        throw e instanceof HistoryWriteError ? new UnpackRefused(e.message) : e;
      });
    }
    const journal: Journal = {
      owner: newOwner(),
      package: what,
      files: staged.filter((s) => s !== history).map((s) => ({ tmp: rel(s.tmp), file: s.planned.file, size: s.size, ino: s.ino })),
      ...(history ? { history: { folder: history.planned.history!.folder, tmp: rel(history.tmp), size: history.size } } : {}),
    };
    p.at = JOURNAL;
    await writeJournal(dir, journal, lock);
    journaled = true;
    await runJournal(dir, journal, lock).catch((e) => {
      if (e instanceof UnpackUnfinished) throw e;
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new UnpackUnfinished(`the unpack into ${dir} stopped while putting its files in place (${why}); the next isola unpack, retrieve, build or check in ${dir} finishes it`);
    });
  } catch (e) {
    if (journaled) throw e;
    await dropStaged(staged, made);
    throw refused(e, p);
  } finally {
    await lock?.release();
  }
}

/**
 * Writes each planned file to a temporary file beside it (created exclusively under a random
 * name: a link planted there cannot take the write elsewhere), noting it in `staged` and every
 * folder made for it in `made`. Each is `FILE.partial-<pid>-<hex>`, which `isola init`'s
 * .gitignore ignores and a later write removes if this process is killed before its journal.
 * `inPlace`: the history's temporary file holds the package's history, to be merged at the
 * rename, not the history as planned.
 */
async function stageAll(reader: PackageReader, dir: string, plan: Planned[], staged: Staged[], made: string[], inPlace: boolean, progress: Progress, signal?: AbortSignal): Promise<void> {
  for (const p of plan) {
    progress.at = p.file;
    signal?.throwIfAborted();
    const target = path.join(dir, ...p.file.split('/'));
    const first = await fs.mkdir(path.dirname(target), { recursive: true });
    // Every folder this made, from the deepest up to the first one that was missing.
    for (let at = path.dirname(target); first !== undefined; at = path.dirname(at)) {
      made.push(at);
      if (at === first || path.dirname(at) === at) break;
    }
    // Stale ones beside these files were removed before the unpack began (`removeStalePartialsBeside`).
    const { path: tmp, handle } = await exclusiveTemp(target, partialTag(), { sweep: false });
    const s: Staged = { tmp, target, size: 0, ino: '', planned: p };
    staged.push(s);
    try {
      if (inPlace && p.history) await handle.writeFile(JSON.stringify(p.history.entries));
      else await fill(reader, p, target, handle, signal);
      const st = await handle.stat({ bigint: true });
      s.size = Number(st.size);
      s.ino = String(st.ino);
    } finally {
      await handle.close();
    }
  }
}

/** Renames every staged file into place, in order, counting them in `progress`. */
async function renameAll(staged: Staged[], progress: Progress): Promise<void> {
  for (const s of staged) {
    progress.at = s.planned.file;
    await fs.rename(s.tmp, s.target);
    progress.renamed++;
  }
}

/** Removes temporary files not renamed, and then the folders made for them, deepest first (one that holds anything else stays). */
async function dropStaged(staged: Staged[], made: string[]): Promise<void> {
  await Promise.all(staged.map((s) => fs.rm(s.tmp, { force: true })));
  for (const f of made.sort((a, b) => b.length - a.length)) await fs.rmdir(f).catch(() => undefined);
}

async function fill(reader: PackageReader, p: Planned, target: string, handle: FileHandle, signal?: AbortSignal): Promise<void> {
  const c = p.content;
  if ('text' in c) await handle.writeFile(c.text);
  else if ('bytes' in c) await handle.writeFile(c.bytes);
  else if ('chunks' in c && p.status === 'changed') await writeRecords(reader, c.chunks, target, handle, signal);
  else if ('chunks' in c) {
    for (const chunk of c.chunks) {
      signal?.throwIfAborted();
      await handle.write(await reader.read(chunk));
    }
  }
}

