import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * The lock that lets one process at a time open an embedded database (PostgreSQL's own lock does
 * not hold across PGlite instances). `isola.lock` holds `<pid> <token>`; a lock whose process is
 * gone is taken over.
 *
 * Every step is atomic, because commands started together race for it:
 * - the lock appears with its content: it is written to a file of its own, then linked to the
 *   lock's name, which fails if the name exists (a lock is never seen empty or half-written);
 * - only one process takes over a given stale lock: it first claims that lock (a claim file named
 *   after the lock's inode and content, created the same way), then re-reads the lock under the
 *   claim; while the claim is held nobody else may remove that lock and nobody can create one
 *   over it, so what the claimant read is what it removes;
 * - after linking, the lock is read back and must hold this process's token;
 * - releasing removes the lock only if it still holds the token.
 */

/** A lock file with no pid (an older version writes the file, then the pid) is stale only once this old (ms). */
const UNREADABLE_GRACE_MS = 5_000;
/** How long to wait for a takeover another live process is in the middle of, or for an unreadable lock to age. */
const WAIT_MS = UNREADABLE_GRACE_MS + 2_000;

export interface Held {
  pid: number;
  token?: string;
}

export function parseLock(text: string): Held | undefined {
  const m = /^(\d+)(?:[ \t]+([0-9a-f]{8,}))?\s*$/.exec(text);
  return m && Number(m[1]) > 0 ? { pid: Number(m[1]), token: m[2] } : undefined;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Tokens of the locks this process holds. A lock naming this process's pid with another token is
 * one left by an earlier process that had the same pid (a container's processes restart with the
 * same small pids), unless this process holds it through another open.
 */
const heldHere = new Set<string>();

/** Whether the holder named in a lock or claim is running (this process counts only for what it holds). */
function running(h: Held): boolean {
  return h.pid === process.pid ? h.token !== undefined && heldHere.has(h.token) : alive(h.pid);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const missing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';
const exists = (e: unknown) => (e as NodeJS.ErrnoException).code === 'EEXIST';

/**
 * Creates `target` with `content` (already written to `draft`) unless it exists (EEXIST): a hard
 * link, so that it appears whole. A file system without hard links (some network and FUSE ones)
 * gets an exclusive create and one short write instead, which a reader may see empty: an empty
 * lock is not stale until old.
 */
async function createWhole(draft: string, target: string, content: string): Promise<void> {
  try {
    await fs.link(draft, target);
  } catch (e) {
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    await fs.writeFile(target, content, { flag: 'wx', mode: 0o600 });
  }
}

/** The lock file's inode, content and age, or undefined when there is none. */
async function readLock(file: string): Promise<{ ino: number; text: string; ageMs: number } | undefined> {
  try {
    const h = await fs.open(file, 'r');
    try {
      const st = await h.stat();
      return { ino: st.ino, text: await h.readFile('utf8'), ageMs: Date.now() - st.mtimeMs };
    } finally {
      await h.close();
    }
  } catch (e) {
    if (missing(e)) return undefined;
    throw e;
  }
}

/**
 * Takes the lock of an embedded database folder, or throws if a live process holds it. Returns
 * the function that releases it.
 */
export async function lockDatabaseDir(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'isola.lock');
  const token = randomBytes(16).toString('hex');
  const mine = `${process.pid} ${token}\n`;
  const draft = path.join(dir, `isola.lock.${process.pid}.${token}.new`);
  await fs.writeFile(draft, mine, { mode: 0o600 });
  const deadline = Date.now() + WAIT_MS;
  try {
    for (;;) {
      try {
        await createWhole(draft, file, mine);
      } catch (e) {
        if (!exists(e)) throw e;
        const held = await readLock(file);
        if (!held) continue; // removed since: try again
        const who = parseLock(held.text);
        if (who && running(who)) {
          if (who.pid === process.pid) throw new Error(`the embedded environment in ${dir} is already open in this process`);
          throw new Error(`the embedded environment in ${dir} is open in another process (pid ${who.pid}, perhaps VS Code or \`isola env serve\`); use that one, or stop it first`);
        }
        // A lock without a pid may be one an older version is still writing: not stale until old.
        const stale = who !== undefined || held.ageMs > UNREADABLE_GRACE_MS;
        if (!stale || !(await takeOver(file, held))) {
          if (Date.now() > deadline) throw new Error(`cannot lock ${file}: it is being taken over by another process, or is unreadable; try again`);
          await sleep(25 + Math.random() * 50);
        }
        continue;
      }
      const now = await readLock(file);
      if (now?.text === mine) {
        heldHere.add(token);
        break;
      }
      // Not ours after all (cannot happen while every process follows these steps): never open.
      throw new Error(`cannot lock ${file}: another process replaced the lock`);
    }
  } finally {
    await fs.rm(draft, { force: true });
  }
  return async () => {
    const now = await readLock(file).catch(() => undefined);
    if (now?.text === mine) await fs.rm(file, { force: true });
    heldHere.delete(token);
  };
}

/**
 * Removes the stale lock `seen` if this process wins the claim on it; false when another live
 * process holds that claim (the caller waits and looks again). A claim whose holder died is
 * skipped for the next one, never removed while the lock it names may still be there.
 */
async function takeOver(file: string, seen: { ino: number; text: string }): Promise<boolean> {
  const id = createHash('sha256').update(`${seen.ino}\n${seen.text}`).digest('hex').slice(0, 16);
  const token = randomBytes(16).toString('hex');
  const draft = `${file}.${process.pid}.${token}.claim`;
  const content = `${process.pid} ${token}\n`;
  await fs.writeFile(draft, content, { mode: 0o600 });
  heldHere.add(token);
  try {
    for (let n = 0; ; n++) {
      const claim = `${file}.takeover-${id}-${n}`;
      try {
        await createWhole(draft, claim, content);
      } catch (e) {
        if (!exists(e)) throw e;
        const holder = parseLock(await fs.readFile(claim, 'utf8').catch(() => ''));
        if (holder && !running(holder)) continue; // its holder died mid-takeover: the next claim
        // Held by a live process, being written, or removed since by a takeover that finished:
        // look at the lock again.
        return false;
      }
      try {
        // Under the claim: is the lock still the one seen? Then nobody else can remove or replace it.
        const now = await readLock(file);
        if (now && now.ino === seen.ino && now.text === seen.text) await fs.rm(file);
      } finally {
        await fs.rm(claim, { force: true });
      }
      return true;
    }
  } finally {
    heldHere.delete(token);
    await fs.rm(draft, { force: true });
  }
}
