/**
 * Building a package in the UI test, step 4: "Isola: Build Package" from the command palette for
 * solution payments_solution, its prompts answered with the keyboard (the title prefilled, a
 * comment typed); the "built" notification checked against `isola inspect`; Inspect opens the
 * package in Package Contents, which follows a rebuild by the CLI (uiBuilds.ts), expands the
 * descriptor and the import steps and opens a card read-only  -> docs/images/package-contents.png
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Page } from 'playwright-core';
import { REPO_ROOT, SetupError, delay } from './common';
import { rebuiltPackage } from './uiBuilds';
import { Check, STEP_MS, dismissNotifications, parkMouse, quickInput, startCommand, step, visibleText, waitForQuickInputTitle } from './uiKit';

interface Inspected {
  descriptor: { kind: string; code: string; version?: string; comment?: string };
  steps: { step: string; cards: { id: string }[] }[];
}

/** `isola inspect FILE --format json` with the repository's CLI. */
function cliInspect(file: string): Inspected {
  const cli = path.join(REPO_ROOT, 'dist', 'cli.js');
  const result = spawnSync(process.execPath, [cli, 'inspect', file, '--format', 'json'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new SetupError(`isola inspect ${file} failed (exit ${String(result.status)}): ${result.stderr || result.error?.message}`);
  }
  return JSON.parse(result.stdout) as Inspected;
}

/** Builds payments_solution through the UI and browses it in Package Contents; returns the package file. */
export async function buildAndBrowse(o: { page: Page; check: Check; screenshot(name: string): Promise<void>; workspace: string }): Promise<string> {
  const { page, check, screenshot, workspace } = o;
  await step('Isola: Build Package from the command palette', () => startCommand(page, 'Isola: Build Package'));
  await step('picked solution payments_solution', async () => {
    await waitForQuickInputTitle(page, 'Build Package: which package?');
    await quickInput(page).fill('payments_solution');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'solution payments_solution' }).first().waitFor({ state: 'visible', timeout: STEP_MS });
    await page.keyboard.press('Enter');
  });
  let title = '';
  await step('title accepted', async () => {
    await waitForQuickInputTitle(page, 'Build solution payments_solution (1/3)');
    title = await quickInput(page).inputValue();
    await page.keyboard.press('Enter');
  });
  check.ok(title === 'Payments', `the title is prefilled with the solution's title "${title}"`, 'expected "Payments"');
  const comment = 'UI test build';
  await step('comment typed', async () => {
    await waitForQuickInputTitle(page, 'Build solution payments_solution (2/3)');
    await page.keyboard.type(comment);
    await page.keyboard.press('Enter');
  });
  const built = page.locator('.notifications-toasts .notification-toast', { hasText: 'Isola: built' });
  await step('"built" notification', async () => {
    // The data question comes only for packages with data records (payments has none).
    const deadline = Date.now() + STEP_MS;
    while (Date.now() < deadline) {
      if ((await built.count()) > 0) return;
      const asked = page.locator('.quick-input-widget .quick-input-title', { hasText: '(3/3)' });
      if ((await asked.count()) > 0 && (await asked.first().isVisible())) {
        await quickInput(page).fill('No data records');
        await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'No data records' }).first().waitFor({ state: 'visible', timeout: STEP_MS });
        await page.keyboard.press('Enter');
      }
      await delay(100);
    }
    await built.first().waitFor({ state: 'visible', timeout: 1 });
  });
  const builtText = await visibleText(built.first());
  const packageFile = path.join(workspace, 'payments_solution-2.1.0.isolapkg');
  const inspected = fs.existsSync(packageFile) ? cliInspect(packageFile) : undefined;
  check.ok(!!inspected, `the package was written to ${path.basename(packageFile)}`, fs.readdirSync(workspace).join(', '));
  const cards = inspected ? inspected.steps.reduce((n, st) => n + st.cards.length, 0) : -1;
  check.ok(
    builtText.includes(`Isola: built ${path.basename(packageFile)}: ${cards} cards, 0 data records`),
    `the notification says "${builtText.slice(builtText.indexOf('Isola: built'))}"`,
    `expected "${path.basename(packageFile)}: ${cards} cards, 0 data records" (isola inspect)`,
  );
  check.ok(inspected?.descriptor.comment === comment, `the package carries the comment typed ("${inspected?.descriptor.comment}")`);

  const view = page.locator('.part.sidebar');
  // A row of the view by its label (the description follows it in the row's text).
  const viewRow = (label: string) =>
    view.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
  const descriptorLabel = inspected ? `${inspected.descriptor.kind} ${inspected.descriptor.code} ${inspected.descriptor.version}` : 'solution payments_solution';
  await step('Inspect clicked in the notification; Package Contents shows the package', async () => {
    await built.first().locator('.monaco-button', { hasText: /^Inspect$/ }).click();
    await viewRow(descriptorLabel).waitFor({ state: 'visible', timeout: STEP_MS });
  });
  await step('notifications dismissed', () => dismissNotifications(page));
  // Cards show their type and title after the id: give the side bar room for them by dragging
  // its right edge, as a user would.
  await step('side bar widened', async () => {
    const before = await view.boundingBox();
    if (!before) throw new Error('the side bar has no box');
    const y = before.y + before.height / 2;
    await page.mouse.move(before.x + before.width - 1, y);
    await page.mouse.down();
    await page.mouse.move(before.x + before.width + 180, y, { steps: 10 });
    await page.mouse.up();
    const after = await view.boundingBox();
    if (!after || after.width < before.width + 100) {
      throw new Error(`the side bar is ${after?.width ?? 0} px wide (was ${before.width} px)`);
    }
  });
  // The Environments view shares the side bar; folded, it leaves Package Contents the room.
  await step('Environments view folded', async () => {
    const header = view.locator('.pane-header', { hasText: 'Environments' });
    if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
  });
  // The view names its file and follows it when the CLI rebuilds it under the same name.
  await rebuiltPackage({ page, check, screenshot, workspace, packageFile, descriptorRow: viewRow(descriptorLabel) });
  // The descriptor row opens meta_data.json on a click; its twistie expands it.
  await step('descriptor expanded', async () => {
    await viewRow(descriptorLabel).locator('.monaco-tl-twistie').click();
    await viewRow('comment').waitFor({ state: 'visible', timeout: STEP_MS });
  });
  const expandStep = async (name: string, firstCard: string): Promise<void> => {
    await step(`step ${name} expanded`, async () => {
      await viewRow(name).click();
      await viewRow(firstCard).waitFor({ state: 'visible', timeout: STEP_MS });
    });
  };
  const cardsOf = (name: string): string[] => inspected?.steps.find((st) => st.step === name)?.cards.map((c) => c.id) ?? [];
  await expandStep('apps', cardsOf('apps')[0] ?? 'payments.payment_requests');
  await expandStep('processes', cardsOf('processes')[0] ?? 'payments.approve_request');
  const openCard = 'payments.payment_requests';
  await step(`card ${openCard} opened from the view`, async () => {
    await viewRow(openCard).click();
    await page.locator('.tabs-container .tab.active', { hasText: `${openCard}.card.json` }).waitFor({ state: 'visible', timeout: STEP_MS });
    await page.locator('.editor-instance .view-lines', { hasText: `"id": "${openCard}"` }).first().waitFor({ state: 'visible', timeout: STEP_MS });
  });
  // Labels of the rows (the list is virtual, but the sidebar is tall enough for all of these).
  const viewRows = (await view.locator('.monaco-list-row .label-name').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  const expectedSteps = inspected ? inspected.steps.filter((st) => st.cards.length > 0).map((st) => st.step) : [];
  check.ok(viewRows.includes(descriptorLabel), `Package Contents shows the descriptor row "${descriptorLabel}"`, viewRows.join(' | '));
  const missingSteps = expectedSteps.filter((name) => !viewRows.includes(name));
  check.ok(expectedSteps.length > 0 && missingSteps.length === 0, `Package Contents shows the ${expectedSteps.length} import steps`, `missing ${missingSteps.join(', ')}; rows: ${viewRows.join(' | ')}`);
  const missingCards = cardsOf('apps').filter((id) => !viewRows.includes(id));
  check.ok(missingCards.length === 0, `the apps step lists its ${cardsOf('apps').length} cards`, `missing ${missingCards.join(', ')}`);
  await dismissNotifications(page);
  await parkMouse(page);
  await delay(500);
  await screenshot('package-contents.png');

  // The card is the package's, read-only: typing into it is refused.
  const readOnly = page.locator('.monaco-editor-overlaymessage', { hasText: 'Cannot edit in read-only editor' });
  await step('typing into the card', async () => {
    await page.locator('.editor-instance .view-lines', { hasText: `"id": "${openCard}"` }).first().click();
    await page.keyboard.type('x');
    await readOnly.first().waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
  });
  const tabDirty = await page.locator('.tabs-container .tab.active.dirty').count();
  check.ok((await readOnly.count()) > 0 && tabDirty === 0, 'the card editor is read-only ("Cannot edit in read-only editor")', `dirty tabs: ${tabDirty}`);
  await page.keyboard.press('Control+Z');
  return packageFile;
}
