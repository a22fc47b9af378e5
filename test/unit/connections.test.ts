/**
 * The extension's connections with a stand-in for VS Code: which token an HTTP client is made
 * with when the open workspace's isola.config.json gives an environment's name a URL other than
 * the one its token was entered for, and what the user is asked.
 */
import { afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { english } from '../../client/src/localize';
import { acceptedKey, boundKey, legacyKey } from '../../client/src/environments/tokenBinding';

const STAGING = 'https://staging.example.com';
const ATTACKER = 'https://attacker.example';

/** What the stand-in window was asked, and the answers it gives in turn (undefined: dismissed). */
const asked: string[] = [];
const answers: (string | undefined)[] = [];
const fakeVscode = {
  env: { language: 'en' },
  l10n: { t: english },
  window: {
    showWarningMessage: async (message: string, options: { modal?: boolean; detail?: string }) => {
      assert.equal(options.modal, true, 'asked in a modal');
      asked.push(`${message}\n${options.detail ?? ''}`);
      await new Promise((r) => setTimeout(r, 10));
      return answers.shift();
    },
  },
};

type ConnectionsModule = typeof import('../../client/src/environments/connections');
let Connections: ConnectionsModule['Connections'];

before(() => {
  const m = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = m._load;
  m._load = (request, ...rest) => (request === 'vscode' ? fakeVscode : load(request, ...rest));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  Connections = (require('../../client/src/environments/connections') as ConnectionsModule).Connections;
});

function setup(url: string, secrets: Record<string, string> = {}, tokenEnv?: string) {
  const store = new Map(Object.entries(secrets));
  const storage = {
    get: async (k: string) => store.get(k),
    store: async (k: string, v: string) => void store.set(k, v),
    delete: async (k: string) => void store.delete(k),
  };
  const envs: Record<string, { name: string; url?: string; tokenEnv?: string }> = { staging: { name: 'staging', url, ...(tokenEnv ? { tokenEnv } : {}) } };
  const list = { get: (name: string) => envs[name] };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const c = new Connections(list as any, storage as any, {} as any);
  const tokenOf = async () => (await c.client('staging') as unknown as { token?: string }).token;
  return { c, store, envs, tokenOf };
}

const VARIABLES = ['ISOLA_TOKEN_STAGING', 'ISOLA_STAGING_KEY'];
const saved = Object.fromEntries(VARIABLES.map((v) => [v, process.env[v]]));

afterEach(() => {
  asked.length = 0;
  answers.length = 0;
  for (const v of VARIABLES) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
});

describe('stored tokens and the workspace\'s URLs', () => {
  it('a token stored by name only is not sent to a URL the user declines, and is not asked about again', async () => {
    const s = setup(ATTACKER, { [legacyKey('staging')]: 'T' });
    answers.push(undefined);
    await assert.rejects(s.tokenOf(), /the stored token was not sent to https:\/\/attacker\.example/);
    assert.equal(asked.length, 1);
    assert.match(asked[0], /sends environment "staging" to https:\/\/attacker\.example/);
    await assert.rejects(s.tokenOf(), /not sent/);
    assert.equal(asked.length, 1, 'asked once a window');
    assert.equal(s.store.get(boundKey('staging', ATTACKER)), undefined);
  });

  it('a token entered for staging is offered to another origin only with both named, and bound there on yes', async () => {
    const s = setup(STAGING);
    await s.c.setToken('staging', 'T');
    assert.equal(await s.tokenOf(), 'T');
    assert.equal(asked.length, 0, 'its own origin is not asked about');
    s.envs.staging.url = `${ATTACKER}/v1`;
    answers.push('Send Token');
    // Two requests at once ask one question.
    const [a, b] = await Promise.all([s.tokenOf(), s.tokenOf()]);
    assert.deepEqual([a, b], ['T', 'T']);
    assert.equal(asked.length, 1);
    assert.match(asked[0], /to https:\/\/attacker\.example, but its token in VS Code was entered for https:\/\/staging\.example\.com/);
    assert.equal(await s.tokenOf(), 'T');
    assert.equal(asked.length, 1, 'bound after the yes');
  });

  it('a name-only token the user sends is bound to that origin and its old entry retired', async () => {
    const s = setup(STAGING, { [legacyKey('staging')]: 'T' });
    answers.push('Send Token');
    assert.equal(await s.tokenOf(), 'T');
    assert.equal(s.store.get(boundKey('staging', STAGING)), 'T');
    assert.ok(!s.store.has(legacyKey('staging')));
    s.envs.staging.url = ATTACKER;
    answers.push(undefined);
    await assert.rejects(s.tokenOf(), /not sent/);
    assert.match(asked[1], /entered for https:\/\/staging\.example\.com/);
  });

  it('removing forgets the token of the current origin and a name-only one', async () => {
    const s = setup(STAGING, { [legacyKey('staging')]: 'old' });
    await s.c.setToken('staging', 'T');
    await s.c.deleteToken('staging');
    assert.deepEqual([...s.store.keys()], []);
  });
});

describe('the CLI\'s variable and the workspace\'s URLs', () => {
  it('asks once before sending $ISOLA_TOKEN_STAGING to an origin, then keeps the yes (not the token) for that variable and origin', async () => {
    process.env.ISOLA_TOKEN_STAGING = 'V';
    const s = setup(`${ATTACKER}:8443/v1`);
    answers.push('Send Token');
    const [a, b] = await Promise.all([s.tokenOf(), s.tokenOf()]);
    assert.deepEqual([a, b], ['V', 'V']);
    assert.equal(asked.length, 1, 'requests made together ask once');
    assert.match(asked[0], /Send the token in \$ISOLA_TOKEN_STAGING to https:\/\/attacker\.example:8443\?/);
    assert.equal(await s.tokenOf(), 'V');
    assert.equal(asked.length, 1, 'accepted');
    assert.deepEqual([...s.store.entries()], [[acceptedKey('ISOLA_TOKEN_STAGING'), JSON.stringify([`${ATTACKER}:8443`])]], 'the acceptance is kept, never the token');
    // Under a key of its own: no token's key (bound, by name only, or the list of origins) can be it.
    assert.ok(!/^isola\.token[.@]|^isola\.tokenOrigins\./.test(acceptedKey('ISOLA_TOKEN_STAGING')));
    // Another origin is asked about again.
    s.envs.staging.url = STAGING;
    answers.push(undefined);
    await assert.rejects(s.tokenOf(), /the token in \$ISOLA_TOKEN_STAGING was not sent to https:\/\/staging\.example\.com/);
    assert.equal(asked.length, 2);
  });

  it('a no sends nothing and is not asked again in the window', async () => {
    process.env.ISOLA_STAGING_KEY = 'V';
    const s = setup(ATTACKER, {}, 'ISOLA_STAGING_KEY');
    answers.push(undefined);
    await assert.rejects(s.tokenOf(), /the token in \$ISOLA_STAGING_KEY was not sent to https:\/\/attacker\.example/);
    await assert.rejects(s.tokenOf(), /not sent/);
    assert.equal(asked.length, 1, 'asked once a window');
    assert.deepEqual([...s.store.keys()], [], 'a no is not stored');
  });

  it('a token set in VS Code for the origin wins and nothing is asked; with the variable unset there is no token and no question', async () => {
    process.env.ISOLA_TOKEN_STAGING = 'V';
    const s = setup(STAGING);
    answers.push(undefined);
    await assert.rejects(s.tokenOf(), /the token in \$ISOLA_TOKEN_STAGING was not sent/);
    assert.equal(asked.length, 1);
    // "Set a token for it to connect": that token then goes, without a question.
    await s.c.setToken('staging', 'T');
    assert.equal(await s.tokenOf(), 'T');
    assert.equal(asked.length, 1);
    delete process.env.ISOLA_TOKEN_STAGING;
    const t = setup(STAGING);
    assert.equal(await t.tokenOf(), undefined);
    assert.equal(asked.length, 1);
  });

  it('removing the environment forgets the yes for its origin', async () => {
    process.env.ISOLA_TOKEN_STAGING = 'V';
    const s = setup(STAGING, { [acceptedKey('ISOLA_TOKEN_STAGING')]: JSON.stringify([ATTACKER, STAGING]) });
    assert.equal(await s.tokenOf(), 'V');
    assert.equal(asked.length, 0, 'accepted before');
    await s.c.deleteToken('staging');
    assert.deepEqual([...s.store.entries()], [[acceptedKey('ISOLA_TOKEN_STAGING'), JSON.stringify([ATTACKER])]]);
  });
});
