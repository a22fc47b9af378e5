/**
 * The language server driven like an editor, for `bench/lsp.ts`: the paths of the copied CLI, a
 * `Session` over stdio (initialize, publishes, shutdown), the edits typed into the big manifest
 * and one whole session (first diagnostics, then open and edits).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChildProcess, spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import {
  ConfigurationRequest, createProtocolConnection, Diagnostic, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification,
  ExitNotification, InitializedNotification, InitializeRequest, LogMessageNotification, ProtocolConnection, PublishDiagnosticsNotification,
  RegistrationRequest, ShutdownRequest, StreamMessageReader, StreamMessageWriter, WorkDoneProgressCreateRequest,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { GenStats } from './generate';
import { SERVER_NODE_FLAGS } from '../server/src/protocol';

export const ROOT = path.resolve(__dirname, '..', '..');
/** The bundles measured: dist/, or another build's folder named by ISOLA_BENCH_DIST (a bundle of uncommitted changes). */
export const DIST_CLI = path.join(process.env.ISOLA_BENCH_DIST ? path.resolve(process.env.ISOLA_BENCH_DIST) : path.join(ROOT, 'dist'), 'cli.js');
/** Generated workspaces and the copied bundles; ISOLA_BENCH_WORK moves them (two runs side by side). */
export const WORK = process.env.ISOLA_BENCH_WORK ? path.resolve(process.env.ISOLA_BENCH_WORK) : path.join(ROOT, 'bench', '.work');
/**
 * The CLI and the server run from a copy of dist/cli.js and its command bundles (dist/commands/)
 * taken at start, so a rebuild during the run changes neither what is measured nor the source
 * maps the profile is read with.
 */
export const CLI = path.join(WORK, 'lsp-dist', 'cli.js');
export const COPIED = path.dirname(CLI);
export const DIST = path.dirname(DIST_CLI);
export const WAIT_MS = 120_000;

export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
export const mib = (b: number) => round(b / 2 ** 20, 2);
/** Milliseconds on the monotonic clock V8's CPU profiles use too (µs there), so phases can be matched. */
export const now = () => Number(process.hrtime.bigint()) / 1e6;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
export const median = (xs: number[]) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const pct = (xs: number[], p: number) => sorted(xs)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)];

export interface ProcMem { rssMB: number; hwmMB: number }

/** CPU time (user + system) a process has used so far, in ms; what load on the machine does not inflate as much as wall time. */
export function procCpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const rest = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

export function procMem(pid: number): ProcMem | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rssMB: round(kb('VmRSS') / 1024), hwmMB: round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/** The generated workspace a session opens. */
export interface Workspace {
  dir: string;
  gen: GenStats;
  big: NonNullable<GenStats['big']>;
  manifests: string[];
}

// ---------------------------------------------------------------------------------------------
// The language server, driven like an editor

export interface Publish { t: number; diagnostics: Diagnostic[] }
export interface Waiter { uri: string; pred: (d: Diagnostic[]) => boolean; resolve: (p: Publish & { skipped: number }) => void; skipped: number }

export class Session {
  readonly child: ChildProcess;
  readonly conn: ProtocolConnection;
  readonly spawnedAt = now();
  readonly firstPublish = new Map<string, number>();
  readonly last = new Map<string, Diagnostic[]>();
  publishes = 0;
  private waiters: Waiter[] = [];
  private allSeen?: { want: Set<string>; resolve: (t: number) => void };
  readonly stderr: string[] = [];
  readonly errors: string[] = [];
  exited: Promise<number | null>;

