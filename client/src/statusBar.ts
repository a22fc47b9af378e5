import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { PackageInfoRequest } from '../../server/src/protocol';
import { codeSpanText, markdownText } from '../../server/src/core/language/markdown';
import { LANGUAGE_ID } from './languageClient';

/**
 * Shows the package the active manifest is checked in and its error count, e.g.
 * "$(package) solution payments_solution  $(error) 2". Refreshed on editor switches and when
 * diagnostics change (debounced, so a burst of publishes costs one request).
 */
export function registerStatusBar(context: vscode.ExtensionContext, client: LanguageClient): void {
  const item = vscode.window.createStatusBarItem('isola.package', vscode.StatusBarAlignment.Left, 50);
  item.name = vscode.l10n.t('Isola Package');
  item.command = 'workbench.actions.view.problems';
  context.subscriptions.push(item);
  let timer: NodeJS.Timeout | undefined;
  let seq = 0;

  const refresh = async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== LANGUAGE_ID) {
      item.hide();
      return;
    }
    const mine = ++seq;
    const info = await client.sendRequest(PackageInfoRequest, { uri: editor.document.uri.toString() }).catch(() => undefined);
    if (mine !== seq) return; // a newer refresh is on its way
    const pkg = info?.package;
    if (!pkg) {
      item.text = `$(package) ${vscode.l10n.t('not a package')}`;
      item.tooltip = vscode.l10n.t('This manifest has no valid kind and code yet.');
    } else {
      const c = pkg.counts;
      item.text = `$(package) ${pkg.kind} ${pkg.code}  $(error) ${c.errors}  $(warning) ${c.warnings}`;
      const tip = new vscode.MarkdownString(
        // The manifest's text shows as written: no link or icon of a contributor's in a tooltip that runs a command.
        vscode.l10n.t('Checked in **{0} `{1}`**', markdownText(pkg.kind), codeSpanText(pkg.code)) + `${pkg.title ? ` — ${markdownText(pkg.title)}` : ''}\n\n` +
          vscode.l10n.t('{0} error(s), {1} warning(s), {2} info(s) across the package.', c.errors, c.warnings, c.infos) +
          (c.errors ? `\n\n${vscode.l10n.t('Errors block export.')}` : '') +
          `\n\n[$(type-hierarchy) ${vscode.l10n.t('Show Package Graph')}](command:isola.showPackageGraph)`,
        true,
      );
      // The link runs this one command only.
      tip.isTrusted = { enabledCommands: ['isola.showPackageGraph'] };
      item.tooltip = tip;
      item.backgroundColor = c.errors ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    }
    item.show();
  };
  const soon = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void refresh(), 200);
  };
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(soon),
    vscode.languages.onDidChangeDiagnostics(soon),
    { dispose: () => timer && clearTimeout(timer) },
  );
  soon();
}
