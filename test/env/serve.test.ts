/**
 * Starting `isola env serve`: the administrator is made on the first run that serves, and its
 * token is shown then. A run that cannot listen (a busy port) makes none, so the token is never
 * lost to a run that printed nothing. Runs on PGlite.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { api, CLI, startService } from './service';

/** `isola ARGS` to its end: status and output. */
function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

describe('isola env serve on a busy port', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'isola-serve-'));
  let busy: Server | undefined;
  after(() => {
    busy?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes no administrator, so the next run that listens shows the token', async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy!.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const refused = await run(['env', 'serve', '--data', dataDir, '--port', String(port)]);
    assert.equal(refused.code, 2, refused.out + refused.err);
    assert.match(refused.err, new RegExp(`^isola env: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    assert.doesNotMatch(refused.out, /Administrator token/);

    // Ready at its URL whether or not a token follows (a token given tells startService not to wait for one).
    const svc = await startService({ dataDir, adminToken: 'not-shown' });
    try {
      let token: string | undefined;
      for (let i = 0; i < 50 && !token; i++) {
        token = /Administrator token[^:]*: (\S+)/.exec(svc.output())?.[1];
        if (!token) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(token, `the first run that listens shows the administrator's token:\n${svc.output()}`);
      const me = await api(svc, 'GET', '/v1/whoami', { token });
      assert.equal(me.status, 200, JSON.stringify(me.body));
    } finally {
      await svc.stop();
    }
  });
});
