/**
 * UI test of the PACKAGED extension, through the workbench a user sees: installs dist/isola.vsix
 * into a fresh extensions folder of code-server's VS Code server (as `code --install-extension`
 * would), opens a temporary copy of examples/broken, examples/invoices and examples/payments in
 * headless Chromium, and drives it with the keyboard and the mouse:
 *
 *   1. Quick Open (Control+P) `sales.isola.json`; squiggles appear; the status bar item shows the
 *      package and the counts `isola check` gives it                  -> docs/images/editor.png
 *   2. "Isola: Check Workspace"; its message's Show Problems button opens the Problems panel,
 *      which lists ISO004 and ISO001; a click on the ISO004 row reveals it in the editor
 *                                                                      -> docs/images/problems.png
 *   3. the mouse rests on `crm_ext.lead_sources`; the hover says "Breaks isolation"
 *                                                                      -> docs/images/hover.png
 *      then "Isola: Show Package Graph" of sales (uiGraph.ts)  -> docs/images/graph-dark.png, graph-light.png
 *      then "Isola: Build Package" of `workspace sales` is refused, saying which findings
 *      block it; Show Problems opens the Problems panel (uiBuilds.ts)  -> docs/images/build-refused.png
 *   4. (uiPackage.ts) command palette "Isola: Build Package": pick `solution payments_solution`, accept the
 *      title, type a comment; the "built" message agrees with `isola inspect`; its Inspect button
 *      shows the package in Package Contents, which names the file; `isola build` rewrites the
 *      file with another title and the view follows; the descriptor and the steps `apps` and
 *      `processes` are expanded and a card opened from the view
 *                                                              -> docs/images/package-contents.png
 *      (then typing into the card is refused: it is read-only)
 *   5. environments (test/vscode/uiEnvironments.ts): Add Environment, Import Package with the
 *      plan, a conflict and its diff, Replace, the Environments view
 *                     -> docs/images/import-plan.png, conflict-diff.png, environments.png
 *      then "Isola: Retrieve from Environment" of a change made there, through the Refactor
 *      Preview (test/vscode/uiRetrieve.ts)                     -> docs/images/retrieve-preview.png
 *
 *   npm run test:ui      (= npm run package:vsix && tsc -p . && bash test/vscode/setup.sh && node out/test/vscode/ui.js)
 *   node out/test/vscode/ui.js [--vsix FILE] [--out DIR] [--keep] [--verbose]
 *
 * Exit status 0 when every check passed, 1 otherwise (a failed check, a timeout or a broken
 * setup); the last line printed is `N passed, N failed`. The screenshots replace those in
 * docs/images only when every check passed; on failure the temporary folder is kept with them,
 * failure.png and the server log.
 *
 * Environment: ISOLA_E2E_HOME, ISOLA_E2E_CHROMIUM (as for runServer.ts), ISOLA_UI_OUT (where the
 * screenshots go, default docs/images), ISOLA_E2E_VERBOSE=1.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BrowserContext, Page } from 'playwright-core';
import {
  Check, STEP_MS, StepError, VIEWPORT, dismissNotifications, log, parkMouse, problemRows, runCommand, step, visibleText,
} from './uiKit';
import { refusedBuild } from './uiBuilds';
import { buildAndBrowse } from './uiPackage';
import { environmentsTour } from './uiEnvironments';
import { graphTour } from './uiGraph';
import {
  REPO_ROOT,
  SetupError,
  VscodeServer,
  copyWorkspace,
  delay,
  installExtension,
  launchChromium,
  makeTempDir,
  parseArgs,
  tail,
  writeUserSettings,
  runMain,
  stopOnSignals,
} from './common';

/** What the screenshots show: a dark theme at zoom 0, nothing but the workbench. */
const UI_SETTINGS: Record<string, unknown> = {
  'workbench.colorTheme': 'Default Dark Modern',
  'window.zoomLevel': 0,
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
  'workbench.layoutControl.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 300,
  'explorer.autoReveal': true,
};

interface CliResult {
  diagnostics: { package: string; severity: string }[];
  summary: { errors: number; warnings: number; infos: number; files: number };
}

