/** The pieces the UI tours share: checks, steps, the command palette, notifications, the mouse. */
import { Locator, Page } from 'playwright-core';

export const VIEWPORT = { width: 1400, height: 900 };
/** Longest wait for one step; the workbench loads in 7–15 s here. */
export const STEP_MS = 60_000;

export function log(message: string): void {
  console.log(`[ui] ${message}`);
}

export class Check {
  passed = 0;
  failed = 0;

  ok(condition: boolean, what: string, detail = ''): void {
    if (condition) {
      this.passed++;
      log(`✔ ${what}`);
    } else {
      this.failed++;
      console.error(`[ui] ✘ ${what}${detail ? `: ${detail}` : ''}`);
    }
  }
}

/** Fails the run at once: a step the following steps depend on did not happen. */
export class StepError extends Error {}

export async function step<T>(what: string, action: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    const result = await action();
    log(`${what} (${Date.now() - started} ms)`);
    return result;
  } catch (err) {
    throw new StepError(`${what}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

/** Runs a command through the command palette, as a user would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await startCommand(page, title);
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: STEP_MS });
}

/** Starts a command through the command palette, for one that asks in the same widget next (a picker, an input box). */
export async function startCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  const input = quickInput(page);
  await input.waitFor({ state: 'visible', timeout: STEP_MS });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: STEP_MS }).catch(() => {
    throw new Error(`the command palette has no command "${title}"`);
  });
  await page.keyboard.press('Enter');
}

/** Clears notification toasts (and waits until they are gone) so that they cover nothing. */
export async function dismissNotifications(page: Page): Promise<void> {
  const toasts = page.locator('.notifications-toasts .notification-toast');
  if ((await toasts.count()) === 0) return;
  await runCommand(page, 'Notifications: Clear All Notifications');
  await toasts.first().waitFor({ state: 'detached', timeout: STEP_MS });
}

/** Moves the mouse where it shows no hover or tooltip: past the end of a short line near the editor's top. */
export async function parkMouse(page: Page): Promise<void> {
  await page.mouse.move(VIEWPORT.width - 120, 150, { steps: 2 });
}

/** Texts of the rows the Problems panel renders (it is a virtual list: only visible rows exist). */
export async function problemRows(page: Page): Promise<string[]> {
  const texts = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  return texts.map((t) => t.replace(/\s+/g, ' ').trim());
}

export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget .quick-input-box input');
}

/** Waits until the quick input (pick or input box) shows `title`. */
export async function waitForQuickInputTitle(page: Page, title: string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: STEP_MS });
  await quickInput(page).waitFor({ state: 'visible', timeout: STEP_MS });
}

export async function visibleText(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

