import * as vscode from 'vscode';
import { codeFromFolderName, codeProblem, fileOutside, initPlan, InitPlan, languagesProblem } from '../../../server/src/core/init/init';
import type { ManifestKind } from '../../../server/src/core/manifest/types';
import { reached } from '../walkthrough';

/** Arguments that skip the prompts (for tests and other extensions). */
export interface CreateProjectArgs {
  /** Folder to create the project in; the workspace folder (or a chosen one) when absent. */
  folder?: vscode.Uri;
  kind?: ManifestKind;
  code?: string;
  languages?: string[];
}

/** What was written, or why nothing was. */
export type CreateProjectResult = { folder: vscode.Uri; files: string[]; manifest: vscode.Uri } | { refused: string[] };

/** The kinds offered, described in the display language (a function: vscode.l10n is read when the command runs). */
const kinds = (): { label: ManifestKind; description: string }[] => [
  { label: 'workspace', description: vscode.l10n.t('a namespace with its apps, processes, pages and more') },
  { label: 'solution', description: vscode.l10n.t('workspaces and modules exported together (with a first workspace)') },
  { label: 'module', description: vscode.l10n.t('widgets, custom activities, API methods, settings, event handlers') },
  { label: 'app', description: vscode.l10n.t('one app of a namespace and what hangs off it') },
  { label: 'configuration', description: vscode.l10n.t('everything, with the org chart and global objects (with a first workspace)') },
];

/**
 * "Isola: Create Project": the files `isola init` writes (the same core makes them), in the
 * workspace folder or a chosen one; then the manifest opens. Like `isola init`, it never
 * overwrites a file: when one it would create exists, nothing is written and the message says which.
 */
export function registerCreateProject(toolVersion: string): vscode.Disposable {
  return vscode.commands.registerCommand('isola.createProject', async (args: CreateProjectArgs = {}): Promise<CreateProjectResult | undefined> => {
    const folder = args.folder ?? (await pickFolder());
    if (!folder) return undefined;
    const kind = args.kind ?? (await vscode.window.showQuickPick(kinds(), { title: vscode.l10n.t('Create Project (1/2): what is the first unit?') }))?.label;
    if (!kind) return undefined;
    const code = args.code ?? (await vscode.window.showInputBox({
      title: vscode.l10n.t('Create Project (2/2)'), prompt: vscode.l10n.t('Code of the {0} (its namespace; `isola build --package CODE`)', kind),
      value: codeFromFolderName(folder.path.split('/').pop() ?? ''), validateInput: (v) => codeProblem(kind, v),
    }));
    if (!code) return undefined;
    const languages = args.languages;
    const wrong = codeProblem(kind, code) ?? (languages && languagesProblem(languages));
    if (wrong) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Isola: Create Project: {0}.', wrong));
      return undefined;
    }
    const gitignore = await readText(vscode.Uri.joinPath(folder, '.gitignore'));
    const plan = initPlan({ kind, code, languages, toolVersion }, gitignore);
    const taken: string[] = [];
    for (const f of plan.files) if (f.mode === 'create' && (await exists(vscode.Uri.joinPath(folder, f.path)))) taken.push(f.path);
    if (taken.length) {
      void vscode.window.showErrorMessage(taken.length === 1
        ? vscode.l10n.t('Isola: Create Project refused, nothing written: {0} already exists in {1}. It never overwrites a file.', taken[0], folder.fsPath)
        : vscode.l10n.t('Isola: Create Project refused, nothing written: {0} already exist in {1}. It never overwrites a file.', taken.join(', '), folder.fsPath));
      return { refused: taken };
    }
    // A .gitignore or .github that links out of the folder would take the writes with it.
    const outside = folder.scheme === 'file' ? fileOutside(folder.fsPath, plan) : undefined;
    if (outside) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Isola: Create Project refused, nothing written: {0} leads outside the folder (to {1}).', outside.path, outside.target));
      return { refused: [outside.path] };
    }
    await write(folder, plan, gitignore);
    if (vscode.workspace.getWorkspaceFolder(folder)) reached('hasProject');
    const manifest = vscode.Uri.joinPath(folder, plan.manifest);
    await vscode.window.showTextDocument(manifest);
    const inWorkspace = vscode.workspace.getWorkspaceFolder(folder) !== undefined;
    const message = vscode.l10n.t('Isola: created {0} {1}: {2}. Next: {3}.', kind, code, plan.files.map((f) => f.path).join(', '), plan.next.join(', '));
    if (inWorkspace) void vscode.window.showInformationMessage(message);
    else {
      // Outside the workspace the language server does not see the manifest: offer to open its folder.
      void vscode.window.showInformationMessage(message, vscode.l10n.t('Open Folder')).then((choice) => {
        if (choice) void vscode.commands.executeCommand('vscode.openFolder', folder);
      });
    }
    return { folder, files: plan.files.map((f) => f.path), manifest };
  });
}

/** The only workspace folder, one picked among several, or one chosen in a dialog. */
async function pickFolder(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0].uri;
  if (folders.length > 1) {
    const choose = { label: `$(folder-opened) ${vscode.l10n.t('Choose a folder...')}`, uri: undefined as vscode.Uri | undefined };
    const pick = await vscode.window.showQuickPick(
      [...folders.map((f) => ({ label: f.name, description: f.uri.fsPath, uri: f.uri as vscode.Uri | undefined })), choose],
      { title: vscode.l10n.t('Create Project: in which folder?') },
    );
    if (!pick) return undefined;
    if (pick.uri) return pick.uri;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: vscode.l10n.t('Create Project Here') });
  return chosen?.[0];
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}

/** New files first, .gitignore last: it is the one file that may already hold the user's lines. */
async function write(folder: vscode.Uri, plan: InitPlan, gitignore: string | undefined): Promise<void> {
  const encode = (s: string) => new TextEncoder().encode(s);
  for (const f of plan.files.filter((x) => x.mode === 'create')) {
    const uri = vscode.Uri.joinPath(folder, f.path);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await vscode.workspace.fs.writeFile(uri, encode(f.text));
  }
  for (const f of plan.files.filter((x) => x.mode === 'append')) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, f.path), encode((gitignore ?? '') + f.text));
}
