/**
 * Helpers shared by the e2e tests (`*.test.ts` in this folder); run in the extension host.
 * Every wait is driven by VS Code events (`languages.onDidChangeDiagnostics` and the like), with a
 * timeout that reports what was seen instead of mocha's bare "timeout exceeded".
 */
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'isola.isola';
export const LANGUAGE_ID = 'isola-manifest';
/** How long to wait for an event; the tests' own mocha timeout is longer, so a wait that times out reports what it saw. */
export const WAIT_MS = 60_000;
export const TEST_TIMEOUT_MS = WAIT_MS + 30_000;

/**
 * The repository root: this file is compiled to out/test/vscode/suite/helpers.js, and the
 * suite always runs from the repository (extensionTestsPath), also when the extension under
 * test is the packaged one.
 */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workbench has no workspace folder open');
  return folder;
}

export function workspaceFile(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder().uri, ...relative.split('/'));
}

export function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? code.value : code;
}

export function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  if (diagnostics.length === 0) return '(none)';
  return diagnostics
    .map((d) => `${String(codeOf(d))}@${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`)
    .join('; ');
}

/** Diagnostics of `uri` with code `code` whose message contains `text` (when given). */
export function diagnosticsWith(uri: vscode.Uri, code: string, text?: string): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => String(codeOf(d)) === code && (text === undefined || d.message.includes(text)));
}

/** Resolves when `condition()` holds, re-checking whenever one of `events` fires. */
export function waitUntil(
  description: string,
  condition: () => boolean,
  events: vscode.Event<unknown>[],
  timeoutMs = WAIT_MS,
  details: () => string = () => '',
): Promise<void> {
  return new Promise((resolve, reject) => {
    const subscriptions: vscode.Disposable[] = [];
    let timer: NodeJS.Timeout | undefined;
    // Extension activation has no public event: re-check on a short interval as well.
    let poll: NodeJS.Timeout | undefined;
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      clearInterval(poll);
      subscriptions.forEach((s) => s.dispose());
      if (err) reject(err);
      else resolve();
    };
    const check = (): void => {
      try {
        if (condition()) finish();
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    };
    for (const event of events) subscriptions.push(event(check));
    timer = setTimeout(() => {
      const more = details();
      finish(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${description}${more ? `: ${more}` : ''}`));
    }, timeoutMs);
    poll = setInterval(check, 100);
    check();
  });
}

/** Waits until the diagnostics of `uri` satisfy `condition`; the timeout error lists them. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  description: string,
  condition: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  timeoutMs = WAIT_MS,
): Promise<void> {
  return waitUntil(
    `${description} on ${vscode.workspace.asRelativePath(uri)}`,
    () => condition(vscode.languages.getDiagnostics(uri)),
    [vscode.languages.onDidChangeDiagnostics],
    timeoutMs,
    () => `diagnostics now: ${describeDiagnostics(vscode.languages.getDiagnostics(uri))}`,
  );
}

/** Waits for a diagnostic with `code` (and `text` in its message) on `uri`, and returns it. */
export async function waitForDiagnostic(uri: vscode.Uri, code: string, text?: string): Promise<vscode.Diagnostic> {
  await waitForDiagnostics(
    uri,
    `a ${code} diagnostic${text ? ` mentioning ${text}` : ''}`,
    () => diagnosticsWith(uri, code, text).length > 0,
  );
  return diagnosticsWith(uri, code, text)[0];
}

/** Rejects with a clear message when `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Thenable<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms);
  });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

export async function openManifest(relative: string): Promise<vscode.TextDocument> {
  const uri = workspaceFile(relative);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  assert.strictEqual(document.languageId, LANGUAGE_ID, `${relative} is not an ${LANGUAGE_ID} document`);
  return document;
}

/** The quick fixes VS Code offers for `range` of `uri` (the document must be open). */
export async function codeActions(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const result = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
  );
  return (result ?? []).filter((a): a is vscode.CodeAction => !('command' in a && typeof a.command === 'string'));
}

/** `node dist/cli.js ARGS` in `cwd`, as a user runs the CLI next to the editor; resolves with its output, rejects when it fails. */
export function runCli(args: string[], cwd: string): Promise<string> {
  const cli = path.join(REPO_ROOT, 'dist', 'cli.js');
  assert.ok(fs.existsSync(cli), `${cli} does not exist: run \`npm run build\` first`);
  return new Promise((resolve, reject) => {
    // ELECTRON_RUN_AS_NODE: process.execPath is Electron in desktop VS Code.
    execFile(process.execPath, [cli, ...args], { cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 16 * 1024 * 1024, timeout: WAIT_MS }, (err, stdout, stderr) => {
      if (err) reject(new Error(`isola ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Replaces `"title": FROM` by `"title": TO` in the entry of `code` of a workspace manifest, with a WorkspaceEdit, and saves (the server sees the edit before any later request). */
export async function retitle(relative: string, code: string, from: string, to: string): Promise<void> {
  const manifest = await vscode.workspace.openTextDocument(workspaceFile(relative));
  const text = manifest.getText();
  const codeAt = text.indexOf(`"code": ${JSON.stringify(code)}`);
  const quoted = `"title": ${JSON.stringify(from)}`;
  const titleAt = text.indexOf(quoted, codeAt);
  assert.ok(codeAt >= 0 && titleAt > codeAt, `${quoted} of ${code} was not found in ${relative}`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(manifest.uri, new vscode.Range(manifest.positionAt(titleAt), manifest.positionAt(titleAt + quoted.length)), `"title": ${JSON.stringify(to)}`);
  assert.ok(await vscode.workspace.applyEdit(edit), 'workspace.applyEdit refused the title change');
  assert.ok(await manifest.save(), `could not save ${relative}`);
}
