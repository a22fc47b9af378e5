import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { InspectPackageRequest, PackageContents } from '../../../server/src/protocol';

/**
 * The package shown in the Package Contents view: which file, and what the server read from it.
 * Views and commands read it and listen to `onDidChange`; only `load` changes it.
 */
export class PackageContentsModel implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  file: vscode.Uri | undefined;
  contents: PackageContents | undefined;

  constructor(private readonly client: LanguageClient) {}

  /** Reads (and verifies) a package in the server; throws with the server's reason when it is refused. */
  async load(file: vscode.Uri): Promise<PackageContents> {
    const r = await this.client.sendRequest(InspectPackageRequest, { file: file.fsPath });
    if (!r.contents) throw new Error(r.error ?? 'the package could not be read');
    this.file = file;
    this.contents = r.contents;
    await vscode.commands.executeCommand('setContext', 'isola.packageOpen', true);
    this.emitter.fire();
    return r.contents;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
