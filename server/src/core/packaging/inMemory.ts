import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import type * as yauzl from 'yauzl';
import { inflateRawReused } from './rawInflate';
import { PackageError } from './reader';

/**
 * Packages up to this size are read into memory once when opened: the central directory and
 * every small entry then come from memory instead of two file reads per entry (10,000 cards took
 * seconds), and whole entries inflate without a stream each. Larger ones (data) are read as needed.
 */
const IN_MEMORY_BYTES = 32 * 1024 * 1024;

/** The file's bytes when it is at most IN_MEMORY_BYTES long, read through the descriptor already opened. */
export async function wholeFileIfSmall(fd: number): Promise<Buffer | undefined> {
  const { size } = await promisify(fs.fstat)(fd);
  if (size > IN_MEMORY_BYTES) return undefined;
  // In memory both threads can see: the worker that inflates cards ahead (inflateAhead.ts) then
  // shares these bytes. Handed over as a plain buffer they were copied into the worker's message
  // and out of it again, which delayed its first batch by about 80 ms for a 5.6 MB package.
  // (A host without shared memory gets a plain buffer, which the worker receives as a copy.)
  const buf = typeof SharedArrayBuffer === 'function' ? Buffer.from(new SharedArrayBuffer(size)) : Buffer.alloc(size);
  let at = 0;
  while (at < size) {
    const { bytesRead: n } = await promisify(fs.read)(fd, buf, at, size - at, at);
    if (!n) throw new Error(`the file ended at ${at} of ${size} bytes`);
    at += n;
  }
  return buf;
}

const LOCAL_HEADER = 0x04034b50;

/**
 * A whole entry of a package held in memory, inflated at once. The same checks as the streaming
 * read: stored or deflated only, never more than the declared size (the inflater stops there), and
 * exactly that size in the end.
 */
export function inflateFromMemory(bytes: Buffer, entry: yauzl.Entry, name: string, max: number): Buffer {
  const { raw, deflated, size } = entryData(bytes, entry, name, max);
  if (!deflated) return inflated(raw, entry, name);
  let data: Buffer;
  try {
    data = size ? inflateRawReused(raw, size) ?? inflateRawSync(raw, { maxOutputLength: size, chunkSize: inflateChunk(size) }) : Buffer.alloc(0);
  } catch (e) {
    throw new PackageError(`damaged entry (${(e as Error).message})`, name);
  }
  return inflated(data, entry, name);
}

/**
 * Where an entry's data lies in a package held in memory, whether it is deflated, and its declared
 * size; refuses an entry larger than `max`, a local header missing where the central directory
 * says, data running past the end of the file, and compression methods other than stored and deflated.
 */
export function entryData(bytes: Buffer, entry: yauzl.Entry, name: string, max: number): { raw: Buffer; deflated: boolean; size: number } {
  if (entry.uncompressedSize > max) throw new PackageError(`is too large to read whole (${entry.uncompressedSize} bytes)`, name);
  const at = entry.relativeOffsetOfLocalHeader;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL_HEADER) throw new PackageError('damaged entry (no local file header where the central directory says)', name);
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new PackageError('damaged entry (its data runs past the end of the file)', name);
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) throw new PackageError(`uses compression method ${entry.compressionMethod}; only stored and deflated entries are read`, name);
  return { raw: bytes.subarray(start, end), deflated: entry.compressionMethod === 8, size: entry.uncompressedSize };
}

/** An entry's content once inflated (or stored), refused unless it is exactly the declared size. */
export function inflated(data: Buffer, entry: yauzl.Entry, name: string): Buffer {
  if (data.length !== entry.uncompressedSize) throw new PackageError(`damaged entry (expected ${entry.uncompressedSize} bytes, got ${data.length})`, name);
  return data;
}

/**
 * The inflater's output buffer for an entry of `size` bytes: one byte more than the entry, so the
 * whole entry inflates into one buffer that zlib's loop hands back as it is (zlib's default 16 KB,
 * allocated and cut down again for each of 10,000 cards, was a good part of reading them; a 4.5 MB
 * descriptor in 1 MB pieces was joined by a copy, 1,100 more pages touched). zlib's smallest at
 * least; at most 64 MB, so a declared size that lies reserves no more than that before inflating.
 */
function inflateChunk(size: number): number {
  return Math.min(Math.max(size + 1, 64), 64 * 1024 * 1024);
}
