import { Connection, DidChangeConfigurationNotification, FileChangeType, TextDocuments, TextDocumentSyncKind, WorkspaceFolder } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isManifestPath } from '../core/manifest/host';
import { isWithin } from '../core/manifest/linkedPath';
import { english, localeOf, translator, Translator } from '../core/l10n';
import { toPath } from './convert';
import type { HandlerContext } from './context';
import { registerCodeActions } from './handlers/codeActions';
import { registerCompletion } from './handlers/completion';
import { registerGraph } from './handlers/graph';
import { registerHover } from './handlers/hover';
import { registerNavigation } from './handlers/navigation';
import { registerPackageRequests } from './handlers/packages';
import { registerPackaging } from './handlers/packaging';
import { registerRename } from './handlers/rename';
import { registerSymbols } from './handlers/symbols';
import { registerUnpack } from './handlers/unpack';
import { LinkAliases } from './linkAliases';
import { overlayHost } from './overlayHost';
import { RawSettings, SettingsReader } from './settings';
import { IsolaWorkspace } from './workspace';

import pkgJson from '../../../package.json';

const SERVER_VERSION = pkgJson.version;

/** Wires the Isola language server onto a connection (IPC from VS Code, or stdio for other editors). */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const log = (m: string) => connection.console.error(m);
  let workspace!: IsolaWorkspace;
  let reader!: SettingsReader;
  let canPull = false;
  let canChangeFolders = false;
  let initOptions: RawSettings | undefined;
  let roots: string[] = [];
  let markStarted!: () => void;
  let language: Translator = english;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const ctx: HandlerContext = { connection, documents, get workspace() { return workspace; }, started, log, get translator() { return language; } };

  // The last resort for errors outside every handler (a timer, a promise nobody awaits): log and
  // keep serving, since an editor whose server died loses every diagnostic.
  const lastResort = (e: unknown) => {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') process.exit(1); // the client is gone: nobody to serve
    try {
      log(`Isola: unexpected error, the server goes on: ${(e as Error | undefined)?.stack ?? String(e)}`);
    } catch {
      // no console left to write to
    }
  };
  process.on('uncaughtException', lastResort);
  process.on('unhandledRejection', lastResort);

  // Registered before `initialize` is answered: clients send requests right after `initialized`,
  // before the settings arrive and the workspace exists; the handlers wait for `started`.
  registerCompletion(ctx);
  registerHover(ctx);
  registerGraph(ctx);
  registerNavigation(ctx);
  registerRename(ctx);
  registerSymbols(ctx);
  registerCodeActions(ctx);
  registerPackageRequests(ctx);
  registerPackaging(ctx, { name: 'isola', version: SERVER_VERSION });
  registerUnpack(ctx);

  connection.onInitialize((params) => {
    canPull = !!params.capabilities.workspace?.configuration;
    canChangeFolders = !!params.capabilities.workspace?.workspaceFolders;
    // VS Code sends its display language (`ru`, `en`, `zh-cn`...); what Isola does not speak is English.
    language = translator(localeOf(params.locale) ?? 'en');
    initOptions = (params.initializationOptions as { settings?: RawSettings } | undefined)?.settings;
    roots = (params.workspaceFolders ?? []).map((f) => toPath(f.uri)).filter((p): p is string => !!p);
    if (roots.length === 0 && params.rootUri) roots = [toPath(params.rootUri)].filter((p): p is string => !!p);
    reader = new SettingsReader(connection);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['"', '.', ':'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        // Folders added to the workspace later are loaded, removed ones dropped (see below).
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'isola', version: SERVER_VERSION },
    };
  });

  connection.onInitialized(async () => {
    const aliases = new LinkAliases();
    workspace = new IsolaWorkspace(connection, overlayHost(documents, aliases), await readSettings(initOptions), aliases);
    workspace.translator = language;
    if (canPull) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'isola' });
    // Every handler waits for this: nothing that fails after it may keep it from being marked.
    let opening: Promise<void> | undefined;
    try {
      opening = workspace.open(roots);
      if (canChangeFolders) connection.workspace.onDidChangeWorkspaceFolders((e) => void changeFolders(e.added, e.removed));
    } finally {
      markStarted();
    }
    await opening;
  });

  // Settings that cannot be read (a client that fails the request, a catalog that throws) leave
  // the defaults, and a warning: a server that never starts answers nothing at all.
  const readSettings = async (raw: RawSettings | undefined) => {
    try {
      return await reader.read(canPull, raw, roots);
    } catch (e) {
      log(`Isola: reading the settings failed: ${(e as Error).stack ?? e}`);
      void connection.window.showWarningMessage(`Isola: the settings could not be read (${(e as Error).message}); checking with the defaults.`);
      return reader.read(false, undefined, roots);
    }
  };

  // A folder added to the workspace is checked as its own project (as `isola check` of it); a
  // removed one goes with its diagnostics. Open documents in either are handed in again: those
  // the new folder holds are checked in it, those nobody holds any more get a root of their own.
  const changeFolders = async (added: WorkspaceFolder[], removed: WorkspaceFolder[]) => {
    const paths = (fs: WorkspaceFolder[]) => fs.map((f) => toPath(f.uri)).filter((p): p is string => !!p);
    const [add, drop] = [paths(added), paths(removed)];
    roots = [...roots.filter((r) => !drop.includes(r)), ...add.filter((r) => !roots.includes(r))];
    try {
      // An added folder is checked with its own settings from the start.
      await workspace.changeFolders(add, drop, await readSettings(initOptions));
    } catch (e) {
      log(`Isola: changing the workspace folders failed: ${(e as Error).stack ?? e}`);
    }
    const changed = [...add, ...drop];
    for (const doc of documents.all()) {
      const abs = toPath(doc.uri);
      if (abs && isManifestPath(abs) && changed.some((root) => isWithin(root, abs))) workspace.manifestChanged(abs, doc.getText());
    }
  };

  connection.onDidChangeConfiguration(async (change) => {
    if (!workspace) return;
    const pushed = (change.settings as { isola?: RawSettings } | undefined)?.isola;
    // Each folder's settings are asked for again: a change in any one of them comes here.
    await workspace.configure(await readSettings(pushed ?? initOptions));
  });

  // Open documents: their text wins over the disk; every edit goes through the debounced update.
  const onText = (doc: TextDocument) => {
    const abs = toPath(doc.uri);
    if (!abs || !workspace) return;
    if (isManifestPath(abs)) workspace.manifestChanged(abs, doc.getText());
    else workspace.fileChanged(abs);
  };
  documents.onDidChangeContent((e) => onText(e.document));
  documents.onDidClose((e) => {
    // Back to the text on disk (the editor may close without saving).
    const abs = toPath(e.document.uri);
    if (abs && workspace) {
      const open = documents.all().map((d) => toPath(d.uri)).filter((p): p is string => !!p);
      if (workspace.closeLoose(abs, open)) return;
      if (isManifestPath(abs)) workspace.manifestOnDisk(abs);
      else workspace.fileChanged(abs);
    }
  });

  // Files on disk (watched by the client): creations, changes and deletions of closed files.
  connection.onDidChangeWatchedFiles((params) => {
    if (!workspace) return;
    for (const change of params.changes) {
      const abs = toPath(change.uri);
      if (!abs || documents.get(change.uri)) continue;
      if (!isManifestPath(abs)) {
        workspace.fileChanged(abs);
      } else if (change.type === FileChangeType.Deleted) {
        workspace.manifestChanged(abs, undefined);
      } else {
        // Read when the update runs: a slow read must not overtake a later deletion.
        workspace.manifestOnDisk(abs);
      }
    }
  });

  documents.listen(connection);
  connection.listen();
}
