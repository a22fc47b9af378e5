import { createHash } from 'node:crypto';
import { close, createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { outOfSpace, writeRefusal } from '../exclusiveWrite';
import { sha256 } from '../packaging/canonical';
import { wholeFileIfSmall } from '../packaging/inMemory';
import { openRegularFile, PackageError } from '../packaging/reader';
import type { Database, Sql } from './db/database';
import { EnvError, notFound } from './errors';
import { openPackageView } from './packageView';
import { PRIVATE_FILE, privateFile } from './privateFiles';
import { newId } from './users';

/** A package the environment holds (uploaded, registered from disk, or exported). */
export interface StoredPackage {
  id: string;
  sha256: string;
  file: string;
  size: number;
  kind: string;
  code: string;
  namespaces: string[];
  origin: 'upload' | 'local' | 'export';
  createdBy: string;
  createdAt: string;
}

/**
 * What to throw when a stored package's file cannot be opened (`e`, from opening it): a file that
 * is gone (an administrator removed it from the store's folder) is a 404 naming the package; any
 * other failure says its code. Neither quotes the server's path. Anything else is `e` itself.
 */
export function storedFileError(id: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return notFound(`package ${id} is listed, but its file is no longer in the environment's store; upload the package again`);
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && (e as NodeJS.ErrnoException).syscall !== undefined) {
    return new EnvError(500, `the stored file of package ${id} cannot be read (${code})`, 'internal');
  }
  return e;
}

/**
 * What to throw when the store could not write a file (`e`) while `doing` something ("storing
 * the upload"): a full disk (or quota) is 507 `no-space`, nothing kept, and the request or job
 * fails alone; another refusal of the file system (a read-only folder) is 500 in words. Neither
 * quotes the server's path. Anything else is `e` itself.
 */
export function storeWriteError(e: unknown, doing: string, nothing: string): unknown {
  const reason = writeRefusal(e);
  if (reason === undefined) return e;
  const err = outOfSpace(e)
    ? new EnvError(507, `${reason} ${doing} in the environment's data folder; ${nothing} (free space on its disk, then try again)`, 'no-space')
    : new EnvError(500, `${reason} ${doing} in the environment's data folder; ${nothing}`, 'internal');
  // The service's log shows the file system's own error, path included, for whoever mends it.
  return Object.assign(err, { cause: e });
}

/**
 * Temporary files of this store: an upload streams into `upload_<id>.partial`, an export writes
 * `j_<id>.isolapkg.partial-<pid>-<random hex>` (`-<time>` before) before renaming it (ids are 12 base64url characters).
 */
const PARTIAL_UPLOAD = /^(upload_[A-Za-z0-9_-]{12}\.partial|j_[A-Za-z0-9_-]{12}\.isolapkg\.partial-\d+-(\d+|[0-9a-f]{12}))$/;

/**
 * Removes the partial uploads an earlier run of the service left in `dir` (its packages
 * folder) when it was killed mid-upload: nothing else ever finishes or removes them. Only
 * regular files named as `PackageStore.upload` names them; call it before the service takes
 * uploads. Returns the names removed.
 */
export async function removeStaleUploads(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (!e.isFile() || !PARTIAL_UPLOAD.test(e.name)) continue;
    await fs.rm(path.join(dir, e.name), { force: true });
    removed.push(e.name);
  }
  return removed;
}

/** What a package is, read from it before it is kept: the rights check needs its namespaces. */
export type PackageFacts = Pick<StoredPackage, 'kind' | 'code' | 'namespaces'>;

/** Bytes of an upload between two looks at the disk's free space. */
const ROOM_EVERY = 16 * 2 ** 20;

/**
 * Package files of an environment: on disk (a package can be gigabytes; spec: never in the
 * database), indexed in the `packages` table by their sha256.
 */
export class PackageStore {
  constructor(private readonly db: Database, private readonly dir: string, private readonly maxBytes: number) {}

  /**
   * Takes an uploaded package: streamed to disk (never held whole in memory) while hashed, then
   * opened and checked as untrusted input; `allow` may refuse it, and `room` (called every 16 MB) may
   * stop it when the disk fills. Refused packages are deleted.
   */
  async upload(body: Readable, allow: (p: PackageFacts) => void, by: string, room?: () => void): Promise<StoredPackage> {
    const max = this.maxBytes;
    const tmp = path.join(this.dir, `${newId('upload')}.partial`);
    const hash = createHash('sha256');
    let size = 0;
    let checked = 0;
    try {
      await pipeline(body, async function* (src: AsyncIterable<Buffer>) {
        for await (const b of src) {
          size += b.length;
          if (size > max) throw new EnvError(413, `the package is larger than this environment accepts (${max} bytes)`, 'too-large');
          // A body of no declared size, or one that filled the disk meanwhile, is stopped while
          // the floor the database needs is still free (`room` throws 507).
          if (room && size - checked >= ROOM_EVERY) {
            checked = size;
            room();
          }
          hash.update(b);
          yield b;
        }
      }, createWriteStream(tmp, { flags: 'wx', mode: PRIVATE_FILE })); // a random name, and never a file that is already there
      return await this.register(tmp, hash.digest('hex'), 'upload', true, allow, by);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw storeWriteError(e, 'storing the upload', 'nothing was stored');
    }
  }

