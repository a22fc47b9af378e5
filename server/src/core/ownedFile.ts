import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';

/** Who holds an owned file (a lock, an unpack's journal): a process on a host, and a token telling one holding from the next. */
export interface Owner {
  pid: number;
  host: string;
  token: string;
}

/** An owner for this process, with a token of its own. */
export function newOwner(): Owner {
  return { pid: process.pid, host: os.hostname(), token: randomBytes(8).toString('hex') };
}

/**
 * Whether the process that holds a file may still be running. One on another host cannot be
 * asked, so it counts as running; this process counts as running (another build of the same
 * language server). A process that exists but is not ours to signal (EPERM) is running too.
 */
export function ownerAlive(o: Owner): boolean {
  if (o.host !== os.hostname() || o.pid === process.pid) return true;
  return pidAlive(o.pid);
}

/** Whether a process of this host with that id exists. */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An owned file as read: its text, the owner it names (none when it is not whole yet), its age. */
export interface SeenOwned {
  raw: string;
  owner?: Owner;
  ageMs: number;
}

/** A file is written in microseconds: one whose owner cannot be read after this long was left half-written. */
const HALF_WRITTEN_MS = 10_000;

/** Reads an owned file; undefined when nothing is there. */
export async function readOwned(file: string): Promise<SeenOwned | undefined> {
  let raw: string;
  let mtimeMs: number;
  try {
    [raw, { mtimeMs }] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let owner: Owner | undefined;
  try {
    const o = (JSON.parse(raw) as { owner?: Owner }).owner;
    if (typeof o?.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string') owner = o;
  } catch {
    // Not whole yet, or cut short when its writer died: judged by its age.
  }
  return { raw, owner, ageMs: Date.now() - mtimeMs };
}

/** Whether an owned file was left by a process that is gone (or left half-written), so another may take it over. */
export function isStale(seen: SeenOwned): boolean {
  return seen.owner ? !ownerAlive(seen.owner) : seen.ageMs > HALF_WRITTEN_MS;
}

/**
 * Creates `file` with `text` only when nothing is there (O_EXCL); false when something is. With
 * `durable` the text is on the disk before this returns (an unpack's journal must outlive a crash).
 */
export async function createExclusive(file: string, text: string, durable = false): Promise<boolean> {
  let handle;
  try {
    handle = await fs.open(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    await handle.writeFile(text);
    if (durable) await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(file, { force: true });
    throw e;
  }
  await handle.close();
  return true;
}

/**
 * Takes over a stale owned file that still reads as `seen`: removes it (`replacement` undefined)
 * or puts `replacement` in its place at once. Two processes that both found it stale must not both
 * act (the second would remove the file the first then made), so the look again and the change
 * happen under a guard file made with O_EXCL; a guard older than a few seconds was left by a
 * process that died holding it. False when another got there first: look again.
 */
export async function takeOver(file: string, seen: SeenOwned, replacement?: string): Promise<boolean> {
  const guard = `${file}.takeover`;
  if (!(await createExclusive(guard, String(process.pid)))) {
    const st = await fs.stat(guard).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > HALF_WRITTEN_MS) await fs.rm(guard, { force: true });
    return false;
  }
  try {
    const again = await readOwned(file);
    if (!again || again.raw !== seen.raw) return false;
    if (replacement === undefined) {
      await fs.rm(file, { force: true });
    } else {
      const tmp = `${file}.${process.pid}-${randomBytes(6).toString('hex')}`;
      await fs.writeFile(tmp, replacement, { flag: 'wx' });
      await fs.rename(tmp, file).catch(async (e) => {
        await fs.rm(tmp, { force: true });
        throw e;
      });
    }
    return true;
  } finally {
    await fs.rm(guard, { force: true });
  }
}

/** An exclusive lock held: `release` removes it (when it is still this holder's). */
export interface HeldLock {
  /** The lock file. */
  file: string;
  release(): Promise<void>;
}

/** A lock that another process held all the time this one waited. */
export class LockBusy extends Error {
  /** Who holds it, in words: `process 4711`, `process 4711 on build-2`. */
  readonly holder: string;

  constructor(readonly file: string, owner: Owner | undefined) {
    const holder = owner ? `process ${owner.pid}${owner.host === os.hostname() ? '' : ` on ${owner.host}`}` : 'another process';
    super(`${file} is held by ${holder}`);
    this.holder = holder;
  }
}

/**
 * Takes the exclusive lock `file` (O_EXCL, naming this process): waits, in short random steps up
 * to `timeoutMs`, while a running process holds it, and takes over one whose process is gone.
 * Throws `LockBusy` when the time runs out.
 */
export async function acquireLock(file: string, timeoutMs = 30_000): Promise<HeldLock> {
  const me = newOwner();
  const text = JSON.stringify({ owner: me }) + '\n';
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await createExclusive(file, text)) return { file, release: () => releaseOwned(file, me) };
    const seen = await readOwned(file);
    if (!seen) continue;
    if (isStale(seen) && (await takeOver(file, seen))) continue;
    if (Date.now() > deadline) throw new LockBusy(file, seen.owner);
    await pause();
  }
}

/** A short wait of random length, so that processes waiting for one file do not look at it in step. */
export function pause(): Promise<void> {
  return new Promise((r) => setTimeout(r, 20 + Math.random() * 60));
}

/** Removes an owned file when it is still `me`'s. */
export async function releaseOwned(file: string, me: Owner): Promise<void> {
  const seen = await readOwned(file).catch(() => undefined);
  if (seen?.owner?.token === me.token) await fs.rm(file, { force: true });
}
