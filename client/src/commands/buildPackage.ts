import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { WorkDoneProgress } from 'vscode-languageclient/node';
import { localeOf, translator } from '../../../server/src/core/l10n';
import { blockingWords } from '../../../server/src/core/report/words';
import { cardsWord, dataRecordsWord, warningsWord } from '../words';
import { BuildPackageParams, BuildPackageRequest, PackagesRequest, PackageSummary } from '../../../server/src/protocol';
import { reached } from '../walkthrough';

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
    const title = args.title ?? (await vscode.window.showInputBox({ title: vscode.l10n.t('Build {0} {1} (1/3)', pkg.kind, pkg.code), prompt: vscode.l10n.t('Title of this package'), value: pkg.title ?? pkg.code }));
    if (title === undefined) return undefined;
    const comment = args.comment ?? (await vscode.window.showInputBox({ title: vscode.l10n.t('Build {0} {1} (2/3)', pkg.kind, pkg.code), prompt: vscode.l10n.t('Comment (what changed, for whoever imports it)'), value: '' }));
    if (comment === undefined) return undefined;
    const data = args.data ?? (await pickData(pkg));
    if (data === undefined) return undefined;
    const out = args.out ?? defaultOut(pkg);

    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Isola: building {0} {1}', pkg.kind, pkg.code), cancellable: true },
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
      const showProblems = vscode.l10n.t('Show Problems');
      const buttons = result.refused.findings.length ? [showProblems] : [];
      void vscode.window.showErrorMessage(vscode.l10n.t('Isola: build refused: {0}', result.refused.message), ...buttons).then((choice) => {
        if (choice === showProblems) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
      return result;
    }
    const b = result.built!;
    reached('built');
    const file = vscode.Uri.file(b.file);
    output.info(`Built ${b.file}; versions recorded in ${b.history}${b.replaced ? `. ${b.replaced.message}` : ''}`);
    for (const w of b.warnings ?? []) output.warn(w);
    const text = vscode.l10n.t('Isola: built {0}: {1}, {2}, {3} KB.', path.basename(b.file), cardsWord(b.cards), dataRecordsWord(b.records), Math.max(1, Math.round(b.size / 1024))) +
      (b.replaced ? ` ${b.replaced.message}` : '') + (b.warnings?.length ? ` ${b.warnings.join(' ')}` : '');
    // Other content under the name of the same version is worth a warning: importers cannot tell the two files apart;
    // so is a project file passed over (another user's): the history went where the user may not expect.
    const warn = (b.replaced !== undefined && !b.replaced.same) || !!b.warnings?.length;
    const reveal = vscode.l10n.t('Reveal in Explorer');
    const inspect = vscode.l10n.t('Inspect');
    void (warn ? vscode.window.showWarningMessage(text, reveal, inspect) : vscode.window.showInformationMessage(text, reveal, inspect))
      .then((choice) => {
        if (choice === reveal) void vscode.commands.executeCommand('revealInExplorer', file);
        if (choice === inspect) void vscode.commands.executeCommand('isola.inspectPackage', file);
      });
    return result;
  });
}

async function pickPackage(packages: PackageSummary[]): Promise<PackageSummary | undefined> {
  if (packages.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Isola: no packages in this workspace (no *.isola.json manifest with a kind and code).'));
    return undefined;
  }
  // The findings' words in the display language, as the language server gives its messages.
  const t = translator(localeOf(vscode.env.language) ?? 'en');
  const items = packages.map((p) => ({
    label: `$(package) ${p.kind} ${p.code}`,
    description: p.title,
    detail: p.counts.errors
      ? `$(error) ${vscode.l10n.t('{0} block the build', blockingWords(p.errorCodes, t))}`
      : `$(check) ${p.counts.warnings ? vscode.l10n.t('ready, {0}', warningsWord(p.counts.warnings)) : vscode.l10n.t('ready')}`,
    pkg: p,
  }));
  return (await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Build Package: which package?'), matchOnDescription: true }))?.pkg;
}

async function pickData(pkg: PackageSummary): Promise<BuildPackageParams['data'] | undefined> {
  if (pkg.dataApps.length === 0) return 'none';
  const choice = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('No data records'), description: vscode.l10n.t('design only'), value: 'none' as const },
      { label: vscode.l10n.t('All data records'), description: pkg.dataApps.join(', '), value: 'all' as const },
      { label: vscode.l10n.t('Chosen apps…'), description: vscode.l10n.t('Isola orders them so referenced records come first'), value: 'some' as const },
    ],
    { title: vscode.l10n.t('Build {0} {1} (3/3): data records', pkg.kind, pkg.code) },
  );
  if (!choice) return undefined;
  if (choice.value !== 'some') return choice.value;
  const apps = await vscode.window.showQuickPick(pkg.dataApps.map((a) => ({ label: a })), { canPickMany: true, title: vscode.l10n.t('Apps whose records to carry') });
  return apps?.length ? apps.map((a) => a.label) : undefined;
}

function defaultOut(pkg: PackageSummary): string {
  const manifest = vscode.Uri.parse(pkg.uri);
  const folder = vscode.workspace.getWorkspaceFolder(manifest)?.uri.fsPath ?? path.dirname(manifest.fsPath);
  return path.join(folder, `${pkg.code}${pkg.version ? `-${pkg.version}` : ''}.isolapkg`);
}
