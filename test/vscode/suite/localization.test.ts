/// <reference types="mocha" />
/**
 * The extension speaks VS Code's display language: command titles come from package.nls.json or
 * package.nls.LANG.json, the client's messages from l10n/bundle.l10n.LANG.json, and the language
 * server's diagnostics are in that language too. Run in English (the default), the tests see
 * English; run with ISOLA_E2E_LOCALE=ru (runServer.ts), they see Russian, and the first test
 * fails when the workbench did not take the locale. See docs/localization.md for how a test
 * server without a Russian language pack is given Russian as its display language.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID, TEST_TIMEOUT_MS, WAIT_MS, REPO_ROOT, waitForDiagnostic, withTimeout, workspaceFile } from './helpers';

const CYRILLIC = /[а-яё]/i;
const wanted = process.env.ISOLA_E2E_LOCALE;
const russian = () => vscode.env.language.toLowerCase().startsWith('ru');
const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, rel), 'utf8')) as Record<string, string>;

suite('Localization: the display language', function () {
  this.timeout(TEST_TIMEOUT_MS);

  suiteSetup(async () => {
    await withTimeout(vscode.extensions.getExtension(EXTENSION_ID)!.activate(), WAIT_MS, 'activation');
  });

  test('VS Code runs in the language the run asked for', () => {
    if (wanted) assert.strictEqual(vscode.env.language.toLowerCase().split('-')[0], wanted.toLowerCase().split('-')[0], 'the workbench did not take ISOLA_E2E_LOCALE');
    else assert.ok(!russian(), `display language ${vscode.env.language} without ISOLA_E2E_LOCALE`);
  });

  test('command titles come from package.nls of that language', () => {
    const nls = read(russian() ? 'package.nls.ru.json' : 'package.nls.json');
    const commands = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string; title: string | { value: string; original: string } }[];
    // The extension host gives localized titles as { value, original } (original: the English title).
    const title = (c: (typeof commands)[number]) => (typeof c.title === 'string' ? c.title : c.title.value);
    const build = commands.find((c) => c.command === 'isola.buildPackage')!;
    assert.strictEqual(title(build), nls['command.buildPackage.title']);
    assert.strictEqual(title(build), russian() ? 'Собрать пакет' : 'Build Package');
    const wrong = commands.filter((c) => title(c) !== nls[`command.${c.command.replace(/^isola\./, '')}.title`]).map((c) => `${c.command}: ${title(c)}`);
    assert.deepStrictEqual(wrong, []);
    if (russian()) assert.ok(commands.every((c) => CYRILLIC.test(title(c))), 'an English command title in Russian');
  });

  test('the client\'s messages come from the l10n bundle of that language', () => {
    if (russian()) {
      assert.ok(vscode.l10n.uri?.path.endsWith('/l10n/bundle.l10n.ru.json'), `bundle: ${String(vscode.l10n.uri)}`);
      assert.strictEqual(vscode.l10n.t('Show Problems'), 'Показать проблемы');
      assert.strictEqual(vscode.l10n.t('Isola: build refused: {0}', 'ISO004'), 'Isola: сборка отклонена: ISO004');
    } else {
      assert.strictEqual(vscode.l10n.t('Show Problems'), 'Show Problems');
    }
  });

  test('the language server\'s diagnostics are in that language', async () => {
    const uri = workspaceFile('broken/sales.isola.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const iso004 = await waitForDiagnostic(uri, 'ISO004');
    assert.strictEqual(CYRILLIC.test(iso004.message), russian(), `ISO004: ${iso004.message}`);
  });
});
