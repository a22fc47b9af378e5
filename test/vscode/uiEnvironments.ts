/**
 * The environments part of the UI test: against a real `isola env serve` on loopback, through the
 * workbench as a user drives it:
 *
 *   1. "Isola: Add Environment" (name, URL, token, not production);
 *   2. "Isola: Import Package" of the package in Package Contents into it; Import in the plan;
 *   3. a production user changes an app in the environment (through the service's API); a new
 *      import's plan shows the conflict                         -> docs/images/import-plan.png
 *   4. "Show Diff" in the plan: the environment's version against the package's
 *                                                              -> docs/images/conflict-diff.png
 *   5. "Replace and Import"; the Environments view shows the environment's namespaces and apps
 *      and its imports; "Isola: Export from Environment" adds the export to the open list without
 *      a refresh; local's empty Backups say "none yet"           -> docs/images/environments.png
 *   6. a change made in staging retrieved into the workspace through the Refactor Preview
 *      (uiRetrieve.ts)                                         -> docs/images/retrieve-preview.png
 */
import * as path from 'path';
import { FrameLocator, Page } from 'playwright-core';
import { startService } from '../env/service';
import { Check, STEP_MS, dismissNotifications, parkMouse, quickInput, startCommand, step, waitForQuickInputTitle } from './uiKit';
import { retrieveTour } from './uiRetrieve';

const CHANGED = 'payments.payment_requests';

interface Tour {
  page: Page;
  check: Check;
  screenshot(name: string): Promise<void>;
  tmp: string;
  /** The package shown in Package Contents (built earlier in the run). */
  packageFile: string;
}

async function answer(page: Page, title: string, text: string, pick?: string): Promise<void> {
  await waitForQuickInputTitle(page, title);
  await quickInput(page).fill(text);
  if (pick) await page.locator('.quick-input-widget .monaco-list-row', { hasText: pick }).first().waitFor({ state: 'visible', timeout: STEP_MS });
  await page.keyboard.press('Enter');
}

