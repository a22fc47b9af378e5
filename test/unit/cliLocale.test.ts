import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const CYRILLIC = /[А-Яа-яЁё]/;

/** Runs the bundled CLI with exactly these locale variables (the others removed). */
function isola(args: string[], locale: Record<string, string>) {
  const env = { ...process.env };
  for (const v of ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE']) delete env[v];
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...env, ...locale } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const findingLines = (out: string) => out.split('\n').filter((l) => /^\S+:\d+:\d+ /.test(l));

describe('isola check in the user\'s language', () => {
  before(() => assert.ok(existsSync(CLI), 'dist/cli.js is built by `npm run build` before the tests'));

  it('LANG=ru_RU.UTF-8: findings and the summary in Russian; positions, severities and codes as in English', () => {
    const ru = isola(['check', 'examples/broken'], { LANG: 'ru_RU.UTF-8' });
    const en = isola(['check', 'examples/broken'], { LANG: 'en_US.UTF-8' });
    assert.equal(ru.code, 1, ru.err);
    assert.equal(en.code, 1, en.err);
    const head = (l: string) => l.split(' ').slice(0, 3).join(' ');
    assert.deepEqual(findingLines(ru.out).map(head), findingLines(en.out).map(head));
    assert.ok(findingLines(ru.out).length > 10);
    // MAN002's JSON syntax message quotes the parser's English; the rest is Russian.
    for (const l of findingLines(ru.out)) assert.match(l, CYRILLIC, l);
    assert.ok(ru.out.includes('sales.isola.json:25:69 error ISO006 Ссылка `_clients._companys` (приложение) не найдена'), ru.out);
    assert.match(ru.out, /\n12 ошибок, 2 предупреждения, 0 замечаний в 4 манифестах\n$/);
    assert.match(en.out, /\n12 errors, 2 warnings, 0 infos in 4 manifests\n$/);
  });

  it('--lang wins over the locale, before or after the command; LC_ALL wins over LANG', () => {
    for (const args of [['--lang', 'en', 'check', 'examples/broken'], ['check', 'examples/broken', '--lang=en']]) {
      const r = isola(args, { LANG: 'ru_RU.UTF-8' });
      assert.doesNotMatch(r.out, CYRILLIC, args.join(' '));
      assert.match(r.out, /\n12 errors, 2 warnings, 0 infos in 4 manifests\n$/, args.join(' '));
    }
    assert.match(isola(['check', 'examples/broken', '--lang', 'ru'], { LANG: 'C' }).out, /12 ошибок/);
    assert.doesNotMatch(isola(['check', 'examples/broken'], { LC_ALL: 'C', LANG: 'ru_RU.UTF-8' }).out, CYRILLIC);
  });

  it('usage errors in Russian, an unknown command too; an unknown --lang in English (no language was chosen)', () => {
    const bad = isola(['check', 'examples/broken', '--format', 'xml'], { LANG: 'ru_RU.UTF-8' });
    assert.equal(bad.code, 2);
    assert.equal(bad.err, 'isola check: неизвестный формат "xml": укажите text, json или sarif\n');
    const unknown = isola(['frobnicate'], { LANG: 'ru_RU.UTF-8' });
    assert.equal(unknown.code, 2);
    assert.equal(unknown.err, 'isola: неизвестная команда "frobnicate" (см. isola help)\n');
    assert.equal(isola(['frobnicate'], {}).err, 'isola: unknown command "frobnicate" (try: isola help)\n');
    const lang = isola(['check', '--lang', 'de', 'examples/broken'], {});
    assert.equal(lang.code, 2);
    assert.equal(lang.err, 'isola: unknown language "de": use en or ru\n');
  });

  it('isola help in Russian: every command with the same syntax as in English, described in Russian', () => {
    const ru = isola(['help'], { LANG: 'ru_RU.UTF-8' });
    const en = isola(['help', '--lang', 'en'], { LANG: 'ru_RU.UTF-8' });
    assert.equal(ru.code, 0);
    assert.equal(en.code, 0);
    assert.match(ru.out, /^Использование: isola <команда>/);
    assert.match(en.out, /^Usage: isola <command>/);
    // A command's line and its continuation lines of options: the same words in both languages.
    const syntax = (out: string) => out.split('\n').filter((l) => /^ {2}[a-z]/.test(l) || /^ {5,}\[/.test(l)).map((l) => l.trim().split(/\s{2,}/)[0]);
    assert.deepEqual(syntax(ru.out), syntax(en.out));
    assert.ok(syntax(en.out).length >= 15, syntax(en.out).join('\n'));
    const descriptions = ru.out.split('\n').filter((l) => /^ {21}\S/.test(l) && !/^ {21}--/.test(l));
    assert.ok(descriptions.length > 10);
    for (const l of descriptions) assert.match(l, CYRILLIC, l);
    assert.equal(isola(['--lang', 'ru'], {}).out, ru.out);
  });

  it('isola build refused: the blocking findings and their summary in Russian, the same codes as in English', () => {
    const out = path.join(os.tmpdir(), `isola-locale-${process.pid}.isolapkg`);
    const ru = isola(['build', 'examples/broken', '--package', 'sales', '--out', out], { LANG: 'ru_RU.UTF-8' });
    const en = isola(['build', 'examples/broken', '--package', 'sales', '--out', out], {});
    assert.equal(ru.code, 1, ru.err);
    assert.ok(!existsSync(out), 'no package is written');
    const head = (l: string) => l.split(' ').slice(0, 3).join(' ');
    assert.deepEqual(findingLines(ru.out).map(head), findingLines(en.out).map(head));
    for (const l of findingLines(ru.out)) assert.match(l, CYRILLIC, l);
    assert.match(ru.out, /\n10 ошибок, 0 предупреждений, 0 замечаний в 1 манифесте\n$/);
    // The reason too: the builder checks and words its refusal in the user's language.
    assert.match(ru.err, /^isola build: отказ: раздел `sales`: \d+ ошибок изоляции \((ISO\d{3}(, )?)+\) и 2 ошибки манифеста \(MAN001, MAN002\); исправьте их до сборки\n$/);
    assert.match(en.err, /^isola build: refused: workspace `sales` has \d+ isolation errors \((ISO\d{3}(, )?)+\) and 2 manifest errors \(MAN001, MAN002\); fix them before building\n$/);
  });

  it('isola check --explain: the finding, the path and the conclusion in Russian, at the places of English', () => {
    const ru = isola(['check', 'examples/payments', '--explain', 'ISO009@examples/payments/payments/payments.isola.json:100:106'], { LANG: 'ru_RU.UTF-8' });
    const en = isola(['check', 'examples/payments', '--explain', 'ISO009@examples/payments/payments/payments.isola.json:100:106'], {});
    assert.equal(ru.code, 0, ru.err);
    const places = (out: string) => out.split('\n').map((l) => /\(([^()]*:\d+:\d+)\)$/.exec(l)?.[1] ?? '');
    assert.deepEqual(places(ru.out), places(en.out));
    assert.match(ru.out, /^Путь от решения `payments_solution`:$/m);
    assert.match(ru.out, /→ и решение `payments_solution` также включает модуль `accounting` \(`accounting\/accounting\.isola\.json`\)/);
    assert.match(ru.out, /по отдельности раздел `payments` её не переносит: ISO009\.\n$/);
    assert.match(ru.out.split('\n')[0], / info ISO009 .*разрешается только потому/);
    const bad = isola(['check', 'examples/broken', '--explain', 'ISO005@sales.isola.json:1'], { LANG: 'ru_RU.UTF-8' });
    assert.equal(bad.code, 2);
    assert.equal(bad.err, 'isola check: --explain прослеживает только срабатывания на ссылках (ISO002, ISO003, ISO004, ISO006, ISO007, ISO009), а не ISO005\n');
  });

  it('JSON and SARIF: the same keys, codes and rule ids in both languages; only messages differ', () => {
    const ru = JSON.parse(isola(['check', 'examples/broken', '--format', 'json'], { LANG: 'ru_RU.UTF-8' }).out);
    const en = JSON.parse(isola(['check', 'examples/broken', '--format', 'json'], {}).out);
    const keys = (v: unknown): string[] => (v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)]) : []);
    assert.deepEqual(keys(ru), keys(en));
    const noMessage = (r: { diagnostics: { message: string }[] }) => ({ ...r, diagnostics: r.diagnostics.map(({ message: _m, ...d }) => d) });
    assert.deepEqual(noMessage(ru), noMessage(en));
    assert.match(ru.diagnostics.find((d: { code: string }) => d.code === 'ISO004').message, CYRILLIC);
    const sarif = (locale: Record<string, string>) => JSON.parse(isola(['check', 'examples/broken', '--format', 'sarif'], locale).out).runs[0];
    const [sr, se] = [sarif({ LANG: 'ru_RU.UTF-8' }), sarif({})];
    assert.deepEqual(sr.tool.driver.rules.map((r: { id: string }) => r.id), se.tool.driver.rules.map((r: { id: string }) => r.id));
    assert.deepEqual(sr.results.map((r: { ruleId: string }) => r.ruleId), se.results.map((r: { ruleId: string }) => r.ruleId));
  });
});

