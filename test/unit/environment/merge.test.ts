import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import { carriedBody } from '../../../server/src/core/packaging/carry';
import type { Card } from '../../../server/src/core/packaging/format';
import { cardToWrite, hashAfterChange, mergeBodies, refineAction } from '../../../server/src/core/environment/merge';
import type { EnvEntity } from '../../../server/src/core/environment/types';
import { say } from '../../../server/src/core/environment/said';
import { translator } from '../../../server/src/core/l10n';

const app = (fields: string[], extra: Record<string, unknown> = {}) => ({ code: 'bills', title: 'Bills', fields: fields.map((code) => ({ code, type: 'string' })), ...extra });
const env = (type: string, body: Record<string, unknown>, hash = 'h1'): EnvEntity => ({ id: `ws.${String(body.code)}`, type: type as EnvEntity['type'], namespace: 'ws', code: String(body.code), deleted: false, hash, body, updatedAt: '2026-01-02T00:00:00Z', updatedBy: 'ops' });
const card = (type: string, body: Record<string, unknown>): Card => ({ id: `ws.${String(body.code)}`, type: type as Card['type'], namespace: 'ws', code: String(body.code), deleted: false, hash: sha256(canonicalJson(body)), body });

describe('an update deletes nothing (merge.ts)', () => {
  it('keeps a field the package lacks, in its place among its neighbours', () => {
    const m = mergeBodies('app', app(['name', 'active']), app(['name', 'code', 'active']));
    assert.deepEqual((m.body.fields as { code: string }[]).map((f) => f.code), ['name', 'code', 'active']);
    assert.deepEqual(m.kept, ['fields.code']);
  });
  it('takes the package\'s version of what both have, and keeps nested sub-entities and form elements', () => {
    const pkg = { code: 'p', lanes: [{ code: 'a', title: 'A2' }], forms: [{ code: 'view', fields: ['x'] }] };
    const have = { code: 'p', lanes: [{ code: 'a', title: 'A1', steps: [{ code: 's1' }] }, { code: 'b' }], forms: [{ code: 'view', fields: ['x', 'y'] }], statuses: [{ code: 'paid' }] };
    const m = mergeBodies('process', pkg, have);
    assert.deepEqual(m.body, { code: 'p', lanes: [{ code: 'a', title: 'A2', steps: [{ code: 's1' }] }, { code: 'b' }], forms: [{ code: 'view', fields: ['x', 'y'] }], statuses: [{ code: 'paid' }] });
    assert.deepEqual(m.kept.sort(), ['forms.view.fields.y', 'lanes.a.steps.s1', 'lanes.b', 'statuses.paid']);
  });
  it('keeps a permission the package lacks, named by whom it grants to whether or not it has a code', () => {
    const have = { app: 'ws.bills', permissions: [{ code: 'acc', group: 'accountants', access: 'read' }, { code: 'chief', group: 'chief_accountants', access: 'full' }] };
    const pkg = { app: 'ws.bills', permissions: [{ code: 'acc', group: 'accountants', access: 'update' }, { group: '_system.all_users', access: 'read' }] };
    const m = mergeBodies('permissions', pkg, have);
    assert.deepEqual(m.body.permissions, [
      { code: 'acc', group: 'accountants', access: 'update' },
      { code: 'chief', group: 'chief_accountants', access: 'full' },
      { group: '_system.all_users', access: 'read' },
    ]);
    assert.deepEqual(m.kept, ['permissions.group:chief_accountants']);
    // Permissions are mostly written without a code: the auditors' right stays, and is reported.
    const uncoded = mergeBodies('permissions',
      { app: 'cw.vat', permissions: [{ group: 'clerks', access: 'update' }] },
      { app: 'cw.vat', permissions: [{ group: 'clerks', access: 'read' }, { group: 'auditors', access: 'read' }, { orgUnit: 'board', access: 'full' }] });
    assert.deepEqual(uncoded.body.permissions, [{ group: 'clerks', access: 'update' }, { group: 'auditors', access: 'read' }, { orgUnit: 'board', access: 'full' }]);
    assert.deepEqual(uncoded.kept, ['permissions.group:auditors', 'permissions.orgUnit:board']);
    // One grantee is one permission, coded in one and not the other; one marked deleted is the package's.
    const same = mergeBodies('permissions',
      { app: 'cw.vat', permissions: [{ code: 'aud', group: 'auditors', access: 'read', deleted: true }] },
      { app: 'cw.vat', permissions: [{ group: 'auditors', access: 'full' }, { code: 'nobody', access: 'read' }, { access: 'read' }] });
    assert.deepEqual(same.body.permissions, [{ code: 'aud', group: 'auditors', access: 'read', deleted: true }, { code: 'nobody', access: 'read' }]);
    assert.deepEqual(same.kept, ['permissions.nobody']);
  });
  it("keeps a category's values the package lacks, strings and coded ones, in their place among their neighbours", () => {
    const vat = (values: unknown[]) => ({ code: 'vat', fields: [{ code: 'country', type: 'enum', values }] });
    const m = mergeBodies('app', vat(['RU', 'KZ']), vat(['RU', 'DE', 'KZ']));
    assert.deepEqual((m.body.fields as Record<string, unknown>[])[0].values, ['RU', 'DE', 'KZ']);
    assert.deepEqual(m.kept, ['fields.country.values.DE']);
    const mixed = mergeBodies('app', vat([{ code: 'RU', title: 'Russia' }, 'KZ', 7]), vat([{ code: 'DE', title: 'Germany' }, { code: 'RU', title: 'R', note: 'n', tabs: [{ code: 't' }] }, 'KZ', 8]));
    assert.deepEqual((mixed.body.fields as Record<string, unknown>[])[0].values, [{ code: 'DE', title: 'Germany' }, { code: 'RU', title: 'Russia', tabs: [{ code: 't' }] }, 'KZ', 8, 7]);
    assert.deepEqual(mixed.kept, ['fields.country.values.RU.tabs.t', 'fields.country.values.DE', 'fields.country.values.8']);
    // Lists of strings elsewhere are the package's: a form's fields are merged by their own rule, a language list is not merged.
    const langs = mergeBodies('workspace', { code: 'ws', languages: ['en'] }, { code: 'ws', languages: ['en', 'ru'] });
    assert.deepEqual(langs.body.languages, ['en']);
  });
  it('keeps sub-entities inside plain objects too, where a build leaves deleted ones out', () => {
    const have = app(['name'], { layout: { tabs: [{ code: 'main' }, { code: 'extra' }], color: 'red' } });
    (have.fields[0] as Record<string, unknown>).options = { values: [{ code: 'a' }, { code: 'b' }] };
    const v2 = app(['name'], { layout: { tabs: [{ code: 'main' }, { code: 'extra', deleted: true }], color: 'blue' } });
    (v2.fields[0] as Record<string, unknown>).options = { values: [{ code: 'a' }], sorted: true };
    const m = mergeBodies('app', carriedBody('app', v2), have);
    assert.deepEqual(m.body.layout, { tabs: [{ code: 'main' }, { code: 'extra' }], color: 'blue' });
    assert.deepEqual((m.body.fields as Record<string, unknown>[])[0].options, { values: [{ code: 'a' }, { code: 'b' }], sorted: true });
    assert.deepEqual(m.kept.sort(), ['fields.name.options.values.b', 'layout.tabs.extra']);
    // An object the package lacks keeps only the sub-entities it held; one without any goes.
    const gone = mergeBodies('app', app(['name']), have);
    assert.deepEqual(gone.body.layout, { tabs: [{ code: 'main' }, { code: 'extra' }] });
    assert.equal(mergeBodies('app', app(['name']), app(['name'], { style: { color: 'red' } })).body.style, undefined);
  });
  it("drops the lists an earlier build put in an app manifest's card (processes, widgets, ...): cards of their own, not the app's", () => {
    const earlier = app(['name', 'code'], { kind: 'app', namespace: 'ws', processes: [{ code: 'p' }], widgets: [{ code: 'w' }], templates: [{ code: 't' }], counters: [{ code: 'c' }], groups: [{ code: 'g' }] });
    const m = mergeBodies('app', app(['name']), earlier);
    assert.deepEqual(m.body, app(['name', 'code']));
    assert.deepEqual(m.kept, ['fields.code']);
  });
  it('carries a deletion the package makes: its element wins, flag and all', () => {
    const m = mergeBodies('app', { code: 'bills', fields: [{ code: 'x', deleted: true }] }, app(['x']));
    assert.deepEqual(m.body.fields, [{ code: 'x', deleted: true }]);
    assert.deepEqual(m.kept, []);
  });
  it('keeps a workspace\'s own properties and a setting\'s value, and takes everything else', () => {
    const ws = mergeBodies('workspace', { kind: 'workspace', code: 'ws', title: 'New', version: '2.0.0' }, { kind: 'workspace', code: 'ws', title: 'Ours', version: '1.0.0', url: '/ours' });
    assert.deepEqual(ws.body, { kind: 'workspace', code: 'ws', title: 'Ours', version: '2.0.0', url: '/ours' });
    assert.deepEqual(ws.kept.sort(), ['title', 'url']);
    const s = mergeBodies('setting', { code: 'url', default: 'https://b' }, { code: 'url', default: 'https://a', value: 'SECRET' });
    assert.deepEqual(s.body, { code: 'url', default: 'https://b', value: 'SECRET' });
    assert.deepEqual(s.kept, ['value']);
  });
  it('writes the merged body under the card\'s hash, and the card as it is on create', () => {
    const c = card('app', app(['name']));
    assert.equal(cardToWrite(c, undefined), c);
    const w = cardToWrite(c, env('app', app(['name', 'old'])));
    assert.equal(w.hash, c.hash);
    assert.deepEqual((w.body.fields as { code: string }[]).map((f) => f.code), ['name', 'old']);
  });
  it('an update that would write what is there is unchanged; one that changes something is not', () => {
    const c = card('app', app(['name']));
    const there = env('app', app(['name', 'old']), 'h-other');
    assert.equal(refineAction({ action: 'conflict' as const, reason: 'x' }, there, c).action, 'unchanged');
    assert.equal(refineAction({ action: 'update' as const }, env('app', app(['other'])), c).action, 'update');
  });
  it('a conflict that would write nothing says so, naming what the environment has beyond the package', () => {
    // Going back to v1 after v2 added a field: an import never deletes it, so nothing is written.
    const v1 = card('app', app(['name']));
    const v2 = env('app', app(['name', 'extra']), 'h-v2');
    const older = { action: 'conflict' as const, reason: 'older than what the environment has', said: { key: 'plan.reason.older' as const, args: { by: 'ops', at: 't2' } } };
    const r = refineAction(older, v2, v1);
    assert.equal(r.action, 'unchanged');
    assert.match(r.reason!, /^older than what the environment has: .*; but the environment's version holds all of the package's, and more \(fields\.extra\), which an import never deletes: nothing to write$/);
    assert.match(say(r.said!, translator('ru')), /^старше, чем в окружении.*\(fields\.extra\).*записывать нечего$/);
    // An update that writes nothing (an export coming back) needs no word.
    assert.deepEqual(refineAction({ action: 'update' as const }, v2, v1), { action: 'unchanged' });
  });
  it('a change in the environment to the target\'s own properties keeps the hash; a design change does not', () => {
    const e = env('workspace', { kind: 'workspace', code: 'ws', title: 'A', version: '1.0.0' }, 'v1');
    assert.equal(hashAfterChange(e, { ...e.body, title: 'B' }), 'v1');
    assert.notEqual(hashAfterChange(e, { ...e.body, version: '1.1.0' }), 'v1');
    const s = env('setting', { code: 'url', default: 'x' }, 's1');
    assert.equal(hashAfterChange(s, { ...s.body, value: 'SECRET' }), 's1');
  });
});

describe('what a package carries (carry.ts)', () => {
  it('leaves setting values and deleted sub-entities out, at any depth, and keeps deleted nested pages', () => {
    assert.deepEqual(carriedBody('setting', { code: 'url', default: 'd', value: 'SECRET' }), { code: 'url', default: 'd' });
    assert.deepEqual(carriedBody('app', { code: 'a', fields: [{ code: 'x', deleted: true }, { code: 'y' }], forms: [{ code: 'f', elements: [{ code: 'e', deleted: true }] }] }),
      { code: 'a', fields: [{ code: 'y' }], forms: [{ code: 'f', elements: [] }] });
    const page = { code: 'top', pages: [{ code: 'old', deleted: true }] };
    assert.equal(carriedBody('page', page), page);
  });
});
