import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { removeData, Service, startService } from './service';

/** A request with an Accept-Language header (or none); status and parsed body. */
async function get(s: Service, p: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${s.url}${p}`, { headers });
  return { status: res.status, body: await res.json() };
}

describe('the environment service answers in the request\'s Accept-Language', () => {
  let svc: Service;
  before(async () => {
    svc = await startService();
  });
  after(async () => {
    await svc?.stop();
    if (svc) removeData(svc);
  });

  it('401 without a token: Russian for ru, English without the header; the same reason', async () => {
    const ru = await get(svc, '/v1/whoami', { 'accept-language': 'ru' });
    const en = await get(svc, '/v1/whoami', {});
    assert.equal(ru.status, 401);
    assert.equal(en.status, 401);
    assert.equal(ru.body.error.reason, 'unauthorized');
    assert.equal(en.body.error.reason, 'unauthorized');
    assert.equal(ru.body.error.message, 'нужен токен доступа (Authorization: Bearer <токен>)');
    assert.equal(en.body.error.message, 'a bearer token is required (Authorization: Bearer <token>)');
  });

  it('q-values choose the language: ru-RU,ru;q=0.9,en;q=0.8 is Russian, en;q=1,ru;q=0.5 English', async () => {
    const wrongToken = { authorization: 'Bearer not-a-token-of-this-environment' };
    const ru = await get(svc, '/v1/whoami', { ...wrongToken, 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.8' });
    assert.equal(ru.status, 401);
    assert.equal(ru.body.error.message, 'токен не действителен для этого окружения');
    const en = await get(svc, '/v1/whoami', { ...wrongToken, 'accept-language': 'en;q=1,ru;q=0.5' });
    assert.equal(en.body.error.message, 'the token is not valid for this environment');
  });

  it('404 for an unknown endpoint and an unknown job, in Russian, reason not-found', async () => {
    const auth = { authorization: `Bearer ${svc.adminToken}`, 'accept-language': 'ru' };
    const endpoint = await get(svc, '/v1/nothing', auth);
    assert.equal(endpoint.status, 404);
    assert.equal(endpoint.body.error.reason, 'not-found');
    assert.equal(endpoint.body.error.message, 'нет такого адреса: GET /v1/nothing');
    const job = await get(svc, '/v1/jobs/j-missing', auth);
    assert.equal(job.status, 404);
    assert.equal(job.body.error.reason, 'not-found');
    assert.equal(job.body.error.message, 'задание j-missing не найдено');
    const english = await get(svc, '/v1/jobs/j-missing', { authorization: `Bearer ${svc.adminToken}`, 'accept-language': 'de-DE, fr' });
    assert.equal(english.body.error.message, 'no job j-missing');
  });
});
