import { Worker } from 'node:worker_threads';
import type * as yauzl from 'yauzl';
import { MAX_JSON_DEPTH } from '../json/depth';
import { entryData, inflateFromMemory, inflated } from './inMemory';
import { BodyHashes, INFLATE_WORKER } from './inflateWorker';
import { PackageError } from './reader';

/**
 * Below this many deflated entries the entries inflate on the calling thread: a worker takes some
 * tens of milliseconds to start.
 */
const WORKER_MIN_ENTRIES = 2000;

/** Deflated entries inflated here while the worker starts (it takes about as long as these). */
const HEAD = 512;

/** Entries per message of the worker; the first message is small so that reading goes on early. */
const FIRST_BATCH = 64;
const BATCH = 512;

/** An entry's content, with what the worker learnt of it (only for entries it inflated, and only when asked). */
export interface AheadEntry {
  data: Buffer;
  /** sha256 of `data`. */
  sha256?: string;
  /** Whether `data` has more opening brackets than MAX_JSON_DEPTH (so its parse must be measured for depth). */
  manyBrackets?: boolean;
  /** Whether `data` holds a `\u` escape (the only way JSON spells a NUL or a lone surrogate). */
  escapes?: boolean;
  /** sha256 of the canonical JSON of `data`'s `body` (a JSON object whose body is an object), when the worker got to it. */
  bodySha256?: string;
}

interface Batch {
  buf: ArrayBuffer;
  ends: Float64Array;
  shas: string[];
  scans: number[];
  error?: string;
}

/**
 * The content of whole entries of a package held in memory, one after another in the order
 * given, each checked as `inflateFromMemory` checks it, failing at the first entry that fails,
 * with its message. Many deflated entries inflate in a worker thread ahead of the caller, so
 * that their inflating (a third of reading 10,000 cards) overlaps with what the caller does with
 * each; with few, or when no worker can start, they inflate here. The worker hashes what it
 * inflates, and with `bodyHashes` card bodies too, as far as it gets (inflateWorker.ts). The
 * worker starts at once, so a caller may start it before it needs the entries (the reader does
 * while it checks the descriptor); `stop` it if they are not read to the end. `workerMin` is for tests.
 */
export function inflateAhead(bytes: Buffer, list: { name: string; entry: yauzl.Entry }[], max: number, o: { bodyHashes?: boolean; workerMin?: number } = {}): Ahead {
  const workerMin = o.workerMin ?? WORKER_MIN_ENTRIES;
  // Where each entry's data lies, or why it cannot be read: reported when its turn comes, as a read one by one would.
  const places = list.map(({ name, entry }) => {
    try {
      return entryData(bytes, entry, name, max);
    } catch (e) {
      return e as PackageError;
    }
  });
  const deflated = places.filter((p) => !(p instanceof Error) && p.deflated).length;
  const head = Math.min(HEAD, Math.floor(deflated / 2));
  const worker = deflated >= workerMin ? startWorker(bytes, places, head, !!o.bodyHashes) : undefined;
  return { next: aheadEntries(bytes, list, max, places, head, worker), stop: () => worker?.stop() };
}

/**
 * Entries inflated ahead (`inflateAhead`), and a way to end the work when they are not all read.
 * `next` gives the next entry at once when it is there (most are: the worker is ahead), a promise
 * of it when it is still inflating, undefined after the last; it throws (or the promise rejects)
 * with the message of an entry that cannot be read. Await a promise before asking again. An
 * async generator cost an await and a microtask per entry: a seventh of reading 10,000 cards.
 */
export interface Ahead {
  next(): AheadEntry | undefined | Promise<AheadEntry | undefined>;
  stop(): void;
}

