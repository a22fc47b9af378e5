import { Worker } from 'node:worker_threads';
import type * as yauzl from 'yauzl';
import { entryData, inflateFromMemory, inflated } from './inMemory';
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

/**
 * Inflates deflated entries in a worker, in order: `jobs` holds start, end and declared size of
 * each entry's data in `bytes`. Each message carries the inflated bytes of a batch end to end
 * (transferred, not copied), or the message of the entry that failed, which ends the work.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { inflateRawSync } = require('node:zlib');
const { bytes, jobs, first, batch } = workerData;
const n = jobs.length / 3;
for (let i = 0, size = first; i < n; i += size, size = batch) {
  const outs = [];
  let total = 0;
  let error;
  for (let k = i; k < Math.min(i + size, n); k++) {
    const u = jobs[3 * k + 2];
    try {
      const d = u ? inflateRawSync(bytes.subarray(jobs[3 * k], jobs[3 * k + 1]), { maxOutputLength: u, chunkSize: Math.min(Math.max(u, 64), 1048576) }) : Buffer.alloc(0);
      outs.push(d);
      total += d.length;
    } catch (e) {
      error = String(e && e.message);
      break;
    }
  }
  const all = Buffer.allocUnsafeSlow(total);
  const ends = new Float64Array(outs.length);
  let at = 0;
  for (let j = 0; j < outs.length; j++) {
    outs[j].copy(all, at);
    at += outs[j].length;
    ends[j] = at;
  }
  parentPort.postMessage({ buf: all.buffer, ends, error }, [all.buffer, ends.buffer]);
  if (error !== undefined) break;
}`;

interface Batch {
  buf: ArrayBuffer;
  ends: Float64Array;
  error?: string;
}

/**
 * The content of whole entries of a package held in memory, one after another in the order
 * given, each checked as `inflateFromMemory` checks it, failing at the first entry that fails,
 * with its message. Many deflated entries inflate in a worker thread ahead of the caller, so
 * that their inflating (a third of reading 10,000 cards) overlaps with what the caller does with
 * each; with few, or when no worker can start, they inflate here. `workerMin` is for tests.
 */
export async function* inflateAhead(bytes: Buffer, list: { name: string; entry: yauzl.Entry }[], max: number, workerMin = WORKER_MIN_ENTRIES): AsyncGenerator<Buffer> {
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
  const worker = deflated >= workerMin ? startWorker(bytes, places, head) : undefined;
  let seen = 0;
  try {
    for (let i = 0; i < list.length; i++) {
      const p = places[i];
      if (p instanceof Error) throw p;
      const { name, entry } = list[i];
      if (!p.deflated) {
        yield inflated(p.raw, entry, name);
        continue;
      }
      const next = worker && seen++ >= head ? await worker.next() : undefined;
      if (next === undefined) yield inflateFromMemory(bytes, entry, name, max);
      else if (typeof next === 'string') throw new PackageError(`damaged entry (${next})`, name);
      else yield inflated(next, entry, name);
    }
  } finally {
    worker?.stop();
  }
}

/**
 * A worker inflating the deflated entries of `places` after the first `skip`, in order; `next`
 * gives undefined once it failed (the worker itself, not an entry).
 */
function startWorker(bytes: Buffer, places: (ReturnType<typeof entryData> | Error)[], skip: number): { next(): Promise<Buffer | string | undefined>; stop(): void } | undefined {
  const jobs: number[] = [];
  let n = 0;
  for (const p of places) if (!(p instanceof Error) && p.deflated && n++ >= skip) jobs.push(p.raw.byteOffset - bytes.byteOffset, p.raw.byteOffset - bytes.byteOffset + p.raw.length, p.size);
  let w: Worker;
  try {
    w = new Worker(WORKER, { eval: true, workerData: { bytes, jobs: Float64Array.from(jobs), first: FIRST_BATCH, batch: BATCH } });
  } catch {
    return undefined;
  }
  const ready: (Buffer | string | undefined)[] = [];
  let head = 0;
  let failed = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    wake?.();
    wake = undefined;
  };
  w.on('message', (m: Batch) => {
    const all = Buffer.from(m.buf);
    let start = 0;
    for (const end of m.ends) {
      ready.push(all.subarray(start, end));
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
    async next() {
      while (head === ready.length && !failed) await new Promise<void>((resolve) => (wake = resolve));
      if (head === ready.length) return undefined;
      const v = ready[head];
      ready[head++] = undefined; // the caller keeps what it needs
      return v;
    },
    stop() {
      void w.terminate();
    },
  };
}
