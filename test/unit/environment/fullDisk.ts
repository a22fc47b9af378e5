/**
 * Loaded with `node --require` into a command under test, it makes a disk look full to the
 * embedded database: once `ISOLA_TEST_FULL_AFTER` bytes (0 unless set) went to files whose path
 * matches `ISOLA_TEST_FULL` (a regular expression), every further write to them fails with
 * ENOSPC, as the operating system says it. PGlite writes its files through Node's synchronous
 * `fs` calls, which are what this replaces. Without `ISOLA_TEST_FULL` it changes nothing.
 */
// The module object itself (not a copy): PGlite calls its functions through it.
import fs = require('node:fs');

const pattern = process.env.ISOLA_TEST_FULL;
if (pattern) {
  const full = new RegExp(pattern);
  const limit = Number(process.env.ISOLA_TEST_FULL_AFTER ?? 0);
  const watched = new Set<number>();
  const { openSync, closeSync, writeSync } = fs;
  let written = 0;
  const patched = fs as { -readonly [K in keyof typeof fs]: (typeof fs)[K] };
  patched.openSync = ((file: fs.PathLike, ...rest: unknown[]) => {
    const fd = (openSync as (...a: unknown[]) => number)(file, ...rest);
    if (full.test(String(file))) watched.add(fd);
    else watched.delete(fd);
    return fd;
  }) as typeof fs.openSync;
  patched.closeSync = ((fd: number) => {
    watched.delete(fd);
    closeSync(fd);
  }) as typeof fs.closeSync;
  patched.writeSync = ((fd: number, ...rest: unknown[]) => {
    if (!watched.has(fd)) return (writeSync as (...a: unknown[]) => number)(fd, ...rest);
    if (written >= limit) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    const n = (writeSync as (...a: unknown[]) => number)(fd, ...rest);
    written += n;
    return n;
  }) as typeof fs.writeSync;
}
