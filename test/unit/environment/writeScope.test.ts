import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { allowedNamespaces, namespaceOfId, solutionMembers, writeScope } from '../../../server/src/core/environment/writeScope';
import type { Card, Descriptor } from '../../../server/src/core/packaging/format';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import { cardProblem, descriptorProblem } from '../../../server/src/core/packaging/cardCheck';
import { renameFor } from '../../../server/src/core/environment/rename';
import { isola, REPO } from '../packaging/hostile';
import { exampleCards } from './cards';

const card = (type: string, id: string, body: Record<string, unknown> = {}): Card =>
  ({ id, type, namespace: namespaceOfId(id), code: id.split('.').pop()!, deleted: false, hash: '', body } as Card);

describe('what a package may write (writeScope)', () => {
  it('the namespace of an id is its first segment, whatever a card claims', () => {
    assert.equal(namespaceOfId('invoices.invoice'), 'invoices');
    assert.equal(namespaceOfId('invoices.invoice.permissions'), 'invoices');
    assert.equal(namespaceOfId('invoices'), 'invoices');
    assert.equal(namespaceOfId('#orgchart.hq'), '#orgchart');
  });

  it('each kind writes what its kind and code define', () => {
    assert.deepEqual([...(allowedNamespaces('workspace', 'invoices', []) as Set<string>)], ['invoices']);
    assert.deepEqual([...(allowedNamespaces('module', 'accounting', []) as Set<string>)], ['accounting']);
    assert.deepEqual([...(allowedNamespaces('app', 'invoice', [card('app', 'invoices.invoice')]) as Set<string>)], ['invoices']);
    assert.deepEqual([...(allowedNamespaces('app', 'invoice', []) as Set<string>)], [], 'an app package without its app writes nothing');
    const solution = card('solution', 'pay', { members: [{ kind: 'workspace', code: 'payments' }, { kind: 'module', code: 'accounting' }, { kind: 'configuration', code: 'x' }] });
    assert.deepEqual([...(allowedNamespaces('solution', 'pay', [solution]) as Set<string>)].sort(), ['accounting', 'pay', 'payments']);
    assert.equal(allowedNamespaces('configuration', 'company', []), 'any');
  });

  it('names every card and data set outside the scope; a card claiming a namespace does not widen it', () => {
    const cards = [card('workspace', 'payments'), card('group', 'payments.g'), { ...card('counter', 'invoices.invoice_number'), namespace: 'payments' }, card('group', 'global.admins')];
    const s = writeScope('workspace', 'payments', cards, ['payments.pp', 'invoices.payment_purposes']);
    assert.deepEqual(s.namespaces, ['global', 'invoices', 'payments']);
    assert.deepEqual(s.outside, [
      'counter invoices.invoice_number writes into `invoices`, outside workspace `payments`',
      'group global.admins writes into `global`, outside workspace `payments`',
      'data of invoices.payment_purposes writes into `invoices`, outside workspace `payments`',
    ]);
  });

  it('a solution listing the org chart, `global` or a built-in namespace as a member gains no right to write there', () => {
    const members = ['#orgchart', 'global', '_clients', 'Payments', 'payments'].map((code) => ({ kind: 'workspace', code }));
    const solution = card('solution', 'pay', { members });
    assert.deepEqual([...(allowedNamespaces('solution', 'pay', [solution]) as Set<string>)].sort(), ['pay', 'payments']);
    // An export of the solution reaches the same namespaces (exporter.ts).
    assert.deepEqual(solutionMembers(solution.body), ['payments']);
    const s = writeScope('solution', 'pay', [solution, card('orgUnit', '#orgchart.ceo'), card('group', 'global.all_managers'), card('app', '_clients._companies')], []);
    assert.deepEqual(s.outside, [
      'orgUnit #orgchart.ceo writes into `#orgchart`, outside solution `pay`',
      'group global.all_managers writes into `global`, outside solution `pay`',
      'app _clients._companies writes into `_clients`, outside solution `pay`',
    ]);
  });

  it('a package carries its own unit and, for a solution, its members; no other unit card, and a configuration card only in a configuration', () => {
    // The owner of `payments` labels their namespace the configuration: the administrator's configuration export would take its code, title, version and platform.
    const conf = card('configuration', 'payments', { kind: 'configuration', code: 'payments', platform: '9999.1' });
    assert.deepEqual(writeScope('workspace', 'payments', [conf, card('group', 'payments.g')], []).outside, [
      'configuration payments is the environment\'s configuration, which only a configuration package (the administrator\'s) writes: workspace `payments` may not write it',
    ]);
    assert.deepEqual(writeScope('module', 'payments', [conf], []).outside.length, 1);
    const solution = card('solution', 'pay', { members: [{ kind: 'workspace', code: 'payments' }, { kind: 'module', code: 'accounting' }] });
    assert.match(writeScope('solution', 'pay', [solution, card('configuration', 'payments')], []).outside.join('\n'), /^configuration payments is the environment's configuration/);
    // A solution card for a member's namespace, or a unit in an app package's namespace.
    assert.deepEqual(writeScope('solution', 'pay', [solution, card('solution', 'payments'), card('workspace', 'accounting')], []).outside, [
      'solution payments is a unit\'s card other than the solution\'s own and its member workspaces\' and modules\': solution `pay` may not write it',
    ]);
    assert.deepEqual(writeScope('app', 'invoice', [card('app', 'invoices.invoice'), card('workspace', 'invoices')], []).outside, [
      'workspace invoices is a unit\'s card, and an app package carries none: app package `invoice` (namespace `invoices`) may not write it',
    ]);
    // What every export of a namespace carries: the namespace's own unit, whatever its type (a solution's namespace is exported as a workspace package).
    assert.deepEqual(writeScope('workspace', 'pay', [solution, card('group', 'pay.g')], []).outside, []);
    assert.deepEqual(writeScope('module', 'accounting', [card('module', 'accounting')], []).outside, []);
    assert.deepEqual(writeScope('solution', 'pay', [solution, card('workspace', 'payments'), card('module', 'accounting')], []).outside, []);
    assert.deepEqual(writeScope('configuration', 'company', [card('configuration', 'company'), solution, card('workspace', 'payments')], []).outside, []);
  });

  it('no unit may take the code `global`: not a card, not a descriptor, not a copy', () => {
    const body = { kind: 'workspace', code: 'global' };
    const unit = { id: 'global', type: 'workspace', namespace: 'global', code: 'global', deleted: false, hash: sha256(canonicalJson(body)), body };
    assert.match(cardProblem('design/global.card.json', unit) ?? '', /workspace code "global" is reserved/);
    assert.equal(cardProblem('groups/global.admins.card.json', { id: 'global.admins', type: 'group', namespace: 'global', code: 'admins', deleted: false, hash: sha256(canonicalJson({ code: 'admins' })), body: { code: 'admins' } }), undefined, 'a global object is still a card');
    const d = { kind: 'module', code: 'global', tool: { name: 'x', version: '1' }, options: { design: 'all', data: 'none' }, steps: [], history: {}, data: [] } as unknown as Descriptor;
    assert.match(descriptorProblem(d, []) ?? '', /the module's code "global" is reserved/);
    assert.throws(() => renameFor('workspace', 'invoices', [], 'global'), /cannot be a workspace's code/);
    // A configuration writes global objects anyway: `global` is only its name.
    const conf = { kind: 'configuration', code: 'global' };
    assert.equal(cardProblem('solutions/global.card.json', { id: 'global', type: 'configuration', namespace: 'global', code: 'global', deleted: false, hash: sha256(canonicalJson(conf)), body: conf }), undefined);
    assert.equal(descriptorProblem({ ...d, kind: 'configuration' } as Descriptor, []), undefined);
  });

  it('every example package keeps to its scope', async () => {
    for (const [example, pkg] of [['invoices', 'invoices'], ['payments', 'payments_solution'], ['company', 'company']]) {
      const p = await exampleCards(example, pkg);
      assert.deepEqual(writeScope(p.kind, p.code, p.cards, []).outside, [], `${example}/${pkg}`);
    }
  });
});

describe('an import writes what its plan checked', () => {
  let dir: string;
  let env: Environment;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-permit-'));
    for (const [example, pkg] of [['invoices', 'invoices'], ['payments', 'payments_solution']]) {
      // From a copy: a build updates the project's history file.
      const copy = path.join(dir, `src-${example}`);
      cpSync(path.join(REPO, 'examples', example), copy, { recursive: true });
      const r = isola(['build', copy, '--package', pkg, '--out', path.join(dir, `${pkg}.isolapkg`)]);
      assert.equal(r.code, 0, r.err);
    }
    env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
  });
  after(async () => {
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a package file rewritten between the plan and the import (registered in place) is refused, nothing written', async () => {
    const me = Environment.localCaller('dev');
    const file = path.join(dir, 'in-place.isolapkg');
    copyFileSync(path.join(dir, 'invoices.isolapkg'), file);
    const pkg = await env.registerFile(me, file);
    const plan = await env.plan(me, { package: pkg.id });
    assert.ok(plan.ok, JSON.stringify(plan.checks));
    // Another package under the same name, after its plan was checked.
    copyFileSync(path.join(dir, 'payments_solution.isolapkg'), file);
    const job = await env.startImport(me, { plan: plan.id });
    let j = await env.job(me, job.id);
    while (!['succeeded', 'failed', 'cancelled'].includes(j.status)) {
      await new Promise((r) => setTimeout(r, 50));
      j = await env.job(me, job.id);
    }
    assert.equal(j.status, 'failed');
    assert.match(String(j.error), /the package file changed since the plan was made; make a new plan/);
    assert.deepEqual(await env.namespaces(me), [], 'nothing was written');
  });

  it('an export of a solution reaches only the workspaces and modules an import of it may write', async () => {
    const me = Environment.localCaller('dev');
    for (const pkg of ['invoices', 'payments_solution']) {
      const plan = await env.plan(me, { package: (await env.registerFile(me, path.join(dir, `${pkg}.isolapkg`))).id });
      assert.ok(plan.ok, JSON.stringify(plan.checks));
      assert.equal((await env.waitForJob((await env.startImport(me, { plan: plan.id })).id)).status, 'succeeded');
    }
    // The solution's members, edited in the environment, name an app's namespace and `global`.
    const solution = await env.entity(me, 'payments_solution');
    const members = [...(solution.body.members as unknown[]), { kind: 'app', code: 'invoices' }, { kind: 'workspace', code: 'global' }];
    await env.changeEntity(me, 'payments_solution', { body: { ...solution.body, members } });
    const job = await env.waitForJob((await env.startExport(me, { kind: 'solution', code: 'payments_solution' })).id);
    assert.equal(job.status, 'succeeded', String(job.error));
    assert.deepEqual([...job.namespaces].sort(), ['accounting', 'custom_objects', 'payments', 'payments_solution']);
    assert.doesNotMatch((await env.jobLog(me, job.id)).map((l) => l.line).join('\n'), /invoices\./, 'no entity of `invoices` in the package');
  });

  it('the owner of a solution may not add another owner\'s workspace to its members, and may still change the rest', async () => {
    const me = Environment.localCaller('dev');
    const carol = { id: 7, name: 'carol', admin: false, namespaces: ['payments_solution', 'payments', 'custom_objects', 'accounting'] };
    const before = await env.entity(me, 'payments_solution');
    const members = (before.body.members as { kind: string; code: string }[]).filter((m) => m.code !== 'invoices');
    const body = { ...before.body, members: [...members, { kind: 'workspace', code: 'invoices' }] };
    await assert.rejects(env.changeEntity(carol, 'payments_solution', { body }), (e: Error & { status?: number }) =>
      e.status === 403 && /adding `invoices` to solution `payments_solution` needs the environment administrator or the owner of `invoices`/.test(e.message));
    assert.deepEqual((await env.entity(me, 'payments_solution')).body, before.body, 'unchanged');
    const renamed = await env.changeEntity(carol, 'payments_solution', { body: { ...before.body, title: 'Payments, renamed' } });
    assert.equal(renamed.body.title, 'Payments, renamed');
  });

  it('a body whose script code or data key is no code (it would name a file on retrieve) is refused, the entity unchanged', async () => {
    const me = Environment.localCaller('dev');
    const p = await env.entity(me, 'invoices.approve_invoice');
    const scripts = p.body.scripts as Record<string, unknown>[];
    for (const code of ['.github/workflows/ci', 'planted.isola', '../x', 7]) {
      const body = { ...p.body, scripts: [{ ...scripts[0], code }] };
      await assert.rejects(env.changeEntity(me, 'invoices.approve_invoice', { body }), (e: Error & { status?: number }) =>
        e.status === 400 && e.message.startsWith(`"body": script ${JSON.stringify(code)} (scripts[0]) does not have a valid code`), String(code));
    }
    assert.deepEqual((await env.entity(me, 'invoices.approve_invoice')).body, p.body, 'unchanged');
    const ws = await env.entity(me, 'invoices');
    await assert.rejects(env.changeEntity(me, 'invoices', { body: { ...ws.body, data: { 'x.isola': 'data/x.jsonl' } } }), (e: Error & { status?: number }) =>
      e.status === 400 && /"data" names app "x\.isola", which is not a valid app code/.test(e.message));
    // A valid code is still the owner's to change.
    const renamed = await env.changeEntity(me, 'invoices.approve_invoice', { body: { ...p.body, scripts: [{ ...scripts[0], code: 'find_it' }] } });
    assert.equal((renamed.body.scripts as { code: string }[])[0].code, 'find_it');
  });

  it('a body that names another entity than the one it changes is refused, the entity unchanged: an export would carry a card no reader takes', async () => {
    const me = Environment.localCaller('dev');
    const refused = async (id: string, body: Record<string, unknown>, message: RegExp) => {
      const before = await env.entity(me, id);
      await assert.rejects(env.changeEntity(me, id, { body }), (e: Error & { status?: number }) => e.status === 400 && message.test(e.message), `${id}: ${JSON.stringify(body)}`);
      assert.deepEqual(await env.entity(me, id), before, `${id} unchanged`);
    };
    const counter = (await env.entity(me, 'invoices.invoice_number')).body;
    await refused('invoices.invoice_number', { ...counter, code: 'other' },
      /^"body": "code" "other" is not the code of invoices\.invoice_number \("invoice_number"\): send "code": "invoice_number"; an entity is not renamed by a change \(to copy it under another code, import its package with --as\)$/);
    const ws = (await env.entity(me, 'invoices')).body;
    await refused('invoices', { ...ws, kind: 'module', code: 'zzz' }, /^"body": "code" "zzz" is not the code of invoices \("invoices"\)/);
    await refused('invoices', { ...ws, kind: 'module' }, /^"body": "kind" "module" is not the type of invoices \("workspace"\): send "kind": "workspace"/);
    const { code: _code, ...codeless } = ws;
    await refused('invoices', codeless, /^"body" leaves out "code", which names invoices: send "code": "invoices"/);
    const perms = (await env.entity(me, 'invoices.invoices.permissions')).body;
    await refused('invoices.invoices.permissions', { ...perms, app: 'invoices.payment_purposes' }, /^"body": "app" "invoices\.payment_purposes" is not the app of invoices\.invoices\.permissions \("invoices\.invoices"\)/);
    // The same names, with another title: the owner's to change.
    assert.equal((await env.changeEntity(me, 'invoices.invoice_number', { body: { ...counter, title: 'Invoice no.' } })).body.title, 'Invoice no.');
  });
});
