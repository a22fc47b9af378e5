import * as path from 'node:path';
import * as vscode from 'vscode';
import { cardsWord, recordsWord } from '../words';
import type { CardSummary, PackageContents } from '../../../server/src/protocol';
import type { PackageContentsModel } from '../packages/packageContentsModel';

/** Icons of card types (theme icons, so they follow the user's theme). */
const ICON: Record<string, string> = {
  app: 'symbol-class', process: 'git-merge', activity: 'symbol-method', group: 'organization', page: 'file',
  widget: 'symbol-misc', form: 'window', template: 'file-text', counter: 'symbol-number', permissions: 'lock',
  orgUnit: 'type-hierarchy', setting: 'settings-gear', event: 'zap', apiMethod: 'globe', module: 'extensions',
  workspace: 'package', solution: 'folder-library', configuration: 'organization',
};

/** A row of the view. */
export type Node =
  | { kind: 'descriptor' }
  | { kind: 'fact'; label: string; value: string }
  | { kind: 'step'; step: string; cards: CardSummary[] }
  | { kind: 'card'; card: CardSummary }
  | { kind: 'data' }
  | { kind: 'dataSet'; app: string; records: number; chunks: number };

/** The Package Contents view: descriptor, then import steps in order with their cards, then data per app. */
export class PackageContentsView implements vscode.TreeDataProvider<Node> {
  readonly onDidChangeTreeData: vscode.Event<void>;

  constructor(private readonly model: PackageContentsModel) {
    this.onDidChangeTreeData = model.onDidChange;
  }

  getChildren(node?: Node): Node[] {
    const c = this.model.contents;
    if (!c) return [];
    if (!node) {
      const roots: Node[] = [{ kind: 'descriptor' }];
      for (const s of c.steps) if (s.cards.length) roots.push({ kind: 'step', step: s.step, cards: s.cards });
      if (c.data.length) roots.push({ kind: 'data' });
      return roots;
    }
    if (node.kind === 'descriptor') return facts(c).map(([label, value]) => ({ kind: 'fact', label, value }));
    if (node.kind === 'step') return node.cards.map((card) => ({ kind: 'card', card }));
    if (node.kind === 'data') return c.data.map((d) => ({ kind: 'dataSet', ...d }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const c = this.model.contents!;
    switch (node.kind) {
      case 'descriptor': {
        const d = c.descriptor;
        const item = new vscode.TreeItem(`${d.kind} ${d.code}${d.version ? ` ${d.version}` : ''}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = d.title;
        item.iconPath = new vscode.ThemeIcon('package');
        item.tooltip = this.model.file?.fsPath;
        item.contextValue = 'isola.descriptor';
        item.command = { command: 'isola.openPackageEntry', title: vscode.l10n.t('Open Descriptor'), arguments: ['meta_data.json'] };
        return item;
      }
      case 'fact': {
        const item = new vscode.TreeItem(node.label);
        item.description = node.value;
        item.tooltip = `${node.label}: ${node.value}`;
        return item;
      }
      case 'step': {
        const item = new vscode.TreeItem(node.step, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = cardsWord(node.cards.length);
        item.iconPath = new vscode.ThemeIcon('list-ordered');
        item.tooltip = vscode.l10n.t('Import step "{0}": applied in this order on import', node.step);
        return item;
      }
      case 'card': {
        const k = node.card;
        const item = new vscode.TreeItem(k.id);
        item.description = [k.type, k.title, k.deleted ? vscode.l10n.t('deleted') : undefined].filter(Boolean).join(' · ');
        item.iconPath = new vscode.ThemeIcon(k.deleted ? 'trash' : ICON[k.type] ?? 'symbol-field');
        item.tooltip = `${k.type} ${k.id}${k.deleted ? ` ${vscode.l10n.t('(marked deleted: the flag is set on import)')}` : ''}\n${k.path}`;
        item.contextValue = 'isola.card';
        item.command = { command: 'isola.openPackageEntry', title: vscode.l10n.t('Open Card'), arguments: [k.path] };
        return item;
      }
      case 'data': {
        const item = new vscode.TreeItem(vscode.l10n.t('data'), vscode.TreeItemCollapsibleState.Collapsed);
        const total = c.data.reduce((n, d) => n + d.records, 0);
        item.description = recordsWord(total);
        item.iconPath = new vscode.ThemeIcon('database');
        return item;
      }
      case 'dataSet': {
        const item = new vscode.TreeItem(node.app);
        item.description = vscode.l10n.t('{0} in {1}', recordsWord(node.records), node.chunks === 1 ? vscode.l10n.t('1 chunk') : vscode.l10n.t('{0} chunks', node.chunks));
        item.iconPath = new vscode.ThemeIcon('table');
        return item;
      }
    }
  }
}

/**
 * The view on screen: its description names the file it shows (next to the view's title, not only
 * in a tooltip), and its message says when the file on disk is no longer what it shows.
 */
export function createPackageContentsTree(model: PackageContentsModel, provider: PackageContentsView): vscode.TreeView<Node> {
  const tree = vscode.window.createTreeView('isola.packageContents', { treeDataProvider: provider });
  const sync = () => {
    tree.description = model.file ? path.basename(model.file.fsPath) : undefined;
    tree.message = model.problem;
  };
  // The listener ends with the model's emitter, which the extension disposes with the view.
  model.onDidChange(sync);
  sync();
  return tree;
}

function facts(c: PackageContents): [string, string][] {
  const d = c.descriptor as Record<string, unknown> & { options?: { design?: string; data?: unknown; dataOrder?: string[] }; tool?: { name: string; version: string } };
  const out: [string, string][] = [];
  const add = (label: string, v: unknown) => {
    if (v !== undefined && v !== null && v !== '') out.push([label, Array.isArray(v) ? v.join(', ') : String(v)]);
  };
  add(vscode.l10n.t('comment'), d.comment);
  add(vscode.l10n.t('created'), d.createdAt);
  add(vscode.l10n.t('by'), d.createdBy);
  add(vscode.l10n.t('source'), d.source);
  add(vscode.l10n.t('tool'), d.tool && `${d.tool.name} ${d.tool.version}`);
  add(vscode.l10n.t('format'), `${d.format} ${d.formatVersion}`);
  add(vscode.l10n.t('platform'), d.platform);
  add(vscode.l10n.t('languages'), d.languages);
  add(vscode.l10n.t('design'), d.options?.design);
  add(vscode.l10n.t('data'), d.options?.data);
  add(vscode.l10n.t('data order'), d.options?.dataOrder?.join(' → '));
  add(vscode.l10n.t('entries'), vscode.l10n.t('{0} ({1} KB uncompressed, verified)', c.entries, Math.round(c.bytes / 1024)));
  return out;
}
