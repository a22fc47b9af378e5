import * as vscode from 'vscode';
import { LANGUAGE_ID } from '../languageClient';

/** The setting that turns the lens off. */
const SETTING = 'graph.codeLens';

/**
 * "Show package graph" at the top of every manifest (setting `isola.graph.codeLens`, on by
 * default). It costs nothing to offer: no request to the language server, one lens per file;
 * the command works out the package when clicked.
 */
export function registerGraphCodeLens(): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(doc) {
      if (!vscode.workspace.getConfiguration('isola', doc.uri).get<boolean>(SETTING, true)) return [];
      return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), {
        title: vscode.l10n.t('Show package graph'), command: 'isola.showPackageGraph', arguments: [doc.uri],
        tooltip: vscode.l10n.t('Draw the references of the package this manifest is checked in'),
      })];
    },
  };
  return vscode.Disposable.from(
    changed,
    vscode.languages.registerCodeLensProvider({ language: LANGUAGE_ID, scheme: 'file' }, provider),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`isola.${SETTING}`) && changed.fire()),
  );
}
