import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { lockDatabaseDir } from '../../../server/src/core/environment/db/lock';

const LOCK_MODULE = path.join(__dirname, '../../../server/src/core/environment/db/lock.js');

/** A pid that is not running: a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

/** A process that answers `go` by taking the lock and `release` by releasing what it holds. */
const CONTENDER = `
if (process.argv[3] === 'no-links') require('node:fs').promises.link = async () => { throw Object.assign(new Error('hard links not supported'), { code: 'ENOTSUP' }); };
const { lockDatabaseDir } = require(process.argv[1]);
let release;
require('node:readline').createInterface({ input: process.stdin }).on('line', async (l) => {
  if (l === 'go') {
    try { release = await lockDatabaseDir(process.argv[2]); console.log('won'); }
    catch (e) { console.log('refused ' + JSON.stringify(e.message)); }
  } else if (l === 'release') {
    if (release) await release();
    release = undefined;
    console.log('released');
  }
});
console.log('ready');
`;

class Contender {
  private readonly lines: string[] = [];
  private waiting: ((l: string) => void) | undefined;
  readonly child: ChildProcessWithoutNullStreams;
  constructor(dir: string, links = true) {
    this.child = spawn(process.execPath, ['-e', CONTENDER, LOCK_MODULE, dir, links ? 'links' : 'no-links']);
    createInterface({ input: this.child.stdout }).on('line', (l) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w(l);
      } else this.lines.push(l);
    });
  }
  next(): Promise<string> {
    const l = this.lines.shift();
    return l !== undefined ? Promise.resolve(l) : new Promise((r) => (this.waiting = r));
  }
  send(l: string): void {
    this.child.stdin.write(l + '\n');
  }
}

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await fs.mkdtemp(path.join(os.tmpdir(), 'isola-lock-'));
  dirs.push(d);
  return d;
}
after(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe('embedded database lock', () => {
  for (const links of [true, false]) {
    it(`lets exactly one of many processes take over a stale lock${links ? '' : ', on a file system without hard links'}`, async () => {
      const dir = await tempDir();
      const file = path.join(dir, 'isola.lock');
      const dead = deadPid();
      const n = 8;
      const rounds = links ? 24 : 12;
      const cs = Array.from({ length: n }, () => new Contender(dir, links));
      try {
        for (const c of cs) assert.equal(await c.next(), 'ready');
        for (let round = 0; round < rounds; round++) {
          // What a killed process leaves: an older version's pid alone, a pid and token, or an
          // empty file (killed between creating and writing it) that is old enough to be stale.
          if (round % 3 === 0) await fs.writeFile(file, `${dead}\n`);
          if (round % 3 === 1) await fs.writeFile(file, `${dead} 0123456789abcdef0123456789abcdef\n`);
          if (round % 3 === 2) {
            await fs.writeFile(file, '');
            const old = new Date(Date.now() - 60_000);
            await fs.utimes(file, old, old);
          }
          for (const c of cs) c.send('go');
          const said = await Promise.all(cs.map((c) => c.next()));
          const won = said.filter((s) => s === 'won').length;
          assert.equal(won, 1, `round ${round}: ${said.join(' | ')}`);
          for (const s of said.filter((s) => s !== 'won')) assert.match(s, /open in another process \(pid \d+/);
          const winner = cs[said.indexOf('won')].child.pid;
          assert.match(await fs.readFile(file, 'utf8'), new RegExp(`^${winner} [0-9a-f]{32}\\n$`));
          for (const c of cs) c.send('release');
          for (const c of cs) assert.equal(await c.next(), 'released');
          assert.deepEqual(await fs.readdir(dir), [], `round ${round}: the lock and every claim are gone`);
        }
      } finally {
        for (const c of cs) c.child.kill();
      }
    });
  }

  it('refuses while a live process holds the lock, naming it', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'isola.lock'), `${process.ppid}\n`);
    await assert.rejects(lockDatabaseDir(dir), new RegExp(`open in another process \\(pid ${process.ppid}, perhaps VS Code`));
    assert.equal(await fs.readFile(path.join(dir, 'isola.lock'), 'utf8'), `${process.ppid}\n`);
  });

  it('does not take over a lock that is still being written', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'isola.lock');
    // An older version creates the file, then writes its pid: empty and young is not stale.
    await fs.writeFile(file, '');
    const writing = new Promise((r) => setTimeout(r, 300)).then(() => fs.writeFile(file, `${process.ppid}`));
    await assert.rejects(lockDatabaseDir(dir), /open in another process/);
    await writing;
  });

  it('is held once per process, and taken over from an earlier process with the same pid', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'isola.lock');
    await fs.writeFile(file, `${process.pid} ffffffffffffffffffffffffffffffff\n`);
    const release = await lockDatabaseDir(dir);
    await assert.rejects(lockDatabaseDir(dir), /already open in this process/);
    await release();
    await assert.rejects(fs.stat(file), { code: 'ENOENT' });
    await (await lockDatabaseDir(dir))();
  });

  it('releases only its own lock', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'isola.lock');
    const release = await lockDatabaseDir(dir);
    await fs.writeFile(file, `${process.ppid} 0123456789abcdef\n`);
    await release();
    assert.equal(await fs.readFile(file, 'utf8'), `${process.ppid} 0123456789abcdef\n`);
  });
});
