import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { allowedHostName, hostGuard, hostName } from '../../server/src/env/hostCheck';

// Which Host a request to `isola env serve` may name: on loopback only loopback names (a web page
// reaching the service by DNS rebinding names its own host), plus those --allowed-host gives.

describe('the Host a service answers', () => {
  it('reads the name of a Host header without its port', () => {
    assert.equal(hostName('127.0.0.1:7700'), '127.0.0.1');
    assert.equal(hostName('LocalHost:7700'), 'localhost');
    assert.equal(hostName('[::1]:7700'), '[::1]');
    assert.equal(hostName('attacker.example'), 'attacker.example');
  });

  it('on loopback: loopback names and addresses with any port, nothing else', () => {
    const guard = hostGuard('127.0.0.1', [])!;
    for (const host of ['127.0.0.1:17731', '127.0.0.1', '127.1.2.3:80', 'localhost:17731', 'LOCALHOST', 'localhost.:17731', 'app.localhost:17731', '[::1]:17731', undefined]) {
      assert.equal(guard(host), true, String(host));
    }
    for (const host of ['attacker.example:17731', 'attacker.example', '127.0.0.1.attacker.example:17731', 'localhost.attacker.example', '10.0.0.5:17731', '0.0.0.0:17731', '']) {
      assert.equal(guard(host), false, host);
    }
    assert.ok(hostGuard('::1', []));
    assert.ok(hostGuard('localhost', []));
  });

  it('--allowed-host adds names; on another address there is no check unless it is given', () => {
    assert.equal(hostGuard('0.0.0.0', []), undefined);
    const remote = hostGuard('0.0.0.0', ['isola.example.com'])!;
    assert.equal(remote('isola.example.com:443'), true);
    assert.equal(remote('localhost:7700'), true);
    assert.equal(remote('attacker.example'), false);
    assert.equal(hostGuard('127.0.0.1', ['isola.test'])!('ISOLA.test:7700'), true);
  });

  it('--allowed-host takes a host name or a bracketed IPv6 address, never a port or a URL', () => {
    assert.equal(allowedHostName('Isola.Example.com'), 'isola.example.com');
    assert.equal(allowedHostName('[fd00::1]'), '[fd00::1]');
    for (const bad of ['isola.example.com:443', 'https://isola.example.com', '', '*.example.com', 'a b']) assert.equal(allowedHostName(bad), undefined, bad);
  });
});
