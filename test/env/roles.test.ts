/**
 * The role matrix of the environment service (spec §5 roles): every endpoint against no token,
 * a wrong token, the owner of another namespace, the owner of the namespace, and the
 * administrator. Each cell is one test. Runs on PGlite, and on PostgreSQL when ISOLA_TEST_PG is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createUser, entity, importFile, plan, Workdir } from './fixtures';
import { api, backends, removeData, Service, startService, waitJob } from './service';

type Who = 'none' | 'wrong' | 'other' | 'owner' | 'admin';
const WHO: Record<Who, string> = {
  none: 'no token',
  wrong: 'a wrong token',
  other: 'the owner of another namespace',
  owner: 'the owner of `invoices`',
  admin: 'the administrator',
};

/**
 * Who may call an endpoint: `public` everyone; `any` every valid token (lists are filtered);
 * `namespace` the owner of `invoices` and the administrator; `admin` the administrator only.
 */
type Access = 'public' | 'any' | 'namespace' | 'admin';

interface Answer {
  status: number;
  body: any;
}

interface Row {
  endpoint: string;
  access: Access;
  /** The status an allowed caller gets (a 2xx, or a domain refusal like 409 that is not about rights). */
  ok: number;
  call(token: string | undefined, who: Who): Promise<Answer>;
  /** What an allowed caller sees, beyond the status. */
  check?(who: Who, body: any): void;
}

function expected(row: Row, who: Who): number {
  if (row.access === 'public') return row.ok;
  if (who === 'none' || who === 'wrong') return 401;
  if (row.access === 'any' || who === 'admin') return row.ok;
  if (row.access === 'admin') return 403;
  return who === 'owner' ? row.ok : 403;
}

const NS = 'invoices';
const ENTITY = 'invoices.accountants';
const APP = 'invoices.payment_purposes';

