/// <reference types="mocha" />
/**
 * Packages in VS Code: "Build Package" (with arguments, so no prompts) builds the `payments`
 * solution in the language server and refuses the `broken` workspace `sales`; "Inspect Package"
 * shows the built file in the Package Contents view (read here through the tree the extension
 * exports, `IsolaApi.packageContentsView`, exactly as VS Code reads it); a card opens as a
 * read-only `isola-package:` document; "Compare with Workspace" opens a diff editor whose sides
 * agree for an unchanged entity and differ once its manifest is edited.
 *
 * What the view must show is derived from `node dist/cli.js inspect FILE --format json` on the
 * same file, so the test follows the fixture's manifests instead of repeating them.
 *
 * The tests of this suite build on each other (the package of the first is inspected by the
 * next ones) and change the workspace (a package file, `isola.history.json`, one entity's title):
 * the runners copy the fixture workspace into a temporary folder per run.
 */
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { IsolaApi } from '../../../client/src/extension';
import type { BuildPackageResult } from '../../../server/src/protocol';
import {
  EXTENSION_ID,
  REPO_ROOT,
  TEST_TIMEOUT_MS,
  WAIT_MS,
  openManifest,
  waitUntil,
  withTimeout,
  workspaceFile,
  workspaceFolder,
} from './helpers';

/** The import steps in the order docs/package-format.md documents ("Import steps"). */
const DOCUMENTED_STEPS = [
  'templates', 'widgets', 'groups', 'menu', 'processes', 'orgchart', 'counters', 'apps',
  'permissions', 'settings', 'modules', 'solutions', 'events',
];

const PACKAGE_SCHEME = 'isola-package';
const WORKSPACE_CARD_SCHEME = 'isola-workspace';
const ZIP_SIGNATURE = Buffer.from('PK\x03\x04', 'latin1');

/** An app of custom_objects without scripts or template files, so its card is the manifest's entity alone. */
const UNCHANGED_CARD = 'custom_objects.vat_rates';
const UNCHANGED_MANIFEST = 'payments/custom_objects/custom_objects.isola.json';

/** What `isola inspect FILE --format json` prints (the parts used here). */
interface Inspected {
  descriptor: { kind: string; code: string; title?: string; version?: string; comment?: string; steps: { step: string; cards: number }[] };
  steps: { step: string; cards: { path: string; id: string; type: string }[] }[];
  verified: boolean;
}

