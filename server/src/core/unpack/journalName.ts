import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The file an unpack into a folder writes there once every temporary file is complete and
 * before the first is renamed into place, and removes after the last: what is still to be put
 * in place if the process dies halfway (a kill, a power cut), so that the next command in that
 * folder finishes the renames instead of leaving a project half old and half new.
 */
export const JOURNAL = 'isola.unpack.journal';

/**
 * Whether an unpack's journal lies in `dir` or a folder above it: only then do `isola check` and
 * `isola build` load the code that finishes one (the check's bundle stays free of package code).
 */
export function journalNear(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, JOURNAL))) return true;
    if (path.dirname(d) === d) return false;
  }
}
