import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * An environment's data folder holds its records (the embedded database, its write-ahead log),
 * the packages uploaded to it and the database's configuration: no other local user may read or
 * write them. Folders are 0700 and files 0600 whatever the umask. Windows has no such modes (its
 * folders under the user's profile are private already): nothing is done there.
 */
const POSIX = process.platform !== 'win32';

/** Modes of what the environment writes. */
export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/**
 * Creates `dir` (and missing parents) private; an existing one is made private only if `tighten`
 * (a data folder the user named may be theirs to share; the environment's own sub-folders are
 * not). True when `dir` is new or was open to others: what it holds may need `tightenTree`.
 */
export async function privateDir(dir: string, tighten: boolean): Promise<boolean> {
  const created = (await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR })) !== undefined;
  if (!POSIX) return false;
  if (created || !tighten) return created;
  const st = await fs.stat(dir);
  if (!(st.mode & 0o077)) return false;
  await fs.chmod(dir, st.mode & 0o700);
  return true;
}

/** Makes a file the environment wrote private. */
export async function privateFile(file: string): Promise<void> {
  if (POSIX) await fs.chmod(file, PRIVATE_FILE);
}

/**
 * Takes group and other permissions off everything under `dir` (PGlite creates its files 0666
 * whatever the umask, and folders as the umask allows). Symbolic links are not followed. A data
 * folder holds about a thousand entries: one lstat each, a chmod only for those still open.
 */
export async function tightenTree(dir: string): Promise<void> {
  if (!POSIX) return;
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (!e.isFile() && !e.isDirectory()) continue;
    const p = path.join(dir, e.name);
    const st = await fs.lstat(p);
    if (st.mode & 0o077) await fs.chmod(p, st.mode & 0o700);
    if (st.isDirectory()) await tightenTree(p);
  }
}
