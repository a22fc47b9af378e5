/// <reference types="mocha" />
/**
 * Package Contents follows its file (issue 16): the view names the file it shows, and rebuilding
 * that file under the same name (here with the CLI, with other options and another title) makes
 * the view and an open entry of the package show the new package, not the old tree. A deleted
 * file is said to be deleted. A rebuild from VS Code says what it replaced.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { IsolaApi } from '../../../client/src/extension';
import type { BuildPackageResult } from '../../../server/src/protocol';
import { EXTENSION_ID, openManifest, runCli, TEST_TIMEOUT_MS, WAIT_MS, waitUntil, withTimeout, workspaceFile, workspaceFolder } from './helpers';

const MANIFEST = 'invoices/invoices.isola.json';

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : item.label?.label ?? '';
}

/** The view's top rows as VS Code reads them: label and description. */
function roots(api: IsolaApi): { label: string; description: string }[] {
  const view = api.packageContentsView;
  return view.getChildren().map((n) => {
    const item = view.getTreeItem(n);
    return { label: labelOf(item), description: String(item.description ?? '') };
  });
}

function build(args: { title: string; data: 'none' | 'all'; out: string }): Promise<BuildPackageResult | undefined> {
  const uri = vscode.Uri.file(workspaceFile(MANIFEST).fsPath).toString();
  return withTimeout(vscode.commands.executeCommand<BuildPackageResult | undefined>('isola.buildPackage', { uri, comment: '', ...args }), WAIT_MS, 'isola.buildPackage');
}

suite('Package Contents follows its file', () => {
  let api: IsolaApi;
  const out = (): string => path.join(workspaceFolder().uri.fsPath, 'invoices-refresh.isolapkg');

  suiteSetup(async function () {
    this.timeout(TEST_TIMEOUT_MS);
    await openManifest(MANIFEST);
    api = await withTimeout(vscode.extensions.getExtension<IsolaApi>(EXTENSION_ID)!.activate(), WAIT_MS, 'activation');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(out(), { force: true });
  });

  test('a rebuild under the same name refreshes the view and its open entries; the view names the file', async function () {
    this.timeout(TEST_TIMEOUT_MS * 2);
    const first = await build({ title: 'Invoices (first)', data: 'all', out: out() });
    assert.ok(first?.built && first.built.records > 0, `the first build: ${JSON.stringify(first)}`);
    assert.strictEqual(first.built.replaced, undefined, 'nothing was replaced by the first build');
    await withTimeout(vscode.commands.executeCommand('isola.inspectPackage', vscode.Uri.file(out())), WAIT_MS, 'isola.inspectPackage');
    assert.deepStrictEqual(roots(api).find((r) => r.label === 'data'), { label: 'data', description: `${first.built.records} records` });
    assert.strictEqual(roots(api)[0].description, 'Invoices (first)');

    // An entry of the package, open in an editor.
    await withTimeout(vscode.commands.executeCommand('isola.openPackageEntry', 'meta_data.json'), WAIT_MS, 'isola.openPackageEntry');
    const descriptor = vscode.window.activeTextEditor?.document;
    assert.ok(descriptor && descriptor.getText().includes('Invoices (first)'), `the descriptor document: ${descriptor?.uri.toString()}`);

    // Rebuilt by the CLI: other options (no data) and another title, same file name.
    const said = await runCli(['build', 'invoices', '--package', 'invoices', '--data', 'none', '--title', 'Invoices (rebuilt)', '--out', out()], workspaceFolder().uri.fsPath);
    assert.match(said, /It replaced invoices-refresh\.isolapkg, an earlier package of the same version 1\.0\.0 with different content/, said);
    await waitUntil(
      'the view to show the rebuilt package',
      () => roots(api)[0]?.description === 'Invoices (rebuilt)' && !roots(api).some((r) => r.label === 'data'),
      [api.packageContents.onDidChange],
      WAIT_MS,
      () => `the view shows ${JSON.stringify(roots(api))}`,
    );
    assert.strictEqual(api.packageContentsTree?.description, 'invoices-refresh.isolapkg', 'the view names the file it shows');
    assert.strictEqual(api.packageContentsTree.message, undefined, 'the view reports a problem with a readable file');
    await waitUntil(
      'the open descriptor to show the rebuilt package',
      () => descriptor.getText().includes('Invoices (rebuilt)'),
      [vscode.workspace.onDidChangeTextDocument],
      WAIT_MS,
      () => descriptor.getText().slice(0, 300),
    );

    // Rebuilt from VS Code with the same content: it says so (a title is no content).
    const same = await build({ title: 'Invoices (again)', data: 'none', out: out() });
    assert.deepStrictEqual(same?.built?.replaced, { same: true, message: 'It replaced invoices-refresh.isolapkg, an earlier build with the same content.' });
    const other = await build({ title: 'Invoices (data)', data: 'all', out: out() });
    assert.strictEqual(other?.built?.replaced?.same, false);
    assert.match(other.built.replaced.message, /an earlier package of the same version 1\.0\.0 with different content/);

    await waitUntil(
      'the view to show the last build',
      () => roots(api)[0]?.description === 'Invoices (data)',
      [api.packageContents.onDidChange],
      WAIT_MS,
      () => `the view shows ${JSON.stringify(roots(api))}`,
    );

    // Deleted: the view says so instead of passing the old tree off as the file's.
    fs.rmSync(out());
    await waitUntil(
      'the view to say the file was deleted',
      () => /invoices-refresh\.isolapkg was deleted/.test(api.packageContentsTree.message ?? ''),
      [api.packageContents.onDidChange],
      WAIT_MS,
      () => `message: ${JSON.stringify(api.packageContentsTree.message)}`,
    );
  });
});
