import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import * as vscode from 'vscode';
import { CONFIG_FILE, EnvironmentConfig, loadConfig } from '../../../server/src/env/config';
import { foreignWarning } from '../../../server/src/core/packaging/projectFolder';

/**
 * The environments of the first workspace folder, as its `isola.config.json` names them (the
 * same file the CLI reads; `local` is always there). Adding or removing one edits that file and
 * keeps its comments; tokens go to VS Code's secret storage, never into it.
 */
export class EnvironmentList implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly watcher: vscode.FileSystemWatcher;
  /** Why the config could not be read, if it could not. */
  error: string | undefined;

  constructor() {
    this.watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE}`);
    const fire = () => this.emitter.fire();
    this.watcher.onDidChange(fire);
    this.watcher.onDidCreate(fire);
    this.watcher.onDidDelete(fire);
  }

  /** The folder the config lives in (the first workspace folder). */
  get root(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  all(): EnvironmentConfig[] {
    const root = this.root;
    if (!root) return [];
    try {
      const config = loadConfig(root);
      // A config file above the folder that another user owns is passed over: say so in the view.
      this.error = config.ignored.length ? foreignWarning(config.ignored[0]) : undefined;
      return config.environments;
    } catch (e) {
      this.error = (e as Error).message;
      return [{ name: 'local', data: path.join(root, '.isola', 'local') }];
    }
  }

  get(name: string): EnvironmentConfig | undefined {
    return this.all().find((e) => e.name === name);
  }

  async add(e: { name: string; url: string; production: boolean }): Promise<void> {
    await this.edit(['environments', e.name], { url: e.url, ...(e.production ? { production: true } : {}) });
  }

  async remove(name: string): Promise<void> {
    await this.edit(['environments', name], undefined);
  }

  private async edit(at: string[], value: unknown): Promise<void> {
    const root = this.root;
    if (!root) throw new Error('open a folder first: environments are kept in its isola.config.json');
    const file = path.join(root, CONFIG_FILE);
    const text = await fs.readFile(file, 'utf8').catch(() => '{}\n');
    const edits = modify(text, at, value, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
    await fs.writeFile(file, applyEdits(text, edits));
    this.emitter.fire();
  }

  dispose(): void {
    this.watcher.dispose();
    this.emitter.dispose();
  }
}
