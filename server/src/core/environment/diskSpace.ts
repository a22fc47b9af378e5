import { statfsSync } from 'node:fs';
import * as path from 'node:path';
import { localizedError } from './errors';
import type { PackageView } from './packageView';

/** Free bytes (for an unprivileged writer) on the disk that holds `dir`; undefined when unknown. */
export type FreeSpace = (dir: string) => number | undefined;

/** The operating system's answer (statfs). */
export const freeSpace: FreeSpace = (dir) => {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
};

/**
 * Room an embedded database needs whatever a job writes: PostgreSQL adds a 16 MB WAL segment
 * whenever the last one fills, and one it cannot write stops it (pgliteCrash.ts); two of them.
 */
export const SPACE_FLOOR = 32 * 2 ** 20;

/**
 * How many times their unpacked size the records and cards an import or restore writes take in
 * the embedded database's folder at most: the rows, their index, the backup of what they replace,
 * and the WAL, which keeps every row again until a checkpoint. 54 MB of records (300,000) took
 * 260 MB.
 */
export const WRITE_FACTOR = 5;

/** What needs the room. */
export type SpaceJob = 'import' | 'restore' | 'export' | 'upload';

const KEYS = { import: 'env.noSpace.import', restore: 'env.noSpace.restore', export: 'env.noSpace.export', upload: 'env.noSpace.upload' } as const;

/**
 * Refuses (507, `no-space`) a job that would fill the disk that holds `dir`: it needs `floor +
 * WRITE_FACTOR × bytes` free, `bytes` being what it writes, unpacked. A disk whose free space is
 * unknown is not refused.
 */
export function requireSpace(free: FreeSpace, dir: string, job: SpaceJob, bytes: number): void {
  // An upload writes its bytes once, as they come.
  const need = SPACE_FLOOR + (job === 'upload' ? 1 : WRITE_FACTOR) * bytes;
  const have = free(dir);
  if (have === undefined || have >= need) return;
  throw localizedError(507, KEYS[job], { dir, free: megabytes(have, Math.floor), need: megabytes(need, Math.ceil), size: megabytes(bytes, Math.ceil) }, 'no-space');
}

/**
 * The check an environment makes before a job: imports and restores need room where the embedded
 * database lives (a PostgreSQL server's disk is its own), exports and uploads where packages go
 * (the embedded database is usually on that disk too, and stops when a write finds it full).
 */
export function roomCheck(kind: 'pglite' | 'postgres', dataDir: string, free: FreeSpace = freeSpace): (job: SpaceJob, bytes: number) => void {
  return (job, bytes) => {
    if ((job === 'import' || job === 'restore') && kind !== 'pglite') return;
    requireSpace(free, path.join(dataDir, job === 'export' || job === 'upload' ? 'packages' : 'db'), job, bytes);
  };
}

function megabytes(n: number, round: (x: number) => number): string {
  return `${round(n / 2 ** 20)} MB`;
}

/**
 * The unpacked size of what an import of `view` (narrowed to its choice) writes: the entries of
 * the data apps it imports, and every other entry when it imports the design.
 */
export function importBytes(view: PackageView): number {
  const apps = new Set(view.dataApps.values());
  const chunkOf = new Map<string, string>();
  for (const d of view.descriptor.data) for (const c of d.chunks) chunkOf.set(c, d.app);
  let n = 0;
  for (const e of view.descriptor.entries) {
    const app = chunkOf.get(e.path);
    if (app === undefined ? view.cards.length > 0 : apps.has(app)) n += e.size;
  }
  return n;
}