for (const backend of backends()) {
  describe(`role matrix over HTTP (${backend.name})`, () => {
    let work: Workdir;
    let svc: Service;
    let file: string;
    const tokens: Record<Who, string | undefined> = { none: undefined, wrong: `isola_${randomBytes(24).toString('base64url')}`, other: '', owner: '', admin: '' };
    /** Made in before(): a stored package, a finished import job and a backup that changed no entity. */
    const st = { pkg: '', job: '', backup: '' };
    let n = 0;

    const admin = () => tokens.admin!;
    /** A fresh plan of the stored package, made by the administrator right before it is used. */
    const freshPlan = async () => (await plan(svc, admin(), st.pkg)).id as string;
    /** Waits for a job an allowed call started, so the next cell finds no import running. */
    const settle = async (r: Answer) => {
      if (r.status === 202) await waitJob(svc, admin(), r.body.id);
      return r;
    };
    const seesInvoices = (who: Who) => who === 'owner' || who === 'admin';

    const rows: Row[] = [
      { endpoint: 'GET /v1/health', access: 'public', ok: 200, call: (t) => api(svc, 'GET', '/v1/health', { token: t }) },
      {
        endpoint: 'GET /v1/whoami', access: 'any', ok: 200, call: (t) => api(svc, 'GET', '/v1/whoami', { token: t }),
        check: (who, b) => assert.equal(b.admin, who === 'admin'),
      },
      {
        endpoint: 'GET /v1/namespaces', access: 'any', ok: 200, call: (t) => api(svc, 'GET', '/v1/namespaces', { token: t }),
        check: (who, b) => assert.equal(b.some((x: any) => x.code === NS), seesInvoices(who), 'listed only to those who may write it'),
      },
      {
        endpoint: 'GET /v1/jobs', access: 'any', ok: 200, call: (t) => api(svc, 'GET', '/v1/jobs', { token: t }),
        check: (who, b) => assert.equal(b.some((j: any) => j.id === st.job), seesInvoices(who)),
      },
      {
        endpoint: 'GET /v1/backups', access: 'any', ok: 200, call: (t) => api(svc, 'GET', '/v1/backups', { token: t }),
        check: (who, b) => assert.equal(b.some((x: any) => x.id === st.backup), seesInvoices(who)),
      },
      { endpoint: 'GET /v1/users', access: 'admin', ok: 200, call: (t) => api(svc, 'GET', '/v1/users', { token: t }) },
      { endpoint: 'POST /v1/users', access: 'admin', ok: 201, call: (t) => api(svc, 'POST', '/v1/users', { token: t, body: { name: `made_${++n}`, namespaces: [NS] } }) },
      {
        endpoint: 'PATCH /v1/settings', access: 'admin', ok: 200, call: (t) => api(svc, 'PATCH', '/v1/settings', { token: t, body: { name: 'roles' } }),
        check: (_w, b) => assert.equal(b.name, 'roles'),
      },
      {
        endpoint: 'GET /v1/namespaces/:ns/entities', access: 'namespace', ok: 200, call: (t) => api(svc, 'GET', `/v1/namespaces/${NS}/entities`, { token: t }),
        check: (_w, b) => assert.equal(b.length, 13),
      },
      {
        endpoint: 'GET /v1/entities/:id', access: 'namespace', ok: 200, call: (t) => api(svc, 'GET', `/v1/entities/${ENTITY}`, { token: t }),
        check: (_w, b) => assert.equal(b.id, ENTITY),
      },
      {
        endpoint: 'PUT /v1/entities/:id', access: 'namespace', ok: 200,
        call: async (t, who) => api(svc, 'PUT', `/v1/entities/${ENTITY}`, { token: t, body: { body: { ...(await entity(svc, admin(), ENTITY)).body, title: `Accountants (${who})` } } }),
        check: (who, b) => assert.equal(b.body.title, `Accountants (${who})`),
      },
      {
        endpoint: 'GET /v1/records/:app', access: 'namespace', ok: 200, call: (t) => api(svc, 'GET', `/v1/records/${APP}`, { token: t }),
        check: (_w, b) => assert.equal(b.length, 6),
      },
      {
        endpoint: 'POST /v1/packages (upload)', access: 'namespace', ok: 201, call: (t) => api(svc, 'POST', '/v1/packages', { token: t, raw: readFileSync(file) }),
        check: (_w, b) => assert.equal(b.id, st.pkg),
      },
      { endpoint: 'GET /v1/packages/:id', access: 'namespace', ok: 200, call: (t) => api(svc, 'GET', `/v1/packages/${st.pkg}`, { token: t }) },
      {
        endpoint: 'GET /v1/packages/:id/content', access: 'namespace', ok: 200,
        call: async (t) => {
          const res = await fetch(`${svc.url}/v1/packages/${st.pkg}/content`, { headers: t ? { authorization: `Bearer ${t}` } : {} });
          const bytes = Buffer.from(await res.arrayBuffer());
          // Refusals are JSON like every other answer; the package itself is the zip's bytes.
          return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(bytes.toString('utf8')) : bytes };
        },
        check: (_w, b) => assert.ok(b.equals(readFileSync(file)), 'the bytes uploaded'),
      },
      {
        // An export is downloaded once; its caller then deletes it, and it is gone for everyone.
        endpoint: 'DELETE /v1/packages/:id (an export)', access: 'namespace', ok: 200,
        call: async (t) => {
          const started = await api(svc, 'POST', '/v1/exports', { token: admin(), body: { kind: 'namespace', code: NS } });
          const id = (await waitJob(svc, admin(), started.body.id)).result.package as string;
          const r = await api(svc, 'DELETE', `/v1/packages/${id}`, { token: t });
          const after = await api(svc, 'GET', `/v1/packages/${id}`, { token: admin() });
          assert.equal(after.status, r.status === 200 ? 404 : 200, 'deleted only when the answer says so');
          return r;
        },
        check: (_w, b) => assert.match(b.deleted, /^k_/),
      },
      {
        // Plans and imports name uploads: they stay.
        endpoint: 'DELETE /v1/packages/:id (an upload)', access: 'namespace', ok: 409,
        call: (t) => api(svc, 'DELETE', `/v1/packages/${st.pkg}`, { token: t }),
        check: (_w, b) => assert.equal(b.error.reason, 'not-an-export'),
      },
      {
        endpoint: 'POST /v1/plans', access: 'namespace', ok: 201, call: (t) => api(svc, 'POST', '/v1/plans', { token: t, body: { package: st.pkg } }),
        check: (_w, b) => assert.equal(b.ok, true),
      },
      {
        // A duplicate writes the namespace it is imported as: owning the package's namespace is not enough.
        endpoint: 'POST /v1/plans (as another namespace)', access: 'admin', ok: 201,
        call: (t) => api(svc, 'POST', '/v1/plans', { token: t, body: { package: st.pkg, as: 'invoices_copy' } }),
        check: (_w, b) => assert.deepEqual(b.namespaces, ['invoices_copy']),
      },
      {
        endpoint: 'POST /v1/imports', access: 'namespace', ok: 202,
        call: async (t) => settle(await api(svc, 'POST', '/v1/imports', { token: t, body: { plan: await freshPlan(), onConflict: 'replace' } })),
      },
      {
        endpoint: 'POST /v1/exports (namespace)', access: 'namespace', ok: 202,
        call: async (t) => settle(await api(svc, 'POST', '/v1/exports', { token: t, body: { kind: 'namespace', code: NS, data: 'all' } })),
      },
      {
        endpoint: 'POST /v1/exports (configuration)', access: 'admin', ok: 202,
        call: async (t) => settle(await api(svc, 'POST', '/v1/exports', { token: t, body: { kind: 'configuration', code: 'all' } })),
      },
      {
        endpoint: 'GET /v1/jobs/:id', access: 'namespace', ok: 200, call: (t) => api(svc, 'GET', `/v1/jobs/${st.job}`, { token: t }),
        check: (_w, b) => assert.equal(b.status, 'succeeded'),
      },
      {
        endpoint: 'GET /v1/jobs/:id/log', access: 'namespace', ok: 200, call: (t) => api(svc, 'GET', `/v1/jobs/${st.job}/log`, { token: t }),
        check: (_w, b) => assert.ok(b.length > 13),
      },
      {
        // The job has finished: an allowed caller is told so (409), never 401/403.
        endpoint: 'POST /v1/jobs/:id/cancel', access: 'namespace', ok: 409, call: (t) => api(svc, 'POST', `/v1/jobs/${st.job}/cancel`, { token: t }),
        check: (_w, b) => assert.equal(b.error.reason, 'not-running'),
      },
      {
        endpoint: 'GET /v1/backups/:id', access: 'namespace', ok: 200, call: (t) => api(svc, 'GET', `/v1/backups/${st.backup}`, { token: t }),
        check: (_w, b) => assert.equal(b.backup.id, st.backup),
      },
      {
        endpoint: 'POST /v1/backups/:id/restore', access: 'namespace', ok: 200, call: (t) => api(svc, 'POST', `/v1/backups/${st.backup}/restore`, { token: t }),
        check: (_w, b) => assert.equal(typeof b.backup.restoredAt, 'string'),
      },
    ];

    before(async () => {
      work = new Workdir();
      file = work.copyExample('invoices').build('invoices');
      svc = await startService({ databaseUrl: backend.fresh() });
      tokens.admin = svc.adminToken;
      tokens.owner = await createUser(svc, admin(), 'owner', [NS]);
      tokens.other = await createUser(svc, admin(), 'stranger', ['other']);
      const first = await importFile(svc, admin(), file);
      st.pkg = first.pkg.id;
      st.job = first.job.id;
      // Importing it again changes no entity: restoring that backup is harmless to the other cells.
      const again = await importFile(svc, admin(), file);
      st.backup = again.job.backupId;
      assert.ok(st.backup, 'the import names its backup');
    });

    after(async () => {
      if (svc) {
        await svc.stop();
        removeData(svc);
      }
      work?.dispose();
    });

    for (const row of rows) {
      describe(row.endpoint, () => {
        for (const who of Object.keys(WHO) as Who[]) {
          const want = expected(row, who);
          it(`${WHO[who]} → ${want}`, async () => {
            const r = await row.call(tokens[who], who);
            const shown = Buffer.isBuffer(r.body) ? `${r.body.length} bytes` : JSON.stringify(r.body);
            if (want !== 401 && want !== 403) assert.ok(r.status !== 401 && r.status !== 403, `${row.endpoint} refused ${WHO[who]}: ${r.status} ${shown}`);
            assert.equal(r.status, want, `${row.endpoint} as ${WHO[who]}: ${r.status} ${shown}`);
            if (want === 401 || want === 403) assert.equal(r.body?.error?.reason, want === 401 ? 'unauthorized' : 'forbidden');
            else row.check?.(who, r.body);
          });
        }
      });
    }
  });
}