/** `node dist/cli.js inspect FILE --format json` with the repository's CLI. */
function cliInspect(file: string): Promise<Inspected> {
  const cli = path.join(REPO_ROOT, 'dist', 'cli.js');
  assert.ok(fs.existsSync(cli), `${cli} does not exist: run \`npm run build\` first`);
  return new Promise((resolve, reject) => {
    // ELECTRON_RUN_AS_NODE: process.execPath is Electron in desktop VS Code (see commands.test.ts).
    execFile(
      process.execPath,
      [cli, 'inspect', file, '--format', 'json'],
      { cwd: REPO_ROOT, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 16 * 1024 * 1024, timeout: WAIT_MS },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`isola inspect ${file} failed: ${stderr || err.message}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout) as Inspected);
        } catch (parseError) {
          reject(new Error(`isola inspect printed no JSON (${String(parseError)}):\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** The extension's exports (activating it if needed). */
async function isolaApi(): Promise<IsolaApi> {
  const extension = vscode.extensions.getExtension<IsolaApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} not found`);
  const api = await withTimeout(extension.activate(), WAIT_MS, `${EXTENSION_ID} to activate`);
  assert.ok(api?.packageContents && api.packageContentsView, `${EXTENSION_ID} exports ${Object.keys(api ?? {}).join(', ') || 'nothing'}`);
  return api;
}

/** A manifest's URI as the server knows it (the packages' `uri`). */
function manifestUri(relative: string): string {
  return vscode.Uri.file(workspaceFile(relative).fsPath).toString();
}

function buildPackage(args: { uri: string; title?: string; comment?: string; data?: 'none' | 'all' | string[]; out: string }): Promise<BuildPackageResult | undefined> {
  return withTimeout(
    vscode.commands.executeCommand<BuildPackageResult | undefined>('isola.buildPackage', args),
    WAIT_MS,
    `isola.buildPackage of ${args.uri}`,
  );
}

function labelOf(item: vscode.TreeItem): string {
  const label = item.label;
  return typeof label === 'string' ? label : label?.label ?? '';
}

type ViewNode = ReturnType<IsolaApi['packageContentsView']['getChildren']>[number];

interface Row {
  node: ViewNode;
  item: vscode.TreeItem;
  label: string;
}

/** The children of `node` (the roots without it) as the view gives them to VS Code. */
function rows(api: IsolaApi, node?: ViewNode): Row[] {
  const view = api.packageContentsView;
  return view.getChildren(node).map((n) => {
    const item = view.getTreeItem(n);
    return { node: n, item, label: labelOf(item) };
  });
}

/** Runs a tree item's command the way a click on the row does. */
async function runItemCommand(item: vscode.TreeItem): Promise<void> {
  assert.ok(item.command, `the row "${labelOf(item)}" has no command`);
  await withTimeout(
    vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? [])),
    WAIT_MS,
    `${item.command.command} of the row "${labelOf(item)}"`,
  );
}

function activeTabInput(): unknown {
  return vscode.window.tabGroups.activeTabGroup.activeTab?.input;
}

function describeTab(): string {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  if (!tab) return 'no active tab';
  const input = tab.input;
  if (input instanceof vscode.TabInputTextDiff) return `diff "${tab.label}": ${input.original.toString()} ↔ ${input.modified.toString()}`;
  if (input instanceof vscode.TabInputText) return `text "${tab.label}": ${input.uri.toString()}`;
  return `"${tab.label}" (${input === undefined ? 'no input' : (input as object).constructor.name})`;
}

/** Runs "Compare with Workspace" on a card row and returns the diff editor's input once it is the active tab. */
async function compareWithWorkspace(card: Row): Promise<vscode.TabInputTextDiff> {
  await withTimeout(vscode.commands.executeCommand('isola.compareWithWorkspace', card.node), WAIT_MS, `isola.compareWithWorkspace on ${card.label}`);
  const isDiff = (): boolean => {
    const input = activeTabInput();
    return input instanceof vscode.TabInputTextDiff && input.original.scheme === PACKAGE_SCHEME && input.modified.path === `/${card.label}.card.json`;
  };
  await waitUntil(`a diff editor of ${card.label} to be the active tab`, isDiff, [vscode.window.tabGroups.onDidChangeTabs], WAIT_MS, describeTab);
  return activeTabInput() as vscode.TabInputTextDiff;
}

async function textOf(uri: vscode.Uri): Promise<string> {
  return (await vscode.workspace.openTextDocument(uri)).getText();
}

/** The first lines where two texts differ (at most three), for messages. */
function firstDifference(a: string, b: string): string {
  const la = a.split('\n');
  const lb = b.split('\n');
  const out: string[] = [];
  for (let i = 0; i < Math.max(la.length, lb.length) && out.length < 3; i++) {
    if (la[i] !== lb[i]) out.push(`line ${i + 1}: ${JSON.stringify(la[i]?.trim())} ↔ ${JSON.stringify(lb[i]?.trim())}`);
  }
  return out.length ? out.join('; ') : '(none)';
}



/** Every card row of the view, step after step. */
function allCards(api: IsolaApi): Row[] {
  const steps = rows(api).slice(1);
  assert.ok(steps.length > 0, 'the view shows no import steps (run the whole suite: the package is inspected by an earlier test)');
  return steps.flatMap((s) => rows(api, s.node));
}

function cardRow(api: IsolaApi, id: string): Row {
  const card = allCards(api).find((c) => c.label === id);
  assert.ok(card, `no ${id} card in the view`);
  return card;
}

/** Clicks a card row (runs its command) and returns the document of the editor it opens. */
async function openCard(card: Row): Promise<vscode.TextDocument> {
  await runItemCommand(card.item);
  await waitUntil(
    `an editor of the card ${card.label}`,
    () => {
      const uri = vscode.window.activeTextEditor?.document.uri;
      return uri?.scheme === PACKAGE_SCHEME && uri.path.endsWith(`/${card.label}.card.json`);
    },
    [vscode.window.onDidChangeActiveTextEditor],
    WAIT_MS,
    describeTab,
  );
  return vscode.window.activeTextEditor!.document;
}

/** Closes the diff editor and waits until VS Code has let go of its workspace-side document. */
async function closeDiff(diff: vscode.TabInputTextDiff): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === diff.modified.toString());
  await vscode.window.tabGroups.close(tabs);
  const open = (): boolean => vscode.workspace.textDocuments.some((d) => d.uri.toString() === diff.modified.toString());
  await waitUntil(`${diff.modified.toString()} to be closed`, () => !open(), [vscode.workspace.onDidCloseTextDocument]);
}

/**
 * The texts of a diff editor's two sides, read from the editors VS Code shows (not with
 * openTextDocument, which would keep the documents alive after the diff is closed).
 */
async function diffTexts(diff: vscode.TabInputTextDiff): Promise<[original: string, modified: string]> {
  const shown = (uri: vscode.Uri): vscode.TextDocument | undefined =>
    vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())?.document;
  await waitUntil(
    'the diff editor to show both sides',
    () => !!shown(diff.original) && !!shown(diff.modified),
    [vscode.window.onDidChangeVisibleTextEditors],
    WAIT_MS,
    () => `visible: ${vscode.window.visibleTextEditors.map((e) => e.document.uri.toString()).join(', ') || '(none)'}`,
  );
  return [shown(diff.original)!.getText(), shown(diff.modified)!.getText()];
}

/** `body.title` of a card's JSON text. */
function titleOf(cardText: string): string | undefined {
  try {
    return (JSON.parse(cardText) as { body?: { title?: string } }).body?.title;
  } catch {
    return undefined;
  }
}

/** Changes the title of the app `vat_rates` in its manifest with a WorkspaceEdit, and saves. */
async function setTitle(from: string, to: string): Promise<void> {
  const manifest = await vscode.workspace.openTextDocument(workspaceFile(UNCHANGED_MANIFEST));
  const text = manifest.getText();
  const codeAt = text.indexOf('"code": "vat_rates"');
  const quoted = `"title": ${JSON.stringify(from)}`;
  const titleAt = text.indexOf(quoted, codeAt);
  assert.ok(codeAt >= 0 && titleAt > codeAt, `${quoted} of vat_rates was not found in ${UNCHANGED_MANIFEST}`);
  const start = titleAt + '"title": "'.length;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(manifest.uri, new vscode.Range(manifest.positionAt(start), manifest.positionAt(start + JSON.stringify(from).length - 2)), JSON.stringify(to).slice(1, -1));
  assert.ok(await vscode.workspace.applyEdit(edit), 'workspace.applyEdit refused the title change');
  assert.ok(await manifest.save(), `could not save ${UNCHANGED_MANIFEST}`);
  assert.ok(manifest.getText().includes(`"title": ${JSON.stringify(to)}`), `the manifest after the edit:\n${manifest.getText().slice(0, 600)}`);
}

suite('Isola packages', () => {
  const folder = (): string => workspaceFolder().uri.fsPath;
  const builtFile = (): string => path.join(folder(), 'payments_solution-e2e.isolapkg');
  let api: IsolaApi;
  let inspected: Inspected | undefined;

  suiteSetup(async function () {
    this.timeout(TEST_TIMEOUT_MS);
    // Opening a manifest activates the extension; the build waits for the server's first check itself.
    await openManifest('payments/payments_solution.isola.json');
    api = await isolaApi();
  });

  suiteTeardown(async () => {
    // "built" and "refused" messages stay until dismissed.
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  /** The package the first test built, inspected by the CLI (the later tests need it). */
  function built(): { file: string; inspected: Inspected } {
    assert.ok(inspected && fs.existsSync(builtFile()), 'the package was not built: see "Build Package builds the payments solution"');
    return { file: builtFile(), inspected };
  }

  test('Build Package builds the payments solution: a zip with the cards `isola inspect` lists', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const out = builtFile();
    // The payments project has no history yet: the nearest isola.config.json above its solution
    // marks the project (the Environments suite adds one to the workspace folder), or else the
    // solution's own folder does; never merely the folder VS Code opened.
    const history = fs.existsSync(path.join(folder(), 'isola.config.json')) ? path.join(folder(), 'isola.history.json') : path.join(folder(), 'payments', 'isola.history.json');
    assert.ok(!fs.existsSync(history), `${history} exists before the first build`);
    assert.ok(!fs.existsSync(out), `${out} exists before the build`);

    const comment = 'built by the VS Code suite';
    const result = await buildPackage({ uri: manifestUri('payments/payments_solution.isola.json'), title: 'Payments (e2e)', comment, data: 'none', out });
    assert.ok(result, 'isola.buildPackage returned nothing: is payments_solution.isola.json among the server\'s packages (same URI)?');
    assert.ok(!result.refused, `the build was refused: ${JSON.stringify(result.refused)}`);
    assert.ok(result.built, `no built result: ${JSON.stringify(result)}`);
    assert.strictEqual(path.resolve(result.built.file), out);
    assert.ok(result.built.cards > 0, `${result.built.cards} cards`);
    assert.strictEqual(result.built.records, 0, 'data: none, yet records were packed');

    assert.ok(fs.existsSync(out), `${out} was not written`);
    const head = Buffer.alloc(4);
    const fd = fs.openSync(out, 'r');
    try {
      fs.readSync(fd, head, 0, 4, 0);
    } finally {
      fs.closeSync(fd);
    }
    assert.ok(head.equals(ZIP_SIGNATURE), `${out} starts with ${head.toString('hex')}, not a zip's local file header (504b0304)`);
    assert.strictEqual(fs.statSync(out).size, result.built.size, 'the size reported is not the size of the file');

    inspected = await cliInspect(out);
    assert.strictEqual(inspected.verified, true, 'isola inspect did not verify the package');
    assert.strictEqual(inspected.descriptor.comment, comment);
    assert.strictEqual(inspected.descriptor.title, 'Payments (e2e)');
    const cliCards = inspected.steps.reduce((n, s) => n + s.cards.length, 0);
    assert.strictEqual(result.built.cards, cliCards, `Build Package says ${result.built.cards} cards, isola inspect lists ${cliCards}`);

    assert.strictEqual(result.built.history, history, 'the history the build recorded its versions in');
    assert.ok(fs.existsSync(history), `the build did not write ${history}`);
    const recorded = JSON.parse(fs.readFileSync(history, 'utf8')) as unknown;
    assert.ok(recorded && typeof recorded === 'object', `${history} holds ${JSON.stringify(recorded)}`);
  });

  test('Build Package refuses the broken workspace `sales` and writes no file', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const out = path.join(folder(), 'sales-e2e.isolapkg');
    const result = await buildPackage({ uri: manifestUri('broken/sales.isola.json'), title: 'Sales', comment: 'must be refused', data: 'none', out });
    assert.ok(result, 'isola.buildPackage returned nothing: is sales.isola.json among the server\'s packages (same URI)?');
    assert.ok(!result.built, `the broken workspace was built: ${JSON.stringify(result.built)}`);
    assert.ok(result.refused, `neither built nor refused: ${JSON.stringify(result)}`);
    const findings = result.refused.findings;
    assert.ok(findings.length > 0, `refused ("${result.refused.message}") without findings`);
    assert.ok(findings.some((f) => f.code === 'ISO004'), `the findings lack ISO004: ${findings.map((f) => f.code).join(', ')}`);
    for (const f of findings) {
      assert.ok(f.uri.startsWith('file:') && f.line >= 0 && f.character >= 0, `a finding without a place: ${JSON.stringify(f)}`);
    }
    assert.ok(!fs.existsSync(out), `${out} was written although the build was refused`);
    const left = fs.readdirSync(folder()).filter((n) => n.startsWith('sales-e2e'));
    assert.deepStrictEqual(left, [], 'the refused build left files behind');
  });

  test('Inspect Package: the view lists the descriptor, then the import steps in order with their cards', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const { file, inspected: cli } = built();
    const changed = new Promise<void>((resolve) => {
      const listener = api.packageContents.onDidChange(() => {
        listener.dispose();
        resolve();
      });
    });
    const contents = await withTimeout(vscode.commands.executeCommand('isola.inspectPackage', vscode.Uri.file(file)), WAIT_MS, 'isola.inspectPackage');
    assert.ok(contents, 'isola.inspectPackage returned nothing (was the package refused? see the notifications)');
    await withTimeout(changed, WAIT_MS, 'the Package Contents model to change');
    assert.strictEqual(api.packageContents.file?.fsPath, file);

    const roots = rows(api);
    const d = cli.descriptor;
    const expectedSteps = cli.steps.filter((s) => s.cards.length > 0).map((s) => s.step);
    assert.deepStrictEqual(
      roots.map((r) => r.label),
      [`${d.kind} ${d.code}${d.version ? ` ${d.version}` : ''}`, ...expectedSteps],
      'the view\'s rows: the descriptor, then the non-empty import steps (no data: none was packed)',
    );
    assert.strictEqual(roots[0].label, 'solution payments_solution 2.1.0', 'the descriptor row names the solution and its version');
    assert.strictEqual(roots[0].item.description, 'Payments (e2e)');
    // The steps in the documented import order, each once.
    const order = roots.slice(1).map((r) => DOCUMENTED_STEPS.indexOf(r.label));
    assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), `steps out of the documented order: ${roots.slice(1).map((r) => r.label).join(', ')}`);
    // Empty steps are left out (the fixture has no org chart).
    assert.ok(cli.steps.some((s) => s.cards.length === 0), 'the fixture should leave some step empty');

    // The descriptor's facts carry the build's comment.
    const facts = rows(api, roots[0].node);
    const comment = facts.find((f) => f.label === 'comment');
    assert.strictEqual(comment?.item.description, cli.descriptor.comment, `facts: ${facts.map((f) => `${f.label}=${String(f.item.description)}`).join('; ')}`);

    for (const step of roots.slice(1)) {
      assert.strictEqual(step.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed, `step ${step.label} cannot be expanded`);
      const cards = rows(api, step.node);
      const expected = cli.steps.find((s) => s.step === step.label)!.cards.map((c) => c.id);
      assert.deepStrictEqual(cards.map((c) => c.label), expected, `cards of step ${step.label}`);
      for (const card of cards) {
        assert.strictEqual(card.item.contextValue, 'isola.card', `${card.label}: contextValue (the Compare with Workspace menu needs it)`);
        assert.strictEqual(card.item.command?.command, 'isola.openPackageEntry', `${card.label}: the row's command`);
      }
    }
  });

  test('a card row opens the card as an isola-package document with the same id', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const { inspected: cli } = built();
    // The first card of the first step, and the app card compared below.
    const first = allCards(api)[0];
    const app = cardRow(api, UNCHANGED_CARD);
    for (const card of [first, app]) {
      const document = await openCard(card);
      const entry = cli.steps.flatMap((s) => s.cards).find((c) => c.id === card.label);
      assert.strictEqual(document.uri.path, `/${entry?.path}`, 'the document is the package entry');
      assert.strictEqual(document.uri.query, api.packageContents.file?.fsPath, 'the document reads the inspected package');
      const json = JSON.parse(document.getText()) as { id?: string; type?: string };
      assert.strictEqual(json.id, card.label, `the document of ${card.label} is another card:\n${document.getText().slice(0, 400)}`);
      assert.strictEqual(json.type, entry?.type);
      // Read-only: no file system behind the scheme could take a save, and the editor refuses an
      // edit. (TextEditor.edit resolves true even when a read-only editor drops the edit, so the
      // text itself is what tells.)
      assert.notStrictEqual(vscode.workspace.fs.isWritableFileSystem(PACKAGE_SCHEME), true, `${PACKAGE_SCHEME}: is a writable file system`);
      const editor = vscode.window.activeTextEditor!;
      assert.strictEqual(editor.document, document);
      const before = document.getText();
      let changes = 0;
      const listener = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === document && e.contentChanges.length > 0) changes++;
      });
      try {
        await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// edited\n')).then(undefined, () => false);
      } finally {
        listener.dispose();
      }
      const changed = changes > 0 || document.getText() !== before;
      if (changed) await vscode.commands.executeCommand('undo'); // leave the card as packed for the other tests
      assert.ok(!changed, `the card document of ${card.label} took an edit: it is not read-only`);
      assert.ok(!document.isDirty && !document.isUntitled, `${card.label}: dirty ${document.isDirty}, untitled ${document.isUntitled}`);
    }
  });

  // Known bug 1 (server/src/lsp/handlers/packaging.ts, CurrentCardRequest): the workspace card is
  // computed with `designContent(project, pkg, () => undefined)`, so a card with a script or
  // template file keeps the manifest's plain path instead of `{ file, sha256, size }`, and its
  // hash differs: Compare with Workspace shows a difference for an entity nobody changed.
  test('every card of a fresh package equals its workspace side (cards with script or template files too)', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const { file } = built();
    const differing: string[] = [];
    // Not the card the next test compares: opening its workspace side here would keep that
    // document alive (VS Code holds documents an extension opened for minutes).
    for (const card of api.packageContents.contents!.steps.flatMap((s) => s.cards).filter((c) => c.id !== UNCHANGED_CARD)) {
      const packed = await textOf(vscode.Uri.from({ scheme: PACKAGE_SCHEME, path: `/${card.path}`, query: file }));
      const current = await textOf(vscode.Uri.from({ scheme: WORKSPACE_CARD_SCHEME, path: `/${card.id}.card.json` }));
      if (packed !== current) differing.push(`${card.id} (${firstDifference(packed, current)})`);
    }
    assert.deepStrictEqual(differing, [], `cards whose workspace side differs although nothing changed:\n${differing.join('\n')}`);
  });

  test('Compare with Workspace: equal sides for an unchanged entity, a difference once its manifest is edited', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    built();
    const card = cardRow(api, UNCHANGED_CARD);
    const diff = await compareWithWorkspace(card);
    assert.strictEqual(diff.original.scheme, PACKAGE_SCHEME);
    assert.strictEqual(diff.modified.scheme, WORKSPACE_CARD_SCHEME);
    const [packed, current] = await diffTexts(diff);
    assert.strictEqual(JSON.parse(packed).id, UNCHANGED_CARD);
    assert.ok(current === packed, `the sides of an unchanged entity differ: ${firstDifference(packed, current)}`);

    // Close the diff, so that the next comparison reads the workspace card afresh (an open one
    // is never refreshed: known bug 2 below).
    await closeDiff(diff);

    // Edit the entity's title in its manifest and save.
    await setTitle('VAT rates', 'VAT rates (edited)');

    // Compare again: the package keeps the old title, the workspace side has the new one.
    const after = await compareWithWorkspace(card);
    const [packedAfter, currentAfter] = await diffTexts(after);
    assert.strictEqual(packedAfter, packed, 'the package side changed although the package did not');
    assert.ok(currentAfter !== packedAfter, 'the workspace side still equals the package after the title was edited and saved');
    assert.strictEqual(titleOf(currentAfter), 'VAT rates (edited)', `the workspace side: ${firstDifference(packedAfter, currentAfter)}`);
    assert.strictEqual(titleOf(packedAfter), 'VAT rates');
    await closeDiff(after);
  });

  // Known bug 2 (client/src/packages/packageDocuments.ts): the `isola-workspace:` provider has no
  // onDidChange, so while a comparison is open its workspace side keeps the text it had when it
  // opened: after an edit and a save, neither the open diff nor running Compare with Workspace
  // again (VS Code reuses the open document) shows the change.
  test('an open comparison shows the workspace side after the manifest is edited and saved', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    built();
    const card = cardRow(api, UNCHANGED_CARD);
    const diff = await compareWithWorkspace(card);
    await vscode.commands.executeCommand('workbench.action.keepEditor');
    const old = titleOf((await diffTexts(diff))[1]);
    assert.ok(old, 'the workspace side has no title');
    const title = `${old} (again)`;
    await setTitle(old, title);
    const again = await compareWithWorkspace(card);
    const workspaceSide = (): string | undefined => vscode.workspace.textDocuments.find((d) => d.uri.toString() === again.modified.toString())?.getText();
    await waitUntil(
      `the workspace side of the open comparison to have the title "${title}"`,
      () => titleOf(workspaceSide() ?? '') === title,
      [vscode.workspace.onDidChangeTextDocument, vscode.workspace.onDidOpenTextDocument],
      10_000,
      () => `its title is still ${JSON.stringify(titleOf(workspaceSide() ?? ''))}`,
    );
  });
});
