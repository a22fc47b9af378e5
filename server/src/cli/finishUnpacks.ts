import * as path from 'node:path';
import { oneLine } from '../core/oneLine';
import { UnpackBusy, UnpackUnfinished } from '../core/unpack/errors';
import { finishedWords } from '../core/unpack/finishedWords';
import { Finished, finishInterruptedUnpacks } from '../core/unpack/journal';
import type { Project } from '../core/manifest/project';
import { translatorOf } from './lang';
import type { ExitCode, Io } from './usage';

/**
 * Before `isola build` or `isola check` reads DIR: finishes an unpack into DIR (or a folder above
 * it) that was killed among its renames, and says so on stderr. Exit 1 (returned) when one cannot
 * be finished, naming the files it left as they were, or another process is unpacking there: a
 * project half old and half new is neither checked nor built.
 */
export async function finishUnpacks(dir: string, io: Io, command: string): Promise<ExitCode | undefined> {
  let finished: Finished[];
  try {
    finished = await finishInterruptedUnpacks(dir);
  } catch (e) {
    if (!(e instanceof UnpackBusy || e instanceof UnpackUnfinished)) throw e;
    io.err(`isola ${command}: ${oneLine(e.message, Infinity)}\n`);
    return 1;
  }
  return sayFinished(finished, io, command) ? 1 : undefined;
}

/** One line on stderr for each finished unpack; true when one left files as they were (`Finished.missing`). */
export function sayFinished(finished: Finished[], io: Io, command: string): boolean {
  const t = translatorOf(io);
  const show = (abs: string) => (path.relative(io.cwd, abs) || '.').split(path.sep).join('/');
  for (const f of finished) for (const line of finishedWords(f, t, show)) io.err(`isola ${command}: ${oneLine(line, Infinity)}\n`);
  return finished.some((f) => f.missing.length > 0);
}

/**
 * A project loaded for `isola check` or `isola build` whose listing found unpacks' journals in
 * its subfolders (an `isola unpack --dir sub` killed among its renames): each is finished, said
 * on stderr, and the project is loaded again. Exit 1 (returned) as `finishUnpacks` says.
 */
export async function finishUnpacksBelow(project: Project, reload: () => Promise<Project>, io: Io, command: string): Promise<Project | ExitCode> {
  for (const dir of project.unpackJournals ?? []) {
    const failed = await finishUnpacks(dir, io, command);
    if (failed !== undefined) return failed;
  }
  return reload();
}
