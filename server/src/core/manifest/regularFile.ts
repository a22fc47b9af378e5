import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, Stats, statSync } from 'node:fs';

/** A regular file's bytes; the reason when the path names something else or cannot be read; undefined when nothing is there. */
export type RegularFile = { bytes: Buffer } | { reason: string } | undefined;

/**
 * The most bytes of any file read whole: a manifest, a script, a template, a built-in catalog, a
 * configuration, one record of a data file. A larger file is refused, judged by its size before a
 * byte is read: read whole it would hold hundreds of megabytes, and past 512 MB its text is longer
 * than the longest string V8 makes. Ten times the largest manifest measured (100,000 entities, 12 MB).
 */
export const MAX_WHOLE_FILE_BYTES = 64 * 1024 * 1024;

/** Why a file of `size` bytes is not read whole (over `max`). */
export function tooLargeReason(size: number, max: number = MAX_WHOLE_FILE_BYTES): string {
  return `it is ${megabytes(size)}, over the limit of ${megabytes(max)} for a file read whole`;
}

function megabytes(n: number): string {
  const mb = n / (1024 * 1024);
  return `${mb >= 10 || Number.isInteger(mb) ? Math.floor(mb) : mb.toFixed(1)} MB`;
}

/**
 * Reads a regular file, and only that: opening a FIFO for reading blocks until a writer comes,
 * and a device may never end, so anything else is refused before it is opened. The open is
 * non-blocking and the file checked again once open, in case the path changed in between. A file
 * larger than `maxBytes` is refused by its size, never read.
 * `listedRegular`: the folder listing just said this path is a regular file, so the look before
 * opening is skipped (one system call less per manifest; the check after opening still holds).
 */
export function readRegularFile(absPath: string, listedRegular = false, maxBytes = MAX_WHOLE_FILE_BYTES): RegularFile {
  return withRegularFile(absPath, listedRegular, maxBytes, readAll);
}

/**
 * Why `readRegularFile` would refuse this file (opened and looked at, never read), or undefined
 * when it would read it or nothing is there.
 */
export function regularFileProblem(absPath: string, maxBytes = MAX_WHOLE_FILE_BYTES): string | undefined {
  const r = withRegularFile(absPath, false, maxBytes, () => undefined);
  return r && 'reason' in r ? r.reason : undefined;
}

// Opens a regular file of at most `maxBytes` and hands it to `use`; else why not (see `readRegularFile`).
function withRegularFile(absPath: string, listedRegular: boolean, maxBytes: number, use: (fd: number, size: number, maxBytes: number) => RegularFile): RegularFile {
  if (!listedRegular) {
    let st: Stats;
    try {
      st = statSync(absPath);
    } catch (e) {
      return missingOrReason(absPath, e);
    }
    if (!st.isFile()) return { reason: notRegular(st) };
    if (st.size > maxBytes) return { reason: tooLargeReason(st.size, maxBytes) };
  }
  let fd: number;
  try {
    fd = openSync(absPath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return missingOrReason(absPath, e);
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return { reason: notRegular(opened) };
    return opened.size > maxBytes ? { reason: tooLargeReason(opened.size, maxBytes) } : use(fd, opened.size, maxBytes);
  } catch (e) {
    return { reason: errorReason(e) };
  } finally {
    closeSync(fd);
  }
}

// The whole file, its size known from the fstat just made (readFileSync would fstat it again).
function readAll(fd: number, size: number, maxBytes: number): RegularFile {
  return size > 0 ? { bytes: readSized(fd, size) } : readToEnd(fd, maxBytes);
}

function readSized(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let n = 0;
  while (n < size) {
    const k = readSync(fd, buf, n, size - n, null);
    if (k === 0) break;
    n += k;
  }
  return n < size ? buf.subarray(0, n) : buf;
}

// A size of 0 may still hold bytes (files in /proc): read to the end, as readFileSync does, up to the limit.
function readToEnd(fd: number, maxBytes: number): RegularFile {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    const k = readSync(fd, chunk, 0, chunk.length, null);
    if (k === 0) return { bytes: Buffer.concat(chunks) };
    total += k;
    if (total > maxBytes) return { reason: `it holds more than ${megabytes(maxBytes)}, the limit for a file read whole` };
    chunks.push(chunk.subarray(0, k));
  }
}

function missingOrReason(absPath: string, e: unknown): RegularFile {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    try {
      if (lstatSync(absPath).isSymbolicLink()) return { reason: 'it is a symbolic link to nothing (its target does not exist)' };
    } catch {
      // nothing there at all
    }
    return undefined;
  }
  return { reason: errorReason(e) };
}

function notRegular(st: Stats): string {
  if (st.isDirectory()) return 'it is a folder, not a file';
  if (st.isFIFO()) return 'it is a FIFO (named pipe), not a regular file';
  if (st.isSocket()) return 'it is a socket, not a regular file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device, not a regular file';
  return 'it is not a regular file';
}

/** A failed read's error in words: what went wrong, not a stack. */
export function errorReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'it is a loop of symbolic links';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'ERR_FS_FILE_TOO_LARGE':
      return 'it is too large';
    default:
      return err.code ? `${err.code} (${String(err.message).split('\n')[0]})` : String(err.message ?? e).split('\n')[0];
  }
}
