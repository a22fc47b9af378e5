/**
 * What a new user reads (issue 16): which findings block a build, counts in the right number,
 * zero counts that do not alarm, an empty reference while typing, empty environment folders, a
 * rebuild that replaces a package of the same version, and the totals examples/broken/README.md
 * states.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { countsHtml, countWords, planHtml, PlanSession } from '../../client/src/environments/planHtml';
import { backupDescription, emptyFolderWords, entityTooltip, namespaceDescription } from '../../client/src/views/environmentWords';
import { BuildRefused, buildPackage } from '../../server/src/core/packaging/builder';
import type { Descriptor } from '../../server/src/core/packaging/format';
import { replacedBy, replacedWords } from '../../server/src/core/packaging/replaced';
import { blockingWords, plural } from '../../server/src/core/report/words';
import { translator } from '../../server/src/core/l10n';
import type { ImportPlan } from '../../server/src/core/environment/types';
import { project } from './helpers';
import { run, workspace } from './rules/fixtures';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');

describe('words: counts', () => {
  it('a count takes its noun in the right number', () => {
    assert.equal(plural(1, 'entity', 'entities'), '1 entity');
    assert.equal(plural(0, 'entity', 'entities'), '0 entities');
    assert.equal(plural(2, 'record'), '2 records');
    assert.equal(plural(1, 'record'), '1 record');
  });

  it('namespaces and backups in the Environments view: "1 entity", never "1 entities"', () => {
    assert.equal(namespaceDescription({ code: 'hr', kind: 'workspace', title: 'HR', entities: 1, records: 0 }), 'workspace · HR · 1 entity');
    assert.equal(namespaceDescription({ code: 'hr', kind: 'workspace', entities: 3, records: 1 }), 'workspace · 3 entities, 1 record');
    const b = { id: 'b', jobId: 'j', createdAt: '', createdBy: 'me', namespaces: ['hr'], entities: 1, records: 1 };
    assert.equal(backupDescription(b), 'hr · 1 entity, 1 record');
    assert.equal(backupDescription({ ...b, entities: 2, records: 0, restoredAt: 'x' }), 'hr · 2 entities, 0 records · restored');
  });

  it('an empty Namespaces, Imports and Exports or Backups folder says "none yet"', () => {
    for (const f of ['namespaces', 'jobs', 'backups'] as const) {
      const w = emptyFolderWords(f);
      assert.equal(w.label, 'none yet', f);
      assert.ok(w.description.length > 0, f);
    }
  });
});

describe('words: the import plan', () => {
  const session = (counts: ImportPlan['counts'], entities: ImportPlan['entities'] = []): PlanSession => ({
    env: 'staging', production: false, file: '/x.isolapkg', packageId: 'k',
    plan: {
      id: 'p', package: { id: 'k', kind: 'workspace', code: 'invoices', sha256: 'x' }, namespaces: ['invoices'], checks: [], ok: true,
      entities, data: [{ app: 'invoices.payment_purposes', records: 1, existing: 0 }], counts, revision: 1, createdAt: '', createdBy: 'me',
    },
  });

  it('"0 conflicts" is drawn like any zero, not in the conflict colour; "1 conflict" is', () => {
    const zero = countsHtml({ create: 2, update: 0, conflict: 0, unchanged: 5, kept: 0 });
    assert.match(zero, /<span class="count zero">0 conflicts<\/span>/);
    assert.match(zero, /<span class="count create">2 to create<\/span>/);
    assert.doesNotMatch(zero, /class="count conflict"/);
    const one = countsHtml({ create: 0, update: 1, conflict: 1, unchanged: 0, kept: 0 });
    assert.match(one, /<span class="count conflict">1 conflict<\/span>/);
    assert.equal(countWords('update', 1), '1 to update');
  });

  it('data says "1 record"; a row shows what an update keeps and an older package version', () => {
    const html = planHtml(session({ create: 0, update: 1, conflict: 1, unchanged: 0, kept: 0 }, [
      { id: 'invoices.invoices', type: 'app', namespace: 'invoices', action: 'update', kept: ['fields.accounting_code', 'title'] },
      { id: 'invoices.accountants', type: 'group', namespace: 'invoices', action: 'conflict', older: true, reason: 'changed there' },
    ]), 'n');
    assert.match(html, /1 record, 0 already in the environment/);
    assert.doesNotMatch(html, /record\(s\)/);
    assert.match(html, /keeps the environment's <code>fields\.accounting_code<\/code>, <code>title<\/code>/);
    assert.match(html, /the package's version is older than the environment's/);
  });

  it('a page\'s row says which nested page leaves it and for where, before the import moves it, in the display language', () => {
    const plan = session({ create: 0, update: 2, conflict: 0, unchanged: 0, kept: 0 }, [
      { id: 'pm.section', type: 'page', namespace: 'pm', action: 'update', moved: ['pages.child', 'pages.group.pages.deep'], moves: [
        { path: 'pages.child', page: 'pm.child', to: 'pm.other' },
        { path: 'pages.group.pages.deep', page: 'pm.deep' },
      ] },
      // A service that says only the paths.
      { id: 'pm.old', type: 'page', namespace: 'pm', action: 'update', moved: ['pages.x'] },
    ]);
    const html = planHtml(plan, 'n');
    assert.match(html, /<div class="moved">no longer holds page <code>pm\.child<\/code> \(<code>pages\.child<\/code>\): the package moves it into page <code>pm\.other<\/code><\/div>/);
    assert.match(html, /<div class="moved">no longer holds page <code>pm\.deep<\/code> \(<code>pages\.group\.pages\.deep<\/code>\): the package makes it a top-level page<\/div>/);
    assert.match(html, /<div class="moved">no longer holds <code>pages\.x<\/code>: the package places them elsewhere<\/div>/);
    // In Russian, as VS Code's bundle says it.
    const bundle = JSON.parse(readFileSync(path.join(REPO, 'l10n/bundle.l10n.ru.json'), 'utf8')) as Record<string, string>;
    const ru = planHtml(plan, 'n', undefined, (m, ...args) => bundle[m].replace(/\{(\d+)\}/g, (_all, i: string) => String(args[Number(i)])));
    assert.match(ru, /больше не содержит страницу <code>pm\.child<\/code> \(<code>pages\.child<\/code>\): пакет переносит её в страницу <code>pm\.other<\/code>/);
    // What the service sends is text.
    const hostile = planHtml(session({ create: 0, update: 1, conflict: 0, unchanged: 0, kept: 0 }, [
      { id: 'pm.s', type: 'page', namespace: 'pm', action: 'update', moves: [{ path: 'pages.c', page: '<button id="apply">', to: '<img src=x>' }] },
    ]), 'n');
    assert.match(hostile, /no longer holds page <code>&#60;button id=&#34;apply&#34;&#62;<\/code>/);
    assert.doesNotMatch(hostile, /<img/);
    assert.equal(hostile.match(/<button id="apply"/g)?.length, 1, 'the page\'s own Import button only');
  });

  it('a reason that says the package is older, in any language, is not followed by the same note again', () => {
    const older = { id: 'invoices.accountants', type: 'group', namespace: 'invoices', action: 'conflict' as const, older: true };
    const said = { key: 'plan.reason.older' as const, args: { by: 'ana', at: '2026-12-05T10:00:00Z' } };
    const ru = planHtml(session({ create: 0, update: 0, conflict: 1, unchanged: 0, kept: 0 }, [
      { ...older, reason: 'старше, чем в окружении: версия пакета есть в истории окружения раньше текущей', said },
    ]), 'n');
    assert.match(ru, /старше, чем в окружении/);
    assert.doesNotMatch(ru, /the package's version is older than the environment's/);
    // A reason of another sentence keeps the note, whatever its words.
    const other = planHtml(session({ create: 0, update: 0, conflict: 1, unchanged: 0, kept: 0 }, [
      { ...older, reason: 'изменён в окружении (older)', said: { key: 'plan.reason.changedHere', args: { by: 'ana', at: 'x' } } },
    ]), 'n');
    assert.match(other, /the package's version is older than the environment's/);
  });
});

describe('words: what a hostile service sends is shown as text', () => {
  // Markup where the plan has a count, a revision, a check's name: a button that would stand before the real Import.
  const X = '<button id="apply">Cancel</button><form action="https://attacker.example/x"><input name=q></form>';
  const plan = {
    id: 'p', ok: true, package: { id: 'k', kind: 'workspace', code: 'w', sha256: 'x' }, namespaces: ['w'], createdAt: 'now', createdBy: 'me', revision: X,
    counts: { create: X, update: 0, conflict: 0, unchanged: 0, kept: 0 },
    checks: [{ name: X, ok: true, message: 'fine' }],
    entities: [{ id: 'w.a', type: 'app', namespace: 'w', action: 'create' }, { id: 'w.b', type: 'app', namespace: 'w', action: 'unchanged' }],
    data: [{ app: 'w.a', records: X, existing: X }],
    choice: { design: 'all', data: 'all', offered: { entities: X, apps: [{ app: 'w.a', records: X }] }, leftOut: { entities: X, apps: [{ app: 'w.a', records: X }] } },
  } as unknown as ImportPlan;

  it('the import plan\'s page: one Import button, its own, and no form of the service\'s', () => {
    const html = planHtml({ env: 'staging', production: false, file: '/x.isolapkg', packageId: 'k', plan }, 'n');
    assert.equal(html.match(/<button/g)?.length, 2, html);
    assert.equal(html.match(/<button id="apply"/g)?.length, 1);
    assert.match(html, /<button id="apply">Import<\/button>/);
    assert.equal(html.match(/<form/g)?.length, 1);
    assert.doesNotMatch(html, /attacker\.example\/x"/);
    // Shown as the text it is, in each place.
    assert.match(html, /at revision &#60;button id=&#34;apply&#34;&#62;Cancel/);
    assert.match(html, /<b>&#60;button id=&#34;apply&#34;&#62;Cancel/);
  });

  it('an entity\'s tooltip in the Environments view: the title as one line of text, no link or image', () => {
    const tip = entityTooltip({ id: 'w.a', type: 'app', namespace: 'w', hash: 'h', body: { title: 'A\n\n**Safe to import.** ![](https://attacker.example/p.png) [Fix](https://attacker.example/fix)' }, updatedAt: 'now', updatedBy: 'eve [x](https://attacker.example)' } as never);
    assert.doesNotMatch(tip, /(?<!\\)!\[|(?<!\\)\]\(/, tip);
    assert.match(tip, /\n\nA \\\*\\\*Safe to import\\\.\\\*\\\* /);
  });
});

describe('words: builds', () => {
  it('says which findings block a build, by family with their codes', () => {
    assert.equal(blockingWords(['MAN002']), '1 manifest error (MAN002)');
    assert.equal(blockingWords(['ISO004', 'ISO006', 'ISO004']), '3 isolation errors (ISO004, ISO006)');
    assert.equal(blockingWords(['MAN003', 'ISO001']), '1 isolation error (ISO001) and 1 manifest error (MAN003)');
    const ru = translator('ru');
    assert.equal(blockingWords(['MAN002'], ru), '1 ошибка манифеста (MAN002)');
    assert.equal(blockingWords(['ISO004', 'ISO006', 'ISO004'], ru), '3 ошибки изоляции (ISO004, ISO006)');
    assert.equal(blockingWords(['ISO001', 'ISO001', 'ISO002', 'ISO003', 'ISO004'], ru), '5 ошибок изоляции (ISO001, ISO002, ISO003, ISO004)');
    assert.equal(blockingWords(['MAN003', 'ISO001', 'X1'], ru), '1 ошибка изоляции (ISO001), 1 ошибка манифеста (MAN003) и 1 ошибка (X1)');
    assert.equal(blockingWords([], ru), 'нет ошибок');
  });

  it('a build refused for malformed JSON or a missing include calls them manifest errors, not isolation errors', async () => {
    const cases: [string, Record<string, string | object>, RegExp][] = [
      ['broken', { 'broken.isola.json': '{ "kind": "workspace", "code": "broken" "version": "1.0.0" }' }, /^workspace `broken` has 1 manifest error \(MAN002\); fix it before building$/],
      ['bundle', { 'bundle.isola.json': { kind: 'solution', code: 'bundle', version: '1.0.0', includes: ['missing/missing.isola.json'] } }, /^solution `bundle` has 1 manifest error \(MAN003\); fix it before building$/],
    ];
    for (const [code, files, want] of cases) {
      const p = await project(files);
      const pkg = p.packages.find((x) => x.code === code);
      assert.ok(pkg, `${code}: ${p.packages.map((x) => x.code).join(', ')}`);
      await assert.rejects(buildPackage({ project: p, pkg, out: '/nowhere/x.isolapkg', history: {}, tool: { name: 'isola', version: '0' } }), (e: unknown) => {
        assert.ok(e instanceof BuildRefused, String(e));
        assert.match(e.message, want);
        return true;
      });
    }
  });

  it('a rebuild under the same name says what it replaced: the same content, or other content of the same version', () => {
    const d = (over: Partial<Descriptor> = {}): Descriptor => ({
      format: 'isolapkg', formatVersion: 1, kind: 'workspace', code: 'invoices', version: '1.0.0', options: { design: 'all', data: 'none' },
      createdAt: 't1', createdBy: 'a', source: 's', tool: { name: 'isola', version: '0' }, steps: [], data: [],
      entries: [{ path: 'apps/invoices.invoices.card.json', sha256: 'aa', size: 1 }], history: {}, ...over,
    } as Descriptor);
    assert.equal(replacedBy(undefined, d()), undefined);
    const same = replacedBy(d({ createdAt: 't0', title: 'old title' }), d())!;
    assert.deepEqual(same, { version: '1.0.0', same: true });
    assert.equal(replacedWords('invoices-1.0.0.isolapkg', d(), same), 'It replaced invoices-1.0.0.isolapkg, an earlier build with the same content.');
    const other = replacedBy(d({ entries: [{ path: 'apps/invoices.invoices.card.json', sha256: 'bb', size: 1 }] }), d())!;
    assert.equal(other.same, false);
    assert.match(replacedWords('invoices-1.0.0.isolapkg', d(), other), /an earlier package of the same version 1\.0\.0 with different content: raise "version"/);
    assert.equal(replacedBy(d({ options: { design: 'all', data: 'all' } }), d())!.same, false, 'other options are other content');
    assert.match(replacedWords('x.isolapkg', d(), replacedBy(null, d())!), /not a readable package/);
  });
});

describe('words: references', () => {
  it('an empty reference says a reference is expected, not that `` exists nowhere', async () => {
    const c = await run({ 'sales/sales.isola.json': workspace('sales', { apps: [{ code: 'orders', fields: [{ code: 'payer', type: 'app', app: '' }] }] }) });
    const d = c.one('ISO006');
    assert.equal(d.message, 'Empty app reference: an app is expected here, as `code` (in this namespace) or `namespace.code`');
    assert.doesNotMatch(d.message, /``/);
  });
});

describe('words: examples/broken/README.md', () => {
  it('states the totals `isola check examples/broken` prints', (t) => {
    if (!existsSync(CLI)) return t.skip('dist/cli.js is built by `npm run build`');
    const r = spawnSync(process.execPath, [CLI, 'check', path.join(REPO, 'examples/broken')], { encoding: 'utf8' });
    const total = /^(\d+) errors?, (\d+) warnings?, (\d+) infos? in (\d+) manifests?$/m.exec(r.stdout);
    assert.ok(total, r.stdout);
    const readme = readFileSync(path.join(REPO, 'examples/broken/README.md'), 'utf8').replace(/\s+/g, ' ');
    const said = /\(exit status 1; (\d+) errors, (\d+) warnings, (\d+) infos over (\d+) manifests/.exec(readme);
    assert.ok(said, 'the README states no totals');
    assert.deepEqual(said.slice(1), total.slice(1));
  });
});
