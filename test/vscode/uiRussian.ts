/**
 * The extension in Russian, as a user sees it: the VS Code server with Russian as its display
 * language (the stand-in language pack of common.ts: VS Code's own UI stays English, the
 * extension's strings are Russian), the extension from the repository (dist/ and package.json,
 * as runServer.ts), a copy of examples/broken, invoices and payments in headless Chromium:
 *
 *   Quick Open broken/sales.isola.json; the Problems panel lists its findings in Russian; the
 *   command palette lists the Isola commands by their Russian titles (VS Code shows the English
 *   original under each)                                              -> docs/images/russian.png
 *
 *   npm run build && tsc -p . && node out/test/vscode/uiRussian.js [--out DIR] [--keep]
 *
 * The screenshot replaces docs/images/russian.png only when every check passed. Exit status 0
 * when they all passed; the last line printed is `N passed, N failed`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT, SetupError, VscodeServer, copyWorkspace, launchChromium, makeTempDir, parseArgs, remoteUri, runMain, writeUserSettings } from './common';
import { Check, STEP_MS, StepError, VIEWPORT, log, problemRows, step } from './uiKit';

const LOCALE = 'ru';
const CYRILLIC = /[а-яё]/i;
const SETTINGS = { 'workbench.colorTheme': 'Default Dark Modern', 'window.commandCenter': false, 'chat.commandCenter.enabled': false, 'editor.minimap.enabled': false, 'workbench.layoutControl.enabled': false };

async function tour(page: Page, check: Check, url: string): Promise<void> {
  await step('workbench loaded', async () => {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 120_000 });
  });
  await step('Quick Open broken/sales.isola.json; squiggles', async () => {
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget .quick-input-box input').fill('sales.isola.json');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'sales.isola.json' }).first().waitFor({ state: 'visible', timeout: STEP_MS });
    await page.keyboard.press('Enter');
    await page.locator('.squiggly-error').first().waitFor({ state: 'visible', timeout: STEP_MS });
  });
  await step('Problems panel open', async () => {
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel .monaco-list-row').first().waitFor({ state: 'visible', timeout: STEP_MS });
  });
  const rows = await problemRows(page);
  const iso004 = rows.find((r) => r.includes('ISO004')) ?? '';
  check.ok(CYRILLIC.test(iso004), 'the Problems panel shows ISO004 in Russian', iso004 || rows.join(' | '));
  await step('command palette lists the Isola commands', async () => {
    await page.keyboard.press('Control+Shift+P');
    await page.locator('.quick-input-widget .quick-input-box input').fill('>Isola: ');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: /Isola: [а-яё]/i }).first().waitFor({ state: 'visible', timeout: STEP_MS });
  });
  const titles = (await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  check.ok(titles.length > 3 && titles.every((t) => CYRILLIC.test(t)), 'every Isola command in the palette has its Russian title', titles.join(' | '));
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), { values: ['out'], flags: ['keep'] });
  const out = path.resolve(typeof args.out === 'string' ? args.out : path.join(REPO_ROOT, 'docs', 'images'));
  const tmp = makeTempDir('isola-ui-ru-');
  const check = new Check();
  let server: VscodeServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  try {
    if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) throw new SetupError('dist/extension.js is missing: run `npm run build` first.');
    const workspace = copyWorkspace(undefined, path.join(tmp, 'workspace'));
    const serverData = path.join(tmp, 'server-data');
    writeUserSettings(path.join(serverData, 'data', 'User', 'settings.json'), SETTINGS);
    server = await VscodeServer.start({ cwd: tmp, serverData, extensionsDir: path.join(tmp, 'extensions'), logFile: path.join(tmp, 'server.log'), locale: LOCALE });
    await server.ready();
    context = await launchChromium(path.join(tmp, 'chromium-profile'), VIEWPORT, 1, LOCALE);
    page = context.pages()[0] ?? (await context.newPage());
    const payload = [['extensionDevelopmentPath', remoteUri(server.authority, REPO_ROOT)], ['skipWelcome', 'true']];
    await tour(page, check, `http://${server.authority}/?${new URLSearchParams({ folder: workspace, payload: JSON.stringify(payload) }).toString()}`);
    const shot = path.join(tmp, 'russian.png');
    await page.screenshot({ path: shot });
    if (check.failed === 0) {
      // As ui.ts does: an --out folder that is not there yet is made.
      fs.mkdirSync(out, { recursive: true });
      fs.copyFileSync(shot, path.join(out, 'russian.png'));
      log(`screenshot: ${path.join(out, 'russian.png')}`);
    }
  } catch (err) {
    check.failed++;
    console.error(`[ui] ${err instanceof StepError || err instanceof SetupError ? err.message : err instanceof Error ? err.stack : String(err)}`);
    await page?.screenshot({ path: path.join(tmp, 'failure.png') }).catch(() => undefined);
  } finally {
    await context?.close().catch(() => undefined);
    await server?.stop();
    if (check.failed === 0 && args.keep !== true) fs.rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
  }
  console.log(`${check.passed} passed, ${check.failed} failed`);
  return check.failed === 0 ? 0 : 1;
}

runMain(main);
