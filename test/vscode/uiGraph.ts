/**
 * The package graph in the UI test (issue 14), with `broken/sales.isola.json` the active editor:
 *
 *   1. "Isola: Show Package Graph" from the command palette: the panel opens beside the editor and
 *      draws workspace sales inside its boundary, the namespaces it reaches around it, red edges
 *      with ISO002-ISO006;
 *   2. the mouse on the ISO004 edge: the line under the toolbar says the finding's message
 *                                                               -> docs/images/graph-dark.png
 *      "Entities": sales's app, group and process inside the boundary, crm_ext (an app and the
 *      namespace a script imports) collapsed to one node, the built-in without a finding hidden
 *                                                               -> docs/images/graph-entities-dark.png
 *      and back to "Namespaces";
 *   3. a click on the node crm_ext opens its manifest; the ISO004 edge focused with the keyboard
 *      and Enter opens the reference in sales.isola.json (line 27);
 *      "Only what breaks isolation" leaves the ends of red edges;
 *   4. the colour theme switched to Light Modern: the graph follows it
 *                                                               -> docs/images/graph-light.png
 *      the entity level again, crm_ext expanded by a click     -> docs/images/graph-entities-light.png
 *      then back to Default Dark Modern, the graph closed, sales.isola.json active again.
 */
import { FrameLocator, Locator, Page } from 'playwright-core';
import { delay } from './common';
import { Check, STEP_MS, dismissNotifications, parkMouse, runCommand, step, visibleText } from './uiKit';

interface Tour {
  page: Page;
  check: Check;
  screenshot(name: string): Promise<void>;
}

/** The graph's web view (VS Code nests the content in a second frame). */
function graph(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
}