  constructor(private readonly delay: number, nodeFlags: string[] = []) {
    // The flags VS Code starts the server with (client/src/languageClient.ts), then the bench's own.
    this.child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeFlags, CLI, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((r) => this.child.on('exit', (code) => r(code)));
    this.child.stderr!.on('data', (b: Buffer) => this.stderr.push(b.toString()));
    this.conn = createProtocolConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.conn.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => ({ diagnostics: { delay: this.delay } })));
    this.conn.onRequest(RegistrationRequest.type, () => undefined);
    this.conn.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    this.conn.onNotification(LogMessageNotification.type, (p) => {
      if (p.type === 1) this.errors.push(p.message);
    });
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const t = now();
      this.publishes++;
      this.last.set(p.uri, p.diagnostics);
      if (!this.firstPublish.has(p.uri)) {
        this.firstPublish.set(p.uri, t);
        if (this.allSeen && [...this.allSeen.want].every((u) => this.firstPublish.has(u))) {
          this.allSeen.resolve(t);
          this.allSeen = undefined;
        }
      }
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== p.uri) return true;
        if (!w.pred(p.diagnostics)) {
          w.skipped++;
          return true;
        }
        w.resolve({ t, diagnostics: p.diagnostics, skipped: w.skipped });
        return false;
      });
    });
    this.conn.listen();
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** initialize/initialized for one workspace folder; resolves when every URI in `want` had a publish. */
  async start(dir: string, want: string[]): Promise<{ t0: number; initializedMs: number; firstPublishMs: number; allMs: number; idle?: ProcMem }> {
    const all = new Promise<number>((resolve) => (this.allSeen = { want: new Set(want), resolve }));
    const t0 = now();
    const uri = pathToFileURL(dir).toString();
    await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: path.basename(dir) }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: {
          synchronization: { didSave: true, dynamicRegistration: false },
          publishDiagnostics: { relatedInformation: true, versionSupport: false, codeDescriptionSupport: true, dataSupport: true },
        },
      },
      initializationOptions: { settings: { diagnostics: { delay: this.delay } } },
    });
    const initializedMs = now() - t0;
    const idle = procMem(this.pid);
    await this.conn.sendNotification(InitializedNotification.type, {});
    const tAll = await withTimeout(all, WAIT_MS, () => `first diagnostics: ${this.firstPublish.size}/${want.length} URIs published`);
    const firstPublishMs = Math.min(...this.firstPublish.values()) - t0;
    return { t0, initializedMs, firstPublishMs, allMs: tAll - t0, idle };
  }

  /** The next publish for `uri` whose diagnostics satisfy `pred` (register before sending the change). */
  nextPublish(uri: string, pred: (d: Diagnostic[]) => boolean = () => true): Promise<Publish & { skipped: number }> {
    return withTimeout(new Promise((resolve) => this.waiters.push({ uri, pred, resolve, skipped: 0 })), WAIT_MS, () => `no matching publish for ${uri}`);
  }

  async stop(): Promise<void> {
    try {
      await withTimeout(this.conn.sendRequest(ShutdownRequest.type), 10_000, () => 'shutdown');
      await this.conn.sendNotification(ExitNotification.type);
    } catch {
      this.child.kill();
    }
    await withTimeout(this.exited, 30_000, () => 'server exit').catch(() => this.child.kill());
    this.conn.dispose();
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what()}`)), ms))),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Edits in the big manifest

export interface PlannedEdit { kind: 'title' | 'ref'; op: 'insert' | 'delete'; offset: number; line?: number }

/**
 * Pairs of one-character edits: insert a letter into a string, then delete it. Title pairs type
 * into app titles spread over the file; every `refEvery`-th pair appends a letter to a valid
 * page `app` reference (an ISO006 appears) and removes it again (it goes).
 */
export function planEdits(text: string, diagnostics: Diagnostic[], edits: number, refEvery: number): PlannedEdit[] {
  const tree = parseTree(text, [], { allowTrailingComma: true })!;
  const doc = TextDocument.create('x:', 'json', 0, text);
  const apps = findNodeAtLocation(tree, ['apps'])?.children ?? [];
  const pages = findNodeAtLocation(tree, ['pages'])?.children ?? [];
  const flagged = new Set(diagnostics.map((d) => d.range.start.line));
  const pairs = Math.floor(edits / 2);
  const refPairs = refEvery > 0 ? Math.floor(pairs / refEvery) : 0;
  const titles = apps.map((a) => findNodeAtLocation(a, ['title'])).filter((n) => n && n.type === 'string' && n.length > 3);
  const refs = pages.map((p) => findNodeAtLocation(p, ['app']))
    .filter((n) => n && n.type === 'string' && !flagged.has(doc.positionAt(n.offset).line));
  if (titles.length === 0 || (refPairs > 0 && refs.length === 0)) throw new Error('big manifest has no app titles or page references to edit');
  const out: PlannedEdit[] = [];
  let ti = 0;
  let ri = 0;
  for (let p = 0; p < pairs; p++) {
    const isRef = refPairs > 0 && p % refEvery === refEvery - 1;
    if (isRef) {
      const n = refs[Math.floor((ri++ * refs.length) / refPairs) % refs.length]!;
      const offset = n.offset + n.length - 1; // before the closing quote: "orders" -> "ordersx"
      const line = doc.positionAt(n.offset).line;
      out.push({ kind: 'ref', op: 'insert', offset, line }, { kind: 'ref', op: 'delete', offset, line });
    } else {
      const n = titles[Math.floor((ti++ * titles.length) / (pairs - refPairs)) % titles.length]!;
      const offset = n.offset + 1 + Math.floor((n.length - 2) / 2);
      out.push({ kind: 'title', op: 'insert', offset }, { kind: 'title', op: 'delete', offset });
    }
  }
  return out;
}

export interface EditResult { kind: 'title' | 'ref'; op: 'insert' | 'delete'; ms: number; skipped: number; diagnostics: number; window: Window }

export async function runEdits(s: Session, uri: string, text: string, plan: PlannedEdit[]): Promise<EditResult[]> {
  const doc = TextDocument.create(uri, 'isola-manifest', 1, text);
  const results: EditResult[] = [];
  for (const e of plan) {
    const start = doc.positionAt(e.offset);
    const change = e.op === 'insert'
      ? { range: { start, end: start }, text: 'x' }
      : { range: { start, end: doc.positionAt(e.offset + 1) }, text: '' };
    TextDocument.update(doc, [change], doc.version + 1);
    const onLine = (ds: Diagnostic[]) => ds.some((d) => d.range.start.line === e.line && d.code === 'ISO006');
    const pred = e.kind === 'title' ? () => true : e.op === 'insert' ? onLine : (ds: Diagnostic[]) => !onLine(ds);
    const wait = s.nextPublish(uri, pred);
    const t = now();
    await s.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: doc.version }, contentChanges: [change] });
    const p = await wait;
    results.push({ kind: e.kind, op: e.op, ms: p.t - t, skipped: p.skipped, diagnostics: p.diagnostics.length, window: { from: t, to: p.t } });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// One session: first diagnostics, then (optionally) open + edits

export interface Window { from: number; to: number }

export interface SessionFigures {
  initializeMs: number;
  firstPublishMs: number;
  firstFullMs: number;
  firstFullFromSpawnMs: number;
  urisPublished: number;
  lspDiagnostics: number;
  idleMem?: ProcMem;
  afterFirstMem?: ProcMem;
  openMs?: number;
  afterOpenMem?: ProcMem;
  edits?: EditResult[];
  afterEditsMem?: ProcMem;
  /** The server's CPU time over the edits (open excluded), ms: the debounce idles, so this is the work. */
  editsCpuMs?: number;
  bigDiagnostics?: number;
  serverErrors: string[];
  windows: { first: Window; edits: Window[] };
}

export async function session(ws: Workspace, delay: number, plan: ((text: string, diags: Diagnostic[]) => PlannedEdit[]) | undefined, nodeFlags: string[] = []): Promise<SessionFigures> {
  const s = new Session(delay, nodeFlags);
  const uris = ws.manifests.map((f) => pathToFileURL(f).toString());
  try {
    const st = await s.start(ws.dir, uris);
    await sleep(50); // let the last publish's bookkeeping finish before reading /proc
    const f: SessionFigures = {
      initializeMs: round(st.initializedMs), firstPublishMs: round(st.firstPublishMs), firstFullMs: round(st.allMs),
      firstFullFromSpawnMs: round(st.t0 + st.allMs - s.spawnedAt), urisPublished: s.firstPublish.size,
      lspDiagnostics: [...s.last.values()].reduce((n, d) => n + d.length, 0),
      idleMem: st.idle, afterFirstMem: procMem(s.pid), serverErrors: s.errors,
      windows: { first: { from: st.t0, to: st.t0 + st.allMs }, edits: [] },
    };
    if (plan) {
      const uri = pathToFileURL(ws.big.file).toString();
      const text = fs.readFileSync(ws.big.file, 'utf8');
      const opened = s.nextPublish(uri);
      const t = now();
      await s.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'isola-manifest', version: 1, text } });
      const p = await opened;
      f.openMs = round(p.t - t);
      f.bigDiagnostics = p.diagnostics.length;
      await sleep(50);
      f.afterOpenMem = procMem(s.pid);
      const planned = plan(text, p.diagnostics);
      const cpu0 = procCpuMs(s.pid);
      f.edits = await runEdits(s, uri, text, planned);
      const cpu1 = procCpuMs(s.pid);
      if (cpu0 !== undefined && cpu1 !== undefined) f.editsCpuMs = cpu1 - cpu0;
      f.windows.edits = f.edits.map((e) => e.window);
      await sleep(50);
      f.afterEditsMem = procMem(s.pid);
    }
    return f;
  } finally {
    await s.stop();
    if (s.stderr.length) process.stderr.write(`server stderr:\n${s.stderr.join('')}\n`);
  }
}
