import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, defaultTokenEnv, loadConfig } from '../../../server/src/env/config';
import { foreignWarning, trustedOwner } from '../../../server/src/core/packaging/projectFolder';

describe('isola.config.json', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (v: unknown) => writeFileSync(path.join(dir, 'isola.config.json'), typeof v === 'string' ? v : JSON.stringify(v));

  it('always has local, in .isola/local next to the config (or the folder) by default', () => {
    const bare = mkdtempSync(path.join(os.tmpdir(), 'isola-noconfig-'));
    try {
      const c = loadConfig(bare);
      assert.deepEqual(c.environments.map((e) => e.name), ['local']);
      assert.equal(c.environments[0].data, path.join(bare, '.isola', 'local'));
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('is found from a subfolder, JSONC allowed, and names service environments', () => {
    write('{ // team environments\n "environments": { "staging": { "url": "http://127.0.0.1:7700/" }, "prod": { "url": "https://isola.example", "production": true, "tokenEnv": "ISOLA_PROD_TOKEN" }, } }');
    const sub = path.join(dir, 'a', 'b');
    mkdirSync(sub, { recursive: true });
    const c = loadConfig(sub);
    assert.equal(c.root, dir);
    assert.deepEqual(c.environments.map((e) => e.name), ['local', 'staging', 'prod']);
    assert.equal(c.environments[1].url, 'http://127.0.0.1:7700');
    assert.equal(c.environments[2].production, true);
    assert.equal(c.environments[2].tokenEnv, 'ISOLA_PROD_TOKEN');
  });

  it('refuses a token in the file and says which variable to use instead', () => {
    write({ environments: { staging: { url: 'http://x', token: 'secret' } } });
    assert.throws(() => loadConfig(dir), (e: Error) => e instanceof ConfigError && /ISOLA_TOKEN_STAGING/.test(e.message) && !e.message.includes('secret'));
  });

  it('needs a url for every environment but local, and an object', () => {
    write({ environments: { staging: {} } });
    assert.throws(() => loadConfig(dir), /needs a "url"/);
    write('[1,2]');
    assert.throws(() => loadConfig(dir), ConfigError);
  });

  it('refuses a value of the wrong type, naming the file and the key, rather than ignoring it', () => {
    const file = path.join(dir, 'isola.config.json');
    write({ environments: { prod: { url: 'https://isola.example', production: 'true' } } });
    assert.throws(() => loadConfig(dir), (e: Error) => e instanceof ConfigError && e.message === `${file}: the "production" of environment "prod" must be true or false (without quotes), not "true"`);
    write({ environments: { local: { production: 1 } } });
    assert.throws(() => loadConfig(dir), /the "production" of environment "local" must be true or false/);
    write({ environments: { local: { data: 5 } } });
    assert.throws(() => loadConfig(dir), (e: Error) => e instanceof ConfigError && e.message === `${file}: the "data" of environment "local" must be a folder path (a string), not 5`);
    write({ environments: { staging: [] } });
    assert.throws(() => loadConfig(dir), /environment "staging" must be an object/);
    write({ environments: { local: { production: true }, prod: { url: 'https://isola.example', production: false } } });
    assert.deepEqual(loadConfig(dir).environments.map((e) => e.production), [true, false]);
  });

  it('refuses a url that is no http or https address, naming the file and the environment', () => {
    const file = path.join(dir, 'isola.config.json');
    for (const url of ['not a url', 'ftp://x', 'file:///srv/isola', '127.0.0.1:7700', 'http://']) {
      write({ environments: { staging: { url } } });
      assert.throws(() => loadConfig(dir), (e: Error) => e instanceof ConfigError
        && e.message === `${file}: the "url" of environment "staging" must be an http:// or https:// address, such as http://127.0.0.1:7700, not ${JSON.stringify(url)}`, url);
    }
  });

  it('says where a syntax error is, line and column', () => {
    write('{\n  "environments": {\n    "staging": { "url": "http://x", }\n    "prod": {}\n  }\n}\n');
    assert.throws(() => loadConfig(dir), (e: Error) => e instanceof ConfigError && e.message === `${path.join(dir, 'isola.config.json')}:4:5: not valid JSON (comma expected)`);
  });

  it('takes only ISOLA_ variables as tokenEnv, so a committed edit cannot send other secrets', () => {
    for (const tokenEnv of ['GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'isola_token', 'ISOLA_', 'XISOLA_TOKEN', ' ISOLA_TOKEN', 42, null]) {
      write({ environments: { staging: { url: 'http://x', tokenEnv } } });
      assert.throws(() => loadConfig(dir), (e: Error) => e instanceof ConfigError && /"tokenEnv" of environment "staging" must name a variable starting with ISOLA_/.test(e.message), String(tokenEnv));
    }
    write({ environments: { staging: { url: 'http://x', tokenEnv: 'ISOLA_STAGING_2' } } });
    assert.equal(loadConfig(dir).environments[1].tokenEnv, 'ISOLA_STAGING_2');
    // A token in the file is refused pointing at the default variable, not at the one it names.
    write({ environments: { staging: { url: 'http://x', token: 't', tokenEnv: 'GITHUB_TOKEN' } } });
    assert.throws(() => loadConfig(dir), (e: Error) => /set ISOLA_TOKEN_STAGING instead/.test(e.message));
  });

  it('refuses two services whose names spell one token variable, unless one names its own', () => {
    write({ environments: { s: { url: 'http://a.example:7700' }, S: { url: 'https://b.example' } } });
    assert.throws(() => loadConfig(dir), (e: Error) => e instanceof ConfigError &&
      e.message.endsWith('environments "s" and "S" would both read their token from ISOLA_TOKEN_S and send it to http://a.example:7700 and https://b.example: give one of them a "tokenEnv" of its own'), 'case');
    write({ environments: { 'my-env': { url: 'http://a.example' }, my_env: { url: 'http://b.example' } } });
    assert.throws(() => loadConfig(dir), /environments "my-env" and "my_env" would both read their token from ISOLA_TOKEN_MY_ENV/);
    // One of them with a variable of its own, or both at one origin: one token is meant.
    write({ environments: { s: { url: 'http://a.example' }, S: { url: 'http://b.example', tokenEnv: 'ISOLA_TOKEN_B' } } });
    assert.deepEqual(loadConfig(dir).environments.map((e) => e.name), ['local', 's', 'S']);
    write({ environments: { s: { url: 'http://a.example/' }, S: { url: 'http://a.example' } } });
    assert.equal(loadConfig(dir).environments.length, 3);
  });

  it('trusts a config file its user or root owns, as git trusts a repository', () => {
    assert.equal(trustedOwner(1000, 1000), true);
    assert.equal(trustedOwner(0, 1000), true);
    assert.equal(trustedOwner(65534, 1000), false);
    assert.equal(trustedOwner(1000, 0), false);
    assert.match(foreignWarning({ file: '/tmp/shared/isola.config.json', uid: 4242424 }), /^\/tmp\/shared\/isola\.config\.json is owned by uid 4242424, not by you or root; ignored$/);
  });

  it('passes over a config file above the folder that another user owns', { skip: process.getuid?.() !== 0 && 'needs root to give a file away' }, () => {
    const shared = mkdtempSync(path.join(os.tmpdir(), 'isola-shared-'));
    try {
      const planted = path.join(shared, 'isola.config.json');
      writeFileSync(planted, JSON.stringify({ environments: { local: { data: 'loot' }, staging: { url: 'http://127.0.0.1:9' } } }));
      chownSync(planted, 65534, 65534);
      const mine = path.join(shared, 'victim');
      mkdirSync(mine);
      const c = loadConfig(mine);
      assert.equal(c.file, undefined);
      assert.equal(c.root, mine);
      assert.deepEqual(c.environments.map((e) => e.name), ['local']);
      assert.equal(c.environments[0].data, path.join(mine, '.isola', 'local'));
      assert.deepEqual(c.ignored, [{ file: planted, uid: 65534 }]);
      // The user's own config below it is used, and the planted one is not even looked at.
      writeFileSync(path.join(mine, 'isola.config.json'), '{}');
      assert.equal(loadConfig(mine).file, path.join(mine, 'isola.config.json'));
      assert.deepEqual(loadConfig(mine).ignored, []);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('derives token variables from environment names', () => {
    assert.equal(defaultTokenEnv('team-staging'), 'ISOLA_TOKEN_TEAM_STAGING');
  });
});
