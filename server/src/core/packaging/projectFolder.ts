import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Project } from '../manifest/project';
import type { Package } from '../manifest/types';
import { HISTORY_FILE } from './history';

/** The file that names a project's environments and marks its root (spec §6). */
export const CONFIG_FILE = 'isola.config.json';

/** The nearest folder at or above `from` that holds one of `names`, or undefined when none does up to the file system's root. */
export function findUp(from: string, ...names: string[]): string | undefined {
  let dir = path.resolve(from);
  for (;;) {
    if (names.some((n) => existsSync(path.join(dir, n)))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The project folder of a package: where its `isola.history.json` lives, whichever front end
 * (CLI, language server) builds it and whichever folder was opened. It starts at the folder of the
 * package's root manifest, widened to hold the root manifests of the packages that include it (a
 * workspace built alone shares its solution's history, so an import of either knows the versions
 * the other recorded). From there up, the nearest folder that already holds a history, or else an
 * `isola.config.json` (the project's root, where the CLI finds its environments), is the project;
 * with neither, the start is. A history found first wins over a config file added above it
 * later, so adding an environment never starts a second, empty history; and a workspace opened on
 * its own below its solution's folder finds the solution's history.
 */
export function packageProjectFolder(project: Project, pkg: Package): string {
  const enclosing = project.packages.filter((p) => p !== pkg && p.members.includes(pkg.root));
  const start = [pkg, ...enclosing].map((p) => path.dirname(p.root.absPath)).reduce(commonFolder);
  return findUp(start, HISTORY_FILE, CONFIG_FILE) ?? start;
}

/** The deepest folder that holds both `a` and `b` (absolute paths). */
function commonFolder(a: string, b: string): string {
  let dir = a;
  while (dir !== b && !b.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}
