import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** File access the core needs, injected so the language server can serve open documents from memory. */
export interface FileHost {
  /** Text of a file, or undefined when it does not exist or is not a readable file. */
  readFile(absPath: string): Promise<string | undefined>;
  /** Whether a regular file exists (never reads it: data files can be gigabytes). */
  exists(absPath: string): Promise<boolean>;
  /** Absolute paths of every `*.isola.json` under a folder (skipping `node_modules` and dot-folders), sorted. */
  findManifests(root: string): Promise<string[]>;
}

/** The suffix that makes a file a manifest. */
export const MANIFEST_SUFFIX = '.isola.json';

export function isManifestPath(p: string): boolean {
  return p.endsWith(MANIFEST_SUFFIX);
}

const SKIP_DIRS = new Set(['node_modules', 'out', 'dist']);

/** A host on the real file system. */
export const nodeFileHost: FileHost = {
  async readFile(absPath) {
    // Synchronous on purpose: for many small files it is several times faster than the thread pool,
    // and manifests are small (the data files, which are large, are never read through here).
    try {
      return readFileSync(absPath, 'utf8');
    } catch {
      return undefined;
    }
  },
  async exists(absPath) {
    try {
      return (await fs.stat(absPath)).isFile();
    } catch {
      return false;
    }
  },
  async findManifests(root) {
    // Breadth-first with synchronous reads: listing a folder is far cheaper than a trip through the
    // thread pool (12 ms → 4 ms for 200 folders here). A pause every few hundred folders lets a
    // language server answer cancellation while it walks a huge tree.
    const found: string[] = [];
    const queue = [root];
    for (let i = 0; i < queue.length; i++) {
      if (i > 0 && i % 256 === 0) await new Promise((r) => setImmediate(r));
      const dir = queue[i];
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) queue.push(path.join(dir, e.name));
        } else if (e.isFile() && isManifestPath(e.name)) {
          found.push(path.join(dir, e.name));
        }
      }
    }
    return found.sort();
  },
};
