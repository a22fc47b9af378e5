import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../../server/src/core/environment/db/open';
import { redactUrl, withoutPassword } from '../../../server/src/core/environment/db/redact';

// A database URL quoted in an error ends up in terminals, logs and CI output: never its password.

describe('database URLs in messages', () => {
  it('hides the password of a URL, parsable or not', () => {
    assert.equal(redactUrl('postgresql+psycopg://isola:S3cretPassw0rd@db/isola'), 'postgresql+psycopg://isola:***@db/isola');
    assert.equal(redactUrl('postgres://isola:p%40ss@db:5432/isola?schema=x'), 'postgres://isola:***@db:5432/isola?schema=x');
    assert.equal(redactUrl('postgres://db/isola?user=isola&password=S3cret&sslmode=require'), 'postgres://db/isola?user=isola&password=***&sslmode=require');
    assert.equal(redactUrl('postgres://isola@db/isola'), 'postgres://isola@db/isola');
    assert.equal(redactUrl('mysql://root:hunter2@[::1]:3306/x'), 'mysql://root:***@[::1]:3306/x');
  });

  it('takes the password out of whatever a driver quotes', () => {
    const url = 'postgres://isola:p%40ssw0rd@db/isola';
    assert.equal(withoutPassword(`cannot connect to ${url} as isola with p@ssw0rd`, url), 'cannot connect to postgres://isola:***@db/isola as isola with ***');
    assert.equal(withoutPassword('nothing secret', undefined), 'nothing secret');
  });

  it('refuses a URL of another scheme without echoing its password', async () => {
    await assert.rejects(openDatabase({ url: 'postgresql+psycopg://isola:S3cretPassw0rd@db/isola' }), (e: Error) => {
      assert.equal(e.message, '--database must be a postgres:// URL (got "postgresql+psycopg://isola:***@db/isola")');
      return true;
    });
  });
});
