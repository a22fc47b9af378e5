/**
 * A small LSP client for the tests: spawns the real bundled server (`node dist/cli.js lsp --stdio`)
 * in a temporary copy of a fixture workspace and drives it over stdio with the protocol package.
 */
import { after, before } from 'node:test';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CancellationToken,
  ConfigurationRequest,
  createProtocolConnection,
  Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  FileEvent,
  InitializedNotification,
  InitializeRequest,
  Position,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  Range,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';

/** The repository root (this file is compiled to out/test/lsp/client.js). */
export const REPO = path.resolve(__dirname, '../../..');
export const CLI = path.join(REPO, 'dist/cli.js');
export const EXAMPLES = path.join(REPO, 'examples');

export interface StartOptions {
  /** The `isola` settings answered to `workspace/configuration` (default: a 20 ms debounce). */
  settings?: Record<string, unknown>;
  /** Files to add to (or replace in) the copy before the server starts, project-relative. */
  files?: Record<string, string>;
  /**
   * Sizes to give files of the copy before the server starts (project-relative, after `files`):
   * cut short, or grown with zero bytes that take no disk (`fs.truncateSync`).
   */
  sizes?: Record<string, number>;
  /** Symbolic links to make in the copy before the server starts: project-relative link -> target as written. */
  links?: Record<string, string>;
  /** Wait until every manifest has its first publish (default true). */
  waitForInitial?: boolean;
  /** Milliseconds to wait for the first diagnostics (default 15000). */
  initialTimeout?: number;
  /** The client's display language, sent in `initialize` as VS Code does (default: none). */
  locale?: string;
  /** The workspace folder announced to the server, project-relative (default: the whole copy). */
  folder?: string;
  /** Several workspace folders (project-relative) announced instead of `folder`, as a multi-root workspace. */
  folders?: string[];
  /**
   * The `isola` settings of workspace folders (project-relative): answered to a request scoped
   * (`scopeUri`) to a file in that folder, as VS Code answers for folder settings; other requests get `settings`.
   */
  folderSettings?: Record<string, Record<string, unknown>>;
  /** Added to the server's environment (a `--require` through NODE_OPTIONS). */
  env?: NodeJS.ProcessEnv;
}

type Waiter = { uri: string; predicate: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void; timer: NodeJS.Timeout };

/** Every `*.isola.json` under a folder, as the server finds them (no dot-folders, no node_modules). */
export function manifestsUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory() && !e.name.startsWith('.') && !['node_modules', 'out', 'dist'].includes(e.name)) out.push(...manifestsUnder(dir, r));
    else if (e.isFile() && e.name.endsWith('.isola.json')) out.push(r);
  }
  return out.sort();
}

/** What `isola check --format json` says about a folder. */
export interface CliDiagnostic {
  file: string;
  range: Range;
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  package?: string;
}

export function cliCheck(dir: string): { diagnostics: CliDiagnostic[]; summary: { errors: number; warnings: number; infos: number; files: number } } {
  const r = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`isola check exited ${r.status ?? r.signal}: ${r.error ?? r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Zero-based position of the `at`-th character of the `occurrence`-th `needle` in a text. */
export function positionOf(text: string, needle: string, at = 0, occurrence = 0): Position {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`${JSON.stringify(needle)} (occurrence ${occurrence}) not found`);
  }
  return positionAt(text, offset + at);
}

/** The range a needle covers in a text. */
export function rangeOf(text: string, needle: string, occurrence = 0): Range {
  const start = positionOf(text, needle, 0, occurrence);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function offsetAt(text: string, p: Position): number {
  let offset = 0;
  for (let line = 0; line < p.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(offset + p.character, text.length);
}

/** Applies LSP text edits (non-overlapping, positions in the original text). */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const sorted = edits
    .map((e, i) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText, i }))
    .sort((a, b) => b.start - a.start || b.i - a.i);
  // As VS Code does: edits of one change that overlap are refused (the LSP spec forbids them).
  for (let k = 1; k < sorted.length; k++) {
    if (sorted[k].end > sorted[k - 1].start) throw new Error(`overlapping edits: ${JSON.stringify(edits)}`);
  }
  for (const e of sorted) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
  return text;
}

/** One line per diagnostic, for assertion messages. */
export function listing(ds: readonly Diagnostic[] | undefined): string {
  if (!ds) return '(never published)';
  if (ds.length === 0) return '(no diagnostics)';
  return ds.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${messageOf(d)}`).join('\n');
}