/** Rests the mouse on `target` (inside the web view's frames: Playwright's hover waits on checks the nested frame does not settle). */
async function pointAt(page: Page, target: Locator): Promise<void> {
  await target.waitFor({ state: 'visible', timeout: STEP_MS });
  const box = await target.boundingBox();
  if (!box) throw new Error('the element has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
}

/** Switches the graph to entities, checks what it draws, and takes `shot`; with `expand`, a namespace is clicked open first. */
async function entityLevel(t: Tour, shot: string, expand?: string): Promise<void> {
  const { page, check } = t;
  const view = graph(page);
  await step('"Entities" clicked', async () => {
    await pointAt(page, view.locator('#level-entity'));
    await page.mouse.down();
    await page.mouse.up();
    await view.locator('g.node[data-id="app:sales.orders"]').waitFor({ state: 'visible', timeout: STEP_MS });
  });
  // The entity level is wider than half the window: the graph's group gets all of it for the picture.
  await step('the graph\'s editor group maximized', () => runCommand(page, 'View: Toggle Maximize Editor Group'));
  if (expand) {
    await step(`collapsed namespace ${expand} opened with the keyboard`, async () => {
      await view.locator(`g.node[data-id="ns:${expand}"]`).focus();
      await page.keyboard.press('Enter');
      await view.locator(`g.node[data-id^="app:${expand}."]`).first().waitFor({ state: 'visible', timeout: STEP_MS });
    });
  } else {
    const ids = await view.locator('g.node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    check.ok(ids.includes('ns:crm_ext') && !ids.includes('app:crm_ext.lead_sources'), `crm_ext is one node at entity level (${ids.join(', ')})`);
    check.ok(!ids.includes('app:_clients._companies') && ids.includes('app:_projects._tasks'), 'the built-in without a finding is hidden, the licensed one (ISO007) drawn');
  }
  await delay(500);
  await t.screenshot(shot);
  await step('editor group sizes restored', () => runCommand(page, 'View: Toggle Maximize Editor Group'));
  await step('"Namespaces" clicked', async () => {
    await pointAt(page, view.locator('#level-namespace'));
    await page.mouse.down();
    await page.mouse.up();
    await view.locator('g.node[data-id="ns:sales"]').waitFor({ state: 'visible', timeout: STEP_MS });
  });
}

/** Switches between the preferred light and dark themes (Light Modern, Dark Modern) and waits for the graph to follow. */
async function colourTheme(page: Page, bodyClass: string): Promise<void> {
  await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
  await graph(page).locator(`body.${bodyClass}`).waitFor({ state: 'attached', timeout: STEP_MS });
}

export async function graphTour(t: Tour): Promise<void> {
  const { page, check } = t;
  const view = graph(page);
  // The side bar folds away for the pictures: the graph gets the room.
  await step('side bar hidden', async () => {
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: STEP_MS });
  });
  await step('Isola: Show Package Graph from the command palette', async () => {
    await runCommand(page, 'Isola: Show Package Graph');
    await page.locator('.tabs-container .tab', { hasText: 'Graph: workspace sales' }).waitFor({ state: 'visible', timeout: STEP_MS });
    await view.locator('g.node').nth(5).waitFor({ state: 'visible', timeout: STEP_MS });
  });
  const names = (await view.locator('g.node text.name').allTextContents()).sort();
  check.ok(JSON.stringify(names) === JSON.stringify(['_clients', '_projects', 'crm_ext', 'global', 'org chart', 'sales']), `the graph draws sales and the 5 namespaces it reaches (${names.join(', ')})`);
  const inside = await view.locator('g.node.inside text.name').allTextContents();
  check.ok(inside.length === 1 && inside[0] === 'sales', 'only sales is inside the package boundary', inside.join(' | '));
  const red = (await view.locator('g.edge.breaks text.label, g.edge.unknown text.label').allTextContents()).sort();
  check.ok(JSON.stringify(red) === JSON.stringify(['ISO002', 'ISO003', 'ISO004', 'ISO005', 'ISO006', 'ISO006']), `red edges carry their codes (${red.join(', ')})`);
  const faded = await view.locator('g.node.builtin').count();
  check.ok(faded === 2, `${faded} built-in namespaces drawn faded`);

  const iso004 = view.locator('g.edge.breaks', { has: page.locator('text.label', { hasText: /^ISO004$/ }) });
  let info = '';
  await step('the mouse on the ISO004 edge', async () => {
    await pointAt(page, iso004.locator('text.label'));
    await view.locator('#info', { hasText: 'ISO004' }).waitFor({ state: 'visible', timeout: STEP_MS });
    info = await visibleText(view.locator('#info'));
  });
  check.ok(info.includes('belongs to workspace `crm_ext`'), 'hovering the ISO004 edge shows the finding\'s message', info);
  await dismissNotifications(page);
  await delay(500);
  await t.screenshot('graph-dark.png');
  await entityLevel(t, 'graph-entities-dark.png');

  await step('a click on the node crm_ext opens its manifest', async () => {
    await pointAt(page, view.locator('g.node', { has: page.locator('text.name', { hasText: /^crm_ext$/ }) }).locator('rect'));
    await page.mouse.down();
    await page.mouse.up();
    await page.locator('.tabs-container .tab.active', { hasText: 'crm_ext.isola.json' }).waitFor({ state: 'visible', timeout: STEP_MS });
  });
  await step('Enter on the ISO004 edge opens the reference', async () => {
    // A click on the caption puts the keyboard in the graph; then the edge gets the focus.
    await pointAt(page, view.locator('#caption'));
    await page.mouse.down();
    await page.mouse.up();
    await iso004.focus();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: 'sales.isola.json' }).waitFor({ state: 'visible', timeout: STEP_MS });
    await page.locator('.statusbar-item', { hasText: /Ln 27, Col \d+/ }).waitFor({ state: 'visible', timeout: STEP_MS });
  });
  check.ok(true, 'the graph\'s node and edge open the declaration and the reference (mouse and keyboard)');
  const tab = await visibleText(page.locator('.tabs-container .tab', { hasText: 'Graph:' }).first());
  check.ok(tab.includes('workspace sales'), `the graph still shows workspace sales after opening crm_ext ("${tab}")`);

  // The filter leaves what breaks isolation: the licensed built-in _projects (a warning) goes.
  await step('"Only what breaks isolation" ticked', async () => {
    await pointAt(page, view.locator('#only-breaks'));
    await page.mouse.down();
    await page.mouse.up();
    await view.locator('#only-breaks:checked').waitFor({ state: 'attached', timeout: STEP_MS });
    await view.locator('g.node').nth(4).waitFor({ state: 'visible', timeout: STEP_MS });
  });
  const filtered = (await view.locator('g.node text.name').allTextContents()).sort();
  check.ok(JSON.stringify(filtered) === JSON.stringify(['_clients', 'crm_ext', 'global', 'org chart', 'sales']), `the filter keeps the ends of red edges (${filtered.join(', ')})`);
  await step('filter unticked', async () => {
    await page.keyboard.press('Space');
    await view.locator('#only-breaks:not(:checked)').waitFor({ state: 'attached', timeout: STEP_MS });
    await view.locator('g.node').nth(5).waitFor({ state: 'visible', timeout: STEP_MS });
  });

  // The keyboard back to the workbench (keys typed in the graph stay in its page).
  await step('the editor of sales.isola.json focused', async () => {
    await page.locator('.tabs-container .tab', { hasText: 'sales.isola.json' }).first().click();
    const editorBox = await page.locator('.editor-instance .monaco-editor', { hasText: 'lead_source' }).first().boundingBox();
    if (!editorBox) throw new Error('the editor of sales.isola.json has no box');
    await page.mouse.click(editorBox.x + editorBox.width / 2, editorBox.y + editorBox.height / 2);
    await page.locator('.editor-instance .monaco-editor.focused').first().waitFor({ state: 'visible', timeout: STEP_MS });
  });
  await step('theme Light Modern', () => colourTheme(page, 'vscode-light'));
  await step('the mouse on the ISO004 edge again', async () => {
    await pointAt(page, iso004.locator('text.label'));
    await view.locator('#info', { hasText: 'ISO004' }).waitFor({ state: 'visible', timeout: STEP_MS });
  });
  await delay(500);
  await t.screenshot('graph-light.png');
  await entityLevel(t, 'graph-entities-light.png', 'crm_ext');

  await step('theme Dark Modern again', () => colourTheme(page, 'vscode-dark'));
  await step('graph closed, side bar back', async () => {
    await page.locator('.tabs-container .tab', { hasText: 'Graph:' }).first().click();
    await page.keyboard.press('Control+W');
    await page.locator('.tabs-container .tab', { hasText: 'Graph:' }).waitFor({ state: 'detached', timeout: STEP_MS });
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: STEP_MS });
    await parkMouse(page);
  });
}
