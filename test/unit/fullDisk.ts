// The module object itself, not a namespace copy of it: its functions are replaced in place.
import fs = require('node:fs');
import * as path from 'node:path';

/**
 * A full disk without a mount (no root needed): writes to files whose path matches `match` fail
 * with ENOSPC, as the kernel's would, once `room` bytes have gone to such files. Every way Isola
 * writes goes through one of the patched calls: `fs.promises.open`, whose handle's `write`,
 * `writev` and `writeFile` are counted (streams over a handle use these), `fs.open` with
 * `fs.write` and `fs.writev` (a stream opened by path), and `fs.openSync` with `fs.writeSync`
 * (the embedded database's files). `fillDisk` returns the function that undoes it.
 *
 * Required with `node --require` (`FULL_DISK_PRELOAD`), it fills the disk of the whole process
 * from ISOLA_TEST_FULL_DISK (a regular expression on paths) and ISOLA_TEST_FULL_DISK_ROOM.
 */
export function fillDisk(o: { match: RegExp; room: number }): () => void {
  let room = o.room;
  const fds = new Set<number>();
  const matches = (p: unknown) => (typeof p === 'string' || p instanceof URL || Buffer.isBuffer(p)) && o.match.test(path.resolve(String(p instanceof URL ? p.pathname : p)));
  const take = (n: number) => {
    if (n > room) {
      room = 0;
      return Object.assign(new Error('ENOSPC: no space left on device, write'), { errno: -28, code: 'ENOSPC', syscall: 'write' });
    }
    room -= n;
    return undefined;
  };
  const sizeOf = (x: unknown): number => (typeof x === 'string' ? Buffer.byteLength(x) : ArrayBuffer.isView(x) ? x.byteLength : Array.isArray(x) ? x.reduce((n: number, b) => n + sizeOf(b), 0) : 0);
  /** Bytes a `write(buffer, offset, length)` or `write(string)` writes. */
  const written = (args: unknown[]) => (ArrayBuffer.isView(args[0]) && typeof args[2] === 'number' ? args[2] : sizeOf(args[0]));

  const undo: (() => void)[] = [];
  const patch = <T extends object, K extends keyof T>(target: T, key: K, make: (orig: T[K]) => T[K]) => {
    const orig = target[key];
    target[key] = make(orig);
    undo.push(() => (target[key] = orig));
  };
  type Fn = (...args: unknown[]) => unknown;
  type AsyncFn = (...args: unknown[]) => Promise<unknown>;

  // A handle on a matching file gets its own write methods (a stream over a handle calls them).
  patch(fs.promises, 'open', (orig) => (async (...args: unknown[]) => {
    const h = (await (orig as AsyncFn)(...args)) as Record<string, unknown>;
    if (!matches(args[0])) return h;
    for (const key of ['write', 'writev', 'writeFile']) {
      const method = h[key] as AsyncFn;
      h[key] = async (...a: unknown[]) => {
        const failure = take(key === 'write' ? written(a) : sizeOf(a[0]));
        if (failure) throw failure;
        return method.apply(h, a);
      };
    }
    return h;
  }) as unknown as typeof orig);
  patch(fs, 'open', (orig) => ((...args: unknown[]) => {
    const cb = args[args.length - 1] as Fn;
    const file = args[0];
    return (orig as Fn)(...args.slice(0, -1), (e: unknown, fd: number) => {
      if (!e && matches(file)) fds.add(fd);
      cb(e, fd);
    });
  }) as typeof orig);
  patch(fs, 'close', (orig) => ((fd: number, ...rest: unknown[]) => {
    fds.delete(fd);
    return (orig as Fn)(fd, ...rest);
  }) as typeof orig);
  for (const key of ['write', 'writev'] as const) {
    patch(fs, key, (orig) => ((fd: number, ...args: unknown[]) => {
      if (fds.has(fd)) {
        const failure = take(key === 'write' ? written(args) : sizeOf(args[0]));
        if (failure) return process.nextTick(args[args.length - 1] as Fn, failure);
      }
      return (orig as Fn)(fd, ...args);
    }) as typeof orig);
  }
  // The synchronous calls: PGlite writes the embedded database's files through them.
  patch(fs, 'openSync', (orig) => ((...args: unknown[]) => {
    const fd = (orig as Fn)(...args) as number;
    if (matches(args[0])) fds.add(fd);
    else fds.delete(fd);
    return fd;
  }) as typeof orig);
  patch(fs, 'closeSync', (orig) => ((fd: number) => {
    fds.delete(fd);
    return (orig as Fn)(fd);
  }) as typeof orig);
  patch(fs, 'writeSync', (orig) => ((fd: number, ...args: unknown[]) => {
    if (fds.has(fd)) {
      const failure = take(written(args));
      if (failure) throw failure;
    }
    return (orig as Fn)(fd, ...args);
  }) as typeof orig);
  return () => {
    for (const u of undo.reverse()) u();
  };
}

/** The compiled path of this file, for `node --require`. */
export const FULL_DISK_PRELOAD = __filename;

if (process.env.ISOLA_TEST_FULL_DISK) {
  fillDisk({ match: new RegExp(process.env.ISOLA_TEST_FULL_DISK), room: Number(process.env.ISOLA_TEST_FULL_DISK_ROOM ?? 0) });
}
