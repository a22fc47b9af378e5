import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerBuildPackage } from './commands/buildPackage';
import { registerCheckWorkspace } from './commands/checkWorkspace';
import { registerCompareWithWorkspace } from './commands/compareWithWorkspace';
import { registerInspectPackage } from './commands/inspectPackage';
import { registerOpenPackageEntry } from './commands/openPackageEntry';
import { registerRestartServer } from './commands/restartServer';
import { registerShowOutput } from './commands/showOutput';
import { startLanguageClient } from './languageClient';
import { PackageContentsModel } from './packages/packageContentsModel';
import { registerPackageDocuments } from './packages/packageDocuments';
import { registerPackageEditor } from './packages/packageEditor';
import { registerStatusBar } from './statusBar';
import { PackageContentsView } from './views/packageContentsView';

let client: LanguageClient | undefined;

/** What the extension exports to other extensions (and to its end-to-end tests). */
export interface IsolaApi {
  /** The package shown in the Package Contents view. */
  packageContents: PackageContentsModel;
  /** The view's tree, as VS Code reads it. */
  packageContentsView: PackageContentsView;
}

/** Wires Isola's features together; each lives in its own module. */
export async function activate(context: vscode.ExtensionContext): Promise<IsolaApi> {
  const output = vscode.window.createOutputChannel('Isola', { log: true });
  context.subscriptions.push(output, registerShowOutput(output));
  client = await startLanguageClient(context, output);
  context.subscriptions.push(registerRestartServer(client), registerCheckWorkspace(client));
  registerStatusBar(context, client);

  const packageModel = new PackageContentsModel(client);
  const packageView = new PackageContentsView(packageModel);
  context.subscriptions.push(
    packageModel,
    vscode.window.registerTreeDataProvider('isola.packageContents', packageView),
    registerPackageDocuments(client),
    registerPackageEditor(packageModel),
    registerBuildPackage(client, output),
    registerInspectPackage(packageModel),
    registerOpenPackageEntry(packageModel),
    registerCompareWithWorkspace(packageModel),
  );
  return { packageContents: packageModel, packageContentsView: packageView };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
