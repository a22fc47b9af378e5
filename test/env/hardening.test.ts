/**
 * The service's HTTP edge against hostile or malformed input, through the real `isola env serve`:
 * bad path ids, request targets, bearer headers, JSON bodies and query numbers must be answered
 * with 400/401/413 and a JSON error (never a 500, never a crash); a download's
 * Content-Disposition stays a valid header whatever the package code holds; partial uploads a
 * killed service left behind are removed at the next start. Runs on PGlite, and on PostgreSQL
 * when ISOLA_TEST_PG is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request, validateHeaderValue } from 'node:http';
import { connect } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openDatabase } from '../../server/src/core/environment/db/open';
import { contentDisposition } from '../../server/src/env/headers';
import { expectStatus, importFile, Workdir } from './fixtures';
import { api, backends, removeData, Service, startService, waitJob } from './service';

const ENTITY = 'invoices.accountants';
const APP = 'invoices.payment_purposes';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/**
 * One request exactly as given: the path is sent as it is (fetch would resolve `..`), headers
 * and body too. The body may be a Buffer, or a function that writes it and ends the request.
 */
function raw(s: { url: string }, method: string, target: string, o: { headers?: Record<string, string | number>; body?: Buffer; timeoutMs?: number } = {}): Promise<Raw> {
  const u = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path: target, headers: o.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b)).on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: the text as it came
        }
        resolve({ status: res.statusCode!, headers: res.headers, body });
        if (!req.writableEnded) req.destroy(); // the body it announced is not coming
      });
    });
    req.setTimeout(o.timeoutMs ?? 20_000, () => req.destroy(new Error(`no answer to ${method} ${target} in ${o.timeoutMs ?? 20_000} ms`)));
    req.on('error', reject);
    if (o.body) req.end(o.body);
    else if (o.headers?.['content-length'] === undefined) req.end();
    else req.flushHeaders(); // a body announced and never sent: the answer must come anyway
  });
}

/** Asserts a 400 `bad-request` whose message matches. */
function expect400(r: { status: number; body: any }, message: RegExp, what: string): void {
  assert.equal(r.status, 400, `${what}: expected 400, got ${r.status} ${JSON.stringify(r.body)}`);
  assert.equal(r.body?.error?.reason, 'bad-request', what);
  assert.match(r.body.error.message, message, what);
}

/** The value of `filename*` (RFC 8187) of a Content-Disposition, decoded. */
function extendedFilename(header: string): string {
  const m = /filename\*=UTF-8''([^;\s]+)/.exec(header);
  assert.ok(m, `no filename* in ${header}`);
  return decodeURIComponent(m[1]);
}

/** What makes a header value safe to send: printable ASCII only (so no CR/LF), accepted by Node. */
function assertSafeHeader(v: string): void {
  assert.match(v, /^[\x20-\x7e]*$/, `not printable ASCII: ${JSON.stringify(v)}`);
  assert.doesNotThrow(() => validateHeaderValue('content-disposition', v));
}

describe('Content-Disposition of a download (unit)', () => {
  it('a plain code: the same name in both parameters', () => {
    assert.equal(contentDisposition('invoices.isolapkg'), `attachment; filename="invoices.isolapkg"; filename*=UTF-8''invoices.isolapkg`);
  });

  for (const name of ['a\r\nSet-Cookie: x=1.isolapkg', 'счета.isolapkg', 'q"uo\\te%41/..\\x.isolapkg', 'tab\there\u0000nul\u007f.isolapkg', "it's (1)*.isolapkg", '日本\u{1F600}.isolapkg']) {
    it(`a code like ${JSON.stringify(name)}: an ASCII fallback and the whole name in filename*`, () => {
      const v = contentDisposition(name);
      assertSafeHeader(v);
      const fallback = /filename="([^"]*)"/.exec(v)?.[1];
      assert.ok(fallback !== undefined, v);
      assert.match(fallback, /^[\x20-\x7e]*$/);
      assert.doesNotMatch(fallback, /["\\%/]/);
      assert.equal(extendedFilename(v), name);
    });
  }

  it('a lone surrogate becomes U+FFFD instead of throwing', () => {
    const v = contentDisposition('a\ud800b.isolapkg');
    assertSafeHeader(v);
    assert.equal(extendedFilename(v), 'a\uFFFDb.isolapkg');
  });
});

