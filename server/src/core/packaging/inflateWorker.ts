import { canonicalJsonMaker } from './canonical';
import { moreBracketsThan } from './jsonLimits';
import { rawInflaterMaker } from './rawInflate';

/**
 * The worker of inflateAhead.ts, as source run with `eval` (the bundles then need no file of
 * their own). It inflates deflated entries in order: `jobs` holds start, end and declared size
 * of each entry's data in `bytes`. Each message carries the inflated bytes of a batch end to end
 * (transferred, not copied) with each entry's sha256 and what a scan of its bytes found (`scan`),
 * or the message of the entry that failed, which ends the work.
 *
 * With `shared` (see `BodyHashes`), once everything is inflated it goes on from the LAST entry
 * backwards, writing for each card (a JSON object whose `body` is an object) the sha256 of its
 * body's canonical JSON into shared memory, while the caller checks cards from the first one on;
 * it stops where the caller is (`progress`). So the two threads meet wherever their speeds put
 * them: on a quiet machine the worker takes a good part of the hashing, on a busy one little, and
 * no card is hashed twice but the one where they meet.
 */
export const INFLATE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const { inflateRawSync } = zlib;
const inflateRaw = (${rawInflaterMaker.toString()})(zlib);
const crypto = require('node:crypto');
const sha256 = typeof crypto.hash === 'function' ? (d) => crypto.hash('sha256', d) : (d) => crypto.createHash('sha256').update(d).digest('hex');
const canonicalJson = (${canonicalJsonMaker.toString()})();
const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const { jobs, first, batch, shared, maxDepth } = workerData;
// The package's bytes: a view of the caller's shared memory, or a copy of them.
const given = workerData.bytes;
const bytes = given instanceof Uint8Array ? Buffer.from(given.buffer, given.byteOffset, given.length) : Buffer.from(given.shared, given.offset, given.length);
const ESCAPE_U = Buffer.from('\\\\u');
const moreBracketsThan = ${moreBracketsThan.toString()};
// What the caller would look for in each entry's bytes before trusting its parse (reader.ts):
// bit 1, more than maxDepth opening brackets (so it may nest too deep); bit 2, a \\u escape.
function scan(d) {
  return (moreBracketsThan(d, maxDepth) ? 1 : 0) | (d.indexOf(ESCAPE_U) !== -1 ? 2 : 0);
}
const n = jobs.length / 3;
const kept = shared ? [] : undefined;
let failed = false;
for (let i = 0, size = first; i < n; i += size, size = batch) {
  const outs = [];
  const shas = [];
  const scans = [];
  let total = 0;
  let error;
  for (let k = i; k < Math.min(i + size, n); k++) {
    const u = jobs[3 * k + 2];
    try {
      const raw = bytes.subarray(jobs[3 * k], jobs[3 * k + 1]);
      const d = u ? inflateRaw(raw, u) ?? inflateRawSync(raw, { maxOutputLength: u, chunkSize: Math.min(Math.max(u, 64), 1048576) }) : Buffer.alloc(0);
      outs.push(d);
      shas.push(sha256(d));
      scans.push(scan(d));
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
    if (kept) kept.push(outs[j]);
  }
  parentPort.postMessage({ buf: all.buffer, ends, shas, scans, error }, [all.buffer, ends.buffer]);
  if (error !== undefined) {
    failed = true;
    break;
  }
}
if (kept && !failed) {
  const progress = new Int32Array(shared.progress);
  const done = new Int32Array(shared.done);
  const hex = Buffer.from(shared.hashes);
  for (let k = n - 1; k > Atomics.load(progress, 0); k--) {
    let h = '';
    try {
      const v = JSON.parse(kept[k].toString('utf8'));
      if (isObj(v) && isObj(v.body)) h = sha256(canonicalJson(v.body));
    } catch {
      // not JSON, or too deep to hash: the caller refuses it on its own
    }
    kept[k] = undefined;
    if (h) {
      hex.write(h, 64 * k, 64, 'latin1');
      Atomics.store(done, k, 1);
    }
  }
}`;

/**
 * Body hashes the worker writes for the caller, in memory both threads share: for job k, 64 hex
 * characters at 64k and a flag `done[k]` set (atomically, after the characters) when they are
 * there; `progress` holds the last job the caller took, so that the worker stops there.
 */
export class BodyHashes {
  readonly progress = new SharedArrayBuffer(4);
  readonly done: SharedArrayBuffer;
  readonly hashes: SharedArrayBuffer;
  private readonly progressView: Int32Array;
  private readonly doneView: Int32Array;
  private readonly hex: Buffer;

  constructor(n: number) {
    this.done = new SharedArrayBuffer(4 * Math.max(n, 1));
    this.hashes = new SharedArrayBuffer(64 * Math.max(n, 1));
    this.progressView = new Int32Array(this.progress);
    this.doneView = new Int32Array(this.done);
    this.hex = Buffer.from(this.hashes);
    Atomics.store(this.progressView, 0, -1);
  }

  /** Marks job k as taken by the caller, and gives its body hash if the worker wrote it already. */
  take(k: number): string | undefined {
    Atomics.store(this.progressView, 0, k);
    return Atomics.load(this.doneView, k) === 1 ? this.hex.toString('latin1', 64 * k, 64 * k + 64) : undefined;
  }

  /** What the worker needs (structured-cloned; the buffers stay shared). */
  get forWorker(): { progress: SharedArrayBuffer; done: SharedArrayBuffer; hashes: SharedArrayBuffer } {
    return { progress: this.progress, done: this.done, hashes: this.hashes };
  }
}
