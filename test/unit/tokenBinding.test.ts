/**
 * Which stored token goes where, without VS Code: a token entered for one service's origin is
 * sent there only; a workspace whose isola.config.json gives the same environment name another
 * URL gets it only after the user's yes, and a token stored by name only is asked about once.
 * The CLI's variable goes only to origins the user accepted for that variable.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boundKey, decideToken, EnvToken, legacyKey, originOf, originsKey, parseOrigins, TokenNotSent, tokenVariable, wantsToken, withOrigin, withoutOrigin } from '../../client/src/environments/tokenBinding';
import { EnvError } from '../../server/src/core/environment/errors';

const STAGING = 'https://staging.example.com';

describe('tokens bound to the origin they were entered for', () => {
  it('sends a token bound to the URL\'s origin, whatever the path', () => {
    assert.deepEqual(decideToken('staging', `${STAGING}/isola`, { bound: 't', legacy: false, origins: [STAGING] }), { kind: 'send', token: 't' });
    assert.equal(originOf('https://Staging.Example.com:443/x?y#z'), STAGING);
  });

  it('never sends silently to another origin: a cloned repository naming staging elsewhere is asked about', () => {
    const d = decideToken('staging', 'https://attacker.example', { legacy: false, origins: [STAGING] });
    assert.deepEqual(d, { kind: 'ask', origin: 'https://attacker.example', storedFor: STAGING, takeFrom: boundKey('staging', STAGING) });
    // Port and scheme are part of the origin.
    for (const url of ['http://staging.example.com', 'https://staging.example.com:8443', 'https://staging.example.com.attacker.example', 'https://user@attacker.example']) {
      assert.equal(decideToken('staging', url, { legacy: false, origins: [STAGING] }).kind, 'ask', url);
    }
  });

  it('asks about a token stored by name only (before binding), taking it from the old key', () => {
    assert.deepEqual(decideToken('staging', STAGING, { legacy: true, origins: [] }), { kind: 'ask', origin: STAGING, storedFor: undefined, takeFrom: legacyKey('staging') });
    // Once bound, the bound one goes and the old one is not offered again.
    assert.deepEqual(decideToken('staging', STAGING, { bound: 't', legacy: true, origins: [STAGING] }), { kind: 'send', token: 't' });
  });

  it('after a no, sends no stored token to that origin', () => {
    assert.deepEqual(decideToken('staging', 'https://attacker.example', { legacy: false, origins: [STAGING], refused: true }), { kind: 'refused', origin: 'https://attacker.example', storedFor: STAGING });
    assert.equal(decideToken('staging', 'https://attacker.example', { legacy: true, origins: [], refused: true }).kind, 'refused');
  });

  it('with nothing stored for the name, leaves it to the variable; with no http(s) origin, sends nothing stored', () => {
    assert.deepEqual(decideToken('staging', STAGING, { legacy: false, origins: [] }), { kind: 'none' });
    for (const url of ['file:///etc/passwd', 'not a url', 'javascript:alert(1)']) {
      assert.deepEqual(decideToken('staging', url, { bound: 't', legacy: true, origins: [STAGING] }), { kind: 'invalid' }, url);
    }
  });

  it('offers the most recently bound other origin', () => {
    const d = decideToken('staging', 'https://new.example', { legacy: false, origins: ['https://a.example', 'https://new.example', 'https://b.example'] });
    assert.equal(d.kind === 'ask' && d.storedFor, 'https://b.example');
  });

  it('keys cannot collide: a bound key is never a legacy key, and names differ by origin', () => {
    assert.ok(!boundKey('staging', STAGING).startsWith('isola.token.'));
    assert.ok(!originsKey('x').startsWith('isola.token.') && !originsKey('x').startsWith('isola.token@'));
    assert.notEqual(boundKey('staging', STAGING), boundKey('staging', 'https://attacker.example'));
  });

  it('reads the list of origins defensively and edits it without duplicates', () => {
    assert.deepEqual(parseOrigins(undefined), []);
    assert.deepEqual(parseOrigins('{'), []);
    assert.deepEqual(parseOrigins('{"a":1}'), []);
    assert.deepEqual(parseOrigins(`["${STAGING}", 3]`), [STAGING]);
    assert.deepEqual(withOrigin([STAGING], STAGING), [STAGING]);
    assert.deepEqual(withoutOrigin(withOrigin([STAGING], 'https://b'), STAGING), ['https://b']);
  });
});

describe('the CLI\'s variable goes to origins accepted for it', () => {
  const VAR = 'ISOLA_TOKEN_STAGING';
  const env = (over: Partial<EnvToken> = {}): EnvToken => ({ variable: VAR, value: 'v', accepted: [], ...over });
  const nothingStored = { legacy: false, origins: [] };

  it('asks before sending the variable\'s token to an origin never accepted for it, naming the variable and the origin', () => {
    assert.deepEqual(decideToken('staging', `${STAGING}/v1`, nothingStored, env()), { kind: 'askEnv', origin: STAGING, variable: VAR });
    // The origin keeps its port, as the question shows it.
    assert.deepEqual(decideToken('staging', 'https://x.example:8443', nothingStored, env()), { kind: 'askEnv', origin: 'https://x.example:8443', variable: VAR });
    // Nothing to ask about when the variable is unset or empty; nothing at all for a URL without an http(s) origin.
    assert.deepEqual(decideToken('staging', STAGING, nothingStored, env({ value: undefined })), { kind: 'none' });
    assert.deepEqual(decideToken('staging', STAGING, nothingStored, env({ value: '' })), { kind: 'none' });
    assert.deepEqual(decideToken('staging', 'file:///etc/passwd', nothingStored, env({ accepted: [STAGING] })), { kind: 'invalid' });
  });

  it('sends it silently to an origin accepted for that variable', () => {
    assert.deepEqual(decideToken('staging', `${STAGING}/v1`, nothingStored, env({ accepted: [STAGING] })), { kind: 'sendEnv', token: 'v', variable: VAR });
  });

  it('asks again for any other origin: a cloned repository naming staging elsewhere, or naming the variable for its own URL', () => {
    for (const url of ['https://attacker.example', 'http://staging.example.com', 'https://staging.example.com:8443', 'https://staging.example.com.attacker.example']) {
      assert.deepEqual(decideToken('staging', url, nothingStored, env({ accepted: [STAGING] })), { kind: 'askEnv', origin: originOf(url), variable: VAR }, url);
    }
    // An acceptance is for one variable: another environment's variable at the same origin is asked about.
    assert.equal(decideToken('production', STAGING, nothingStored, env({ variable: 'ISOLA_PROD_TOKEN', accepted: [] })).kind, 'askEnv');
  });

  it('after a no, sends nothing to that origin', () => {
    const d = decideToken('staging', 'https://attacker.example', nothingStored, env({ accepted: [STAGING], refused: true }));
    assert.deepEqual(d, { kind: 'refusedEnv', origin: 'https://attacker.example', variable: VAR });
    assert.ok(!('token' in d));
  });

  it('a stored token still wins: bound to the origin it goes; entered elsewhere it is asked about, not the variable', () => {
    // The same variable, with nothing stored, would be asked about.
    assert.equal(decideToken('staging', STAGING, nothingStored, env()).kind, 'askEnv');
    assert.deepEqual(decideToken('staging', STAGING, { bound: 't', legacy: false, origins: [STAGING] }, env()), { kind: 'send', token: 't' });
    assert.deepEqual(decideToken('staging', STAGING, { bound: 't', legacy: false, origins: [STAGING] }, env({ accepted: [STAGING] })), { kind: 'send', token: 't' });
    assert.equal(decideToken('staging', 'https://attacker.example', { legacy: false, origins: [STAGING] }, env({ accepted: ['https://attacker.example'] })).kind, 'ask');
    assert.equal(decideToken('staging', 'https://attacker.example', { legacy: false, origins: [STAGING], refused: true }, env()).kind, 'refused');
  });

  it('reads only ISOLA_ variables, whatever tokenEnv says', () => {
    assert.equal(tokenVariable('staging', undefined), VAR);
    assert.equal(tokenVariable('my-env', undefined), 'ISOLA_TOKEN_MY_ENV');
    assert.equal(tokenVariable('production', 'ISOLA_PROD_TOKEN'), 'ISOLA_PROD_TOKEN');
    for (const v of ['GITHUB_TOKEN', 'isola_token', 'ISOLA_', 'ISOLA_X-Y']) assert.equal(tokenVariable('staging', v), undefined, v);
    assert.deepEqual(decideToken('staging', STAGING, nothingStored, env({ variable: 'GITHUB_TOKEN', accepted: [STAGING] })), { kind: 'none' });
  });
});

describe('errors a token answers', () => {
  it('are told by kind, whatever language the message is in', () => {
    assert.equal(wantsToken(new TokenNotSent('окружение "staging": токен не отправлен')), true);
    assert.equal(wantsToken(new EnvError(401, 'нет токена')), true);
    assert.equal(wantsToken(new EnvError(403, 'the token lacks the role importer')), false);
    assert.equal(wantsToken(new Error('no environment "x" in isola.config.json: the token file is missing')), false);
  });
});
