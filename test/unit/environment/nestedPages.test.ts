import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultCatalog } from '../../../server/src/core/catalog/catalog';
import { openDatabase } from '../../../server/src/core/environment/db/open';
import { Environment } from '../../../server/src/core/environment/environment';
import { isolationAgainst } from '../../../server/src/core/environment/planChecks';
import type { Card } from '../../../server/src/core/packaging/format';
import { isola } from '../packaging/hostile';
import { mergeBodies } from '../../../server/src/core/environment/merge';
import { formatPlan } from '../../../server/src/cli/import';
import { translator } from '../../../server/src/core/l10n';

// Nested menu pages are pages of their namespace (docs/manifest-language.md: a page's `pages`; a
// `page` reference may name one), carried inside their top page's card. The check and the build
// accept a link to one; the environment must too, whether the page comes in the package or is
// already there.

describe('a reference to a nested menu page', () => {
  let dir: string;
  let dataDir: string;
  let pkg: string;
  const me = Environment.localCaller('dev');

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-nested-pages-'));
    dataDir = path.join(dir, 'env');
    const src = path.join(dir, 'src');
    mkdirSync(src);
    writeFileSync(path.join(src, 'w.isola.json'), JSON.stringify({
      kind: 'workspace', code: 'w', version: '1.0.0',
      apps: [{ code: 'orders' }],
      pages: [
        { code: 'main', pages: [{ code: 'sub', app: 'orders', pages: [{ code: 'deep', app: 'orders' }] }] },
        { code: 'link', page: 'sub' },
        { code: 'link_deep', page: 'w.deep' },
      ],
    }, null, 2));
    const check = isola(['check', src]);
    assert.equal(check.code, 0, check.out + check.err);
    pkg = path.join(dir, 'w.isolapkg');
    const r = isola(['build', src, '--package', 'w', '--out', pkg]);
    assert.equal(r.code, 0, r.out + r.err);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('in the same package resolves at import, as it did in the check and the build', async () => {
    const env = await Environment.open({ dataDir, name: 'local' });
    try {
      const stored = await env.registerFile(me, pkg);
      const plan = await env.plan(me, { package: stored.id });
      const references = plan.checks.find((c) => c.name === 'references')!;
      assert.ok(references.ok, JSON.stringify(references));
      assert.ok(plan.ok, JSON.stringify(plan.checks.filter((c) => !c.ok)));
      const job = await env.startImport(me, { plan: plan.id });
      assert.equal((await env.waitForJob(job.id)).status, 'succeeded');
    } finally {
      await env.close();
    }
  });

  it('held by the environment inside a top page resolves for a package that lacks it; a page it lacks, or another kind of that code, does not', async () => {
    const page = (code: string, body: Record<string, unknown>): Card => ({ id: `w.${code}`, type: 'page', namespace: 'w', code, deleted: false, hash: 'h', body: { code, ...body } });
    const db = await openDatabase({ dataDir });
    try {
      const lines = async (cards: Card[]) => (await isolationAgainst(db, { kind: 'workspace', code: 'w', cards, attachments: new Map() }, defaultCatalog(), new Map())).map((f) => f.line);
      assert.deepEqual(await lines([page('other', { page: 'sub' }), page('other2', { page: 'w.deep' })]), []);
      assert.deepEqual(await lines([page('other', { page: 'nowhere', app: 'sub' })]), [
        'w.other: page `nowhere` resolves neither in the package nor in the environment',
        'w.other: app `sub` resolves neither in the package nor in the environment',
      ]);
    } finally {
      await db.close();
    }
  });
});

