import * as vscode from 'vscode';
import type { Backup, EnvEntity, Job } from '../../../server/src/core/environment/types';
import type { NamespaceInfo } from '../../../server/src/env/client';
import type { Connections } from '../environments/connections';
import { envEntityUri } from '../environments/envDocuments';
import type { EnvironmentList } from '../environments/environmentList';
import { wantsToken } from '../environments/tokenBinding';
import { backupDescription, EnvFolder, emptyFolderWords, entityTooltip, namespaceDescription } from './environmentWords';

/** Tree nodes; their fields double as the arguments of the commands their menus run. */
export type EnvNode =
  | { type: 'env'; env: string; url?: string; production: boolean }
  | { type: 'add' }
  | { type: 'error'; env: string; message: string; wantsToken?: boolean }
  | { type: 'folder'; env: string; folder: EnvFolder }
  | { type: 'empty'; env: string; folder: EnvFolder }
  | { type: 'namespace'; env: string; kind: 'namespace' | 'solution'; code: string; info: NamespaceInfo }
  | { type: 'kindGroup'; env: string; namespace: string; entityType: string; entities: EnvEntity[] }
  | { type: 'entity'; env: string; kind?: 'app'; code?: string; entity: EnvEntity }
  | { type: 'job'; env: string; job: string; info: Job }
  | { type: 'backup'; env: string; backup: string; info: Backup };

const ICON: Record<string, string> = {
  app: 'symbol-class', process: 'git-merge', activity: 'symbol-method', group: 'organization', page: 'file',
  widget: 'symbol-misc', template: 'file-text', counter: 'symbol-number', permissions: 'lock', orgUnit: 'type-hierarchy',
  setting: 'settings-gear', event: 'zap', apiMethod: 'globe', module: 'extensions', workspace: 'package', solution: 'folder-library', configuration: 'organization',
};

/** Marks production environments red in the tree (a decoration colours the label, not only the icon). */
export const PRODUCTION_SCHEME = 'isola-environment';

/**
 * The Environments view: each environment (local first) with its namespaces → entity kinds →
 * entities, its import and export jobs, and its backups. Read from the environment when a node
 * is expanded; "Refresh" re-reads.
 */
export class EnvironmentsView implements vscode.TreeDataProvider<EnvNode>, vscode.FileDecorationProvider {
  private readonly emitter = new vscode.EventEmitter<EnvNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly decorations = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.decorations.event;

