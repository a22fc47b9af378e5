import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient, InvalidTokenError, UnreachableError } from '../../server/src/env/client';

// The HTTP client the CLI and the editor share never lets a token into an error: a token that
// cannot be sent is refused before any request, and fetch's own messages (which quote headers)
// are not passed on.

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

describe('HttpClient and its token', () => {
  it('refuses a token with a line break before any request, naming where it came from and not the token', async () => {
    let calls = 0;
    globalThis.fetch = (async () => {
      calls++;
      throw new Error('no request expected');
    }) as typeof fetch;
    for (const [source, words] of [['ISOLA_TOKEN_SVC', 'the token in ISOLA_TOKEN_SVC'], [undefined, 'the token set for it']] as const) {
      const client = new HttpClient('svc', 'http://127.0.0.1:1', 'isola_SECRET\n# staging', 'en', source);
      const e = await client.whoami().catch((x: unknown) => x);
      assert.ok(e instanceof InvalidTokenError, String(e));
      assert.equal(e.message, `environment "svc": ${words} holds a line break; set it to the token alone, on one line`);
      assert.equal(await client.info().catch((x: unknown) => x instanceof InvalidTokenError), true);
    }
    assert.equal(calls, 0);
  });

  it('does not quote fetch\'s TypeError, which can hold the whole Authorization header', async () => {
    globalThis.fetch = (async (_url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).authorization;
      throw new TypeError(`Headers.append: "${auth}" is an invalid header value.`);
    }) as typeof fetch;
    const e = await new HttpClient('svc', 'http://127.0.0.1:1', 'isola_SECRET0123', 'en').whoami().catch((x: unknown) => x);
    assert.ok(e instanceof UnreachableError, String(e));
    assert.equal(e.message, 'cannot reach the environment at http://127.0.0.1:1 (the request could not be sent)');
  });

  it('still says the code of a connection that failed', async () => {
    globalThis.fetch = (async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    }) as typeof fetch;
    const e = await new HttpClient('svc', 'http://127.0.0.1:1', 'isola_ok', 'en').whoami().catch((x: unknown) => x);
    assert.ok(e instanceof UnreachableError);
    assert.equal(e.reason, 'ECONNREFUSED');
  });
});
