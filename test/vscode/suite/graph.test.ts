/// <reference types="mocha" />
/**
 * "Isola: Show Package Graph" (issue 14): the panel draws the graph of the active manifest's
 * package, as the page reports it drew it (nodes, red edges with their codes); a click on a node
 * (posted as the page posts it) opens its declaration; a click on an edge opens the reference;
 * the level switch draws entities; an unsaved edit redraws the graph without reopening it.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { IsolaApi } from '../../../client/src/extension';
import type { DrawnGraph } from '../../../client/src/graph/graphMessages';
import { EXTENSION_ID, openManifest, TEST_TIMEOUT_MS, WAIT_MS, waitForDiagnostic, waitUntil, withTimeout, workspaceFile } from './helpers';

const SALES = 'broken/sales.isola.json';

suite('Package graph', () => {
  let api: IsolaApi;

  /** Waits until the page has drawn a graph that satisfies `ok`, and returns it. */
  async function drawnWhere(what: string, ok: (d: DrawnGraph) => boolean): Promise<DrawnGraph> {
    await waitUntil(what, () => !!api.graphPanel.drawn && ok(api.graphPanel.drawn), [api.graphPanel.onDidDraw], WAIT_MS, () => JSON.stringify(api.graphPanel.drawn));
    return api.graphPanel.drawn!;
  }

  /** Waits until the active editor shows `relative` with `text` selected. */
  async function landedOn(relative: string, text: string): Promise<void> {
    const uri = workspaceFile(relative).toString();
    const at = () => {
      const e = vscode.window.activeTextEditor;
      return e ? `${vscode.workspace.asRelativePath(e.document.uri)} "${e.document.getText(e.selection)}"` : '(no editor)';
    };
    await waitUntil(`${relative} with "${text}" selected`, () => {
      const e = vscode.window.activeTextEditor;
      return !!e && e.document.uri.toString() === uri && e.document.getText(e.selection) === text;
    }, [vscode.window.onDidChangeActiveTextEditor, vscode.window.onDidChangeTextEditorSelection], WAIT_MS, at);
  }

  suiteSetup(async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const doc = await openManifest(SALES);
    api = await withTimeout(vscode.extensions.getExtension<IsolaApi>(EXTENSION_ID)!.activate(), WAIT_MS, 'activation');
    await waitForDiagnostic(doc.uri, 'ISO004');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor').then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('draws the package of the active manifest: its namespaces inside, the rest around, red edges with their codes', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const target = await vscode.commands.executeCommand<{ uri: string }>('isola.showPackageGraph');
    assert.strictEqual(target?.uri, workspaceFile(SALES).toString());
    const drawn = await drawnWhere('the graph of workspace sales', (d) => d.nodes.includes('ns:sales'));
    assert.strictEqual(api.graphPanel.graph?.package.code, 'sales');
    assert.strictEqual(drawn.level, 'namespace');
    assert.deepStrictEqual([...drawn.nodes].sort(), ['ns:#orgchart', 'ns:_clients', 'ns:_projects', 'ns:crm_ext', 'ns:global', 'ns:sales']);
    const red = drawn.edges.filter((e) => e.red).map((e) => `${e.key.split('|')[1]} ${e.label}`).sort();
    assert.deepStrictEqual(red, ['ns:#orgchart ISO002', 'ns:_clients ISO006', 'ns:crm_ext ISO004', 'ns:crm_ext ISO005', 'ns:global ISO003', 'ns:sales ISO006']);
    // Built-ins and the licensed built-in (ISO007, a warning) are not red.
    const grey = drawn.edges.filter((e) => !e.red).map((e) => `${e.key.split('|')[1]} ${e.label}`).sort();
    assert.deepStrictEqual(grey, ['ns:_clients ', 'ns:_projects ISO007']);
  });

  test('a click on a node opens its declaration; a click on an edge opens its reference', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    await api.graphPanel.receive({ command: 'openNode', id: 'ns:crm_ext' });
    await landedOn('broken/crm_ext/crm_ext.isola.json', 'crm_ext');
    // Opening a declaration does not switch the graph to that manifest's package.
    assert.strictEqual(api.graphPanel.graph?.package.code, 'sales');
    await api.graphPanel.receive({ command: 'openEdge', key: 'ns:sales|ns:crm_ext|breaks|ISO004' });
    await landedOn(SALES, 'crm_ext.lead_sources');
    const line = vscode.window.activeTextEditor!.selection.start.line;
    assert.strictEqual(line, 26, 'the ISO004 reference is on line 27');
  });

  test('a node declared in several manifests offers a pick of its declarations', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    // An app manifest of namespace crm_ext: the namespace is now spread over two manifests.
    const extra = workspaceFile('broken/crm_ext/lead_notes.isola.json');
    await vscode.workspace.fs.writeFile(extra, Buffer.from('{ "kind": "app", "code": "lead_notes", "namespace": "crm_ext", "title": "Lead notes" }\n'));
    const offered: string[][] = [];
    const pick = api.graphPanel.pickSite;
    try {
      await waitUntil('ns:crm_ext with two declarations', () => api.graphPanel.graph?.nodes.find((n) => n.id === 'ns:crm_ext')?.declarations?.length === 2,
        [api.graphPanel.onDidDraw], WAIT_MS, () => JSON.stringify(api.graphPanel.graph?.nodes.find((n) => n.id === 'ns:crm_ext')));
      api.graphPanel.pickSite = async (sites) => {
        offered.push(sites.map((s) => s.label));
        return sites[1];
      };
      await api.graphPanel.receive({ command: 'openNode', id: 'ns:crm_ext' });
      assert.deepStrictEqual(offered, [['broken/crm_ext/crm_ext.isola.json', 'broken/crm_ext/lead_notes.isola.json']]);
      await landedOn('broken/crm_ext/lead_notes.isola.json', 'crm_ext');
      // A node declared once opens at once, without a pick.
      await api.graphPanel.receive({ command: 'openNode', id: 'ns:sales' });
      await landedOn(SALES, 'sales');
      assert.strictEqual(offered.length, 1);
    } finally {
      api.graphPanel.pickSite = pick;
      // Only that editor closes: the graph's panel is an editor too.
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === extra.toString());
      await vscode.window.tabGroups.close(tabs);
      await vscode.workspace.fs.delete(extra);
    }
    assert.strictEqual(api.graphPanel.graph?.package.code, 'sales');
  });

  test('a code lens at the top of a manifest shows its graph, unless isola.graph.codeLens is off', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const uri = workspaceFile(SALES);
    const lenses = async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10))
      .filter((l) => l.command?.command === 'isola.showPackageGraph');
    const on = await lenses();
    assert.strictEqual(on.length, 1);
    assert.strictEqual(on[0].range.start.line, 0);
    assert.strictEqual(on[0].command!.title, 'Show package graph');
    assert.strictEqual(String(on[0].command!.arguments?.[0]), uri.toString());
    const config = vscode.workspace.getConfiguration('isola');
    await config.update('graph.codeLens', false, vscode.ConfigurationTarget.Workspace);
    try {
      assert.deepStrictEqual(await lenses(), []);
    } finally {
      await config.update('graph.codeLens', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.strictEqual((await lenses()).length, 1);
  });

  test('switches to entities and back', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    await api.graphPanel.receive({ command: 'level', level: 'entity' });
    const drawn = await drawnWhere('the entity graph', (d) => d.level === 'entity');
    // crm_ext (an app and the namespace a script imports) is one node until clicked open.
    assert.ok(drawn.nodes.includes('app:sales.orders') && drawn.nodes.includes('ns:crm_ext') && !drawn.nodes.includes('app:crm_ext.lead_sources'), drawn.nodes.join(', '));
    assert.deepStrictEqual(drawn.collapsed, ['crm_ext']);
    assert.ok(drawn.edges.some((e) => e.key === 'app:sales.orders|ns:crm_ext|breaks|ISO004' && e.red), JSON.stringify(drawn.edges));
    // Its edge opens the reference of the graph's edge it stands for, as the page posts it.
    await api.graphPanel.receive({ command: 'openEdge', key: 'app:sales.orders|ns:crm_ext|breaks|ISO004', keys: ['app:sales.orders|app:crm_ext.lead_sources|breaks|ISO004'] });
    await landedOn(SALES, 'crm_ext.lead_sources');
    await api.graphPanel.receive({ command: 'level', level: 'namespace' });
    await drawnWhere('the namespace graph again', (d) => d.level === 'namespace');
  });

  test('an unsaved edit redraws the graph in place', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const doc = await openManifest(SALES);
    const text = doc.getText();
    const at = text.indexOf('"crm_ext.lead_sources"');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + '"crm_ext.lead_sources"'.length)), '"_clients._companies"');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const drawn = await drawnWhere('the graph without the ISO004 edge', (d) => d.level === 'namespace' && !d.edges.some((e) => e.label.startsWith('ISO004')));
    // The script's import of crm_ext still breaks isolation.
    assert.ok(drawn.edges.some((e) => e.key === 'ns:sales|ns:crm_ext|breaks|ISO005'), JSON.stringify(drawn.edges));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await drawnWhere('the ISO004 edge back after the revert', (d) => d.edges.some((e) => e.label.startsWith('ISO004')));
  });
});
