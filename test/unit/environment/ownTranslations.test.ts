import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { hashAfterChange, mergeBodies } from '../../../server/src/core/environment/merge';
import { carriedBody } from '../../../server/src/core/packaging/carry';
import { isola } from '../packaging/hostile';

// What belongs to the target (a workspace's title, a setting's value) stays the target's on an
// update (Protogrid 3.2: "URL, name, description" differ between source and target for good), and
// so does its translation: a Russian title set in the target is as much the target's as the title.

describe('the translations of what belongs to the target', () => {
  let dir: string;
  const me = Environment.localCaller('dev');

  /** A package of workspace `tw` with these titles (and its app's Russian title). */
  function build(version: string, title: string, ru: string, appRu: string): string {
    const src = path.join(dir, 'src');
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'tw.isola.json'), JSON.stringify({
      kind: 'workspace', code: 'tw', title, version, languages: ['en', 'ru'],
      translations: { ru: { title: ru } },
      apps: [{ code: 'orders', title: 'Orders', translations: { ru: { title: appRu } } }],
    }));
    const out = path.join(dir, `tw-${version}.isolapkg`);
    const r = isola(['build', src, '--package', 'tw', '--out', out]);
    assert.equal(r.code, 0, r.out + r.err);
    return out;
  }

  async function planOf(env: Environment, file: string) {
    const plan = await env.plan(me, { package: (await env.registerFile(me, file)).id });
    assert.ok(plan.ok, JSON.stringify(plan.checks.filter((c) => !c.ok)));
    return plan;
  }

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-own-translations-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an update keeps the workspace\'s title and its Russian title as the target set them; the package\'s app titles are imported', async () => {
    const v1 = build('1.0.0', 'Sales', 'Продажи', 'Заказы');
    const v2 = build('1.1.0', 'Sales 2', 'Продажи 2', 'Заказы 2');
    const env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    try {
      const first = await planOf(env, v1);
      assert.equal((await env.waitForJob((await env.startImport(me, { plan: first.id })).id)).status, 'succeeded');
      const held = await env.entity(me, 'tw');
      const changed = await env.changeEntity(me, 'tw', { body: { ...held.body, title: 'Target sales', translations: { ru: { title: 'Продажи цели' } } } });
      // The change is to the target's own properties alone: the design is the version v1 brought.
      assert.equal(changed.hash, held.hash);

      const plan = await planOf(env, v2);
      const row = plan.entities.find((e) => e.id === 'tw')!;
      // An update (the version is design), no conflict, that names both as kept.
      assert.deepEqual([row.action, row.kept], ['update', ['title', 'translations.ru.title']]);
      const job = await env.waitForJob((await env.startImport(me, { plan: plan.id, onConflict: 'replace' })).id);
      assert.equal(job.status, 'succeeded', job.error);
      const ws = await env.entity(me, 'tw');
      assert.equal(ws.body.title, 'Target sales');
      assert.deepEqual(ws.body.translations, { ru: { title: 'Продажи цели' } });
      // An app's title is design: its translation comes with the package.
      assert.deepEqual((await env.entity(me, 'tw.orders')).body.translations, { ru: { title: 'Заказы 2' } });
    } finally {
      await env.close();
    }
  });

  it('a merge keeps the environment\'s translations of the target\'s properties, the package\'s of the rest, and says which it kept', () => {
    const pkg = { code: 'w', title: 'P', translations: { ru: { title: 'П', description: 'пакет' }, de: { title: 'P-de' } } };
    const env = { code: 'w', title: 'E', translations: { ru: { title: 'Е', description: 'окружение', version: 'x' } } };
    const m = mergeBodies('workspace', pkg, env);
    // `description` is the target's too; a translation the environment lacks stays absent, as the property would.
    assert.deepEqual(m.body, { code: 'w', title: 'E', translations: { ru: { title: 'Е', description: 'окружение' } } });
    assert.deepEqual(m.kept.sort(), ['title', 'translations.de.title', 'translations.ru.description', 'translations.ru.title']);
    // A setting's translated value is the target's like its value; its other translations are design.
    const s = mergeBodies('setting', { code: 's', title: 'T', translations: { ru: { title: 'Т', value: 'п' } } }, { code: 's', value: 1, translations: { ru: { value: 'о' } } });
    assert.deepEqual(s.body, { code: 's', title: 'T', value: 1, translations: { ru: { title: 'Т', value: 'о' } } });
  });

  it('a change to a translation of the target\'s own property keeps the hash; one of a design property moves it', () => {
    const e = { type: 'workspace' as const, hash: 'h1', body: { code: 'w', title: 'A', translations: { ru: { title: 'А' } }, apps: [] } };
    assert.equal(hashAfterChange(e, { code: 'w', title: 'A', translations: { ru: { title: 'Б' } }, apps: [] }), 'h1');
    assert.equal(hashAfterChange(e, { code: 'w', title: 'A', apps: [] }), 'h1');
    assert.notEqual(hashAfterChange(e, { code: 'w', title: 'A', translations: { ru: { title: 'А', version: '2' } }, apps: [] }), 'h1');
    const page = { type: 'page' as const, hash: 'h2', body: { code: 'p', title: 'A', translations: { ru: { title: 'А' } } } };
    assert.notEqual(hashAfterChange(page, { code: 'p', title: 'A', translations: { ru: { title: 'Б' } } }), 'h2');
  });

  it('a package carries no translation of a setting\'s value, as it carries no value', () => {
    assert.deepEqual(carriedBody('setting', { code: 'url', default: 'd', value: 'SECRET', translations: { ru: { title: 'Адрес', value: 'СЕКРЕТ' }, de: { value: 'GEHEIM' } } }),
      { code: 'url', default: 'd', translations: { ru: { title: 'Адрес' } } });
    const plain = { code: 'url', translations: { ru: { title: 'Адрес' } } };
    assert.equal(carriedBody('setting', plain), plain);
  });
});
