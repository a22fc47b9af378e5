import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NotAFileError } from '../../server/src/core/exclusiveWrite';
import { HttpClient } from '../../server/src/env/client';
import { LocalClient } from '../../server/src/env/localClient';

// A downloaded package goes where a build's goes: a temporary file created exclusively under a
// random name, renamed over the target when whole. A link at the target or at a predictable
// `.partial` name never takes the write elsewhere, a named pipe is refused, neither written into
// (which would hang) nor replaced, and a download that fails leaves the earlier file as it was.

const PACKAGE = Buffer.from('PK\u0003\u0004 not really a zip, but bytes to compare');
const temporary: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'isola-download-'));
  temporary.push(d);
  return d;
};
let server: Server | undefined;
after(() => {
  server?.close();
  for (const d of temporary) rmSync(d, { recursive: true, force: true });
});

/** A service answering the package content route: `good` whole, `broken` cut off in the middle. */
async function service(): Promise<HttpClient> {
  server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(PACKAGE.length * 2) });
    if (req.url === '/v1/packages/good/content') {
      res.end(Buffer.concat([PACKAGE, PACKAGE]));
    } else {
      res.write(PACKAGE);
      setTimeout(() => res.destroy(), 50);
    }
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return new HttpClient('staging', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'token');
}

/** The embedded client over a stand-in engine whose package file is `file`. */
function local(file: string): LocalClient {
  const Ctor = LocalClient as unknown as new (env: unknown, caller: unknown) => LocalClient;
  return new Ctor({ package: async () => ({ file }) }, { name: 'tester' });
}

const hasFifo = spawnSync('mkfifo', ['--help']).error === undefined;

/** The package file the stand-in engine serves. */
function storedPackage(): string {
  const f = path.join(tempDir(), 'k_stored.isolapkg');
  writeFileSync(f, Buffer.concat([PACKAGE, PACKAGE]));
  return f;
}

/** Each client's download, whole or failing once begun. */
const CLIENTS: [string, (out: string, fail?: boolean, signal?: AbortSignal) => Promise<void>][] = [
  ['from a service', async (out, fail, signal) => {
    const c = await (http ??= service());
    return c.downloadPackage(fail ? 'broken' : 'good', out, signal);
  }],
  // A folder as the stored file: opened, then the first read fails, after the target was opened for writing.
  ['from the embedded environment', (out, fail, signal) => local(fail ? tempDir() : storedPackage()).downloadPackage('k_stored', out, signal)],
];
let http: Promise<HttpClient> | undefined;

for (const [name, get] of CLIENTS) {
  describe(`downloading a package ${name}`, () => {
    it('replaces a link at the target instead of writing into the file it points at', async () => {
      const dir = tempDir();
      const victim = path.join(dir, 'victim.txt');
      writeFileSync(victim, 'VICTIM');
      symlinkSync(victim, path.join(dir, 'out.isolapkg'));
      await get(path.join(dir, 'out.isolapkg'));
      assert.equal(readFileSync(victim, 'utf8'), 'VICTIM');
      assert.ok(lstatSync(path.join(dir, 'out.isolapkg')).isFile());
      assert.deepEqual(readFileSync(path.join(dir, 'out.isolapkg')), Buffer.concat([PACKAGE, PACKAGE]));
    });

    it('does not write through a link planted at `FILE.partial`', async () => {
      const dir = tempDir();
      const victim = path.join(dir, 'victim.txt');
      writeFileSync(victim, 'VICTIM');
      symlinkSync(victim, path.join(dir, 'rel.isolapkg.partial'));
      await get(path.join(dir, 'rel.isolapkg'));
      assert.equal(readFileSync(victim, 'utf8'), 'VICTIM');
      assert.equal(readlinkSync(path.join(dir, 'rel.isolapkg.partial')), victim);
      assert.deepEqual(readFileSync(path.join(dir, 'rel.isolapkg')), Buffer.concat([PACKAGE, PACKAGE]));
    });

    it('keeps the earlier file, and leaves no temporary file, when the download fails', async () => {
      const dir = tempDir();
      const out = path.join(dir, 'release.isolapkg');
      writeFileSync(out, 'EARLIER PACKAGE');
      await assert.rejects(get(out, true));
      assert.equal(readFileSync(out, 'utf8'), 'EARLIER PACKAGE');
      assert.deepEqual(readdirSync(dir), ['release.isolapkg']);
    });

    it('stops when its signal is aborted (Ctrl+C in export or retrieve), the earlier file kept and no temporary file left', async () => {
      const dir = tempDir();
      const out = path.join(dir, 'release.isolapkg');
      writeFileSync(out, 'EARLIER PACKAGE');
      await assert.rejects(get(out, false, AbortSignal.abort(new Error('interrupted'))), /interrupted|aborted/);
      assert.equal(readFileSync(out, 'utf8'), 'EARLIER PACKAGE');
      assert.deepEqual(readdirSync(dir), ['release.isolapkg']);
    });

    it('refuses a named pipe at the target, neither hanging on it nor replacing it', { skip: !hasFifo && 'no mkfifo here', timeout: 20_000 }, async () => {
      const dir = tempDir();
      const out = path.join(dir, 'fifo.isolapkg');
      assert.equal(spawnSync('mkfifo', [out]).status, 0);
      await assert.rejects(get(out), NotAFileError);
      assert.ok(lstatSync(out).isFIFO());
      assert.deepEqual(readdirSync(dir), ['fifo.isolapkg']);
    });
  });
}
