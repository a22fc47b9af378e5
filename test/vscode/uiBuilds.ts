/**
 * The build walks of the UI test that a new user stumbled on (issue 16), through the workbench:
 *
 *   - a refused build: "Isola: Build Package" of the broken workspace `sales`; the picker and the
 *     message say which findings block it; the message's "Show Problems" button opens the
 *     Problems panel                                            -> docs/images/build-refused.png
 *   - a rebuild under the same name: Package Contents names the file it shows, and after
 *     `isola build` rewrites that file with another title the view shows the new package.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Locator, Page } from 'playwright-core';
import { REPO_ROOT, delay } from './common';
import { Check, STEP_MS, dismissNotifications, parkMouse, quickInput, startCommand, step, visibleText, waitForQuickInputTitle } from './uiKit';

interface Walk {
  page: Page;
  check: Check;
  screenshot(name: string): Promise<void>;
}

/** Build Package of `workspace sales`, refused; Show Problems clicked in the message. Leaves the Problems panel closed. */
export async function refusedBuild(t: Walk): Promise<void> {
  const { page, check } = t;
  await step('Isola: Build Package of workspace sales', async () => {
    await startCommand(page, 'Isola: Build Package');
    await waitForQuickInputTitle(page, 'Build Package: which package?');
    await quickInput(page).fill('workspace sales');
  });
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: /workspace sales(?!_)/ }).first();
  await step('the picker says what blocks the build', () => row.waitFor({ state: 'visible', timeout: STEP_MS }));
  const detail = await visibleText(row);
  check.ok(/isolation errors \(ISO[0-9, ISO]+\) and \d+ manifest errors \(MAN[0-9, MAN]+\) block the build/.test(detail), 'the picker names the findings that block sales', detail);
  await step('sales picked, title and comment accepted', async () => {
    await row.click();
    await waitForQuickInputTitle(page, 'Build workspace sales (1/3)');
    await page.keyboard.press('Enter');
    await waitForQuickInputTitle(page, 'Build workspace sales (2/3)');
    await page.keyboard.press('Enter');
  });
  const refused = page.locator('.notifications-toasts .notification-toast', { hasText: 'build refused' });
  await step('"build refused" notification', () => refused.first().waitFor({ state: 'visible', timeout: STEP_MS }));
  const text = await visibleText(refused.first());
  check.ok(/has \d+ isolation errors \(.+\) and \d+ manifest errors \(MAN001, MAN002\)/.test(text) && !/isolation error\(s\)/.test(text), 'the refusal says which findings block the build', text);
  // The build's progress notification closes a moment after the refusal arrives.
  await page.locator('.notifications-toasts .notification-toast', { hasText: 'building workspace sales' }).waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  await parkMouse(page);
  await delay(500);
  await t.screenshot('build-refused.png');

  await step('Show Problems clicked in the message', async () => {
    await refused.first().locator('.monaco-button', { hasText: /^Show Problems$/ }).click();
    await page.locator('.markers-panel .monaco-list-row').first().waitFor({ state: 'visible', timeout: STEP_MS });
  });
  check.ok((await page.locator('.markers-panel').count()) > 0, 'Show Problems on the refused build opens the Problems panel');
  await step('Problems panel closed', async () => {
    await page.keyboard.press('Control+J');
    await page.locator('.markers-panel').waitFor({ state: 'hidden', timeout: STEP_MS });
  });
  await dismissNotifications(page);
}

/**
 * Package Contents names its file; `isola build` rewrites that file with another title, and the
 * view shows the new title without being asked.
 */
export async function rebuiltPackage(t: Walk & { workspace: string; packageFile: string; descriptorRow: Locator }): Promise<void> {
  const { page, check } = t;
  const header = page.locator('.part.sidebar .pane-header', { hasText: 'Package Contents' });
  const headerText = (await header.count()) > 0 ? await visibleText(header.first()) : '';
  check.ok(headerText.includes(path.basename(t.packageFile)), `Package Contents names the file it shows ("${headerText}")`);
  const title = 'Payments (rebuilt)';
  const cli = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), 'build', 'payments', '--package', 'payments_solution', '--title', title, '--comment', 'UI test build', '--out', t.packageFile], { cwd: t.workspace, encoding: 'utf8' });
  check.ok(cli.status === 0 && /It replaced payments_solution-2\.1\.0\.isolapkg, an earlier build with the same content\./.test(cli.stdout), 'isola build says what it replaced', cli.stdout + cli.stderr);
  await step('Package Contents shows the rebuilt package', () => t.descriptorRow.locator('.label-description', { hasText: title }).waitFor({ state: 'visible', timeout: STEP_MS }));
}
