import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// What isola.config.json decides for the command line: which variable a refused token is fixed
// in, which environment asks for a confirmation, and how a file that cannot be used is reported.

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');

function isola(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env });
  return { code: r.status, out: String(r.stdout), err: String(r.stderr) };
}

const temporary: string[] = [];
after(() => {
  for (const d of temporary) rmSync(d, { recursive: true, force: true });
});

/** A folder holding `isola.config.json` with `text`. */
function configured(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-config-cli-'));
  temporary.push(dir);
  writeFileSync(path.join(dir, 'isola.config.json'), text);
  return dir;
}

/** `isola ARGS` without blocking this process (a service in it must answer). */
function isolaAsync(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

describe('a token the service refuses', () => {
  it('names the variable it came from, the default one or the tokenEnv', async () => {
    // A service that refuses every token, as `isola env serve` does a wrong one.
    const server = createServer((_req, res) => {
      const body = JSON.stringify({ error: { status: 401, reason: 'unauthorized', message: 'invalid token' } });
      res.writeHead(401, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const dir = configured(JSON.stringify({ environments: { staging: { url }, prod: { url, tokenEnv: 'ISOLA_PROD_KEY' } } }));
      const env = { ...process.env, ISOLA_TOKEN_STAGING: 'wrong', ISOLA_PROD_KEY: 'wrong' };
      for (const [name, variable] of [['staging', 'ISOLA_TOKEN_STAGING'], ['prod', 'ISOLA_PROD_KEY']]) {
        const r = await isolaAsync(['export', '--package', 'sales', '--env', name, '--out', 'x.isolapkg'], dir, env);
        assert.equal(r.code, 1, r.out + r.err);
        assert.equal(r.err, `isola export: ${name}: invalid token (check ${variable})\n`);
      }
    } finally {
      server.close();
    }
  });
});

describe('a token that cannot go in a header', () => {
  it('is refused before any request (exit 2), naming its variable and never its value; a trailing line break still works', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      const body = JSON.stringify({ error: { status: 401, reason: 'unauthorized', message: 'invalid token' } });
      res.writeHead(401, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const dir = configured(JSON.stringify({ environments: { svc: { url } } }));
      const cases: [string, string][] = [
        ['isola_SECRET0123456789\n# staging token', 'line break'],
        ['isola_SECRET0123456789\r# staging token', 'line break'],
        ['isola_SECRET\u00010123456789', 'control character'],
        ['isola_SECRET0123456789\u20ac', 'character outside Latin-1'],
      ];
      for (const [token, fault] of cases) {
        const r = await isolaAsync(['export', '--package', 'sales', '--env', 'svc', '--out', 'x.isolapkg'], dir, { ...process.env, ISOLA_TOKEN_SVC: token });
        assert.equal(r.code, 2, r.out + r.err);
        assert.equal(r.err, `isola export: environment "svc": the token in ISOLA_TOKEN_SVC holds a ${fault}; set it to the token alone, on one line\n`);
      }
      assert.deepEqual(seen, []);
      // A variable read from a file ends in a line break: sent without it, as before.
      const r = await isolaAsync(['export', '--package', 'sales', '--env', 'svc', '--out', 'x.isolapkg'], dir, { ...process.env, ISOLA_TOKEN_SVC: 'isola_fine\n' });
      assert.equal(r.code, 1, r.out + r.err);
      assert.equal(r.err, 'isola export: svc: invalid token (check ISOLA_TOKEN_SVC)\n');
      assert.deepEqual(seen, ['Bearer isola_fine']);
    } finally {
      server.close();
    }
  });
});

describe('a url in isola.config.json', () => {
  it('that is no address is bad input (exit 2) naming the file, not an unreachable service', () => {
    for (const url of ['not a url', 'ftp://x']) {
      const dir = configured(JSON.stringify({ environments: { staging: { url } } }));
      const r = isola(['export', '--package', 'sales', '--env', 'staging', '--out', 'x.isolapkg'], dir, { ...process.env, ISOLA_TOKEN_STAGING: 't' });
      assert.equal(r.code, 2, r.out + r.err);
      assert.equal(r.err, `isola export: ${path.join(dir, 'isola.config.json')}: the "url" of environment "staging" must be an http:// or https:// address, such as http://127.0.0.1:7700, not ${JSON.stringify(url)}\n`);
    }
  });

  it('where nothing listens says to check it or to start the service', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
    const dir = configured(JSON.stringify({ environments: { staging: { url } } }));
    const r = isola(['export', '--package', 'sales', '--env', 'staging', '--out', 'x.isolapkg'], dir, { ...process.env, ISOLA_TOKEN_STAGING: 't' });
    assert.equal(r.code, 1, r.out + r.err);
    assert.equal(r.err, `isola export: cannot reach the environment at ${url} (ECONNREFUSED); nothing listens there: check its "url" in isola.config.json, or start the service (isola env serve)\n`);
  });

  it('in a file with a syntax error is not reached for: the error says where it is', () => {
    const dir = configured('{ "environments": {\n  "staging": { "url": "http://127.0.0.1:7700" }\n  "prod": {} } }');
    const r = isola(['export', '--package', 'sales', '--out', 'x.isolapkg'], dir);
    assert.equal(r.code, 2, r.out + r.err);
    assert.equal(r.err, `isola export: ${path.join(dir, 'isola.config.json')}:3:3: not valid JSON (comma expected)\n`);
  });
});

describe('a production environment', () => {
  // The confirmation is asked before the package file is looked at: a missing file shows it passed.
  const refused = /^isola import: "(\w+)" is a production environment: repeat its name with --confirm \1 to import into it \(or use --dry-run\)\n$/;

  it('is confirmed by name also when it is local, the default of a plain `isola import`', () => {
    const dir = configured(JSON.stringify({ environments: { local: { production: true } } }));
    for (const args of [[], ['--env', 'local'], ['--confirm', 'staging'], ['--env', 'local', '--confirm', 'prod']]) {
      const r = isola(['import', 'missing.isolapkg', ...args], dir);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, refused, args.join(' '));
      assert.match(r.err, /"local"/);
    }
    for (const args of [['--confirm', 'local'], ['--env', 'local', '--confirm', 'local'], ['--dry-run']]) {
      const r = isola(['import', 'missing.isolapkg', ...args], dir);
      assert.equal(r.code, 2, r.out + r.err);
      assert.doesNotMatch(r.err, /production environment/, args.join(' '));
      assert.match(r.err, /missing\.isolapkg/);
    }
  });

  it('named by --env needs that name', () => {
    const dir = configured(JSON.stringify({ environments: { prod: { url: 'http://127.0.0.1:9', production: true } } }));
    const r = isola(['import', 'missing.isolapkg', '--env', 'prod', '--confirm', 'local'], dir);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, refused);
    assert.match(r.err, /"prod"/);
    // `local` is no production environment here: nothing to confirm.
    assert.doesNotMatch(isola(['import', 'missing.isolapkg'], dir).err, /production environment/);
  });
});