describe('the package and project commands in the user\'s language', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-locale-'));
    // A copy: a build records its history next to the project.
    cpSync(path.join(REPO, 'examples/payments'), path.join(tmp, 'payments'), { recursive: true });
    const built = isola(['build', path.join(tmp, 'payments'), '--package', 'payments_solution', '--out', path.join(tmp, 'p.isolapkg')], {});
    assert.equal(built.code, 0, built.err);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('isola inspect: the descriptor\'s words, the data and the summary in Russian; kinds of cards, steps and codes as in English', () => {
    const ru = isola(['inspect', path.join(tmp, 'p.isolapkg')], { LANG: 'ru_RU.UTF-8' });
    const en = isola(['inspect', path.join(tmp, 'p.isolapkg')], {});
    assert.equal(ru.code, 0, ru.err);
    assert.match(ru.out, /^решение payments_solution 2\.1\.0 — Payments\n  формат isola-package 1, собран /);
    assert.match(ru.out, /\n  параметры: дизайн all, данные none\nШаги импорта:\n/);
    assert.match(ru.out, /\nЭлементов архива: \d+, [\d.]+ KB без сжатия; все контрольные суммы совпадают, все записи читаются\.\n$/);
    assert.match(en.out, /^solution payments_solution 2\.1\.0 — Payments\n  isola-package format 1, built /);
    assert.match(en.out, /\n\d+ entries, [\d.]+ KB uncompressed; every checksum verified, every record readable\.\n$/);
    // The card lines (step, type, id) are the same in both languages.
    const cards = (out: string) => out.split('\n').filter((l) => /^ {2,4}\S/.test(l) && !/[А-Яа-яЁё]|format|source|platform|options/.test(l));
    assert.deepEqual(cards(ru.out), cards(en.out));
    const usage = isola(['inspect'], { LANG: 'ru_RU.UTF-8' });
    assert.equal(usage.code, 2);
    assert.equal(usage.err, 'isola inspect: использование: isola inspect FILE [--format text|json]\n');
  });

  it('isola unpack --dry-run: the status words and the summary in Russian, the files as in English', () => {
    const ru = isola(['unpack', path.join(tmp, 'p.isolapkg'), '--dir', path.join(tmp, 'unpacked'), '--dry-run'], { LANG: 'ru_RU.UTF-8' });
    const en = isola(['unpack', path.join(tmp, 'p.isolapkg'), '--dir', path.join(tmp, 'unpacked'), '--dry-run'], {});
    assert.equal(ru.code, 0, ru.err);
    assert.match(ru.out, /^Будет распакован пакет \(решение payments_solution 2\.1\.0\) в /);
    assert.match(ru.out, /\n  создан {8}payments_solution\.isola\.json\n/);
    assert.match(ru.out, /\nсоздано: 8, изменено: 0, без изменений: 0 \(пробный запуск: ничего не записано\)\n$/);
    assert.match(en.out, /^Would unpack solution payments_solution 2\.1\.0 into /);
    assert.match(en.out, /\n8 created, 0 changed, 0 unchanged \(dry run: nothing written\)\n$/);
    const files = (out: string) => out.split('\n').slice(1, -2).map((l) => l.trim().split(/\s+/).pop());
    assert.deepEqual(files(ru.out), files(en.out));
    assert.ok(!existsSync(path.join(tmp, 'unpacked')), 'a dry run writes nothing');
  });

  it('isola graph, export, import and build: their refusals in Russian; the graph itself is the same file in both languages', () => {
    const graph = isola(['graph', 'examples/payments', '--package', 'nope'], { LANG: 'ru_RU.UTF-8' });
    assert.equal(graph.code, 2);
    assert.match(graph.err, /^isola graph: пакета "nope" нет в .*payments; пакеты в этой папке: solution payments_solution, /);
    const args = ['graph', 'examples/payments', '--package', 'payments_solution', '--format', 'mermaid'];
    assert.equal(isola(args, { LANG: 'ru_RU.UTF-8' }).out, isola(args, {}).out);
    const imp = isola(['import', 'p.isolapkg', '--on-conflict', 'merge'], { LANG: 'ru_RU.UTF-8' });
    assert.equal(imp.code, 2);
    assert.equal(imp.err, 'isola import: --on-conflict принимает cancel или replace (указано "merge")\n');
    assert.equal(isola(['import', 'p.isolapkg', '--on-conflict', 'merge'], {}).err, 'isola import: --on-conflict must be cancel or replace (got "merge")\n');
    const build = isola(['build', 'examples/payments', '--design', 'some'], { LANG: 'ru_RU.UTF-8' });
    assert.equal(build.err, 'isola build: --design принимает all или none, а не "some"\n');
    const exp = isola(['export', '--package', 'sales'], { LANG: 'ru_RU.UTF-8' });
    assert.equal(exp.code, 2);
    assert.equal(exp.err, 'isola export: укажите --out FILE\n');
  });

  it('isola import --dry-run into local: the plan\'s checks, data lines and choice in Russian; names, counts and ids as in English', () => {
    // The package with its data, left out by --data none; each language imports into its own fresh
    // project folder (the local environment lives there).
    cpSync(path.join(REPO, 'examples/invoices'), path.join(tmp, 'invoices'), { recursive: true });
    const withData = path.join(tmp, 'with-data.isolapkg');
    const built = isola(['build', path.join(tmp, 'invoices'), '--package', 'invoices', '--data', 'all', '--out', withData], {});
    assert.equal(built.code, 0, built.err);
    const run = (lang: string) => {
      const dir = path.join(tmp, `import-${lang}`);
      cpSync(withData, path.join(dir, 'p.isolapkg'));
      const env = { ...process.env };
      for (const v of ['LC_ALL', 'LC_MESSAGES', 'LANG', 'LANGUAGE']) delete env[v];
      const r = spawnSync(process.execPath, [CLI, 'import', 'p.isolapkg', '--env', 'local', '--dry-run', '--data', 'none', '--lang', lang], { cwd: dir, encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      return r.stdout.split('\n');
    };
    const ru = run('ru');
    const en = run('en');
    const checks = (lines: string[]) => lines.filter((l) => /^ {2}(ok {2}|FAIL) /.test(l));
    assert.ok(checks(en).length >= 8, en.join('\n'));
    // The same checks, passed or failed alike; each said in Russian, where English says it in English.
    assert.deepEqual(checks(ru).map((l) => l.split(':')[0]), checks(en).map((l) => l.split(':')[0]));
    for (const l of checks(ru)) assert.match(l.slice(l.indexOf(':') + 1), CYRILLIC, l);
    assert.ok(en.includes('  ok   format: format version 1 (this environment reads up to 1)'), en.join('\n'));
    assert.ok(ru.includes('  ok   format: версия формата 1 (окружение читает версии до 1)'), ru.join('\n'));
    assert.ok(en.includes('  ok   isolation: the package is isolated'));
    assert.ok(ru.includes('  ok   isolation: пакет изолирован'));
    // What the choice leaves out: the data, app by app, with the same counts.
    const leftOut = (lines: string[], word: RegExp) => lines.filter((l) => word.test(l)).map((l) => l.replace(/\D+/g, ' ').trim());
    assert.ok(leftOut(en, /^ {2}left out data of /).length > 0, en.join('\n'));
    assert.deepEqual(leftOut(ru, /^ {2}не импортируются данные /), leftOut(en, /^ {2}left out data of /));
    // Counts and entity lines are the API's words in both.
    const rest = (lines: string[]) => lines.filter((l) => /^ {2}\d+ create, /.test(l) || /^ {2}(create|update|conflict|kept) /.test(l));
    assert.deepEqual(rest(ru), rest(en));
  });

  it('isola init: what it created, the next step and the refusal in Russian; the files it writes are the same', () => {
    const ru = isola(['init', path.join(tmp, 'ru-proj'), '--code', 'sales'], { LANG: 'ru_RU.UTF-8' });
    const en = isola(['init', path.join(tmp, 'en-proj'), '--code', 'sales'], {});
    assert.equal(ru.code, 0, ru.err);
    assert.match(ru.out, /^Создан проект \(раздел sales\) в .*ru-proj:\n  создан {4}isola\.config\.json\n/);
    assert.match(ru.out, /\nДальше: cd .*ru-proj && isola check && /);
    assert.match(en.out, /^Created workspace sales in .*en-proj:\n  created   isola\.config\.json\n/);
    for (const f of ['isola.config.json', 'sales.isola.json', '.gitignore']) {
      assert.equal(readFileSync(path.join(tmp, 'ru-proj', f), 'utf8'), readFileSync(path.join(tmp, 'en-proj', f), 'utf8'), f);
    }
    const again = isola(['init', path.join(tmp, 'ru-proj'), '--code', 'sales'], { LANG: 'ru_RU.UTF-8' });
    assert.equal(again.code, 1);
    assert.match(again.err, /^isola init: отказ, ничего не записано: isola\.config\.json, sales\.isola\.json, \.github\/workflows\/isola\.yml уже есть в .*; init никогда не перезаписывает файлы \(переместите их/);
  });
});
