import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/**
 * A temporary file next to `target` that nobody else can have put there: a random name, created
 * with O_EXCL, which refuses a name that exists (a symbolic link planted at a predictable name
 * included) instead of writing through it. Renamed over `target` when complete, it replaces a
 * link there rather than writing into what the link points at.
 */
export async function exclusiveTemp(target: string, tag: string): Promise<{ path: string; handle: FileHandle }> {
  for (let attempt = 0; ; attempt++) {
    const tmp = `${target}.${tag}-${randomBytes(6).toString('hex')}`;
    try {
      return { path: tmp, handle: await fs.open(tmp, 'wx') };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 8) throw e;
    }
  }
}

/** Writes `target` whole or not at all: `fill` writes an `exclusiveTemp`, which is then renamed over it (and removed on failure). */
export async function writeExclusive(target: string, tag: string, fill: (handle: FileHandle) => Promise<void>): Promise<void> {
  const { path: tmp, handle } = await exclusiveTemp(target, tag);
  try {
    try {
      await fill(handle);
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** `writeExclusive` of text or bytes. */
export function writeFileExclusive(target: string, data: string | Uint8Array, tag = 'partial'): Promise<void> {
  return writeExclusive(target, tag, (h) => h.writeFile(data));
}
