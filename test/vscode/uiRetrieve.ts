/**
 * The round trip's part of the UI test (issue 11), run by uiEnvironments.ts while its staging
 * environment is up, after the payments solution was imported there:
 *
 *   1. someone changes an app's title in staging (through the service's API);
 *   2. "Isola: Retrieve from Environment", answered in its two prompts (staging, the solution);
 *   3. the Refactor Preview panel lists the manifest with the change unticked; a click on the
 *      file's checkbox ticks it, a click on the change opens its diff
 *                                                               -> docs/images/retrieve-preview.png
 *   4. Apply: the manifest on disk has the new title, and nothing else of it changed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Page } from 'playwright-core';
import { Check, STEP_MS, dismissNotifications, parkMouse, quickInput, startCommand, step, waitForQuickInputTitle } from './uiKit';

const APP = 'payments.payment_requests';
const TITLE = 'Payment requests (changed in staging)';

export interface RetrieveTour {
  page: Page;
  check: Check;
  screenshot(name: string): Promise<void>;
  /** The workspace folder the workbench has open. */
  workspace: string;
  /** Calls the staging environment's API as its administrator. */
  api(method: string, p: string, body?: unknown): Promise<any>;
}

async function pick(page: Page, title: string, text: string): Promise<void> {
  await waitForQuickInputTitle(page, title);
  await quickInput(page).fill(text);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: text }).first().waitFor({ state: 'visible', timeout: STEP_MS });
  await page.keyboard.press('Enter');
}

export async function retrieveTour(t: RetrieveTour): Promise<void> {
  const { page, check } = t;
  const manifest = path.join(t.workspace, 'payments', 'payments', 'payments.isola.json');
  const before = fs.readFileSync(manifest, 'utf8');
  const app = await t.api('GET', `/v1/entities/${APP}`);
  await t.api('PUT', `/v1/entities/${APP}`, { body: { ...app.body, title: TITLE } });

  const panel = page.locator('.bulk-edit-panel');
  const fileRow = panel.locator('.monaco-list-row', { hasText: 'payments.isola.json' }).first();
  await step('Isola: Retrieve from Environment: staging, payments_solution', async () => {
    // The keyboard goes to the workbench, not to the import plan's web view, once a text editor is active.
    await page.locator('.tabs-container .tab', { hasText: 'sales.isola.json' }).first().click();
    // Hidden, the side bar leaves the preview's diff the whole width (side by side).
    await page.keyboard.press('Control+B');
    await startCommand(page, 'Isola: Retrieve from Environment');
    await pick(page, 'Retrieve from', 'staging');
    await pick(page, 'Retrieve from staging', 'payments_solution');
    await fileRow.waitFor({ state: 'visible', timeout: STEP_MS });
  });
  const boxes = panel.locator('input.edit-checkbox');
  const ticked = await boxes.evaluateAll((els) => els.filter((e) => (e as unknown as { checked: boolean }).checked).length);
  check.ok((await boxes.count()) > 0 && ticked === 0, 'the Refactor Preview lists the retrieved changes, none ticked before the user does', `${await boxes.count()} checkboxes, ${ticked} ticked`);
  check.ok(fs.readFileSync(manifest, 'utf8') === before, 'nothing is written while the preview is open');

  await step('the change opened in the preview\'s diff and its file ticked', async () => {
    await dismissNotifications(page);
    await fileRow.locator('input.edit-checkbox').click();
    await panel.locator('input.edit-checkbox:checked').first().waitFor({ state: 'attached', timeout: STEP_MS });
    // The change's row (below its file's) opens the diff of the manifest as it is and as the
    // ticked changes would leave it (unticked, both sides are the same).
    await panel.locator('.monaco-list-row', { hasText: TITLE }).first().click();
    await page.locator('.tabs-container .tab.active', { hasText: 'Refactor Preview' }).waitFor({ state: 'visible', timeout: STEP_MS });
    await page.locator('.view-lines', { hasText: TITLE }).first().waitFor({ state: 'visible', timeout: STEP_MS });
  });
  const rows = (await panel.locator('.monaco-list-row').allInnerTexts()).map((x) => x.replace(/\s+/g, ' ').trim());
  check.ok(rows.some((r) => r.includes('payments.isola.json')) && rows.some((r) => r.includes(TITLE)), 'the preview shows the manifest and the changed title', rows.join(' | '));
  await parkMouse(page);
  await t.screenshot('retrieve-preview.png');

  await step('Apply: the manifest on disk gets the environment\'s title', async () => {
    await panel.locator('.monaco-button', { hasText: /^Apply$/ }).click();
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'payments_solution from staging: 1 changed' }).waitFor({ state: 'visible', timeout: STEP_MS });
  });
  const after = fs.readFileSync(manifest, 'utf8');
  const changed = after.split('\n').filter((l, i) => l !== before.split('\n')[i]);
  check.ok(after.includes(TITLE) && changed.length === 1, 'Apply changed exactly the title\'s line of the manifest on disk', changed.join(' | '));
  await dismissNotifications(page);
  await page.keyboard.press('Control+B');
}