function aheadEntries(bytes: Buffer, list: { name: string; entry: yauzl.Entry }[], max: number, places: (ReturnType<typeof entryData> | Error)[], head: number, worker: ReturnType<typeof startWorker>): Ahead['next'] {
  let i = 0;
  let seen = 0;
  const handed = (next: Handed | string | undefined, entry: yauzl.Entry, name: string): AheadEntry => {
    if (next === undefined) return { data: inflateFromMemory(bytes, entry, name, max) };
    if (typeof next === 'string') throw new PackageError(`damaged entry (${next})`, name);
    return { data: inflated(next.data, entry, name), sha256: next.sha256, manyBrackets: (next.scan & 1) !== 0, escapes: (next.scan & 2) !== 0, bodySha256: worker!.bodySha256(next.job) };
  };
  return () => {
    if (i >= list.length) {
      worker?.stop();
      return undefined;
    }
    const p = places[i];
    const { name, entry } = list[i++];
    try {
      if (p instanceof Error) throw p;
      if (!p.deflated) return { data: inflated(p.raw, entry, name) };
      const next = worker && seen++ >= head ? worker.next() : undefined;
      if (!(next instanceof Promise)) return handed(next, entry, name);
      return next.then((n) => handed(n, entry, name)).catch((e) => {
        worker?.stop();
        throw e;
      });
    } catch (e) {
      worker?.stop();
      throw e;
    }
  };
}

/** An entry as the worker handed it over: `job` is its place among the worker's entries. */
interface Handed {
  data: Buffer;
  sha256: string;
  scan: number;
  job: number;
}

/**
 * A worker inflating the deflated entries of `places` after the first `skip`, in order; `next`
 * gives undefined once it failed (the worker itself, not an entry). `bodySha256(job)` marks that
 * entry as taken and gives its body hash when the worker wrote one.
 */
function startWorker(bytes: Buffer, places: (ReturnType<typeof entryData> | Error)[], skip: number, bodyHashes: boolean): { next(): Handed | string | undefined | Promise<Handed | string | undefined>; bodySha256(job: number): string | undefined; stop(): void } | undefined {
  const jobs: number[] = [];
  let n = 0;
  for (const p of places) if (!(p instanceof Error) && p.deflated && n++ >= skip) jobs.push(p.raw.byteOffset - bytes.byteOffset, p.raw.byteOffset - bytes.byteOffset + p.raw.length, p.size);
  const shared = bodyHashes ? new BodyHashes(jobs.length / 3) : undefined;
  let w: Worker;
  try {
    // Bytes in shared memory (as `wholeFileIfSmall` reads them) are shared, not copied.
    const shares = typeof SharedArrayBuffer === 'function' && bytes.buffer instanceof SharedArrayBuffer;
    const given = shares ? { shared: bytes.buffer, offset: bytes.byteOffset, length: bytes.length } : bytes;
    w = new Worker(INFLATE_WORKER, { eval: true, workerData: { bytes: given, jobs: Float64Array.from(jobs), first: FIRST_BATCH, batch: BATCH, shared: shared?.forWorker, maxDepth: MAX_JSON_DEPTH } });
  } catch {
    return undefined;
  }
  const ready: (Handed | string | undefined)[] = [];
  let handed = 0;
  let head = 0;
  let failed = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const take = (): Handed | string | undefined => {
    const v = ready[head];
    ready[head++] = undefined; // the caller keeps what it needs
    return v;
  };
  w.on('message', (m: Batch) => {
    const all = Buffer.from(m.buf);
    let start = 0;
    for (let j = 0; j < m.ends.length; j++) {
      const end = m.ends[j];
      ready.push({ data: all.subarray(start, end), sha256: m.shas[j], scan: m.scans[j], job: handed++ });
      start = end;
    }
    if (m.error !== undefined) ready.push(m.error);
    poke();
  });
  // A worker that cannot run (no threads, out of memory) leaves the rest to the calling thread.
  w.on('error', () => {
    failed = true;
    poke();
  });
  w.on('exit', () => {
    failed = true;
    poke();
  });
  return {
    next() {
      if (head < ready.length) return take();
      if (failed) return undefined;
      return new Promise<Handed | string | undefined>((resolve) => {
        wake = () => resolve(head < ready.length ? take() : undefined);
      });
    },
    bodySha256: (job) => shared?.take(job),
    stop() {
      void w.terminate();
    },
  };
}