  constructor(private readonly list: EnvironmentList, private readonly connections: Connections) {
    list.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.emitter.fire(undefined);
    this.decorations.fire(this.list.all().map((e) => vscode.Uri.from({ scheme: PRODUCTION_SCHEME, path: `/${e.name}` })));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== PRODUCTION_SCHEME) return undefined;
    const e = this.list.get(uri.path.slice(1));
    return e?.production ? { color: new vscode.ThemeColor('errorForeground'), badge: 'P', tooltip: vscode.l10n.t('production environment') } : undefined;
  }

  async getChildren(node?: EnvNode): Promise<EnvNode[]> {
    if (!node) {
      const envs = this.list.all();
      const nodes: EnvNode[] = envs.map((e) => ({ type: 'env', env: e.name, url: e.url, production: e.production === true }));
      if (this.list.error) nodes.push({ type: 'error', env: 'local', message: this.list.error });
      if (envs.length === 1) nodes.push({ type: 'add' });
      return nodes;
    }
    try {
      switch (node.type) {
        case 'env':
          return (['namespaces', 'jobs', 'backups'] as const).map((folder) => ({ type: 'folder', env: node.env, folder }));
        case 'folder': {
          const client = await this.connections.client(node.env);
          let rows: EnvNode[];
          if (node.folder === 'namespaces') rows = (await client.namespaces()).map((info) => ({ type: 'namespace', env: node.env, kind: info.kind === 'solution' ? 'solution' : 'namespace', code: info.code, info }));
          else if (node.folder === 'jobs') rows = (await client.jobs()).map((info) => ({ type: 'job', env: node.env, job: info.id, info }));
          else rows = (await client.backups()).map((info) => ({ type: 'backup', env: node.env, backup: info.id, info }));
          return rows.length ? rows : [{ type: 'empty', env: node.env, folder: node.folder }];
        }
        case 'namespace': {
          const entities = await (await this.connections.client(node.env)).entities(node.code);
          const types = [...new Set(entities.map((e) => e.type))].sort();
          return types.map((t) => ({ type: 'kindGroup', env: node.env, namespace: node.code, entityType: t, entities: entities.filter((e) => e.type === t) }));
        }
        case 'kindGroup':
          return node.entities.map((entity) => ({ type: 'entity', env: node.env, entity, ...(entity.type === 'app' ? { kind: 'app' as const, code: entity.id } : {}) }));
        default:
          return [];
      }
    } catch (e) {
      return [{ type: 'error', env: 'env' in node ? node.env : 'local', message: (e as Error).message, wantsToken: wantsToken(e) }];
    }
  }

  getTreeItem(node: EnvNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.type) {
      case 'env': {
        const item = new vscode.TreeItem(node.env, C.Collapsed);
        item.resourceUri = vscode.Uri.from({ scheme: PRODUCTION_SCHEME, path: `/${node.env}` });
        item.description = `${node.production ? `${vscode.l10n.t('production')} · ` : ''}${node.url ?? vscode.l10n.t('embedded in this workspace')}`;
        item.iconPath = new vscode.ThemeIcon(node.production ? 'warning' : node.url ? 'server-environment' : 'vm', node.production ? new vscode.ThemeColor('errorForeground') : undefined);
        item.contextValue = node.url ? 'isola.env.remote' : 'isola.env.local';
        item.id = `env:${node.env}`;
        return item;
      }
      case 'add': {
        const item = new vscode.TreeItem(vscode.l10n.t('Add Environment…'));
        item.description = vscode.l10n.t('only the embedded local environment so far');
        item.iconPath = new vscode.ThemeIcon('add');
        item.command = { command: 'isola.addEnvironment', title: vscode.l10n.t('Add Environment') };
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(node.message);
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.tooltip = node.message;
        if (node.wantsToken) item.command = { command: 'isola.setToken', title: vscode.l10n.t('Set Token'), arguments: [{ env: node.env }] };
        return item;
      }
      case 'folder': {
        const labels = { namespaces: [vscode.l10n.t('Namespaces'), 'symbol-namespace'], jobs: [vscode.l10n.t('Imports and Exports'), 'history'], backups: [vscode.l10n.t('Backups'), 'archive'] } as const;
        const item = new vscode.TreeItem(labels[node.folder][0], C.Collapsed);
        item.iconPath = new vscode.ThemeIcon(labels[node.folder][1]);
        item.id = `${node.env}:${node.folder}`;
        return item;
      }
      case 'empty': {
        const words = emptyFolderWords(node.folder, vscode.l10n.t);
        const item = new vscode.TreeItem(words.label);
        item.description = words.description;
        item.iconPath = new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
        item.contextValue = 'isola.empty';
        return item;
      }
      case 'namespace': {
        const item = new vscode.TreeItem(node.code, C.Collapsed);
        item.description = namespaceDescription(node.info, vscode.l10n.t);
        item.iconPath = new vscode.ThemeIcon(ICON[node.info.kind] ?? 'symbol-namespace');
        item.contextValue = 'isola.exportable';
        item.id = `${node.env}:ns:${node.code}`;
        return item;
      }
      case 'kindGroup': {
        const item = new vscode.TreeItem(`${node.entityType} (${node.entities.length})`, C.Collapsed);
        item.iconPath = new vscode.ThemeIcon(ICON[node.entityType] ?? 'symbol-misc');
        item.id = `${node.env}:ns:${node.namespace}:${node.entityType}`;
        return item;
      }
      case 'entity': {
        const e = node.entity;
        const title = typeof e.body.title === 'string' ? e.body.title : undefined;
        const item = new vscode.TreeItem(e.code);
        item.description = `${title ?? ''}${e.deleted ? ` (${vscode.l10n.t('deleted')})` : ''}`;
        item.iconPath = new vscode.ThemeIcon(e.deleted ? 'trash' : ICON[e.type] ?? 'symbol-misc', e.deleted ? new vscode.ThemeColor('disabledForeground') : undefined);
        item.tooltip = new vscode.MarkdownString(entityTooltip(e, vscode.l10n.t));
        item.command = { command: 'vscode.open', title: vscode.l10n.t('Open'), arguments: [envEntityUri(node.env, e.id)] };
        item.contextValue = e.type === 'app' ? 'isola.exportable' : 'isola.entity';
        item.id = `${node.env}:e:${e.id}`;
        return item;
      }
      case 'job': {
        const j = node.info;
        const item = new vscode.TreeItem(`${j.kind} ${j.packageCode ?? ''}`);
        item.description = `${j.status} · ${j.createdAt.replace('T', ' ').slice(0, 16)} · ${j.createdBy}`;
        const icon = j.status === 'succeeded' ? 'pass' : j.status === 'failed' ? 'error' : j.status === 'cancelled' ? 'circle-slash' : 'sync~spin';
        item.iconPath = new vscode.ThemeIcon(icon, j.status === 'failed' ? new vscode.ThemeColor('errorForeground') : undefined);
        item.tooltip = vscode.l10n.t('{0} job {1}: {2}', j.kind, j.id, j.status) + (j.error ? `\n${j.error}` : '') + '\n' + vscode.l10n.t('package {0} into {1}', j.packageCode ?? '?', j.namespaces.join(', '));
        item.command = { command: 'isola.showJobLog', title: vscode.l10n.t('Show Log'), arguments: [{ env: node.env, job: j.id }] };
        item.contextValue = 'isola.job';
        return item;
      }
      case 'backup': {
        const b = node.info;
        const item = new vscode.TreeItem(b.createdAt.replace('T', ' ').slice(0, 19));
        item.description = backupDescription(b, vscode.l10n.t);
        item.tooltip = vscode.l10n.t('Backup {0} taken by import {1} ({2})', b.id, b.jobId, b.createdBy);
        item.iconPath = new vscode.ThemeIcon('archive');
        item.contextValue = 'isola.backup';
        return item;
      }
    }
  }

  dispose(): void {
    this.emitter.dispose();
    this.decorations.dispose();
  }
}