// A page is one entity wherever it stands: moved out of its section (or into one), the
// environment must not end with two pages of one id, which no export gives back as a project.
describe('a menu page moved out of its section or into one', () => {
  let dir: string;
  const me = Environment.localCaller('dev');
  const NESTED = [{ code: 'section', pages: [{ code: 'child', app: 'a' }] }];
  const FLAT = [{ code: 'section' }, { code: 'child', app: 'a' }];
  const ELSEWHERE = [{ code: 'section' }, { code: 'other', pages: [{ code: 'child', app: 'a' }] }];

  /** A package of workspace `pm` with these pages, built from one source folder (one history). */
  function build(src: string, version: string, pages: unknown[]): string {
    mkdirSync(src, { recursive: true });
    writeFileSync(path.join(src, 'm.isola.json'), JSON.stringify({ kind: 'workspace', code: 'pm', title: 'P', version, languages: ['en'], apps: [{ code: 'a' }], pages }));
    const out = path.join(src, `pm-${version}.isolapkg`);
    const r = isola(['build', src, '--package', 'pm', '--out', out]);
    assert.equal(r.code, 0, r.out + r.err);
    return out;
  }

  async function planOf(env: Environment, file: string) {
    return env.plan(me, { package: (await env.registerFile(me, file)).id });
  }

  async function imported(env: Environment, file: string) {
    const plan = await planOf(env, file);
    assert.ok(plan.ok, JSON.stringify(plan.checks.filter((c) => !c.ok)));
    assert.equal((await env.waitForJob((await env.startImport(me, { plan: plan.id })).id)).status, 'succeeded');
    return plan;
  }

  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'isola-page-move-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an update leaves out of a page the nested pages the package places elsewhere, and keeps the others', () => {
    const placed = { namespace: 'w', placed: new Map([['w.main', undefined], ['w.child', 'w.other'], ['w.other', undefined], ['w.deep', 'w.main']]) };
    const env = { code: 'main', pages: [{ code: 'group', pages: [{ code: 'child' }, { code: 'own' }] }, { code: 'deep' }, { code: 'stay' }] };
    const m = mergeBodies('page', { code: 'main', pages: [{ code: 'deep', title: 'D' }] }, env, placed);
    assert.deepEqual(m.body.pages, [{ code: 'group', pages: [{ code: 'own' }] }, { code: 'deep', title: 'D' }, { code: 'stay' }]);
    assert.deepEqual(m.moved, ['pages.group.pages.child']);
    assert.deepEqual(m.moves, [{ path: 'pages.group.pages.child', page: 'w.child', to: 'w.other' }]);
    assert.deepEqual(m.kept, ['pages.group', 'pages.stay']);
    // Without the package's pages, as before: everything the package lacks is kept.
    assert.equal(mergeBodies('page', { code: 'main' }, env).moved, undefined);
  });

  it('taken out of its section: the plan says the section no longer holds it, and the export builds again', async () => {
    const src = path.join(dir, 'out');
    const env = await Environment.open({ dataDir: path.join(dir, 'env-out'), name: 'local' });
    try {
      await imported(env, build(src, '1.0.0', NESTED));
      const plan = await imported(env, build(src, '1.1.0', FLAT));
      const row = (id: string) => plan.entities.find((e) => e.id === id)!;
      assert.deepEqual([row('pm.child').action, row('pm.section').action, row('pm.section').moved], ['create', 'update', ['pages.child']]);
      assert.deepEqual(row('pm.section').moves, [{ path: 'pages.child', page: 'pm.child' }]);
      assert.match(formatPlan('local', plan), /update +page +pm\.section\n +no longer holds page pm\.child \(pages\.child\): the package makes it a top-level page\n/);
      assert.equal((await env.entity(me, 'pm.section')).body.pages, undefined);
      const job = await env.waitForJob((await env.startExport(me, { kind: 'workspace', code: 'pm' })).id);
      assert.equal(job.status, 'succeeded', job.error);
      const file = (await env.package(me, (job.result as { package: string }).package)).file;
      const back = path.join(dir, 'back');
      mkdirSync(back);
      const unpacked = isola(['unpack', file, '--dir', back]);
      assert.equal(unpacked.code, 0, unpacked.out + unpacked.err);
      const check = isola(['check', back]);
      assert.equal(check.code, 0, check.out + check.err);
    } finally {
      await env.close();
    }
  });

  it('moved into another section: the plan names the page, the section it leaves and the one it goes to, before anything changes', async () => {
    const src = path.join(dir, 'across');
    const env = await Environment.open({ dataDir: path.join(dir, 'env-across'), name: 'local' });
    try {
      await imported(env, build(src, '1.0.0', NESTED));
      const plan = await planOf(env, build(src, '1.1.0', ELSEWHERE));
      const row = (id: string) => plan.entities.find((e) => e.id === id)!;
      assert.deepEqual([row('pm.section').action, row('pm.section').moves], ['update', [{ path: 'pages.child', page: 'pm.child', to: 'pm.other' }]]);
      assert.match(formatPlan('local', plan), /update +page +pm\.section\n +no longer holds page pm\.child \(pages\.child\): the package moves it into page pm\.other\n/);
      assert.match(formatPlan('local', plan, translator('ru')), /update +page +pm\.section\n +больше не содержит страницу pm\.child \(pages\.child\): пакет переносит её в страницу pm\.other\n/);
      const job = await env.waitForJob((await env.startImport(me, { plan: plan.id })).id);
      assert.equal(job.status, 'succeeded', job.error);
      const log = (await env.jobLog(me, job.id)).map((l) => l.line);
      assert.ok(log.includes('menu: pm.section no longer holds page pm.child (pages.child), which the package moves into page pm.other'), log.join('\n'));
      assert.equal((await env.entity(me, 'pm.section')).body.pages, undefined);
      assert.deepEqual((await env.entity(me, 'pm.other')).body.pages, [{ code: 'child', app: 'a' }]);
    } finally {
      await env.close();
    }
  });

  it('moved out of a section whose version stays the same (it held the page only as kept): the section is updated, not left holding it', async () => {
    const src = path.join(dir, 'kept');
    const env = await Environment.open({ dataDir: path.join(dir, 'env-kept'), name: 'local' });
    try {
      await imported(env, build(src, '1.0.0', NESTED));
      // A version of the section without the page, which is nowhere else: the update keeps it there.
      const section = { code: 'section', title: 'Section' };
      const kept = await imported(env, build(src, '1.1.0', [section]));
      assert.deepEqual(kept.entities.find((e) => e.id === 'pm.section')!.kept, ['pages.child']);
      // The same version of the section, the page now in another one.
      const plan = await imported(env, build(src, '1.2.0', [section, ELSEWHERE[1]]));
      const row = plan.entities.find((e) => e.id === 'pm.section')!;
      assert.deepEqual([row.action, row.envHash === row.packageHash, row.moves], ['update', true, [{ path: 'pages.child', page: 'pm.child', to: 'pm.other' }]]);
      assert.match(row.reason ?? '', /holds menu pages the package places elsewhere \(pages\.child\)/);
      assert.match(formatPlan('local', plan), /update +page +pm\.section\n +no longer holds page pm\.child \(pages\.child\): the package moves it into page pm\.other\n/);
      assert.equal((await env.entity(me, 'pm.section')).body.pages, undefined, 'the page stands in one place');
      const job = await env.waitForJob((await env.startExport(me, { kind: 'workspace', code: 'pm' })).id);
      assert.equal(job.status, 'succeeded', job.error);
    } finally {
      await env.close();
    }
  });

  it('moved out of a section the package no longer carries: the plan fails, naming the page, the section and the way out', async () => {
    const src = path.join(dir, 'dropped');
    const env = await Environment.open({ dataDir: path.join(dir, 'env-dropped'), name: 'local' });
    try {
      await imported(env, build(src, '1.0.0', NESTED));
      const plan = await planOf(env, build(src, '1.1.0', [ELSEWHERE[1]]));
      const types = plan.checks.find((c) => c.name === 'types')!;
      assert.equal(plan.ok, false);
      assert.match(types.message, /^1 page the package places is also nested in a page the environment holds and the package does not carry/);
      assert.deepEqual(types.details, ['pm.child: nested in page pm.other in the package, and nested in page pm.section in the environment, which the package does not carry and an import does not change: carry page pm.section in the package without it (marked deleted, if it should go), or remove it from page pm.section first (PUT /v1/entities/pm.section with a body without it)']);
      // The first way out: the section carried, marked deleted; the update leaves the page out of it.
      const again = await imported(env, build(src, '1.2.0', [{ code: 'section', deleted: true }, ELSEWHERE[1]]));
      assert.deepEqual(again.entities.find((e) => e.id === 'pm.section')!.moves, [{ path: 'pages.child', page: 'pm.child', to: 'pm.other' }]);
      const job = await env.waitForJob((await env.startExport(me, { kind: 'workspace', code: 'pm' })).id);
      assert.equal(job.status, 'succeeded', job.error);
    } finally {
      await env.close();
    }
  });

  it('isola import --dry-run says, in English and Russian, which page leaves which section for which', () => {
    const src = path.join(dir, 'cli');
    const v1 = build(src, '1.0.0', NESTED);
    const first = isola(['import', v1], src);
    assert.equal(first.code, 0, first.out + first.err);
    const v2 = build(src, '1.1.0', ELSEWHERE);
    const en = isola(['import', v2, '--dry-run'], src);
    assert.equal(en.code, 0, en.out + en.err);
    assert.match(en.out, /\n {2}update +page +pm\.section\n {12}no longer holds page pm\.child \(pages\.child\): the package moves it into page pm\.other\n/);
    const ru = isola(['import', v2, '--dry-run', '--lang', 'ru'], src);
    assert.equal(ru.code, 0, ru.out + ru.err);
    assert.match(ru.out, /\n {2}update +page +pm\.section\n {12}больше не содержит страницу pm\.child \(pages\.child\): пакет переносит её в страницу pm\.other\n/);
  });

  it('put into a section it stood beside: the plan fails, naming both, and an export refuses an environment holding it twice', async () => {
    const src = path.join(dir, 'in');
    const env = await Environment.open({ dataDir: path.join(dir, 'env-in'), name: 'local' });
    try {
      await imported(env, build(src, '1.0.0', FLAT));
      const plan = await planOf(env, build(src, '1.1.0', NESTED));
      const types = plan.checks.find((c) => c.name === 'types')!;
      assert.equal(plan.ok, false);
      assert.match(types.message, /1 page the package nests in another page is a top-level page in the environment/);
      assert.deepEqual(types.details, ['pm.child: nested in page pm.section in the package, a top-level page in the environment, which an import does not remove: keep it at the top level in the package, or give the nested page another code']);

      // One written another way (a change in the environment) is refused by the export, which says what to mend.
      await env.changeEntity(me, 'pm.section', { body: { code: 'section', pages: [{ code: 'child', app: 'a' }] } });
      const job = await env.waitForJob((await env.startExport(me, { kind: 'workspace', code: 'pm' })).id);
      assert.equal(job.status, 'failed');
      assert.match(job.error ?? '', /MAN001 pm\.section: nested page `child` is also the top-level page pm\.child; a page has one place: remove it from page pm\.section \(PUT \/v1\/entities\/pm\.section with a body without it\)/);
    } finally {
      await env.close();
    }
  });
});
