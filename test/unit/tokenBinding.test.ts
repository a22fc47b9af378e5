/**
 * Which stored token goes where, without VS Code: a token entered for one service's origin is
 * sent there only; a workspace whose isola.config.json gives the same environment name another
 * URL gets it only after the user's yes, and a token stored by name only is asked about once.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { boundKey, decideToken, legacyKey, originOf, originsKey, parseOrigins, withOrigin, withoutOrigin } from '../../client/src/environments/tokenBinding';

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