/** A diagnostic's message as plain text. */
export const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
export const has = (code: string) => (ds: readonly Diagnostic[]) => ds.some((d) => d.code === code);
export const lacks = (code: string) => (ds: readonly Diagnostic[]) => !ds.some((d) => d.code === code);

export class LspClient {
  readonly connection: ProtocolConnection;
  /** Everything the server wrote to stderr (its console), for failure messages. */
  stderr = '';
  /** Messages the server showed the user (`window/showMessage`, `window/showMessageRequest`), in order. */
  readonly shown: string[] = [];
  private readonly latest = new Map<string, Diagnostic[]>();
  private readonly waiters = new Set<Waiter>();
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  private exited = false;
  private closed = false;

  /** Folder settings by the folder's URI (see `StartOptions.folderSettings`). */
  private readonly folderSettings = new Map<string, Record<string, unknown>>();

  private constructor(readonly root: string, private readonly proc: ChildProcess, private settings: Record<string, unknown>) {
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (s: string) => (this.stderr += s));
    proc.stdin!.on('error', () => undefined); // the server may be gone when the last message is written
    proc.on('exit', () => (this.exited = true));
    this.connection = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    this.connection.onError(() => undefined);
    this.connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((i) => (i.section === 'isola' ? this.settingsFor(i.scopeUri) : null)));
    this.connection.onRequest(RegistrationRequest.type, () => undefined);
    // A warning with no actions comes as a request (`showWarningMessage`), others as a notification.
    this.connection.onNotification('window/showMessage', (m: { message: string }) => void this.shown.push(m.message));
    this.connection.onRequest('window/showMessageRequest', (m: { message: string }) => {
      this.shown.push(m.message);
      return null;
    });
    this.connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, diagnostics }) => {
      this.latest.set(uri, diagnostics);
      for (const w of [...this.waiters]) {
        if (w.uri === uri && w.predicate(diagnostics)) {
          this.waiters.delete(w);
          w.resolve(diagnostics);
        }
      }
    });
    this.connection.listen();
  }

  /** Copies a fixture folder to a temporary directory and starts the server there. */
  static async start(fixture: string | undefined, options: StartOptions = {}): Promise<LspClient> {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'isola-lsp-')));
    if (fixture) fs.cpSync(fixture, root, { recursive: true });
    for (const [rel, text] of Object.entries(options.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    for (const [rel, size] of Object.entries(options.sizes ?? {})) fs.truncateSync(path.join(root, rel), size);
    for (const [rel, target] of Object.entries(options.links ?? {})) fs.symlinkSync(target, path.join(root, rel));
    const proc = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    const client = new LspClient(root, proc, options.settings ?? { diagnostics: { delay: 20 } });
    const folders = options.folders ?? [options.folder ?? ''];
    for (const [rel, settings] of Object.entries(options.folderSettings ?? {})) client.folderSettings.set(client.uri(rel), settings);
    try {
      await client.connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        ...(options.locale ? { locale: options.locale } : {}),
        rootUri: client.uri(folders[0]),
        workspaceFolders: folders.map((folder) => ({ uri: client.uri(folder), name: path.basename(client.path(folder)) })),
        capabilities: {
          workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true }, didChangeConfiguration: { dynamicRegistration: true } },
          textDocument: { publishDiagnostics: { relatedInformation: true }, rename: { prepareSupport: true } },
        },
      });
      await client.connection.sendNotification(InitializedNotification.type, {});
      if (options.waitForInitial !== false) {
        const timeout = options.initialTimeout ?? 15000;
        const all = folders.flatMap((folder) => manifestsUnder(root, folder));
        await Promise.all(all.map((rel) => client.waitForDiagnostics(rel, () => true, timeout)));
        await client.settle();
      }
    } catch (e) {
      await client.shutdown();
      throw e;
    }
    return client;
  }

  /** The `isola` settings answered for a scope: its folder's own (see `StartOptions.folderSettings`), else the workspace's. */
  private settingsFor(scopeUri: string | undefined): Record<string, unknown> {
    let best: string | undefined;
    for (const uri of this.folderSettings.keys()) {
      if (scopeUri && (scopeUri === uri || scopeUri.startsWith(`${uri}/`)) && (!best || uri.length > best.length)) best = uri;
    }
    return best ? this.folderSettings.get(best)! : this.settings;
  }

  /**
   * Changes the `isola` settings, of one workspace folder (project-relative) or, with undefined, of
   * the workspace, and tells the server as VS Code does (`workspace/didChangeConfiguration`).
   */
  async configure(folder: string | undefined, settings: Record<string, unknown>): Promise<void> {
    if (folder === undefined) this.settings = settings;
    else this.folderSettings.set(this.uri(folder), settings);
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { isola: this.settings } });
  }

  /** URI of a project-relative path (the empty path is the root), spelled as the server spells it. */
  uri(rel: string): string {
    return pathToFileURL(rel ? path.join(this.root, rel) : this.root).toString();
  }

  path(rel: string): string {
    return path.join(this.root, rel);
  }

  private asUri(relOrUri: string): string {
    return relOrUri.startsWith('file:') ? relOrUri : this.uri(relOrUri);
  }

  /** The current text of a file: the open document's, else the disk's. */
  read(rel: string): string {
    return this.texts.get(this.uri(rel)) ?? fs.readFileSync(this.path(rel), 'utf8');
  }

  /** The last diagnostics published for a file (undefined when none were published). */
  diagnostics(rel: string): Diagnostic[] | undefined {
    return this.latest.get(this.asUri(rel));
  }

  /** Every URI with a publish, and its last diagnostics. */
  allDiagnostics(): Map<string, Diagnostic[]> {
    return new Map(this.latest);
  }

  /**
   * Resolves with the diagnostics of a file once a publish matches the predicate (the last
   * publish already received counts); rejects after `timeoutMs` with what was last published.
   */
  waitForDiagnostics(rel: string, predicate: (d: Diagnostic[]) => boolean, timeoutMs = 5000): Promise<Diagnostic[]> {
    const uri = this.asUri(rel);
    const now = this.latest.get(uri);
    if (now && predicate(now)) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching diagnostics for ${rel} within ${timeoutMs} ms; last published:\n${listing(this.latest.get(uri))}\nserver stderr:\n${this.stderr.slice(-2000)}`));
      }, timeoutMs);
      const waiter: Waiter = { uri, predicate, resolve: (d) => (clearTimeout(timer), resolve(d)), timer };
      this.waiters.add(waiter);
    });
  }

  /**
   * A round trip: resolves after the server answered a request, so that every publish it sent
   * before (dependents re-checked after an edit's own publish) has been received.
   */
  async settle(): Promise<void> {
    await this.connection.sendRequest('workspace/symbol', { query: '\u0000none\u0000' });
  }

  request<R>(method: string, params: unknown, token?: CancellationToken): Promise<R> {
    return token ? this.connection.sendRequest<R>(method, params, token) : this.connection.sendRequest<R>(method, params);
  }

  /** Opens a document (with the text on disk unless given). */
  async open(rel: string, text?: string): Promise<string> {
    const uri = this.uri(rel);
    const t = text ?? fs.readFileSync(this.path(rel), 'utf8');
    this.texts.set(uri, t);
    this.versions.set(uri, 1);
    const languageId = rel.endsWith('.isola.json') ? 'isola-manifest' : rel.endsWith('.ts') ? 'typescript' : 'plaintext';
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text: t } });
    return t;
  }

  /** Replaces an open document's whole text. */
  async change(rel: string, text: string): Promise<void> {
    const uri = this.uri(rel);
    if (!this.texts.has(uri)) throw new Error(`${rel} is not open`);
    const version = this.versions.get(uri)! + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Applies text edits to an open document (sent as a whole-text change). */
  async edit(rel: string, edits: TextEdit[]): Promise<string> {
    await this.change(rel, applyTextEdits(this.read(rel), edits));
    return this.read(rel);
  }

  async close(rel: string): Promise<void> {
    const uri = this.uri(rel);
    this.texts.delete(uri);
    this.versions.delete(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Project-relative paths of the open documents. */
  openDocuments(): string[] {
    return [...this.texts.keys()].map((uri) => path.relative(this.root, fileURLToPath(uri)).split(path.sep).join('/'));
  }

  isOpen(rel: string): boolean {
    return this.texts.has(this.uri(rel));
  }

  version(rel: string): number | undefined {
    return this.versions.get(this.uri(rel));
  }

  /** Writes (or, with undefined, deletes) files on disk and tells the server, as a file watcher would. */
  async writeFiles(files: Record<string, string | undefined>): Promise<void> {
    const changes = Object.entries(files).map(([rel, text]): FileEvent => {
      const abs = this.path(rel);
      const existed = fs.existsSync(abs);
      if (text === undefined) {
        fs.rmSync(abs, { force: true });
        return { uri: this.uri(rel), type: FileChangeType.Deleted };
      }
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, text);
      return { uri: this.uri(rel), type: existed ? FileChangeType.Changed : FileChangeType.Created };
    });
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  /**
   * Applies a WorkspaceEdit as an editor would: open documents get a didChange, closed files
   * are written to disk with a watched-file event; CreateFile creates the file. Returns the
   * project-relative files it touched.
   */
  async applyWorkspaceEdit(edit: WorkspaceEdit): Promise<string[]> {
    const perFile = new Map<string, TextEdit[]>();
    const created = new Set<string>();
    const relOf = (uri: string) => path.relative(this.root, fileURLToPath(uri)).split(path.sep).join('/');
    const add = (uri: string, edits: TextEdit[]) => perFile.set(relOf(uri), [...(perFile.get(relOf(uri)) ?? []), ...edits]);
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) add(uri, edits);
    for (const c of edit.documentChanges ?? []) {
      if ('kind' in c) {
        if (c.kind !== 'create') throw new Error(`unsupported resource operation ${c.kind}`);
        const rel = relOf(c.uri);
        // As the spec says: an existing file is replaced with `overwrite`, kept with `ignoreIfExists`, else the edit fails.
        const exists = fs.existsSync(this.path(rel));
        if (exists && !c.options?.overwrite && !c.options?.ignoreIfExists) throw new Error(`create ${rel}: the file exists`);
        if (!exists || c.options?.overwrite) created.add(rel);
        if (!perFile.has(rel)) perFile.set(rel, []);
      } else {
        const rel = relOf(c.textDocument.uri);
        if (c.textDocument.version !== null && c.textDocument.version !== this.version(rel)) {
          throw new Error(`edit for ${rel} version ${c.textDocument.version}, document is at ${this.version(rel)}`);
        }
        add(c.textDocument.uri, c.edits.map((e) => {
          if (!('newText' in e)) throw new Error('unexpected snippet edit');
          return e;
        }));
      }
    }
    const onDisk: Record<string, string> = {};
    for (const [rel, edits] of perFile) {
      const base = created.has(rel) ? '' : this.read(rel);
      const text = applyTextEdits(base, edits);
      if (this.isOpen(rel)) await this.change(rel, text);
      else onDisk[rel] = text;
    }
    if (Object.keys(onDisk).length) await this.writeFiles(onDisk);
    return [...perFile.keys()];
  }

  /** Shuts the server down politely, then kills it whatever happened; removes the copy. Safe to call twice. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters) clearTimeout(w.timer); // their tests have failed already
    this.waiters.clear();
    if (!this.exited) {
      const gone = new Promise<void>((r) => (this.exited ? r() : this.proc.once('exit', () => r())));
      const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<void>((r) => setTimeout(r, ms).unref())]);
      try {
        await within(this.connection.sendRequest(ShutdownRequest.type).catch(() => undefined), 2000);
        await this.connection.sendNotification(ExitNotification.type).catch(() => undefined);
        await within(gone, 2000);
      } catch {
        // killed below
      }
      if (!this.exited) {
        this.proc.kill('SIGKILL');
        await within(gone, 2000);
      }
    }
    this.connection.dispose();
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Registers `before`/`after` hooks of the enclosing suite that start a server on a copy of a
 * fixture and always shut it down; returns a getter for the client.
 */
export function useServer(fixture: string | undefined, options?: StartOptions): () => LspClient {
  let client: LspClient | undefined;
  before(async () => {
    client = await LspClient.start(fixture, options);
  });
  after(async () => {
    await client?.shutdown();
  });
  return () => {
    if (!client) throw new Error('the server did not start');
    return client;
  };
}
