import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import type { Database, Row, Sql } from './database';
import { lockDatabaseDir } from './lock';
import { PostgresLog, startFailure, stopOnCrash } from './pgliteCrash';
import { privateDir, tightenTree } from '../privateFiles';

/**
 * Where PGlite's WebAssembly and file-system bundle live. Bundled builds copy them next to the
 * bundle (`dist/pglite/`), because a bundle cannot find them the way the package does (through
 * `import.meta.url`); unbundled code (tests) finds them in node_modules.
 */
async function assets(): Promise<Pick<PGliteOptions, 'pgliteWasmModule' | 'initdbWasmModule' | 'fsBundle'> | undefined> {
  // Node has WebAssembly; the project's type libraries (es2022, node) do not declare it.
  const wasm = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<PGliteOptions['pgliteWasmModule']> } }).WebAssembly;
  const candidates = [path.join(__dirname, 'pglite'), path.join(__dirname, '..', 'pglite')];
  for (const dir of candidates) {
    try {
      const [pg, initdb, data] = await Promise.all(['pglite.wasm', 'initdb.wasm', 'pglite.data'].map((f) => fs.readFile(path.join(dir, f))));
      const [pgliteWasmModule, initdbWasmModule] = await Promise.all([wasm.compile(pg), wasm.compile(initdb)]);
      return { pgliteWasmModule, initdbWasmModule, fsBundle: new Blob([data]) };
    } catch {
      // not here; try the next place, then let PGlite find its own files
    }
  }
  return undefined;
}

/**
 * How much a WebAssembly function runs before V8 recompiles it with its optimising compiler (its
 * default is 1,800,000, roughly bytes executed). Opening PGlite runs a great deal of PostgreSQL's
 * start-up code a few times each; at the default, V8 then spends 1-2 s of CPU on background
 * threads optimising it, which on two cores slows whatever comes next (registering a 10,000-card
 * package took 0.92-1.25 s instead of 0.66-0.82 s). Ten times the budget leaves that lukewarm code
 * alone and still optimises what an import runs hot (100,000 records import as fast). It is set
 * before PostgreSQL's module is compiled and instantiated, and only where PGlite opens: the
 * command line and `isola env serve` (which the extension starts for `local`), never in the
 * extension host or the language server.
 */
const WASM_TIERING_BUDGET = 18_000_000;
let tieringSet = false;

function tuneWasmTiering(): void {
  if (tieringSet) return;
  tieringSet = true;
  setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
}

/**
 * Characters of COPY text handed to PGlite at once: one statement, during which the service's
 * thread answers nothing (a few thousand records); larger blobs gain little.
 */
const COPY_BLOB_CHARS = 4 * 1024 * 1024;

/**
 * PostgreSQL's settings for the embedded database, on top of PGlite's. PGlite keeps PostgreSQL's
 * 128 MB buffer pool, which PostgreSQL initialises as it starts: in WebAssembly that was about
 * 0.3 s of the 0.6-0.8 s an embedded environment took to open, and 0.1 s of closing it, paid by
 * every command that opens one, and about 100 MB of memory. Pages missing from a smaller pool are
 * read from the data folder's files, which the operating system caches anyway: 100,000 and
 * 1,000,000 records import as fast (docs/performance.md). The WAL buffers stay at the 4 MB that
 * PostgreSQL derives from a 128 MB pool (1/32 of it), since bulk imports write WAL fast.
 * Recovery after a crash logs its progress every `log_startup_progress_interval` through a timer
 * that re-arms itself: when the recovery then failed (a full disk), that timer kept the process
 * alive after its error was said, so the command never ended. Nobody reads that log here.
 */
const START_SETTINGS = ['shared_buffers=32MB', 'wal_buffers=4MB', 'log_startup_progress_interval=0'];

/**
 * Opens (creating if needed) an embedded database in `dir`, or in memory when `dir` is undefined.
 * `onStop` hears once of a crash that stopped it (pgliteCrash.ts): every statement fails from then on.
 */
export async function openPglite(dir: string | undefined, onStop?: (e: Error) => void): Promise<Database> {
  let unlock = async () => undefined as void;
  let loose = false;
  if (dir) {
    loose = await privateDir(dir, true);
    unlock = await lockDatabaseDir(dir);
  }
  let db: PGlite;
  tuneWasmTiering();
  // Opening waits on WebAssembly compiles, which V8 reports through tasks of its own, not through
  // the event loop. With nothing else alive, Node's loop ends its round and then waits for every
  // background job, the optimising compiles of PostgreSQL's hot code included (0.2 s on two
  // cores, right after opening: the first request waited for them). A timer keeps the loop alive.
  const alive = setInterval(() => undefined, 60_000);
  const log = new PostgresLog();
  try {
    try {
      db = await PGlite.create(dir, { ...(await assets()), startParams: [...PGlite.defaultStartParams, ...START_SETTINGS.flatMap((s) => ['-c', s])], onStderr: log.take });
    } catch (e) {
      throw startFailure(e, log, dir ?? 'memory');
    }
    // PGlite writes the database's files readable and writable by everyone (records, in the WAL
    // too; postgresql.conf). Behind a private folder nobody else reaches them; they are made
    // private too when the folder is new or was open (an older version's): one lstat per entry,
    // about a thousand, 0.1-0.25 s on a busy two-core machine, which an open of a private folder
    // does not pay.
    if (dir && loose) await tightenTree(dir);
  } catch (e) {
    await unlock();
    throw e;
  } finally {
    clearInterval(alive);
  }
  const wrapRaw = (q: Pick<PGlite, 'query' | 'exec'>): Sql => ({
    async query<T extends Row>(text: string, params?: unknown[]) {
      return (await q.query<T>(text, params)).rows;
    },
    async exec(text: string) {
      await q.exec(text);
    },
    async copyFrom(target: string, data: AsyncIterable<string | Buffer>) {
      // PGlite's COPY reads a whole Blob (as /dev/blob): one per few megabytes keeps memory flat.
      let parts: (string | Buffer)[] = [];
      let size = 0;
      const flush = async () => {
        if (!size) return;
        const blob = new Blob(parts);
        parts = [];
        size = 0;
        await q.query(`COPY ${target} FROM '/dev/blob'`, [], { blob });
      };
      for await (const chunk of data) {
        parts.push(chunk);
        size += chunk.length;
        if (size >= COPY_BLOB_CHARS) await flush();
      }
      await flush();
    },
  });
  const crash = stopOnCrash(db, log, dir ?? 'memory', onStop);
  // After a crash no statement reaches PostgreSQL, and one under way fails with why it stopped
  // (not with what PGlite made of the abort).
  const guarded = <A extends unknown[], T>(f: (...a: A) => Promise<T>) => async (...a: A): Promise<T> => {
    const before = crash.stopped();
    if (before) throw before;
    let r: T;
    try {
      r = await f(...a);
    } catch (e) {
      throw crash.stopped() ?? e;
    }
    const after = crash.stopped();
    if (after) throw after;
    return r;
  };
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Sql => {
    const raw = wrapRaw(q);
    return { query: guarded(raw.query) as Sql['query'], exec: guarded(raw.exec), copyFrom: guarded(raw.copyFrom) };
  };
  const base = wrap(db);
  return {
    kind: 'pglite',
    serialised: true,
    query: base.query,
    exec: base.exec,
    copyFrom: base.copyFrom,
    transaction: guarded((fn) => db.transaction((tx) => fn(wrap(tx)))),
    close: async () => {
      // A crashed module runs nothing more; the next open recovers the database from its WAL.
      if (!crash.stopped()) await db.close();
      await unlock();
    },
  };
}
