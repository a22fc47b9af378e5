import { existsSync, lstatSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Project } from '../manifest/project';
import type { Package } from '../manifest/types';
import { HISTORY_FILE } from './history';

/** The file that names a project's environments and marks its root (spec §6). */
export const CONFIG_FILE = 'isola.config.json';

/** A project file found on the way up that belongs to someone else, and is therefore passed over. */
export interface ForeignFile {
  file: string;
  /** The owner's user id. */
  uid: number;
}

/**
 * Whether a file owned by `owner` may be used by the user `me`: their own, or root's. Project
 * files are looked for upwards from the working folder, so in a folder others can write to (`/tmp`,
 * a shared mount) anyone could plant one above a user's project and decide where its data goes
 * and where its tokens are sent. Git refuses repositories owned by others for the same reason
 * (CVE-2022-24765); this is its rule: ownership of the file itself, whatever the folder's mode.
 */
export const trustedOwner = (owner: number, me: number): boolean => owner === me || owner === 0;

/** The owner of `file` when it is not trusted (POSIX only; Windows has no uids), else undefined. */
export function foreignOwner(file: string): number | undefined {
  const me = process.getuid?.();
  if (me === undefined) return undefined;
  try {
    // lstat: a link planted by another user is theirs, wherever it points.
    const { uid } = lstatSync(file);
    return trustedOwner(uid, me) ? undefined : uid;
  } catch {
    return undefined;
  }
}

/** Whose a project file that is not the user's is: `FILE is owned by NAME (uid N), not by you or root`. */
export function foreignOwnerWords(f: ForeignFile): string {
  let name: string | undefined;
  try {
    name = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((p) => p[2] === String(f.uid))?.[0];
  } catch {
    // No name to show: the uid says it.
  }
  return `${f.file} is owned by ${name ? `${name} (uid ${f.uid})` : `uid ${f.uid}`}, not by you or root`;
}

/** The one-line warning for a project file passed over: which file, and whose it is. */
export function foreignWarning(f: ForeignFile): string {
  return `${foreignOwnerWords(f)}; ignored`;
}

/**
 * The nearest folder at or above `from` that holds one of `names`, or undefined when none does
 * up to the file system's root. A file owned by another user (not root) counts as absent and is
 * reported to `onForeign`.
 */
export function findUp(from: string, names: string[], onForeign?: (f: ForeignFile) => void): string | undefined {
  let dir = path.resolve(from);
  for (;;) {
    const found = names.filter((n) => existsSync(path.join(dir, n))).filter((n) => {
      const file = path.join(dir, n);
      const uid = foreignOwner(file);
      if (uid !== undefined) onForeign?.({ file, uid });
      return uid === undefined;
    });
    if (found.length) return dir;
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
export function packageProjectFolder(project: Project, pkg: Package, onForeign?: (f: ForeignFile) => void): string {
  const enclosing = project.packages.filter((p) => p !== pkg && p.members.includes(pkg.root));
  const start = [pkg, ...enclosing].map((p) => path.dirname(p.root.absPath)).reduce(commonFolder);
  const passed: ForeignFile[] = [];
  const found = findUp(start, [HISTORY_FILE, CONFIG_FILE], (f) => passed.push(f));
  // Another user's history where this one's goes (nothing found above `start`, or only a config
  // file beside it) is not passed over but refused when read (readHistoryFile): not called ignored.
  const home = found ?? start;
  for (const f of passed) if (f.file !== path.join(home, HISTORY_FILE)) onForeign?.(f);
  return home;
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
