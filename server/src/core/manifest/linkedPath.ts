import { realpathSync } from 'node:fs';
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
export function linkedPathVerdict(root: string, spec: string, absPath: string): LinkedPathVerdict {
  const lexical = path.resolve(absPath);
  // Both spellings: a manifest written on Windows may say `C:\x` or `\\host\share`, one written elsewhere `/etc/x`.
  if (path.posix.isAbsolute(spec) || path.win32.isAbsolute(spec)) return { inside: false, reason: 'absolute', target: lexical };
  if (!isWithin(path.resolve(root), lexical)) return { inside: false, reason: 'escapes', target: lexical };
  const real = realPathOf(lexical);
  if (!isWithin(realPathOf(path.resolve(root)), real)) return { inside: false, reason: 'symlink', target: real };
  return { inside: true, realPath: real };
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
  const rel = path.relative(dir, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
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
