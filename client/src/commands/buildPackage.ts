import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { WorkDoneProgress } from 'vscode-languageclient/node';
import { blockingWords, plural } from '../../../server/src/core/report/words';
import { BuildPackageParams, BuildPackageRequest, PackagesRequest, PackageSummary } from '../../../server/src/protocol';

/** Arguments that skip the prompts (for keybindings, tasks and tests). */
export interface BuildPackageArgs {
  uri?: string;
  title?: string;
  comment?: string;
  data?: BuildPackageParams['data'];
  out?: string;
}

/**
 * "Isola: Build Package": pick the package, give a title and comment, choose which data records
 * to carry, then build in the language server with a cancellable progress notification.
 */
export function registerBuildPackage(client: LanguageClient, output: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('isola.buildPackage', async (args: BuildPackageArgs = {}) => {
    const packages = await client.sendRequest(PackagesRequest, {});
    const pkg = args.uri ? packages.find((p) => p.uri === args.uri) : await pickPackage(packages);
    if (!pkg) return undefined;
    const title = args.title ?? (await vscode.window.showInputBox({ title: `Build ${pkg.kind} ${pkg.code} (1/3)`, prompt: 'Title of this package', value: pkg.title ?? pkg.code }));
    if (title === undefined) return undefined;
    const comment = args.comment ?? (await vscode.window.showInputBox({ title: `Build ${pkg.kind} ${pkg.code} (2/3)`, prompt: 'Comment (what changed, for whoever imports it)', value: '' }));
    if (comment === undefined) return undefined;
    const data = args.data ?? (await pickData(pkg));
    if (data === undefined) return undefined;
    const out = args.out ?? defaultOut(pkg);

    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Isola: building ${pkg.kind} ${pkg.code}`, cancellable: true },
      async (progress, token) => {
        const workDoneToken = `isola-build-${Date.now()}`;
        let last = 0;
        const listener = client.onProgress(WorkDoneProgress.type, workDoneToken, (p) => {
          if (p.kind !== 'report') return;
          const pct = p.percentage ?? last;
          progress.report({ message: p.message, increment: pct - last });
          last = pct;
        });
        try {
          return await client.sendRequest(BuildPackageRequest, { uri: pkg.uri, title, comment, data, out, workDoneToken }, token);
        } finally {
          listener.dispose();
        }
      },
    );
    if (result.refused) {
      output.error(`Build of ${pkg.kind} ${pkg.code} refused: ${result.refused.message}`);
      for (const f of result.refused.findings) output.error(`  ${vscode.Uri.parse(f.uri).fsPath}:${f.line + 1}:${f.character + 1} ${f.code} ${f.message}`);
      // The message stays until answered; the command's result (for callers and tests) must not wait for it.
      const buttons = result.refused.findings.length ? ['Show Problems'] : [];
      void vscode.window.showErrorMessage(`Isola: build refused: ${result.refused.message}`, ...buttons).then((choice) => {
        if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
      return result;
    }
    const b = result.built!;
    const file = vscode.Uri.file(b.file);
    output.info(`Built ${b.file}; versions recorded in ${b.history}${b.replaced ? `. ${b.replaced.message}` : ''}`);
    const text = `Isola: built ${path.basename(b.file)}: ${plural(b.cards, 'card')}, ${plural(b.records, 'data record')}, ${Math.max(1, Math.round(b.size / 1024))} KB.` +
      (b.replaced ? ` ${b.replaced.message}` : '');
    // Other content under the name of the same version is worth a warning: importers cannot tell the two files apart.
    const warn = b.replaced !== undefined && !b.replaced.same;
    void (warn ? vscode.window.showWarningMessage(text, 'Reveal in Explorer', 'Inspect') : vscode.window.showInformationMessage(text, 'Reveal in Explorer', 'Inspect'))
      .then((choice) => {
        if (choice === 'Reveal in Explorer') void vscode.commands.executeCommand('revealInExplorer', file);
        if (choice === 'Inspect') void vscode.commands.executeCommand('isola.inspectPackage', file);
      });
    return result;
  });
}

async function pickPackage(packages: PackageSummary[]): Promise<PackageSummary | undefined> {
  if (packages.length === 0) {
    void vscode.window.showWarningMessage('Isola: no packages in this workspace (no *.isola.json manifest with a kind and code).');
    return undefined;
  }
  const items = packages.map((p) => ({
    label: `$(package) ${p.kind} ${p.code}`,
    description: p.title,
    detail: p.counts.errors ? `$(error) ${blockingWords(p.errorCodes)} block the build` : `$(check) ready${p.counts.warnings ? `, ${plural(p.counts.warnings, 'warning')}` : ''}`,
    pkg: p,
  }));
  return (await vscode.window.showQuickPick(items, { title: 'Build Package: which package?', matchOnDescription: true }))?.pkg;
}

async function pickData(pkg: PackageSummary): Promise<BuildPackageParams['data'] | undefined> {
  if (pkg.dataApps.length === 0) return 'none';
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'No data records', description: 'design only', value: 'none' as const },
      { label: 'All data records', description: pkg.dataApps.join(', '), value: 'all' as const },
      { label: 'Chosen apps…', description: 'Isola orders them so referenced records come first', value: 'some' as const },
    ],
    { title: `Build ${pkg.kind} ${pkg.code} (3/3): data records` },
  );
  if (!choice) return undefined;
  if (choice.value !== 'some') return choice.value;
  const apps = await vscode.window.showQuickPick(pkg.dataApps.map((a) => ({ label: a })), { canPickMany: true, title: 'Apps whose records to carry' });
  return apps?.length ? apps.map((a) => a.label) : undefined;
}

function defaultOut(pkg: PackageSummary): string {
  const manifest = vscode.Uri.parse(pkg.uri);
  const folder = vscode.workspace.getWorkspaceFolder(manifest)?.uri.fsPath ?? path.dirname(manifest.fsPath);
  return path.join(folder, `${pkg.code}${pkg.version ? `-${pkg.version}` : ''}.isolapkg`);
}
