import { constants, promises as fs, readdirSync, readFileSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import type { JsonSyntaxError } from '../json/parse';
import { decodeUtf8 } from '../json/utf8';
import { withoutLinkTwins } from './linkTwins';
import { JOURNAL } from '../unpack/journalName';
import { DataProblem, scanDataFile } from './dataScan';
import { isWithin } from './linkedPath';
import { notUtf8Name, undecodedNames } from './undecodedNames';
import { errorReason, MAX_WHOLE_FILE_BYTES, readRegularFile, regularFileProblem } from './regularFile';

export { MAX_WHOLE_FILE_BYTES, readRegularFile, RegularFile, regularFileProblem, tooLargeReason } from './regularFile';
import type { Manifest } from './types';

/** File access the core needs, injected so the language server can serve open documents from memory. */
export interface FileHost {
  /**
   * Text of a file, or undefined when nothing is there. A manifest that is there but cannot be
   * read cleanly (not a regular file, not permitted, not UTF-8) still gives text, the empty text
   * or what decodes, and `readProblem` says why.
   */
  readFile(absPath: string): Promise<string | undefined>;
  /** Whether a regular file exists (never reads it: data files can be gigabytes). */
  exists(absPath: string): Promise<boolean>;
  /**
   * The first line of a data file that is not a record (streamed, stops there), or undefined.
   * Hosts without it leave data files unchecked until the build reads them.
   */
  scanData?(absPath: string): Promise<DataProblem | undefined>;
  /**
   * Absolute paths of every entry named `*.isola.json` under a folder, whatever it is (a folder, a
   * link, a FIFO: reading it says what is wrong), skipping dot-folders, `node_modules`, `out` and
   * `dist` (see `isProjectManifestPath`); sorted.
   */
  findManifests(root: string): Promise<string[]>;
  /**
   * The folders and files that the listing which returned `listing` (from `findManifests`) saw as
   * plain entries, not symbolic links: a load judging its links right after it needs no lstat for
   * them (see `RealPaths`). Undefined when the host does not know.
   */
  listedPlain?(listing: readonly string[]): ReadonlySet<string> | undefined;
  /**
   * The folders under the root where the listing that returned `listing` saw an unpack's journal
   * (`isola.unpack.journal`): an unpack into a subfolder killed among its renames, which a check or
   * build of the whole project must finish first. Undefined when the host does not know.
   */
  listedJournals?(listing: readonly string[]): readonly string[] | undefined;
  /** Why the last `readFile` of a manifest was not clean, or undefined. Hosts serving text from memory need none. */
  readProblem?(absPath: string): ReadProblem | undefined;
  /**
   * Why a file other than a manifest that is there cannot be read whole (not a regular file, not
   * permitted, larger than `MAX_WHOLE_FILE_BYTES`), judged without reading it; undefined when it
   * can be, or when nothing is there. Hosts without it report such a script as missing.
   */
  unreadable?(absPath: string): Promise<string | undefined>;
}

/** What kept a manifest from being read cleanly: reported as MAN002 (see `noteReadProblems`). */
export interface ReadProblem {
  error: JsonSyntaxError;
  /** Nothing could be read (the text is empty), so this error replaces the parser's. */
  unreadable: boolean;
  /**
   * Set when the path is not a manifest but a folder under the project that could not be listed:
   * why. Its manifests are unknown, so it is reported in their place (see `Manifest.unlisted`).
   */
  unlisted?: string;
}

/** The suffix that makes a file a manifest. */
export const MANIFEST_SUFFIX = '.isola.json';

/** Whether a path names a manifest (by its suffix). */
export function isManifestPath(p: string): boolean {
  return p.endsWith(MANIFEST_SUFFIX);
}

const SKIP_DIRS = new Set(['node_modules', 'out', 'dist']);

/** Whether the search for a project's manifests passes over a folder of this name: dot-folders, `node_modules`, `out`, `dist`. */
export function isSkippedFolder(name: string): boolean {
  return name.startsWith('.') || SKIP_DIRS.has(name);
}

/**
 * Whether the search for the manifests of the project at `root` (`findManifests`) finds this
 * path: named `*.isola.json`, under the root, and in no skipped folder (see `isSkippedFolder`)
 * below it. The root itself may be any folder (`isola check out` checks `out`). A manifest the
 * search passes over is still part of the project when one of its manifests includes it
 * (`loadProject` follows includes); this says nothing about that.
 */
export function isProjectManifestPath(root: string, absPath: string): boolean {
  if (!isManifestPath(absPath)) return false;
  const rel = path.relative(root, absPath);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return false;
  const parts = rel.split(path.sep);
  for (let i = 0; i < parts.length - 1; i++) if (isSkippedFolder(parts[i])) return false;
  return true;
}

/** A manifest's text as read from disk, with what kept it from being read cleanly, if anything. */
export interface ManifestFile {
  text: string;
  problem?: ReadProblem;
}

// Opening a listed manifest: not through a symbolic link put there since the listing (that fails
// with ELOOP and takes the careful way), and never waiting on a FIFO.
const LISTED_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/**
 * A manifest the listing saw as a regular file, read by one native call that opens, reads and
 * decodes it (what `readFileSync` does for UTF-8: no `fstat`, no buffer of our own, about 30% less
 * time per file than open, fstat, read, close and a strict decode). Undefined sends the file the
 * careful way: anything that failed (a folder or a socket now), an empty text (a FIFO swapped in
 * reads as nothing), and a U+FFFD, which is where invalid UTF-8 was replaced (or a real one).
 */
function readListedManifest(absPath: string): string | undefined {
  let text: string;
  try {
    // Node takes numeric flags here too (its types say only strings, which have no O_NOFOLLOW).
    text = readFileSync(absPath, { encoding: 'utf8', flag: LISTED_FLAGS as unknown as string });
  } catch {
    return undefined;
  }
  if (text.length === 0 || text.includes('\uFFFD')) return undefined;
  // Too large (or nearly): the careful way judges it by its size (UTF-8 takes at most 3 bytes a unit).
  if (text.length > MAX_WHOLE_FILE_BYTES / 3 && Buffer.byteLength(text) > MAX_WHOLE_FILE_BYTES) return undefined;
  // TextDecoder drops a leading byte order mark; so does this, for the same text either way.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads a manifest from disk: undefined when nothing is there, else its text and any problem. */
export function readManifestFile(absPath: string, listedRegular = false): ManifestFile | undefined {
  if (listedRegular) {
    const text = readListedManifest(absPath);
    if (text !== undefined) return { text };
  }
  const file = readRegularFile(absPath, listedRegular);
  if (!file) return undefined;
  if ('reason' in file) return unreadable(file.reason);
  let decoded;
  try {
    decoded = decodeUtf8(file.bytes);
  } catch (e) {
    return unreadable(errorReason(e)); // past the longest string V8 makes
  }
  return decoded.error ? { text: decoded.text, problem: { error: decoded.error, unreadable: false } } : { text: decoded.text };
}

// A manifest that gave no text: the empty text, and why.
function unreadable(reason: string): ManifestFile {
  return { text: '', problem: { error: { message: `cannot read this manifest: ${reason}`, offset: 0, length: 0, unreadable: reason }, unreadable: true } };
}

/**
 * Puts what the host remembers about manifests it could not read cleanly into their syntax
 * errors, where MAN002 reports them. `loadProject` calls it for everything it loads, so no front
 * end can check or build without it; the language server calls it again for manifests it re-reads.
 * Noting a problem twice changes nothing.
 */
export function noteReadProblems(manifests: Iterable<Manifest>, host: FileHost): void {
  if (!host.readProblem) return;
  for (const m of manifests) {
    const p = host.readProblem(m.absPath);
    if (!p || m.syntaxErrors[0] === p.error) continue;
    m.syntaxErrors = p.unreadable ? [p.error] : [p.error, ...m.syntaxErrors];
    if (p.unlisted !== undefined) m.unlisted = p.unlisted;
  }
}

// Manifests whose last read was not clean, by absolute path (only those: the map stays small).
const problems = new Map<string, ReadProblem>();
// Folders under a project that the last listing could not list, with why (see `ReadProblem.unlisted`).
const unlistedFolders = new Map<string, string>();
// Listed manifests whose names are not UTF-8 (the listing decoded them with U+FFFD), with the name's bytes escaped.
const badNames = new Map<string, string>();
// Listed manifests that are symbolic links leading out of their project, with the project's real root: never read.
const outsideLinks = new Map<string, string>();
// Manifests the last listing saw as regular files and that have not been read since (see `readRegularFile`).
const listedRegular = new Set<string>();
// What each listing saw as plain folders and regular files, for as long as its list is kept (see `listedPlain`).
const plainOfListing = new WeakMap<readonly string[], Set<string>>();
// The folders each listing saw an unpack's journal in (see `listedJournals`).
const journalsOfListing = new WeakMap<readonly string[], string[]>();

/** A host on the real file system. */
export const nodeFileHost: FileHost = {
  async readFile(absPath) {
    // Synchronous on purpose: for many small files it is several times faster than the thread pool,
    // and manifests are small (the data files, which are large, are never read through here).
    const folder = unlistedFolders.get(absPath);
    if (folder !== undefined) {
      // Not a manifest: a folder whose manifests are unknown, reported where they would be.
      const error = { message: `cannot list this folder: ${folder}`, offset: 0, length: 0 };
      problems.set(absPath, { error, unreadable: true, unlisted: folder });
      return '';
    }
    if (!isManifestPath(absPath)) {
      // A script that cannot be read whole gives no text; `unreadable` then says why.
      const file = readRegularFile(absPath);
      return file && 'bytes' in file ? file.bytes.toString('utf8') : undefined;
    }
    const outside = leadsOutside(absPath);
    const badName = badNames.get(absPath);
    const read = badName !== undefined ? unreadable(notUtf8Name(badName))
      : outside !== undefined ? unreadable(`it is a symbolic link that leads outside the project (to ${outside})`)
        : readManifestFile(absPath, listedRegular.delete(absPath));
    if (read?.problem) problems.set(absPath, read.problem);
    else problems.delete(absPath);
    return read?.text;
  },
  readProblem: (absPath) => problems.get(absPath),
  unreadable: async (absPath) => regularFileProblem(absPath),
  scanData: scanDataFile,
  async exists(absPath) {
    try {
      return (await fs.stat(absPath)).isFile();
    } catch {
      return false;
    }
  },
  listedPlain: (listing) => plainOfListing.get(listing),
  listedJournals: (listing) => journalsOfListing.get(listing),
  async findManifests(root) {
    // Breadth-first with synchronous reads: listing a folder is far cheaper than a trip through the
    // thread pool (12 ms → 4 ms for 200 folders here). A pause every few hundred folders lets a
    // language server answer cancellation while it walks a huge tree.
    const found: string[] = [];
    const journals: string[] = [];
    const queue = [path.normalize(root)];
    // Every folder queued after the root was listed as a folder (a link to one is not followed).
    const plain = new Set<string>();
    const realRoot = realPath(root) ?? root;
    const insideLinks = new Map<string, string>();
    for (let i = 0; i < queue.length; i++) {
      if (i > 0 && i % 256 === 0) await new Promise((r) => setImmediate(r));
      const dir = queue[i];
      // Listed names are plain entries of a resolved folder: joining needs no normalizing.
      const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
        unlistedFolders.delete(dir);
      } catch (e) {
        // A folder that cannot be listed may hold manifests: skipping it would pass the check in
        // silence, so it is reported in their place (the root was listed before, or is reported
        // by the front end). One that went since its parent was listed holds nothing.
        const why = i > 0 ? unlistedReason(dir, e) : undefined;
        if (why !== undefined) {
          unlistedFolders.set(dir, why);
          found.push(dir);
        }
        continue;
      }
      // A name that is not UTF-8 comes decoded with U+FFFD, a path that names nothing on disk.
      const misnamed = entries.some((e) => e.name.includes('\uFFFD')) ? undecodedNames(dir) : undefined;
      for (const e of entries) {
        if (e.isDirectory() && !isSkippedFolder(e.name)) {
          const sub = prefix + e.name;
          queue.push(sub);
          plain.add(sub);
        }
        // Every entry with the suffix is listed, whatever it is (a symbolic link, a folder, a FIFO):
        // reading it says what is wrong, where skipping it would pass the check in silence.
        if (!isManifestPath(e.name)) {
          if (e.name === JOURNAL) journals.push(dir);
          continue;
        }
        const p = prefix + e.name;
        const raw = misnamed?.get(e.name);
        if (raw !== undefined) badNames.set(p, raw);
        else badNames.delete(p);
        if (e.isSymbolicLink()) {
          const inside = noteLink(p, realRoot);
          if (inside !== undefined) insideLinks.set(p, inside);
        }
        else if (e.isFile()) {
          listedRegular.add(p);
          plain.add(p);
        }
        found.push(p);
      }
    }
    const listing = withoutLinkTwins(found.sort(), path.normalize(root), realRoot, insideLinks);
    plainOfListing.set(listing, plain);
    if (journals.length) journalsOfListing.set(listing, journals);
    return listing;
  },
};

/**
 * Why a folder under the project could not be listed, or undefined when it is simply gone (it
 * went after its parent was listed). A folder whose name is not UTF-8 is listed under a name that
 * names nothing on disk: that is said, not "gone".
 */
function unlistedReason(dir: string, e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const raw = dir.includes('\uFFFD') ? undecodedNames(path.dirname(dir)).get(path.basename(dir)) : undefined;
    return raw === undefined ? undefined : notUtf8Name(raw);
  }
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied (give your user permission to read and enter it, or move it out of the project)';
  return errorReason(e);
}

/**
 * Remembers a listed symbolic link that leads outside the project: such a file is reported, never
 * read (a project must not make a check, or a package, read what lies outside it). A link to
 * nothing or a loop is left to the read, which names it. Gives the real path of a link that
 * stays inside.
 */
function noteLink(p: string, realRoot: string): string | undefined {
  const real = realPath(p);
  if (outsideOf(realRoot, real) !== undefined) outsideLinks.set(p, realRoot);
  else outsideLinks.delete(p);
  return outsideLinks.has(p) ? undefined : real;
}

// Where a listed link leads outside its project, judged again now (it may have changed since it was listed).
function leadsOutside(p: string): string | undefined {
  const realRoot = outsideLinks.get(p);
  if (realRoot === undefined) return undefined;
  const target = outsideOf(realRoot, realPath(p));
  if (target === undefined) outsideLinks.delete(p);
  return target;
}

function outsideOf(realRoot: string, target: string | undefined): string | undefined {
  return target === undefined || isWithin(realRoot, target) ? undefined : target;
}

function realPath(p: string): string | undefined {
  try {
    return realpathSync.native(p);
  } catch {
    return undefined;
  }
}
