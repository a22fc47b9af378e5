import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerAddEnvironment } from './commands/addEnvironment';
import { registerApplyImportPlan } from './commands/applyImportPlan';
import { registerBuildPackage } from './commands/buildPackage';
import { registerCancelImportPlan } from './commands/cancelImportPlan';
import { registerCheckWorkspace } from './commands/checkWorkspace';
import { registerChooseImport } from './commands/chooseImport';
import { registerCompareWithWorkspace } from './commands/compareWithWorkspace';
import { registerCreateProject } from './commands/createProject';
import { registerExportFromEnvironment } from './commands/exportFromEnvironment';
import { registerImportPackage } from './commands/importPackage';
import { registerInspectPackage } from './commands/inspectPackage';
import { registerOpenPackageEntry } from './commands/openPackageEntry';
import { registerRefreshEnvironments } from './commands/refreshEnvironments';
import { registerRemoveEnvironment } from './commands/removeEnvironment';
import { registerRestartServer } from './commands/restartServer';
import { registerRestoreBackup } from './commands/restoreBackup';
import { registerRetrieveFromEnvironment } from './commands/retrieveFromEnvironment';
import { registerSetToken } from './commands/setToken';
import { registerShowConflictDiff } from './commands/showConflictDiff';
import { registerShowJobLog } from './commands/showJobLog';
import { registerShowPackageGraph } from './commands/showPackageGraph';
import { registerUnpackPackage } from './commands/unpackPackage';
import { Connections } from './environments/connections';
import { registerEnvDocuments } from './environments/envDocuments';
import { EnvironmentList } from './environments/environmentList';
import { LocalService } from './environments/localService';
import { PlanPanel } from './environments/planPanel';
import { GraphPanel } from './graph/graphPanel';
import { registerShowOutput } from './commands/showOutput';
import { startLanguageClient } from './languageClient';
import { PackageContentsModel } from './packages/packageContentsModel';
import { registerPackageDocuments } from './packages/packageDocuments';
import { registerPackageEditor } from './packages/packageEditor';
import { registerStatusBar } from './statusBar';
import { registerWalkthroughProgress, timesReached, WalkthroughMoment } from './walkthrough';
import { EnvironmentsView } from './views/environmentsView';
import { createPackageContentsTree, Node as PackageNode, PackageContentsView } from './views/packageContentsView';

let client: LanguageClient | undefined;

/** What the extension exports to other extensions (and to its end-to-end tests). */
export interface IsolaApi {
  /** The package shown in the Package Contents view. */
  packageContents: PackageContentsModel;
  /** The view's tree, as VS Code reads it. */
  packageContentsView: PackageContentsView;
  /** The view on screen (its description names the file shown). */
  packageContentsTree: vscode.TreeView<PackageNode>;
  /** The Environments view's tree. */
  environmentsView: EnvironmentsView;
  /** The import plan on screen, if any. */
  planPanel: PlanPanel;
  /** The package graph panel (what it was given and what its page drew). */
  graphPanel: GraphPanel;
  /** How many times each walkthrough moment happened in this window (walkthrough.ts); context keys cannot be read back. */
  walkthrough: { timesReached(moment: WalkthroughMoment): number };
}

/** Wires Isola's features together; each lives in its own module. */
export async function activate(context: vscode.ExtensionContext): Promise<IsolaApi> {
  const output = vscode.window.createOutputChannel('Isola', { log: true });
  context.subscriptions.push(output, registerShowOutput(output));
  // Before the language server starts: a folder with no project yet needs this command first.
  context.subscriptions.push(registerCreateProject(context.extension.packageJSON.version as string), registerWalkthroughProgress());
  client = await startLanguageClient(context, output);
  context.subscriptions.push(registerRestartServer(client), registerCheckWorkspace(client));
  registerStatusBar(context, client);

  const packageModel = new PackageContentsModel(client);
  const packageView = new PackageContentsView(packageModel);
  const packageTree = createPackageContentsTree(packageModel, packageView);
  context.subscriptions.push(
    packageTree,
    packageModel,
    registerPackageDocuments(client, packageModel),
    registerPackageEditor(packageModel),
    registerBuildPackage(client, output),
    registerInspectPackage(packageModel),
    registerOpenPackageEntry(packageModel),
    registerCompareWithWorkspace(packageModel),
    registerUnpackPackage(client, packageModel, output),
  );
  const graphPanel = new GraphPanel(client, context.extensionUri);
  context.subscriptions.push(graphPanel, registerShowPackageGraph(client, graphPanel, packageModel));

  const environments = new EnvironmentList();
  const local = new LocalService(context.extensionPath, output);
  const connections = new Connections(environments, context.secrets, local);
  const envView = new EnvironmentsView(environments, connections);
  const planPanel = new PlanPanel();
  const refresh = () => envView.refresh();
  context.subscriptions.push(
    environments, local, envView, planPanel,
    vscode.window.registerTreeDataProvider('isola.environments', envView),
    vscode.window.registerFileDecorationProvider(envView),
    registerEnvDocuments(connections, client),
    registerAddEnvironment(environments, connections),
    registerRemoveEnvironment(environments, connections),
    registerSetToken(environments, connections, refresh),
    registerRefreshEnvironments(envView),
    registerImportPackage(environments, connections, planPanel, packageModel),
    registerApplyImportPlan(connections, planPanel, output, refresh),
    registerCancelImportPlan(planPanel),
    registerChooseImport(connections, planPanel),
    registerShowConflictDiff(planPanel),
    registerExportFromEnvironment(environments, connections, output, refresh),
    registerRetrieveFromEnvironment(client, environments, connections, output, refresh),
    registerRestoreBackup(connections, refresh),
    registerShowJobLog(connections, output),
  );
  return { packageContents: packageModel, packageContentsView: packageView, packageContentsTree: packageTree, environmentsView: envView, planPanel, graphPanel, walkthrough: { timesReached } };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
