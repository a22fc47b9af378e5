import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { actionFor, actionOf, compareVersions } from '../../../server/src/core/environment/planner';
import type { Card } from '../../../server/src/core/packaging/format';
import { conflictSummary, contentDigest, languagesCheck, sameLanguages } from '../../../server/src/core/environment/planChecks';
import { planIn, say } from '../../../server/src/core/environment/said';
import { english, translator } from '../../../server/src/core/l10n';
import type { PackageView } from '../../../server/src/core/environment/packageView';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import type { EnvEntity } from '../../../server/src/core/environment/types';
import { cardProblem } from '../../../server/src/core/packaging/cardCheck';
import { exportCard } from '../../../server/src/core/environment/exportCards';

const env = (hash: string, deleted = false): EnvEntity => ({
  id: 'ws.app', type: 'app', namespace: 'ws', code: 'app', deleted, hash, body: {}, updatedAt: '2026-01-02T00:00:00Z', updatedBy: 'ops',
});

describe('import actions (spec §5 update)', () => {
  it('creates what the environment lacks', () => {
    assert.equal(actionFor(undefined, { hash: 'h2', deleted: false }, [{ hash: 'h1' }, { hash: 'h2' }]).action, 'create');
  });
  it('leaves an entity whose hash equals the package\'s unchanged', () => {
    assert.equal(actionFor(env('h2'), { hash: 'h2', deleted: false }, [{ hash: 'h2' }]).action, 'unchanged');
  });
  it('updates when the environment\'s hash is an earlier one of the package\'s history', () => {
    assert.equal(actionFor(env('h1'), { hash: 'h3', deleted: false }, [{ hash: 'h1' }, { hash: 'h2' }, { hash: 'h3' }]).action, 'update');
  });
  it('reports a conflict, naming who changed it, when the environment\'s hash is not in the history', () => {
    const r = actionFor(env('hx'), { hash: 'h3', deleted: false }, [{ hash: 'h1' }, { hash: 'h3' }]);
    assert.equal(r.action, 'conflict');
    assert.match(r.reason!, /ops/);
  });
  it('a package without history for the entity conflicts with any different version', () => {
    assert.equal(actionFor(env('h1'), { hash: 'h2', deleted: false }, undefined).action, 'conflict');
  });
  it('a deletion made in the environment itself conflicts with a package that has the entity', () => {
    const r = actionFor({ ...env('h1', true), changedHere: true }, { hash: 'h1', deleted: false }, [{ hash: 'h1' }]);
    assert.equal(r.action, 'conflict');
    assert.match(r.reason!, /deleted in the environment/);
  });
  it('a deletion made in the environment conflicts with a newer version of the entity too, unless that version is deleted as well', () => {
    const deletedHere = { ...env('h1', true), changedHere: true };
    const r = actionFor(deletedHere, { hash: 'h2', deleted: false }, [{ hash: 'h1' }, { hash: 'h2' }]);
    assert.equal(r.action, 'conflict');
    assert.match(r.reason!, /^deleted in the environment \(by ops at /);
    assert.equal(actionFor(deletedHere, { hash: 'h2', deleted: true }, [{ hash: 'h1' }, { hash: 'h2' }]).action, 'update');
    // Deleted by an earlier import: the newer version is the package's own next step.
    assert.equal(actionFor(env('h1', true), { hash: 'h2', deleted: false }, [{ hash: 'h1' }, { hash: 'h2' }]).action, 'update');
  });
  it('a restore made in the environment conflicts with a package that deletes the entity', () => {
    // Restored before a restore dropped the body's deleted: the same hash, the body still says it.
    const legacy = { ...env('h1'), changedHere: true, body: { code: 'app', deleted: true } };
    const r = actionFor(legacy, { hash: 'h1', deleted: true }, [{ hash: 'h1' }]);
    assert.equal(r.action, 'conflict');
    assert.match(r.reason!, /^restored from the recycle bin in the environment \(by ops at /);
    // Restored to the version before the deletion: only the environment's history shows it.
    const card = { id: 'ws.app', type: 'app', namespace: 'ws', code: 'app', deleted: true, hash: 'h1', body: {} } as Card;
    const back = { ...env('h0'), changedHere: true };
    const history = { 'ws.app': [{ hash: 'h0', at: 't0' }, { hash: 'h1', at: 't1' }] };
    assert.equal(actionOf(back, card, history, { 'ws.app': [{ hash: 'h0', at: 't0' }, { hash: 'h1', at: 't1' }, { hash: 'h0', at: 't2' }] }).action, 'conflict');
    // An import that went back (not a change here), or a change here that did not: an update.
    assert.equal(actionOf(env('h0'), card, history, { 'ws.app': [{ hash: 'h0', at: 't0' }, { hash: 'h1', at: 't1' }, { hash: 'h0', at: 't2' }] }).action, 'update');
    assert.equal(actionOf(back, card, history, { 'ws.app': [{ hash: 'h0', at: 't0' }] }).action, 'update');
  });
  it('a card whose body says deleted while the card does not is refused; the other way round is a deletion made in an environment', () => {
    const body = { code: 'home', deleted: true };
    const page = { id: 'ws.home', type: 'page', namespace: 'ws', code: 'home', hash: sha256(canonicalJson(body)), body };
    assert.match(cardProblem('menu/ws.home.card.json', { ...page, deleted: false }) ?? '', /its body says "deleted": true but the card is not marked deleted/);
    assert.match(cardProblem('menu/ws.home.card.json', page) ?? '', /its body says "deleted": true/, 'no flag is not deleted');
    assert.equal(cardProblem('menu/ws.home.card.json', { ...page, deleted: true }), undefined);
    const plain = { code: 'home' };
    assert.equal(cardProblem('menu/ws.home.card.json', { ...page, deleted: true, hash: sha256(canonicalJson(plain)), body: plain }), undefined);
    // An entity restored before restores dropped the body's flag exports a card that agrees.
    const c = exportCard({ ...env('h1'), type: 'page', id: 'ws.home', code: 'home', body });
    assert.equal(c.deleted, false);
    assert.deepEqual(c.body, { code: 'home' });
  });
  it('a deletion an earlier import carried is undone by a package that restores the entity', () => {
    assert.equal(actionFor(env('h1', true), { hash: 'h1', deleted: false }, [{ hash: 'h1' }]).action, 'update');
  });
  it('carries the deleted flag: same content, newly deleted, is an update', () => {
    const r = actionFor(env('h1', false), { hash: 'h1', deleted: true }, [{ hash: 'h1' }]);
    assert.equal(r.action, 'update');
    assert.match(r.reason!, /deleted/);
  });
});

describe('versions the environment\'s history knows (actionOf)', () => {
  const card = (hash: string): Card => ({ id: 'ws.app', type: 'app', namespace: 'ws', code: 'app', deleted: false, hash, body: {} });
  const pkg = { 'ws.app': [{ hash: 'h1', at: 't1' }, { hash: 'h2', at: 't2' }, { hash: 'h3', at: 't3' }] };

  it('an export\'s hash that carries a version of the package\'s history is that version: an update', () => {
    const mine = { 'ws.app': [{ hash: 'h1', at: 't1' }, { hash: 'x2', at: 't4', of: 'h2' }] };
    assert.equal(actionFor(env('x2'), card('h3'), pkg['ws.app']).action, 'conflict', 'by hashes alone');
    assert.equal(actionOf(env('x2'), card('h3'), pkg, mine).action, 'update');
  });

  it('says so: the version the environment holds came under another hash, with what was added kept', () => {
    const r = actionOf(env('x2'), card('h3'), pkg, { 'ws.app': [{ hash: 'x2', at: 't4', of: 'h2' }] });
    assert.match(r.reason!, /^the environment has an earlier version from the package's history as ops brought it at /);
  });

  it('stays a conflict when the carried version is unknown to the package, or the entity was deleted in the environment', () => {
    assert.equal(actionOf(env('x2'), card('h3'), pkg, { 'ws.app': [{ hash: 'x2', at: 't4', of: 'h9' }] }).action, 'conflict');
    assert.equal(actionOf({ ...env('x2', true), changedHere: true }, card('h3'), pkg, { 'ws.app': [{ hash: 'x2', at: 't4', of: 'h2' }] }).action, 'conflict');
  });

  it('a change of only what belongs to the target (the hash stays) does not make it a conflict', () => {
    assert.equal(actionOf({ ...env('x2'), changedHere: true }, card('h3'), pkg, { 'ws.app': [{ hash: 'x2', at: 't4', of: 'h2' }] }).action, 'update');
  });

  it('a hash without `of` that follows a known version is another line of work: a conflict', () => {
    const mine = { 'ws.app': [{ hash: 'h1', at: 't1' }, { hash: 'r1', at: 't5' }] };
    assert.equal(actionOf(env('r1'), card('h3'), pkg, mine).action, 'conflict');
  });
});

describe('platform versions', () => {
  it('compares numerically, not as text', () => {
    assert.ok(compareVersions('2024.10', '2024.4') > 0);
    assert.ok(compareVersions('2024.4', '2024.4.0') === 0);
    assert.ok(compareVersions('2023.12', '2024.1') < 0);
  });
});

describe('languages in the same order (Protogrid)', () => {
  it('accepts the same list, and any list into an environment that has none yet', () => {
    assert.ok(sameLanguages(['en', 'ru'], ['en', 'ru']));
    assert.equal(languagesCheck(['en', 'ru'], ['en', 'ru']).ok, true);
    assert.equal(languagesCheck(['fr', 'es'], []).ok, true);
    assert.equal(languagesCheck([], ['en']).ok, true);
  });
  it('refuses another order, a missing language and a subset, naming the order to use', () => {
    assert.ok(!sameLanguages(['ru', 'en'], ['en', 'ru']));
    assert.ok(!sameLanguages(['fr', 'es'], ['fr', 'en', 'es']));
    for (const [pkg, env] of [[['ru', 'en'], ['en', 'ru']], [['en', 'de'], ['en', 'ru']], [['ru'], ['en', 'ru']]]) {
      const c = languagesCheck(pkg, env);
      assert.equal(c.ok, false, `${pkg} into ${env}`);
      assert.ok(c.message.includes(`Set the environment's languages to ${pkg.join(', ')}, in this order`), c.message);
      assert.ok(c.message.includes(JSON.stringify(env)), c.message);
    }
  });
});

describe('content digest (the "imported before from another file" note)', () => {
  it('stays the sha256 of the canonical JSON of kind, code, cards by id and data checksums, whatever the ids spell', () => {
    const ids = ['ws.b', 'ws.a', 'ws.\u00e9t\u00e9', 'ws."quoted"\\', 'ws.\u{1F600}', 'ws.\uffff', 'ws.Z'];
    const cards = ids.map((id, i) => ({ id, hash: `h${i}`, deleted: i === 2 }));
    const view = (c: typeof cards) => ({
      descriptor: { kind: 'workspace', code: 'ws', entries: [{ path: 'data/ws.b/1.jsonl', sha256: 's2' }, { path: 'cards/x.json', sha256: 'x' }, { path: 'data/ws.a/1.jsonl', sha256: 's1' }] },
      cards: c,
    }) as unknown as PackageView;
    const expected = (c: typeof cards) => sha256(canonicalJson({
      kind: 'workspace', code: 'ws',
      cards: c.map((x) => [x.id, x.hash, x.deleted]).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)),
      data: [['data/ws.a/1.jsonl', 's1'], ['data/ws.b/1.jsonl', 's2']],
    }));
    assert.equal(contentDigest(view(cards)), expected(cards));
    // The same id twice (never in a package read by the engine) keeps the cards' order.
    const twice = [...cards, { id: 'ws.a', hash: 'again', deleted: false }];
    assert.equal(contentDigest(view(twice)), expected(twice));
    assert.notEqual(contentDigest(view(cards)), contentDigest(view(cards.map((c) => ({ ...c, deleted: !c.deleted })))));
  });
});


describe('a plan\'s sentences in the user\'s language', () => {
  const ru = translator('ru');

  it('a languages refusal says its clauses in the same language as the sentence around them', () => {
    const c = languagesCheck(['en', 'de'], ['en', 'ru', 'fr']);
    assert.equal(say(c.said!), c.message, 'the English text is the sentence said in English');
    assert.match(c.message, /\(the environment lacks de and the package lacks ru, fr\)/);
    assert.match(say(c.said!, ru), /^у пакета языки en, de, а у окружения en, ru, fr \(в окружении нет языков de и в пакете нет языков ru, fr\): /);
    assert.match(say(languagesCheck(['ru', 'en'], ['en', 'ru']).said!, ru), /\(те же языки в другом порядке\)/);
    assert.equal(say(languagesCheck([], ['en']).said!, ru), 'пакет не указывает языков; окружение сохранит свои (en)');
  });

  it('reasons name who changed what, in either language; conflicts are counted with Russian plural forms', () => {
    const d = actionFor({ ...env('h-edited'), changedHere: true }, { hash: 'h1', deleted: false }, [{ hash: 'h0' }]);
    assert.equal(d.action, 'conflict');
    assert.equal(d.reason, say(d.said!));
    assert.equal(say(d.said!, ru), 'изменён в окружении (последним — пользователь ops, 2026-01-02T00:00:00Z); этой версии нет в истории пакета');
    const rows = (changed: number, older: number) => ({
      entities: [...Array(changed).fill({ action: 'conflict' }), ...Array(older).fill({ action: 'conflict', older: true })],
    });
    assert.equal(conflictSummary(rows(1, 0)), '1 entity was changed in the environment');
    assert.equal(conflictSummary(rows(2, 1)), '2 entities were changed in the environment and 1 entity is older in the package than what the environment has');
    assert.equal(conflictSummary(rows(2, 5), ru), '2 объекта изменены в окружении и 5 объектов в пакете старше, чем в окружении');
    assert.equal(conflictSummary(rows(21, 0), ru), '21 объект изменён в окружении');
  });

  it('planIn says what carries its sentence and leaves the rest, and the plan it was given, as they were', () => {
    const d = actionFor(env('h0'), { hash: 'h1', deleted: false }, [{ hash: 'h0' }]);
    const plan = {
      checks: [languagesCheck(['en'], ['en']), { name: 'format' as const, ok: true, message: 'from an older environment' }],
      entities: [{ id: 'ws.app', type: 'app', namespace: 'ws', action: d.action, reason: d.reason, said: d.said }, { id: 'ws.b', type: 'app', namespace: 'ws', action: 'kept' as const, reason: 'stored before sentences were kept' }],
    } as never as import('../../../server/src/core/environment/types').ImportPlan;
    const before = JSON.stringify(plan);
    const said = planIn(plan, ru);
    assert.equal(said.checks[0].message, 'en: языки окружения, в том же порядке');
    assert.equal(said.checks[1].message, 'from an older environment');
    assert.equal(said.entities[0].reason, 'в окружении более ранняя версия из истории пакета');
    assert.equal(said.entities[1].reason, 'stored before sentences were kept');
    assert.equal(JSON.stringify(plan), before, 'the stored plan is not changed');
    assert.equal(planIn(plan, english), plan);
  });
});