/** The plan's web view (VS Code nests the content in a second frame). */
function plan(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

async function importIntoStaging(page: Page): Promise<void> {
  await startCommand(page, 'Isola: Import Package');
  await answer(page, 'Import Package', '', 'shown in Package Contents');
  await answer(page, 'into', 'staging', 'staging');
  await page.locator('.tabs-container .tab.active', { hasText: 'Import Plan' }).waitFor({ state: 'visible', timeout: STEP_MS });
}

export async function environmentsTour(t: Tour): Promise<void> {
  const { page, check } = t;
  const service = await step('isola env serve started', () => startService({ dataDir: path.join(t.tmp, 'staging-env'), args: ['--name', 'staging'] }));
  const api = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${service.url}${p}`, { method, headers: { authorization: `Bearer ${service.adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return res.json() as Promise<any>;
  };
  try {
    await step('Isola: Add Environment', async () => {
      await startCommand(page, 'Isola: Add Environment');
      await answer(page, 'Add Environment (1/4)', 'staging');
      await answer(page, 'Add Environment (2/4)', service.url);
      await answer(page, 'Add Environment (3/4)', service.adminToken);
      await answer(page, 'Add Environment (4/4)', 'Not production', 'Not production');
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'environment "staging" added' }).waitFor({ state: 'visible', timeout: STEP_MS });
    });
    await dismissNotifications(page);

    await step('first import: plan shown, Import clicked', async () => {
      await importIntoStaging(page);
      await plan(page).locator('button#apply').click();
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'Imported into staging' }).waitFor({ state: 'visible', timeout: STEP_MS });
    });
    const imported = await api('GET', `/v1/entities/${CHANGED}`);
    check.ok(typeof imported.body?.title === 'string', `the import created ${CHANGED} in the environment`);
    await dismissNotifications(page);

    await api('PUT', `/v1/entities/${CHANGED}`, { body: { ...imported.body, title: 'Changed in production' } });
    await step('second import: the plan shows the conflict', async () => {
      // Hidden, the side bar leaves the plan and then the diff editor the whole width.
      await page.keyboard.press('Control+B');
      await importIntoStaging(page);
      await plan(page).locator('tr.conflict', { hasText: CHANGED }).waitFor({ state: 'visible', timeout: STEP_MS });
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'checking the package' }).waitFor({ state: 'detached', timeout: STEP_MS });
    });
    const counts = await plan(page).locator('p', { hasText: 'unchanged' }).first().innerText();
    await plan(page).locator('h1').scrollIntoViewIfNeeded();
    check.ok(/1 conflict/.test(counts), `the plan counts one conflict ("${counts.replace(/\s+/g, ' ')}")`);
    await parkMouse(page);
    await t.screenshot('import-plan.png');

    await step('Show Diff clicked: the diff editor compares both versions', async () => {
      await plan(page).locator('button[data-diff]').first().click();
      await page.locator('.tabs-container .tab.active', { hasText: `${CHANGED}: staging` }).waitFor({ state: 'visible', timeout: STEP_MS });
      await page.locator('.editor-instance .view-lines', { hasText: 'Changed in production' }).first().waitFor({ state: 'visible', timeout: STEP_MS });
    });
    check.ok((await page.locator('.editor-instance .view-lines', { hasText: imported.body.title }).count()) > 0, 'the diff shows the package\'s title next to the environment\'s');
    await parkMouse(page);
    await t.screenshot('conflict-diff.png');

    await page.keyboard.press('Control+B');
    await step('Replace and Import clicked', async () => {
      await page.locator('.tabs-container .tab', { hasText: 'Import Plan' }).click();
      await plan(page).locator('button#replace').click();
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'replaced' }).waitFor({ state: 'visible', timeout: STEP_MS });
    });
    const replaced = await api('GET', `/v1/entities/${CHANGED}`);
    check.ok(replaced.body?.title === imported.body.title, `Replace put the package's version back ("${replaced.body?.title}")`);
    await dismissNotifications(page);

    const view = page.locator('.part.sidebar');
    const row = (label: string) => view.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
    await step('Environments view: staging → Namespaces → payments → app', async () => {
      const header = view.locator('.pane-header', { hasText: 'Package Contents' });
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
      const envHeader = view.locator('.pane-header', { hasText: 'Environments' });
      if ((await envHeader.getAttribute('aria-expanded')) !== 'true') await envHeader.click();
      await row('staging').click();
      await row('Namespaces').click();
      await row('payments').click();
      await row('app \\(2\\)').click();
      await row('payment_requests').waitFor({ state: 'visible', timeout: STEP_MS });
      await row('Imports and Exports').click();
      await row('import payments_solution').waitFor({ state: 'visible', timeout: STEP_MS });
    });

    // An export with Imports and Exports open: the list shows it without a manual refresh.
    await step('Isola: Export from Environment: staging, payments_solution, all design, no data', async () => {
      await startCommand(page, 'Isola: Export from Environment');
      await answer(page, 'Export from', 'staging', 'staging');
      await answer(page, 'Export from staging', 'payments_solution', 'payments_solution');
      await answer(page, 'Export solution payments_solution: design', 'All design entities', 'All design entities');
      await answer(page, 'Export solution payments_solution: data', 'No data records', 'No data records');
      // The save dialog (VS Code's own in the browser) comes with the path filled in.
      await waitForQuickInputTitle(page, 'Save solution payments_solution from staging');
      await page.keyboard.press('Enter');
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'exported solution payments_solution from staging' }).waitFor({ state: 'visible', timeout: STEP_MS });
    });
    await dismissNotifications(page);
    await step('Imports and Exports lists the export', async () => {
      // The export shows the package in Package Contents; folded, it leaves the Environments view the room.
      const header = view.locator('.pane-header', { hasText: 'Package Contents' });
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
      await row('export payments_solution').waitFor({ state: 'visible', timeout: STEP_MS });
    });
    // The embedded environment, never imported into here: its empty folders say so. Its Backups
    // row is the topmost of the two (the list's rows are not in screen order in the page).
    await step('local → Backups: "none yet"', async () => {
      await row('local').click();
      const backups = view.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^Backups$/ }) });
      await backups.nth(1).waitFor({ state: 'visible', timeout: STEP_MS });
      const tops = await backups.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
      await backups.nth(tops.indexOf(Math.min(...tops))).click();
      await row('none yet').waitFor({ state: 'visible', timeout: STEP_MS });
    });
    const rows = (await view.locator('.monaco-list-row').allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim());
    const imports = await view.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^import payments_solution$/ }) }).allInnerTexts();
    check.ok(rows.some((r) => r.startsWith('local')) && rows.some((r) => r.startsWith('staging')), 'the view lists local and staging', rows.join(' | '));
    check.ok(imports.filter((r) => /succeeded/.test(r)).length >= 2, `the view lists the imports with their status (${imports.length})`, rows.join(' | '));
    check.ok(rows.some((r) => /^export payments_solution ?succeeded/.test(r)), 'the view lists the export, refreshed by it', rows.join(' | '));
    check.ok(rows.some((r) => /^none yet/.test(r)), 'an empty folder says "none yet"', rows.join(' | '));
    await parkMouse(page);
    await t.screenshot('environments.png');

    // Back into the repository: a change made in staging, retrieved (uiRetrieve.ts). The package was built in the workspace folder.
    await retrieveTour({ page, check, screenshot: t.screenshot, workspace: path.dirname(t.packageFile), api });
  } finally {
    await service.stop();
  }
}
