import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { removeData, Service, startService } from './service';
import { changeTitle, importFile, upload, Workdir } from './fixtures';

const CYRILLIC = /[А-Яа-яЁё]/;

/** A request with a JSON body (or none) and an Accept-Language header; status and parsed body. */
async function call(s: Service, method: string, p: string, language: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${s.adminToken}`, 'accept-language': language };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${s.url}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

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

describe('plans and restore previews in the request\'s Accept-Language', () => {
  let svc: Service;
  let work: Workdir;
  before(async () => {
    svc = await startService();
    work = new Workdir();
  });
  after(async () => {
    await svc?.stop();
    if (svc) removeData(svc);
    work?.dispose();
  });

  it('checks and reasons in Russian for ru, as the engine says them for en; the same checks, actions and sentences\' keys', async () => {
    const file = work.copyExample('invoices').build('invoices');
    const first = await importFile(svc, svc.adminToken, file);
    // Changed in the environment since: the same package again is a conflict that names who changed it.
    await changeTitle(svc, svc.adminToken, 'invoices.accountants', 'Accountants (edited here)');
    const pkg = await upload(svc, svc.adminToken, file);
    const ru = (await call(svc, 'POST', '/v1/plans', 'ru-RU,ru;q=0.9', { package: pkg.id })).body;
    const en = (await call(svc, 'POST', '/v1/plans', 'en', { package: pkg.id })).body;
    assert.deepEqual(ru.checks.map((c: any) => [c.name, c.ok, c.said?.key]), en.checks.map((c: any) => [c.name, c.ok, c.said?.key]));
    for (const c of ru.checks) assert.match(c.message, CYRILLIC, `${c.name}: ${c.message}`);
    const repeat = (p: any) => p.checks.find((c: any) => c.name === 'repeat').message;
    assert.match(repeat(en), /^this package was imported before \(job j_\S+, \S+\); importing it again changes only what changed since$/);
    assert.match(repeat(ru), /^этот пакет уже импортировался \(задание j_\S+, \S+\); повторный импорт изменит только то, что изменилось с тех пор$/);
    const row = (p: any) => p.entities.find((e: any) => e.id === 'invoices.accountants');
    assert.equal(row(en).action, 'conflict');
    assert.equal(row(ru).action, 'conflict');
    assert.match(row(en).reason, /^changed in the environment \(last by admin at \S+\); its version is not in the package's history$/);
    assert.match(row(ru).reason, /^изменён в окружении \(последним — пользователь admin, \S+\); этой версии нет в истории пакета$/);
    assert.deepEqual(ru.entities.map((e: any) => [e.id, e.action, e.said?.key]), en.entities.map((e: any) => [e.id, e.action, e.said?.key]));

    // The import's job keeps its plan; it is said in the language of whoever reads it.
    const job = (await call(svc, 'GET', `/v1/jobs/${first.job.id}`, 'ru')).body;
    for (const c of job.plan.checks) assert.match(c.message, CYRILLIC, `${c.name}: ${c.message}`);
    assert.equal((await call(svc, 'GET', `/v1/jobs/${first.job.id}`, 'en')).body.plan.checks[0].message, first.plan.checks[0].message);

    // The first import's backup: restoring removes what it created, and puts the edited group back.
    const preview = (lang: string) => call(svc, 'GET', `/v1/backups/${first.job.backupId}`, lang);
    const [pru, pen] = [(await preview('ru')).body, (await preview('en')).body];
    assert.deepEqual(pru.entities.map((e: any) => [e.id, e.change]), pen.entities.map((e: any) => [e.id, e.change]));
    const accountants = (p: any) => p.entities.find((e: any) => e.id === 'invoices.accountants').reason;
    assert.equal(accountants(pen), 'the import created it; restoring removes it');
    assert.equal(accountants(pru), 'его создал импорт; восстановление удалит его');
  });
});