  /** Registers a package file where it lies (the embedded environment imports in place). */
  async registerFile(file: string, allow: (p: PackageFacts) => void, by: string): Promise<StoredPackage> {
    // Through a descriptor opened non-blocking and checked to be a regular file: a named pipe would hang the read.
    const fd = await openRegularFile(file).catch((e) => {
      throw e instanceof PackageError ? new EnvError(422, `not a package this environment accepts: ${e.message}`, 'bad-package') : e;
    });
    // A package small enough is read once: the bytes hashed are the bytes opened, and no second read can differ.
    let bytes: Buffer | undefined;
    try {
      bytes = await wholeFileIfSmall(fd);
    } catch (e) {
      close(fd, () => undefined);
      throw new EnvError(422, `not a package this environment accepts: cannot be read (${(e as Error).message})`, 'bad-package');
    }
    if (bytes) {
      close(fd, () => undefined);
      return this.register(path.resolve(file), sha256(bytes), 'local', false, allow, by, bytes);
    }
    const hash = createHash('sha256');
    await pipeline(createReadStream('', { fd }), hash);
    return this.register(path.resolve(file), hash.digest('hex'), 'local', false, allow, by);
  }

  /**
   * Keeps a package this environment wrote (an export); it moves into the store. `alongside` runs
   * in the transaction that records the package (an export's histories), so both happen or
   * neither. A package the reader refuses is removed, never left in the store's folder.
   */
  async keep(file: string, by: string, alongside?: (tx: Sql) => Promise<void>): Promise<StoredPackage> {
    try {
      const hash = createHash('sha256');
      await pipeline(createReadStream(file), hash);
      return await this.register(file, hash.digest('hex'), 'export', true, () => undefined, by, undefined, alongside);
    } catch (e) {
      await fs.rm(file, { force: true });
      throw e;
    }
  }

  async get(id: string): Promise<StoredPackage> {
    const rows = await this.db.query<Record<string, unknown>>(`SELECT * FROM packages WHERE id = $1`, [id]);
    if (!rows.length) throw notFound(`no package ${id}`);
    const r = rows[0];
    return { id: r.id as string, sha256: r.sha256 as string, file: r.file as string, size: Number(r.size), kind: r.kind as string, code: r.code as string, namespaces: r.namespaces as string[], origin: r.origin as StoredPackage['origin'], createdBy: r.created_by as string, createdAt: r.created_at as string };
  }

  /**
   * Forgets every export made before `before` (an ISO time): one its client never downloaded (a
   * client that died, a job nobody followed) would otherwise stay for ever. Returns how many.
   */
  async forgetExportsBefore(before: string): Promise<number> {
    const rows = await this.db.query<{ id: string; file: string }>(`SELECT id, file FROM packages WHERE origin = 'export' AND created_at < $1`, [before]);
    for (const r of rows) {
      await this.db.query(`DELETE FROM packages WHERE id = $1 AND origin = 'export'`, [r.id]);
      await fs.rm(r.file, { force: true });
    }
    return rows.length;
  }

  /**
   * Forgets an exported package: its row, then its file. Only exports, which nothing but their
   * download reads; uploads and registered files stay (plans and imports name them).
   */
  async forgetExport(p: StoredPackage): Promise<void> {
    if (p.origin !== 'export') return;
    await this.db.query(`DELETE FROM packages WHERE id = $1 AND origin = 'export'`, [p.id]);
    await fs.rm(p.file, { force: true });
  }

  private async register(file: string, sha: string, origin: StoredPackage['origin'], move: boolean, allow: (p: PackageFacts) => void, by: string, bytes?: Buffer, alongside?: (tx: Sql) => Promise<void>): Promise<StoredPackage> {
    let view;
    try {
      view = await openPackageView(file, undefined, new Date().toISOString(), { sha256: sha, bytes });
    } catch (e) {
      if (e instanceof PackageError) throw new EnvError(422, `not a package this environment accepts: ${e.message}`, 'bad-package');
      throw e;
    }
    view.reader.close();
    allow({ kind: view.descriptor.kind, code: view.descriptor.code, namespaces: view.namespaces });
    const id = `k_${sha.slice(0, 32)}`;
    let dest = file;
    // A file of this name the store already holds is another record's: never removed on failure.
    const held = move && (await this.db.query(`SELECT 1 FROM packages WHERE id = $1`, [id])).length > 0;
    if (move) {
      // Private before it takes its stored name: the writer creates it with the umask's mode.
      await privateFile(file);
      dest = path.join(this.dir, `${id}.isolapkg`);
      await fs.rename(file, dest);
    }
    try {
      const size = (await fs.stat(dest)).size;
      const p: StoredPackage = { id, sha256: sha, file: dest, size, kind: view.descriptor.kind, code: view.descriptor.code, namespaces: view.namespaces, origin, createdBy: by, createdAt: new Date().toISOString() };
      await this.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO packages (id, sha256, file, size, kind, code, namespaces, origin, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
           ON CONFLICT (id) DO UPDATE SET file = EXCLUDED.file`, [p.id, p.sha256, p.file, p.size, p.kind, p.code, JSON.stringify(p.namespaces), p.origin, p.createdBy, p.createdAt]);
        await alongside?.(tx);
      });
      return p;
    } catch (e) {
      if (move && !held) await fs.rm(dest, { force: true });
      throw e;
    }
  }
}
