import * as zlib from 'node:zlib';

/** Inflates a whole raw-deflate entry of a declared size, or gives undefined (see `rawInflaterMaker`). */
export type RawInflater = (raw: Uint8Array, size: number) => Buffer | undefined;

/**
 * Makes an inflater for whole small entries that reuses one zlib stream, reset between entries.
 * `zlib.inflateRawSync` builds a stream object (a Transform with its states, a native handle and
 * zlib's 40 KB of state) for every call: for a card of 700 bytes that is 15 to 50 µs, nine tenths
 * of its inflating, and 10,000 cards made it a third of reading a package. Reset, the same handle
 * takes about 3 µs.
 *
 * There is no public API for this, so it goes through the stream's own handle (`_handle`, and
 * `_writeState` where the handle reports what it left), as `zlib.inflateRawSync` itself does,
 * and trusts it only as far as it checks:
 * - on first use it inflates a sample and compares it with `zlib.inflateRawSync`'s result; any
 *   difference, missing method or exception, and it is never used again in this thread;
 * - it answers only for a stream that ended with all its input used and at most `size` bytes out;
 *   for anything else (zlib's error, bytes after the end, more than `size` bytes, entries over
 *   `MAX_SIZE`) it gives undefined, and the caller inflates as before, which then gives the usual
 *   result or message. A handle that reported an error is dropped, never reset.
 * What it returns is checked by the caller as any inflated entry is (size, sha256 in the index).
 *
 * The function refers to nothing outside itself but its parameter, so its source can run in a
 * worker thread as it is (inflateWorker.ts).
 */
export function rawInflaterMaker(z: typeof zlib): RawInflater {
  // The output buffer is the declared size, allocated before inflating, so a lying size costs at
  // most this (the usual way's largest output chunk too). Larger entries (a big descriptor, a
  // template document) are few: the usual way, with its chunked output, serves them.
  const MAX_SIZE = 1024 * 1024;
  type Handle = {
    reset(): void;
    writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
    onerror: unknown;
  };
  let handle: Handle | undefined;
  let state: Uint32Array | undefined;
  let failed = false;
  let usable: boolean | undefined;

  function open(): boolean {
    const stream = new z.InflateRaw() as unknown as { _handle?: Handle; _writeState?: unknown };
    const h = stream._handle;
    const w = stream._writeState;
    if (!h || typeof h.writeSync !== 'function' || typeof h.reset !== 'function' || !(w instanceof Uint32Array) || w.length < 2) return false;
    // zlib reports an error through this; the stream's own handler would close the handle, and a
    // write to a closed handle stops the process.
    h.onerror = () => {
      failed = true;
    };
    handle = h;
    state = w;
    return true;
  }

  function inflate(raw: Uint8Array, size: number): Buffer | undefined {
    if (!handle && !open()) return undefined;
    const h = handle!;
    const out = Buffer.allocUnsafe(size + 1);
    failed = false;
    h.reset();
    if (!failed) h.writeSync(z.constants.Z_FINISH, raw, 0, raw.length, out, 0, out.length);
    if (failed) {
      handle = undefined;
      return undefined;
    }
    const availOut = state![0];
    const availIn = state![1];
    // Input left over, or the buffer full (more than `size` bytes): not for this function to judge.
    if (availIn !== 0 || availOut === 0) return undefined;
    return out.subarray(0, out.length - availOut);
  }

  return function inflateRaw(raw, size) {
    if (usable === false || size > MAX_SIZE || !Number.isSafeInteger(size) || size < 0) return undefined;
    try {
      if (usable === undefined) {
        const sample = Buffer.from('{"check":"the inflater gives what zlib gives","n":[1,2,3,1,2,3,1,2,3]}');
        const packed = z.deflateRawSync(sample);
        const got = inflate(packed, sample.length);
        usable = !!got && got.equals(z.inflateRawSync(packed)) && inflate(packed, sample.length - 1) === undefined;
        if (!usable) return undefined;
      }
      return inflate(raw, size);
    } catch {
      usable = false;
      handle = undefined;
      return undefined;
    }
  };
}

/** This thread's inflater for whole small entries (`rawInflaterMaker`). */
export const inflateRawReused: RawInflater = rawInflaterMaker(zlib);