for (const backend of backends()) {
  describe(`hostile input over HTTP (${backend.name})`, () => {
    let work: Workdir;
    let svc: Service;
    let file: string;
    let T: string;
    let job: string;

    before(async () => {
      work = new Workdir();
      file = work.copyExample('invoices').build('invoices');
      svc = await startService({ databaseUrl: backend.fresh() });
      T = svc.adminToken;
      job = (await importFile(svc, T, file)).job.id;
    });

    after(async () => {
      if (svc) {
        await svc.stop();
        removeData(svc);
      }
      work?.dispose();
    });

    describe('path ids are decoded in one place', () => {
      const bad: [string, RegExp][] = [
        ['/v1/packages/%ZZ', /:id .*not valid percent-encoded UTF-8/],
        ['/v1/packages/%ZZ/content', /:id .*not valid percent-encoded UTF-8/],
        ['/v1/entities/%00', /:id .*control character/],
        ['/v1/entities/a%01b', /:id .*control character/],
        ['/v1/namespaces/%E0%A4%A/entities', /:ns .*not valid percent-encoded UTF-8/],
        ['/v1/records/%C3%28', /:app .*not valid percent-encoded UTF-8/],
        ['/v1/records/invoices.x%0Ay', /:app .*control character/],
        ['/v1/jobs/..', /:id cannot be "\.\."/],
        ['/v1/jobs/%2e%2e/log', /:id cannot be "\.\."/],
        ['/v1/backups/%7f', /:id .*control character/],
      ];
      for (const [target, message] of bad) {
        it(`GET ${target} is 400`, async () => expect400(await raw(svc, 'GET', target, { headers: { authorization: `Bearer ${T}` } }), message, target));
      }

      it('well-formed encoded ids still work (%23orgchart, a dotted id)', async () => {
        expectStatus(await raw(svc, 'GET', '/v1/namespaces/%23orgchart/entities', { headers: { authorization: `Bearer ${T}` } }), 200, '#orgchart');
        assert.equal(expectStatus(await raw(svc, 'GET', `/v1/entities/${encodeURIComponent(ENTITY)}`, { headers: { authorization: `Bearer ${T}` } }), 200, ENTITY).id, ENTITY);
      });

      it('a long unknown id is quoted back cut short, not whole', async () => {
        for (const target of [`/v1/entities/invoices.${'x'.repeat(8000)}`, `/v1/jobs/j_${'x'.repeat(8000)}`]) {
          const r = await raw(svc, 'GET', target, { headers: { authorization: `Bearer ${T}` } });
          assert.equal(r.status, 404, target.slice(0, 20));
          const message = (r.body as { error: { message: string } }).error.message;
          assert.ok(message.length < 300, `${message.length} characters`);
          assert.match(message, /x{100}\.\.\./);
        }
      });

      it('a request target that is no path is 400, and the service lives on', async () => {
        // Resolving `http://[` against a base URL threw outside any handler and ended the process.
        assert.equal((await raw(svc, 'GET', 'http://[')).status, 404, 'absolute-form: only its (empty) path counts');
        assert.equal((await raw(svc, 'GET', 'http://[::1]:1/v1/health')).status, 200, 'absolute-form with a path');
        expect400(await raw(svc, 'GET', '*'), /is not a path/, '*');
        expectStatus(await api(svc, 'GET', '/v1/health'), 200, 'health after');
      });
    });

    describe('the bearer scheme is case-insensitive', () => {
      for (const header of ['bearer TOKEN', 'BEARER TOKEN', 'Bearer   TOKEN', 'bEaReR \t TOKEN']) {
        it(`${JSON.stringify(header)} is accepted`, async () => {
          const r = await raw(svc, 'GET', '/v1/whoami', { headers: { authorization: header.replace('TOKEN', T) } });
          assert.equal(expectStatus(r, 200, header).name, 'admin');
        });
      }
      for (const header of ['Basic TOKEN', 'Bearer', 'BearerTOKEN', 'Bearer TOKEN extra', 'Token TOKEN', 'Bearer TOKEN,']) {
        it(`${JSON.stringify(header)} stays 401`, async () => {
          const r = await raw(svc, 'GET', '/v1/whoami', { headers: { authorization: header.replace('TOKEN', T) } });
          assert.equal(r.status, 401, JSON.stringify(r.body));
          assert.equal(r.body.error.reason, 'unauthorized');
          assert.equal(r.headers['www-authenticate'], 'Bearer realm="isola"');
        });
      }
    });

    describe('JSON bodies', () => {
      const auth = () => ({ authorization: `Bearer ${T}`, 'content-type': 'application/json' });
      const put = (text: string | Buffer) => raw(svc, 'PUT', `/v1/entities/${ENTITY}`, { headers: auth(), body: Buffer.from(text) });
      const hashOf = async () => expectStatus(await api(svc, 'GET', `/v1/entities/${ENTITY}`, { token: T }), 200, ENTITY).hash as string;

      it('a NUL character in a string or a key is 400, and nothing is half-created', async () => {
        expect400(await api(svc, 'POST', '/v1/users', { token: T, body: { name: 'nul_user', namespaces: ['a\u0000b'] } }), /NUL/, 'namespaces');
        const users = expectStatus(await api(svc, 'GET', '/v1/users', { token: T }), 200, 'users');
        assert.ok(!users.some((u: any) => u.name === 'nul_user'), 'the user was not created');
        const before = await hashOf();
        expect400(await put('{"body":{"title":"a\\u0000b"}}'), /NUL character.*\$\.body\.title/, 'in a value');
        expect400(await put('{"body":{"a\\u0000":1}}'), /NUL character.*a key/, 'in a key');
        assert.equal(await hashOf(), before, 'the entity is unchanged');
      });

      it('a lone surrogate is 400', async () => {
        expect400(await put('{"body":{"title":"\\ud800"}}'), /lone UTF-16 surrogate at \$\.body\.title/, 'lone surrogate');
        expect400(await api(svc, 'PATCH', '/v1/settings', { token: T, body: { languages: ['e\udc00n'] } }), /surrogate/, 'languages');
      });

      it('nesting deeper than 256 levels is 400 (hashing it used to overflow the stack)', async () => {
        const before = await hashOf();
        expect400(await put(`{"body":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`), /nests deeper than 256 levels/, 'deep');
        assert.equal(await hashOf(), before);
      });

      it('a number that reading it would change (past a double\'s range or digits) is 400 naming where it stands; one that survives is kept', async () => {
        const before = await hashOf();
        expect400(await put('{"body":{"a":1e400,"b":1}}'), /the number 1e400 at \$\.body\.a, which cannot be kept as written: read as a number it becomes null/, 'past the range');
        expect400(await put('{"body":{"a":1,"b":123456789012345678901234567890}}'), /the number 123456789012345678901234567890 at \$\.body\.b, .* becomes 1\.2345678901234568e\+29/, 'too many digits');
        expect400(await put('{"body":{"list":[1,9007199254740993]}}'), /the number 9007199254740993 at \$\.body\.list\[1\]/, 'past 2^53');
        assert.equal(await hashOf(), before, 'the entity is unchanged');
        // Digits in strings, exact numbers with 16 characters and -0 pass.
        const e = expectStatus(await api(svc, 'GET', `/v1/entities/${ENTITY}`, { token: T }), 200, ENTITY);
        const changed = expectStatus(await put(JSON.stringify({ body: { ...e.body, note: '12345678901234567890', exact: 1234567890.12345, big: 9007199254740992, small: 1e-300 } }).replace('"small":1e-300', '"small":1e-300,"zero":-0')), 200, 'PUT');
        assert.equal(changed.body.exact, 1234567890.12345);
        assert.equal(changed.body.note, '12345678901234567890');
        expectStatus(await put(JSON.stringify({ body: e.body })), 200, 'PUT back');
      });

      it('a body that is not UTF-8 is 400', async () => {
        expect400(await raw(svc, 'POST', '/v1/plans', { headers: auth(), body: Buffer.concat([Buffer.from('{"package":"k_'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]) }), /not UTF-8/, 'latin-1 bytes');
      });

      it('not JSON, or not an object, is 400', async () => {
        expect400(await put('{"body":'), /not JSON/, 'cut off');
        expect400(await put('[1]'), /JSON object, not an array/, 'array');
        expect400(await put('{"body":"text"}'), /"body" must be a JSON object/, 'body text');
      });

      it('wrong types and control characters in fields are 400', async () => {
        expect400(await api(svc, 'POST', '/v1/users', { token: T, body: { name: 'typed', admin: 'yes' } }), /"admin" must be true or false/, 'admin');
        expect400(await api(svc, 'POST', '/v1/users', { token: T, body: { name: 'typed', namespaces: 'invoices' } }), /"namespaces" must be a list/, 'namespaces');
        expect400(await api(svc, 'PATCH', '/v1/settings', { token: T, body: { name: 'staging\nforged line' } }), /"name" must not hold control characters/, 'name');
        expect400(await api(svc, 'POST', '/v1/exports', { token: T, body: { kind: 'configuration', code: 'a\r\nX-Injected: 1' } }), /"code" must not hold control characters/, 'code');
        expect400(await api(svc, 'POST', '/v1/plans', { token: T, body: { package: 'k_\u0001' } }), /"package" must not hold control characters/, 'package');
        // A comment is free text: line breaks pass.
        const r = expectStatus(await api(svc, 'POST', '/v1/exports', { token: T, body: { kind: 'namespace', code: 'invoices', comment: 'two\nlines\tand a tab' } }), 202, 'comment');
        assert.equal((await waitJob(svc, T, r.id)).status, 'succeeded');
      });

      it('a body announced as over 4 MiB is 413 at once, before it is sent', async () => {
        const r = await raw(svc, 'POST', '/v1/plans', { headers: { ...auth(), 'content-length': 5 * 1024 ** 3 }, timeoutMs: 10_000 });
        assert.equal(r.status, 413, JSON.stringify(r.body));
        assert.equal(r.body.error.reason, 'too-large');
      });

      it('a body over 4 MiB sent without a length is 413, and the connection answers', async () => {
        const r = await raw(svc, 'POST', '/v1/plans', { headers: { ...auth(), 'transfer-encoding': 'chunked' }, body: Buffer.alloc(5 * 1024 * 1024, 0x20) });
        assert.equal(r.status, 413, JSON.stringify(r.body));
        expectStatus(await api(svc, 'GET', '/v1/health'), 200, 'health after');
      });
    });

    /**
     * Sends a request head declaring a large body, then trickles the body a byte every 500 ms;
     * resolves with the answer's status once the service closes the connection, rejects when it
     * is still open after 40 s.
     */
    const trickled = (head: string) => {
      const u = new URL(svc.url);
      return new Promise<{ status: number; ms: number }>((resolve, reject) => {
        const t0 = Date.now();
        const sock = connect(Number(u.port), u.hostname);
        let text = '';
        const trickle = setInterval(() => sock.writable && sock.write('x'), 500);
        const giveUp = setTimeout(() => { clearInterval(trickle); sock.destroy(); reject(new Error(`still open after 40 s: ${text.slice(0, 200)}`)); }, 40_000);
        sock.on('data', (b) => { text += b.toString('latin1'); });
        sock.on('error', () => undefined);
        sock.on('close', () => {
          clearInterval(trickle);
          clearTimeout(giveUp);
          resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]), ms: Date.now() - t0 });
        });
        sock.write(head);
      });
    };

    it('a refused request whose body trickles on is answered, then cut: it does not hold a connection', async () => {
      const { status } = await trickled(`POST /v1/plans HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 60000000\r\n\r\n{`);
      assert.equal(status, 401);
      assert.equal((await api(svc, 'GET', '/v1/health')).status, 200, 'the service answers on');
    });

    it('a successful answer to a request whose body is never read (health without a token, a GET with a token) is cut the same way', async () => {
      const answers = await Promise.all([
        trickled(`GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000000\r\n\r\n`),
        trickled(`GET /v1/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${T}\r\nContent-Length: 100000000\r\n\r\nx`),
      ]);
      for (const a of answers) {
        assert.equal(a.status, 200);
        assert.ok(a.ms < 12_000, `closed after ${a.ms} ms`);
      }
      assert.equal((await api(svc, 'GET', '/v1/health')).status, 200, 'the service answers on');
    });

    describe('query numbers and text', () => {
      const get = (target: string) => raw(svc, 'GET', target, { headers: { authorization: `Bearer ${T}` } });
      for (const q of ['1e20', '99999999999', '', '0x10', '1.5', '-2']) {
        it(`GET /v1/jobs/:id/log?after=${q} is 400`, async () => expect400(await get(`/v1/jobs/${job}/log?after=${encodeURIComponent(q)}`), /"after" must be a whole number from -1 to 2147483647/, q));
      }
      for (const q of ['0', '-5', 'abc', '1e400']) {
        it(`GET /v1/records/:app?limit=${q} is 400`, async () => expect400(await get(`/v1/records/${APP}?limit=${q}`), /"limit" must be a whole number/, q));
      }
      it('after=%00 on records is 400; limit over 1000 is still cut to 1000', async () => {
        expect400(await get(`/v1/records/${APP}?after=%00`), /"after" holds a NUL character/, 'NUL');
        assert.equal(expectStatus(await get(`/v1/records/${APP}?limit=5000`), 200, 'limit 5000').length, 6);
        assert.equal(expectStatus(await get(`/v1/jobs/${job}/log?after=2147483647`), 200, 'largest after').length, 0);
      });
    });

    describe('Content-Disposition of stored packages', () => {
      it('a code outside Latin-1 through an export: refused by the package reader, or downloaded with a valid header', async () => {
        const started = expectStatus(await api(svc, 'POST', '/v1/exports', { token: T, body: { kind: 'configuration', code: 'счета' } }), 202, 'export');
        const done = await waitJob(svc, T, started.id);
        if (done.status === 'failed') {
          // The package reader refuses such a code when the export is stored: no such package exists.
          assert.match(done.error, /not a package this environment accepts/);
          return;
        }
        assert.equal(done.status, 'succeeded', done.error);
        const r = await fetch(`${svc.url}/v1/packages/${done.result.package}/content`, { headers: { authorization: `Bearer ${T}` } });
        assert.equal(r.status, 200, await r.clone().text());
        const cd = r.headers.get('content-disposition')!;
        assertSafeHeader(cd);
        assert.equal(extendedFilename(cd), 'счета.isolapkg');
        assert.match(cd, /filename="_____\.isolapkg"/);
      });

      it('a stored code with CR/LF (written before codes were checked): 200, and the header holds no line break', async () => {
        const pkg = expectStatus(await api(svc, 'POST', '/v1/packages', { token: T, raw: readFileSync(file) }), 201, 'upload');
        const code = 'evil"\r\nSet-Cookie: stolen=1; x=счёт';
        await svc.stop();
        const db = await openDatabase({ url: svc.databaseUrl, dataDir: svc.dataDir });
        try {
          await db.query(`UPDATE packages SET code = $1 WHERE id = $2`, [code, pkg.id]);
        } finally {
          await db.close();
        }
        svc = await startService({ dataDir: svc.dataDir, databaseUrl: svc.databaseUrl, adminToken: T });
        const r = await raw(svc, 'GET', `/v1/packages/${pkg.id}/content`, { headers: { authorization: `Bearer ${T}` } });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.headers['set-cookie'], undefined, 'no header was injected');
        const cd = r.headers['content-disposition'] as string;
        assertSafeHeader(cd);
        assert.equal(extendedFilename(cd), `${code}.isolapkg`);
      });
    });
  });

  describe(`partial uploads after a kill (${backend.name})`, () => {
    let work: Workdir;
    let svc: Service | undefined;

    after(async () => {
      if (svc) {
        await svc.kill();
        removeData(svc);
      }
      work?.dispose();
    });

    it('SIGKILL mid-upload leaves upload_*.partial; the next start removes it and nothing else', async () => {
      work = new Workdir();
      const file = work.copyExample('invoices').build('invoices');
      svc = await startService({ databaseUrl: backend.fresh() });
      const T = svc.adminToken;
      const stored = expectStatus(await api(svc, 'POST', '/v1/packages', { token: T, raw: readFileSync(file) }), 201, 'upload');
      const dir = path.join(svc.dataDir, 'packages');
      // Look-alikes that are not the service's partial uploads: they must stay.
      writeFileSync(path.join(dir, 'upload_mine.partial'), 'kept');
      writeFileSync(path.join(dir, 'notes-upload_AAAAAAAAAAAA.partial'), 'kept');
      mkdirSync(path.join(dir, 'upload_BBBBBBBBBBBB.partial'));
      const before = new Set(readdirSync(dir));
      // What an export killed while it wrote its package leaves (the writer's temporary name).
      const exportPartial = 'j_CCCCCCCCCCCC.isolapkg.partial-4242-1764800000000';
      writeFileSync(path.join(dir, exportPartial), 'PK');

      // A slow upload: part of the body, then nothing more.
      const u = new URL(svc.url);
      const req = request({ host: u.hostname, port: u.port, method: 'POST', path: '/v1/packages', headers: { authorization: `Bearer ${T}`, 'content-length': 10 * 1024 * 1024 } });
      req.on('error', () => undefined); // the service is killed under it
      req.write(Buffer.alloc(256 * 1024, 1));
      const partials = () => readdirSync(dir).filter((n) => /^upload_[A-Za-z0-9_-]{12}\.partial$/.test(n) && statSync(path.join(dir, n)).isFile());
      for (let i = 0; i < 200 && !(partials().length && statSync(path.join(dir, partials()[0])).size > 0); i++) await new Promise((r) => setTimeout(r, 50));
      const [partial] = partials();
      assert.ok(partial, `no partial upload appeared in ${readdirSync(dir).join(', ')}`);

      await svc.kill();
      req.destroy();
      assert.ok(existsSync(path.join(dir, partial)), 'the kill left the partial file');

      svc = await startService({ dataDir: svc.dataDir, databaseUrl: svc.databaseUrl, adminToken: T });
      assert.ok(!existsSync(path.join(dir, partial)), `${partial} is still there after a restart`);
      assert.ok(!existsSync(path.join(dir, exportPartial)), 'the export\'s partial file is gone too');
      assert.match(svc.output(), /Removed 2 unfinished upload\(s\) or export\(s\)/);
      assert.deepEqual(new Set(readdirSync(dir)), before, 'everything else in the packages folder stays');
      const r = await fetch(`${svc.url}/v1/packages/${stored.id}/content`, { headers: { authorization: `Bearer ${T}` } });
      assert.equal(r.status, 200);
      assert.ok(Buffer.from(await r.arrayBuffer()).equals(readFileSync(file)), 'the stored package is intact');
    });
  });
}