/** `isola check DIR --format json` with the repository's CLI: what the workbench should agree with. */
function cliCheck(dir: string): CliResult {
  const cli = path.join(REPO_ROOT, 'dist', 'cli.js');
  const result = spawnSync(process.execPath, [cli, 'check', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0 && result.status !== 1) {
    throw new SetupError(`isola check ${dir} failed (exit ${String(result.status)}): ${result.stderr || result.error?.message}`);
  }
  return JSON.parse(result.stdout) as CliResult;
}

/** Errors and warnings of package `pkg` (what the status bar item counts). */
function packageCounts(cli: CliResult, pkg: string): { errors: number; warnings: number } {
  const mine = cli.diagnostics.filter((d) => d.package === pkg);
  return { errors: mine.filter((d) => d.severity === 'error').length, warnings: mine.filter((d) => d.severity === 'warning').length };
}

interface Options {
  vsix: string;
  out: string;
  keep: boolean;
  verbose: boolean;
}

function readOptions(): Options {
  const args = parseArgs(process.argv.slice(2), { values: ['vsix', 'out'], flags: ['keep', 'verbose'] });
  const str = (name: string): string | undefined => (typeof args[name] === 'string' ? (args[name] as string) : undefined);
  return {
    vsix: path.resolve(str('vsix') ?? path.join(REPO_ROOT, 'dist', 'isola.vsix')),
    out: path.resolve(str('out') ?? process.env.ISOLA_UI_OUT ?? path.join(REPO_ROOT, 'docs', 'images')),
    keep: args.keep === true,
    verbose: args.verbose === true || process.env.ISOLA_E2E_VERBOSE === '1',
  };
}

class UiRun {
  readonly tmp = makeTempDir('isola-ui-');
  readonly serverLog = path.join(this.tmp, 'server.log');
  /** Screenshots are taken here and copied to the output folder only when every check passed. */
  readonly shots = path.join(this.tmp, 'screenshots');
  private readonly taken: string[] = [];
  readonly check = new Check();
  private server: VscodeServer | undefined;
  private context: BrowserContext | undefined;
  page: Page | undefined;
  private cleanedUp = false;

  constructor(private readonly opts: Options) {}

  async execute(): Promise<void> {
    const { opts, check } = this;
    if (!fs.existsSync(opts.vsix)) {
      throw new SetupError(`${opts.vsix} does not exist: run \`npm run package:vsix\` first.`);
    }
    fs.mkdirSync(this.shots, { recursive: true });
    const workspace = copyWorkspace(undefined, path.join(this.tmp, 'workspace'));
    const serverData = path.join(this.tmp, 'server-data');
    const extensionsDir = path.join(this.tmp, 'extensions');
    fs.mkdirSync(extensionsDir, { recursive: true });
    writeUserSettings(path.join(serverData, 'data', 'User', 'settings.json'), UI_SETTINGS);

    const installMs = installExtension(opts.vsix, extensionsDir, serverData);
    const installed = fs.readdirSync(extensionsDir).filter((name) => name.startsWith('isola.isola-'));
    if (installed.length !== 1) {
      throw new SetupError(`${opts.vsix} installed, but ${extensionsDir} holds ${JSON.stringify(fs.readdirSync(extensionsDir))}`);
    }
    log(`installed ${path.relative(REPO_ROOT, opts.vsix)} as ${installed[0]} in ${installMs} ms`);

    const started = Date.now();
    this.server = await VscodeServer.start({ cwd: this.tmp, serverData, extensionsDir, logFile: this.serverLog });
    await this.server.ready();
    log(`VS Code server up on port ${this.server.port} in ${Date.now() - started} ms (temp dir ${this.tmp})`);

    this.context = await launchChromium(path.join(this.tmp, 'chromium-profile'), VIEWPORT, 1);
    const page = this.context.pages()[0] ?? (await this.context.newPage());
    this.page = page;
    if (opts.verbose) {
      page.on('console', (msg) => console.log(`[browser ${msg.type()}] ${msg.text()}`));
    }
    const query = new URLSearchParams({ folder: workspace, payload: JSON.stringify([['skipWelcome', 'true']]) });
    const url = `http://${this.server.authority}/?${query.toString()}`;

    await step('workbench loaded', async () => {
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 120_000 });
      // The explorer lists the folder once the remote connection is up.
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: STEP_MS });
    });

    // 1. Quick Open the manifest; the editor shows squiggles and the status bar the package.
    await step('Quick Open broken/sales.isola.json', async () => {
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: STEP_MS });
      await input.fill('sales.isola.json');
      await page
        .locator('.quick-input-widget .monaco-list-row', { hasText: 'sales.isola.json' })
        .first()
        .waitFor({ state: 'visible', timeout: STEP_MS });
      await page.keyboard.press('Enter');
      await page.locator('.tabs-container .tab.active', { hasText: 'sales.isola.json' }).waitFor({ state: 'visible', timeout: STEP_MS });
    });
    await step('squiggles rendered', () =>
      page.locator('.editor-instance .monaco-editor .squiggly-error').first().waitFor({ state: 'attached', timeout: STEP_MS }),
    );
    // "$(package) workspace sales  $(error) N  $(warning) M" with the counts `isola check` gives the package.
    const cli = cliCheck(workspace);
    const expected = packageCounts(cli, 'sales');
    const expectedText = `workspace sales ${expected.errors} ${expected.warnings}`;
    const statusItem = page.locator('.statusbar-item', { hasText: 'workspace sales' });
    let statusText = '';
    await step('status bar item shows the package and its counts', async () => {
      // The item is refreshed 200 ms after the diagnostics change, as the check goes on.
      const deadline = Date.now() + STEP_MS;
      while (Date.now() < deadline) {
        if ((await statusItem.count()) > 0) {
          statusText = await visibleText(statusItem.first());
          if (statusText === expectedText) return;
        }
        await delay(100);
      }
    });
    check.ok(statusText === expectedText, `status bar item "${statusText}"`, `expected "${expectedText}" (isola check)`);
    const squiggles = await page.locator('.editor-instance .monaco-editor .squiggly-error').count();
    check.ok(squiggles > 0, `${squiggles} error squiggles in the editor`);

    await dismissNotifications(page);
    await parkMouse(page);
    await delay(500); // let toasts and hovers finish their fade-out before the picture
    await this.screenshot('editor.png');

    // The command palette runs the packaged command; its message tells the workspace's totals.
    const t = cli.summary;
    const message = `Isola: ${t.errors} error(s), ${t.warnings} warning(s), ${t.infos} info(s) in ${t.files} manifest(s).`;
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Isola:' });
    let toastText = '';
    await step('Isola: Check Workspace from the command palette', async () => {
      await runCommand(page, 'Isola: Check Workspace');
      await toast.first().waitFor({ state: 'visible', timeout: STEP_MS });
      toastText = await visibleText(toast.first());
    });
    check.ok(toastText.includes(message), `Check Workspace says "${message}"`, `the notification says "${toastText}"`);

    // 2. The Problems panel, opened by the message's button.
    await step('Show Problems clicked in the Check Workspace message', async () => {
      await toast.first().locator('.monaco-button', { hasText: /^Show Problems$/ }).click();
      await page.locator('.markers-panel .monaco-list-row').first().waitFor({ state: 'visible', timeout: STEP_MS });
    });
    await step('notifications dismissed', () => dismissNotifications(page));
    // The list is virtual (only visible rows exist): give the panel room for about 20 rows by
    // dragging its top edge up, as a user would.
    await step('Problems panel enlarged', async () => {
      const panel = page.locator('.part.panel');
      const before = await panel.boundingBox();
      if (!before) throw new Error('the panel has no box');
      const x = before.x + before.width / 2;
      await page.mouse.move(x, before.y + 1);
      await page.mouse.down();
      await page.mouse.move(x, before.y - 200, { steps: 10 });
      await page.mouse.up();
      const after = await panel.boundingBox();
      if (!after || after.height < before.height + 100) {
        throw new Error(`the panel is ${after?.height ?? 0} px high (was ${before.height} px)`);
      }
    });
    let rows: string[] = [];
    await step('Problems rows for ISO004 and ISO001', async () => {
      const deadline = Date.now() + STEP_MS;
      while (Date.now() < deadline) {
        rows = await problemRows(page);
        if (rows.some((r) => r.includes('ISO004')) && rows.some((r) => r.includes('ISO001'))) return;
        await delay(100);
      }
    });
    check.ok(rows.some((r) => r.includes('ISO004')), 'Problems panel shows an ISO004 row', rows.join(' | '));
    check.ok(rows.some((r) => r.includes('ISO001')), 'Problems panel shows an ISO001 row', rows.join(' | '));
    // A click on the ISO004 row selects it and reveals its range in the editor.
    await step('ISO004 row clicked, editor at line 27', async () => {
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'ISO004' }).first().click();
      await page.locator('.statusbar-item', { hasText: /Ln 27, Col \d+/ }).waitFor({ state: 'visible', timeout: STEP_MS });
    });
    await dismissNotifications(page);
    await parkMouse(page);
    await delay(500);
    await this.screenshot('problems.png');

    // 3. Hover over a reference that breaks isolation.
    await step('Problems panel closed', async () => {
      await page.keyboard.press('Control+J'); // View: Toggle Panel Visibility
      await page.locator('.markers-panel').waitFor({ state: 'hidden', timeout: STEP_MS });
    });
    // The grammar splits the reference into tokens (`"`, `crm_ext`, `.`, `lead_sources`, `"`):
    // find its line by text, then the `lead_sources` token in it.
    const line = page.locator('.editor-instance .monaco-editor .view-lines .view-line', { hasText: 'crm_ext.lead_sources' }).first();
    const token = line.locator('span > span', { hasText: /^lead_sources$/ }).first();
    const hover = page.locator('.monaco-hover', { hasText: 'Breaks isolation' });
    await step('hover on crm_ext.lead_sources', async () => {
      await token.waitFor({ state: 'visible', timeout: STEP_MS });
      const box = await token.boundingBox();
      if (!box) throw new Error('the token has no box');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
      await hover.first().waitFor({ state: 'visible', timeout: STEP_MS });
    });
    const hoverText = (await hover.count()) > 0 ? await visibleText(hover.first()) : '';
    check.ok(hoverText.includes('Breaks isolation'), 'the hover says "Breaks isolation"', hoverText);
    await dismissNotifications(page);
    await delay(300);
    await this.screenshot('hover.png');

    // 4. Build the payments solution from the command palette, answering its prompts with the
    //    keyboard; inspect the result from the "built" message; browse it in Package Contents.
    await step('hover gone', async () => {
      await page.keyboard.press('Escape');
      await parkMouse(page);
      await page.locator('.monaco-hover').first().waitFor({ state: 'hidden', timeout: STEP_MS }).catch(() => undefined);
    });
    // The package graph of sales, in the dark theme and the light one (uiGraph.ts).
    await graphTour({ page, check, screenshot: (name) => this.screenshot(name) });
    // A build the findings refuse: the message says which, and its Show Problems button works.
    await refusedBuild({ page, check, screenshot: (name) => this.screenshot(name) });
    const packageFile = await buildAndBrowse({ page, check, screenshot: (name) => this.screenshot(name), workspace });

    // 5. Environments: add one, import with a plan, a conflict and its diff, replace, the view.
    await environmentsTour({ page, check, screenshot: (name) => this.screenshot(name), tmp: this.tmp, packageFile });
  }

  private async screenshot(name: string): Promise<void> {
    await this.page!.screenshot({ path: path.join(this.shots, name) });
    this.taken.push(name);
  }

  /** Copies the screenshots to the output folder (after a run whose checks all passed). */
  publishScreenshots(): void {
    fs.mkdirSync(this.opts.out, { recursive: true });
    for (const name of this.taken) {
      const file = path.join(this.opts.out, name);
      fs.copyFileSync(path.join(this.shots, name), file);
      log(`screenshot ${path.relative(process.cwd(), file) || file}`);
    }
  }

  async failureScreenshot(): Promise<void> {
    if (!this.page || this.page.isClosed()) return;
    const file = path.join(this.tmp, 'failure.png');
    try {
      await this.page.screenshot({ path: file, timeout: 10_000 });
      log(`failure screenshot: ${file}`);
    } catch {
      // the page may be gone
    }
  }

  async cleanup(keepTemp: boolean): Promise<void> {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    if (this.context) {
      await Promise.race([this.context.close().catch(() => undefined), delay(10_000)]);
    }
    await this.server?.stop();
    if (keepTemp) {
      log(`kept ${this.tmp} (server log: ${this.serverLog})`);
    } else {
      fs.rmSync(this.tmp, { recursive: true, force: true });
    }
  }

  killNow(): void {
    this.server?.killNow();
  }
}

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = readOptions();
  } catch (err) {
    console.error(`[ui] ${err instanceof Error ? err.message : String(err)}`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  const run = new UiRun(opts);
  stopOnSignals('ui', { cleanup: () => run.cleanup(opts.keep), killNow: () => run.killNow(), closingLine: () => `${run.check.passed} passed, ${run.check.failed + 1} failed` });

  const started = Date.now();
  let broken = false;
  try {
    await run.execute();
  } catch (err) {
    broken = true;
    const known = err instanceof SetupError || err instanceof StepError;
    console.error(`[ui] ${known ? (err as Error).message : err instanceof Error ? err.stack : String(err)}`);
  }
  const failed = run.check.failed + (broken ? 1 : 0);
  if (failed > 0) {
    await run.failureScreenshot();
    log(`screenshots of this run: ${run.shots} (${opts.out} left as it was)`);
    if (opts.verbose) console.error(`[ui] server log (last lines):\n${tail(run.serverLog, 40)}`);
  } else {
    run.publishScreenshots();
  }
  await run.cleanup(opts.keep || failed > 0);
  const code = failed > 0 ? 1 : 0;
  log(`finished in ${((Date.now() - started) / 1000).toFixed(1)} s, exit code ${code}`);
  console.log(`${run.check.passed} passed, ${failed} failed`);
  return code;
}

runMain(main);
