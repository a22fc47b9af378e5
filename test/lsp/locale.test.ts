import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { DiagnosticTag } from 'vscode-languageserver-protocol/node';
import type { CodeAction, CompletionItem, CompletionList, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import type { BuildPackageResult } from '../../server/src/protocol';
import { EXAMPLES, listing, LspClient, messageOf, positionOf, useServer } from './client';

const SALES = 'sales.isola.json';
const CYRILLIC = /[А-Яа-яЁё]/;

const hoverText = async (c: LspClient, needle: string, offset = 2): Promise<string> => {
  const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: c.uri(SALES) }, position: positionOf(c.read(SALES), needle, offset) });
  return h ? (h.contents as MarkupContent).value : '';
};

const fixTitles = async (c: LspClient, d: Diagnostic): Promise<string[]> =>
  (await c.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: c.uri(SALES) }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] },
  })).map((a) => a.title);

const completionItems = async (c: LspClient, needle: string, at: number): Promise<CompletionItem[]> => {
  await c.open(SALES); // completion reads the open document
  const r = await c.request<CompletionList | CompletionItem[] | null>('textDocument/completion', { textDocument: { uri: c.uri(SALES) }, position: positionOf(c.read(SALES), needle, at) });
  assert.ok(r, 'no completion');
  return Array.isArray(r) ? r : r.items;
};

const typo = (ds: Diagnostic[]) => ds.find((d) => d.code === 'ISO006' && messageOf(d).includes('_companys'));

describe('the language server speaks the locale the client sends at initialize', () => {
  const ru = useServer(path.join(EXAMPLES, 'broken'), { locale: 'ru' });
  const none = useServer(path.join(EXAMPLES, 'broken'));

  it('locale ru: diagnostics in Russian, with the same codes, ranges and severities as in English', async () => {
    const russian = ru().diagnostics(SALES) ?? [];
    const english = none().diagnostics(SALES) ?? [];
    assert.ok(russian.length > 5, listing(russian));
    const shape = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.severity} ${JSON.stringify(d.range)}`).sort();
    assert.deepEqual(shape(russian), shape(english));
    for (const d of russian) assert.match(messageOf(d), CYRILLIC, `${d.code} ${messageOf(d)}`);
    const d = typo(russian);
    assert.ok(d, listing(russian));
    assert.equal(messageOf(d), 'Ссылка `_clients._companys` (приложение) не найдена: во встроенном разделе `_clients` (CRM) нет приложения `_companys`; возможно, имелось в виду `_clients._companies`?');
    const iso001 = russian.find((x) => x.code === 'ISO001');
    assert.match(messageOf(iso001!), /^Скрипт `reserve_stock` бизнес-процесса `approve_order`: установлен флаг Global, из-за него экспорт раздела `sales` невозможен/);
  });

  it('no locale: diagnostics in English', () => {
    const d = typo(none().diagnostics(SALES) ?? []);
    assert.ok(d);
    assert.equal(messageOf(d), 'Unknown app `_clients._companys`: no app `_companys` exists in built-in namespace `_clients` (CRM): did you mean `_clients._companies`?');
  });

  it('locale ru: hovers over references and declarations', async () => {
    const outside = await hoverText(ru(), 'crm_ext.lead_sources');
    assert.match(outside, /\*\*приложение\*\* `crm_ext\.lead_sources`/);
    assert.match(outside, /✗ Нарушает изоляцию: за пределами раздела `sales` \(ISO004\)\./);
    const builtin = await hoverText(ru(), '_projects._tasks');
    assert.match(builtin, /Встроенный объект \(приложение\)/);
    assert.match(builtin, /⚠ Лицензируемый/);
    assert.match(await hoverText(none(), 'crm_ext.lead_sources'), /✗ Breaks isolation: outside workspace `sales` \(ISO004\)\./);
  });

  it('locale ru: quick-fix titles', async () => {
    const c = ru();
    const d = typo(c.diagnostics(SALES) ?? []);
    assert.deepEqual(await fixTitles(c, d!), ['Заменить на `_clients._companies`']);
    const warning = (c.diagnostics(SALES) ?? []).find((x) => x.code === 'ISO007')!;
    assert.deepEqual(await fixTitles(c, warning), ['Подавить ISO007 в этой строке (с указанием причины)']);
    assert.deepEqual(await fixTitles(none(), typo(none().diagnostics(SALES) ?? [])!), ['Change to `_clients._companies`']);
  });

  it('locale ru: completion details and notes', async () => {
    const items = await completionItems(ru(), '"_projects._tasks"', 1);
    const tasks = items.find((i) => i.label === '_projects._tasks');
    assert.ok(tasks, items.map((i) => i.label).join(', '));
    assert.match(String(tasks.detail), /приложение · встроенный: Projects \(лицензируемый\)/);
    assert.equal((tasks.documentation as MarkupContent).value, 'Встроенный: есть в любом окружении.');
  });

  it('locale ru: MAN004 in Russian, still faded when unused and removed by its quick fix', async () => {
    const c = ru();
    const text = c.isOpen(SALES) ? c.read(SALES) : await c.open(SALES);
    const at = text.indexOf('        { "code": "sync_lead"');
    await c.change(SALES, `${text.slice(0, at)}        // isola-disable-next-line ISO007 -- reason\n${text.slice(at)}`);
    const ds = await c.waitForDiagnostics(SALES, (d) => d.some((x) => x.code === 'MAN004'));
    const man004 = ds.filter((d) => d.code === 'MAN004');
    assert.equal(man004.length, 1, listing(ds));
    assert.equal(messageOf(man004[0]), 'Неиспользуемое подавление: в следующей строке нет срабатывания ISO007');
    assert.deepEqual(man004[0].tags, [DiagnosticTag.Unnecessary]);
    assert.deepEqual(await fixTitles(c, man004[0]), ['Удалить неиспользуемый комментарий подавления']);
    await c.change(SALES, text);
    await c.waitForDiagnostics(SALES, (d) => !d.some((x) => x.code === 'MAN004'));
  });

  it('locale ru: a refused build lists its findings in Russian, with the codes of English', async () => {
    const build = (c: LspClient) => c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri(SALES), data: 'none', out: c.path('sales.isolapkg') });
    const [ruR, enR] = [await build(ru()), await build(none())];
    assert.ok(ruR.refused && enR.refused, JSON.stringify([ruR, enR]));
    assert.deepEqual(ruR.refused.findings.map((f) => `${f.code} ${f.line}:${f.character}`), enR.refused.findings.map((f) => `${f.code} ${f.line}:${f.character}`));
    assert.ok(ruR.refused.findings.length > 5);
    for (const f of ruR.refused.findings) assert.match(f.message, CYRILLIC, f.message);
    for (const f of enR.refused.findings) assert.doesNotMatch(f.message, CYRILLIC, f.message);
  });
});

describe('ru-RU and languages Isola does not speak', () => {
  const ruRU = useServer(path.join(EXAMPLES, 'broken'), { locale: 'ru-RU' });
  const de = useServer(path.join(EXAMPLES, 'broken'), { locale: 'de' });

  it('ru-RU is Russian; de falls back to English', () => {
    assert.match(messageOf(typo(ruRU().diagnostics(SALES) ?? [])!), /^Ссылка `_clients._companys`/);
    assert.match(messageOf(typo(de().diagnostics(SALES) ?? [])!), /^Unknown app `_clients._companys`/);
  });
});
