import { lstatSync, realpathSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Why a path a manifest names is refused: it is absolute, it climbs out of the project with
 * `..`, or a symbolic link on the way (the file itself or a folder above it) leads out.
 */
export type OutsideReason = 'absolute' | 'escapes' | 'symlink';

/** A path that leads outside the project, and where it leads. */
export interface OutsidePath {
  reason: OutsideReason;
  /** Absolute path it leads to (after symbolic links, for `symlink`). */
  target: string;
}

/** Whether a linked path stays inside the project; when it does, the file it really is. */
export type LinkedPathVerdict = ({ inside: true; realPath: string }) | ({ inside: false } & OutsidePath);

/**
 * Decides whether a path named by a manifest (a script, template or data `file`, an include)
 * stays inside the project root: the only place that decides it, used by the model (MAN003) and
 * by the package builder before it reads a byte. `spec` is the path as written; `absPath` is
 * it resolved against the manifest's folder. The project root is the folder the project was
 * loaded from (`Project.root`: the folder `isola check`/`build` is given, or the workspace
 * folder in the editor).
 *
 * Inside means: `spec` is relative, `absPath` is under the root after resolving `..`, and still
 * under the root's real path after resolving symbolic links in every part that exists (a file
 * that does not exist yet is judged by the real path of its nearest existing folder).
 */
export function linkedPathVerdict(root: string, spec: string, absPath: string, realPaths?: RealPaths): LinkedPathVerdict {
  // Already resolved (the model resolves every path it names): normalizing it again is skipped
  // where that is sure to change nothing (on Windows it also turns `/` into `\\`).
  const lexical = POSIX && plain(absPath) ? absPath : path.resolve(absPath);
  // Both spellings: a manifest written on Windows may say `C:\x` or `\\host\share`, one written elsewhere `/etc/x`.
  if (path.posix.isAbsolute(spec) || path.win32.isAbsolute(spec)) return { inside: false, reason: 'absolute', target: lexical };
  const absRoot = POSIX && plainDir(root) ? root : path.resolve(root);
  if (!isWithin(absRoot, lexical)) return { inside: false, reason: 'escapes', target: lexical };
  const real = realPaths ? realPaths.of(lexical) : realPathOf(lexical);
  if (!isWithin(realPaths ? realPaths.folder(absRoot) : realPathOf(absRoot), real)) return { inside: false, reason: 'symlink', target: real };
  return { inside: true, realPath: real };
}

// macOS and Windows fold case: there `realpath` also gives each name the case it has on disk,
// which a path composed of the names as written would not.
const COMPOSE_REAL_PATHS = process.platform !== 'darwin' && process.platform !== 'win32';

/**
 * Real paths of folders, remembered while one project is loaded: its links lie in few folders,
 * and resolving every part of every path again for each link (and the root's for each link) was
 * most of what judging them cost. Made per load, never kept: folders and links change on disk.
 */
export class RealPaths {
  private readonly folders = new Map<string, string>();

  /**
   * `plain`: paths the folder listing of this same load saw as folders or regular files, not
   * symbolic links (see `FileHost.listedPlain`); they are not asked again. A project of many
   * small manifests has thousands of includes, and an lstat each (of the file and of its folder)
   * was most of what judging them cost.
   */
  constructor(private readonly plain?: ReadonlySet<string>) {}

  /**
   * The real path of a resolved folder path (as `realPathOf`), remembered. Where names are
   * case-sensitive, a folder that is not a symbolic link (one lstat says) is its parent's real path
   * and its name: `realpath` walks every part of the path again for each folder, and a project of
   * many small manifests has thousands of folders under the same few parents.
   */
  folder(dir: string): string {
    let real = this.folders.get(dir);
    if (real === undefined) this.folders.set(dir, (real = this.compose(dir)));
    return real;
  }

  private compose(dir: string): string {
    const parent = path.dirname(dir);
    if (!COMPOSE_REAL_PATHS || parent === dir) return realPathOf(dir);
    if (this.isLink(dir)) return realPathOf(dir);
    return inFolder(this.folder(parent), dir, parent);
  }

  /**
   * The real path of a resolved path, the same as `realPathOf`: when the last part is not a
   * symbolic link (one lstat says), it is its folder's real path and its name.
   */
  of(p: string): string {
    const parent = path.dirname(p);
    if (parent === p) return realPathOf(p);
    if (this.isLink(p)) return realPathOf(p);
    return inFolder(this.folder(parent), p, parent);
  }

  // Whether a path is a symbolic link: one lstat, unless the listing just saw it as something else.
  private isLink(p: string): boolean {
    if (this.plain?.has(p)) return false;
    try {
      return lstatSync(p).isSymbolicLink();
    } catch {
      // Nothing there (or not reachable): `realPathOf` appends the missing name to its folder's real path too.
      return false;
    }
  }
}

/**
 * `p`'s last name joined to `real`, the real path of `p`'s folder `parent`. Both are resolved
 * paths here (real paths, or paths the verdict made plain), so on POSIX the name is the tail after
 * the folder and is appended as it is; `path.join` normalized the whole path again for each link.
 */
function inFolder(real: string, p: string, parent: string): string {
  if (!POSIX || !plain(p)) return path.join(real, path.basename(p));
  const name = p.slice(parent.length === 1 ? 1 : parent.length + 1);
  return real.length === 1 ? `/${name}` : `${real}/${name}`;
}

/**
 * The second half of a sentence that starts with the path (`` Script file `x` ``): why it is
 * refused and what is allowed, naming the root. Shared by MAN003 and the builder.
 */
export function outsideText(root: string, o: OutsidePath): string {
  const why = o.reason === 'absolute' ? 'is an absolute path'
    : o.reason === 'escapes' ? `leads outside the project (to ${o.target})`
      : `leads outside the project through a symbolic link (to ${o.target})`;
  return `${why}: paths in manifests must be relative and inside the project root ${root}`;
}

/**
 * Whether `p` is `dir` or under it. Compares whole path segments, so `/proj-other` is not under
 * `/proj`, and a name that merely starts with two dots (`..notes`) is not a way out.
 */
export function isWithin(dir: string, p: string): boolean {
  // Most calls are plainly inside: `p` starts with `dir` and a separator, and neither has `.`,
  // `..` or doubled separators that `path.relative` would resolve. That is decided without it.
  if (plainlyUnder(dir, p)) return true;
  const rel = path.relative(dir, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

const SEP_CODE = path.sep.charCodeAt(0);
const POSIX = path.sep === '/';
const DOT = `${path.sep}.${path.sep}`;
const DOTDOT = `${path.sep}..${path.sep}`;
const DOUBLE = `${path.sep}${path.sep}`;
// An absolute path with no `.` or `..` segment, doubled or trailing separator (dot-folders are fine).
const plain = (p: string) => path.isAbsolute(p) && !p.includes(DOT) && !p.includes(DOTDOT) && !p.includes(DOUBLE) &&
  !p.endsWith(path.sep) && !p.endsWith(`${path.sep}.`) && !p.endsWith(`${path.sep}..`);

/**
 * Whether `p` is strictly under `dir` as plain strings: it starts with `dir` and a separator, and
 * neither has a `.` or `..` segment or doubled separators that `path.relative` would resolve first. False
 * says nothing (`path.relative` decides those cases).
 */
export function plainlyUnder(dir: string, p: string): boolean {
  return p.length > dir.length + 1 && p.charCodeAt(dir.length) === SEP_CODE && p.startsWith(dir) && plainDir(dir) && plainTail(p, dir.length);
}

// `p` from `from` on (a separator) when the part before it is a plain folder: only the tail can
// hold what `plain` looks for, so the root's characters are not searched again for every path.
const plainTail = (p: string, from: number) => !p.includes(DOT, from) && !p.includes(DOTDOT, from) && !p.includes(DOUBLE, from) &&
  !p.endsWith(path.sep) && !p.endsWith(`${path.sep}.`) && !p.endsWith(`${path.sep}..`);

// The folder is nearly always the project root, asked about once per manifest and per link.
let lastDir: string | undefined;
let lastDirPlain = false;
function plainDir(dir: string): boolean {
  if (dir !== lastDir) {
    lastDirPlain = plain(dir);
    lastDir = dir;
  }
  return lastDirPlain;
}

/** The real path of `p`: symbolic links resolved in every part that exists; the missing rest appended as written. */
function realPathOf(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    const parent = path.dirname(p);
    if (parent === p) return p;
    return path.join(realPathOf(parent), path.basename(p));
  }
}
