import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { InspectPackageRequest, PackageContents } from '../../../server/src/protocol';

/** How long to wait after the last change on disk before reading the file again (a build renames once; a copy writes many times). */
const SETTLE_MS = 250;

/**
 * The package shown in the Package Contents view: which file, and what the server read from it.
 * Views and commands read it and listen to `onDidChange`; only `load` and the watch of the file
 * change it. The file is watched: a rebuild under the same name (from the editor, the CLI or a
 * copy) is read again, so the view never shows an older package than the one on disk.
 */
export class PackageContentsModel implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  file: vscode.Uri | undefined;
  contents: PackageContents | undefined;
  /** Set when the file on disk is no longer what the view shows (deleted, or rewritten into something unreadable). */
  problem: string | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly client: LanguageClient) {}

  /** Reads (and verifies) a package in the server; throws with the server's reason when it is refused. */
  async load(file: vscode.Uri): Promise<PackageContents> {
    const r = await this.client.sendRequest(InspectPackageRequest, { file: file.fsPath });
    if (!r.contents) throw new Error(r.error ?? 'the package could not be read');
    if (this.file?.fsPath !== file.fsPath) this.watch(file);
    this.file = file;
    this.contents = r.contents;
    this.problem = undefined;
    await vscode.commands.executeCommand('setContext', 'isola.packageOpen', true);
    this.emitter.fire();
    return r.contents;
  }

  private watch(file: vscode.Uri): void {
    this.watcher?.dispose();
    // One file, possibly outside the workspace: a pattern relative to its folder.
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file.fsPath)), path.basename(file.fsPath)));
    const soon = () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.reread(file), SETTLE_MS);
    };
    w.onDidChange(soon);
    w.onDidCreate(soon);
    w.onDidDelete(soon);
    this.watcher = w;
  }

  /** Reads the shown file again after it changed on disk; when that fails, the view says why instead of showing the old tree as current. */
  private async reread(file: vscode.Uri): Promise<void> {
    if (this.file?.fsPath !== file.fsPath) return;
    const exists = await vscode.workspace.fs.stat(file).then(() => true, () => false);
    if (!exists) {
      this.problem = vscode.l10n.t('{0} was deleted; this is what it held.', path.basename(file.fsPath));
      this.emitter.fire();
      return;
    }
    try {
      await this.load(file);
    } catch (e) {
      if (this.file?.fsPath !== file.fsPath) return;
      this.problem = vscode.l10n.t('{0} changed on disk and cannot be read ({1}); this is what it held.', path.basename(file.fsPath), (e as Error).message);
      this.emitter.fire();
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher?.dispose();
    this.emitter.dispose();
  }
}
