/**
 * Language-server benchmark: drives the real server (`node dist/cli.js lsp --stdio`) over stdio
 * the way an editor does, on a generated workspace in which one manifest is about 1 MB.
 *
 *   node out/bench/lsp.js [--entities 10000] [--manifests 200] [--big-mb 1] [--delay 150]
 *                         [--edits 100] [--ref-every 10] [--sessions 3] [--cli-runs 3] [--seed N]
 *                         [--profile | --no-profile] [--no-loaded]
 *
 * Measures:
 * 1. time to first full diagnostics (from `initialize` until every manifest had a
 *    publishDiagnostics), next to the CLI (`isola check DIR --format json`, wall time, and the
 *    same `checkProject(await loadProject(...))` in this process);
 * 2. edit latency in the big manifest: one-character incremental edits (typing into titles,
 *    alternating insert/delete; every `--ref-every`-th pair breaks and restores a reference, so a
 *    finding really appears and goes), each timed from didChange to the publish that reflects it;
 * 3. the server's VmRSS/VmHWM after first diagnostics and after the edits, next to the text size;
 * 4. unless `--no-loaded`: the same edits in one more session while a process of its own keeps
 *    one core busy (`bench/busy.ts`), as a build or test run beside the editor does.
 * Prints a table and one JSON line. When a goal is missed (or with `--profile`) it runs one more
 * session under `--cpu-prof` and lists the functions with the most self and inclusive time in
 * each phase, mapped back to the TypeScript sources.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { ProfileNode, sourceLocator } from './profile';
import { pathToFileURL } from 'node:url';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import {
  ConfigurationRequest, createProtocolConnection, Diagnostic, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification,
  ExitNotification, InitializedNotification, InitializeRequest, LogMessageNotification, ProtocolConnection, PublishDiagnosticsNotification,
  RegistrationRequest, ShutdownRequest, StreamMessageReader, StreamMessageWriter, WorkDoneProgressCreateRequest,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { checkManifest, checkProject, placeFindings } from '../server/src/core/check';
import { locatePaths } from '../server/src/core/json/locate';
import { parseJson } from '../server/src/core/json/parse';
import { LineIndex } from '../server/src/core/json/positions';
import { buildManifest } from '../server/src/core/manifest/build';
import { rebuildAfterEdit } from '../server/src/core/manifest/edit';
import type { Manifest } from '../server/src/core/manifest/types';
import { nodeFileHost } from '../server/src/core/manifest/host';
import { loadProject, Project, resolveLinks } from '../server/src/core/manifest/project';
import { RULES } from '../server/src/core/rules';
import type { Finding } from '../server/src/core/rules/rule';
import { generateProject, GenStats } from './generate';
import { SERVER_NODE_FLAGS } from '../server/src/protocol';
import { keepOneCoreBusy } from './busy';

const ROOT = path.resolve(__dirname, '..', '..');
const DIST_CLI = path.join(ROOT, 'dist', 'cli.js');
const WORK = path.join(ROOT, 'bench', '.work');
/**
 * The CLI and the server run from a copy of dist/cli.js and its command bundles (dist/commands/)
 * taken at start, so a rebuild during the run changes neither what is measured nor the source
 * maps the profile is read with.
 */
const CLI = path.join(WORK, 'lsp-dist', 'cli.js');
const COPIED = path.dirname(CLI);
const DIST = path.dirname(DIST_CLI);
const GOAL_FIRST_RATIO = 2;
const GOAL_EDIT_P95_MS = 50;
/** Goals after the debounce: p95 with one core kept busy, median on an otherwise idle machine. */
const GOAL_LOADED_P95_MS = 50;
const GOAL_IDLE_MEDIAN_MS = 16;
const WAIT_MS = 120_000;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
const num = (name: string, dflt: number) => Number(arg(name) ?? dflt);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const mib = (b: number) => round(b / 2 ** 20, 2);
/** Milliseconds on the monotonic clock V8's CPU profiles use too (µs there), so phases can be matched. */
const now = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs: number[], p: number) => sorted(xs)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)];

/** A forced GC without `--expose-gc` on the command line (the npm script runs plain `node`). */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface ProcMem { rssMB: number; hwmMB: number }

function procMem(pid: number): ProcMem | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    return { rssMB: round(kb('VmRSS') / 1024), hwmMB: round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Workspace

interface Workspace {
  dir: string;
  gen: GenStats;
  big: NonNullable<GenStats['big']>;
  manifests: string[];
}

/**
 * Generates the workspace (deterministic). The big manifest takes every entity the others do not
 * need (each of them keeps its smallest shape); its entities then carry descriptions long enough
 * to bring it to about `bigBytes`.
 */
async function makeWorkspace(entities: number, manifests: number, seed: number, bigBytes: number): Promise<Workspace> {
  const dir = path.join(WORK, `lsp-${entities}`);
  const gen0 = (bigEntities: number, bigDetail = 0) => generateProject({ dir, entities, manifests, seed, bigEntities, bigDetail });
  let bigEntities = Math.round(entities / 2);
  let gen = gen0(bigEntities);
  bigEntities = Math.max(100, bigEntities + entities - gen.entities);
  gen = gen0(bigEntities);
  let detail = 0;
  if (gen.big!.bytes < bigBytes * 0.98) {
    // Size grows about linearly with the mean description length: interpolate, then correct.
    const b0 = gen.big!.bytes;
    detail = 100;
    gen = gen0(bigEntities, detail);
    for (let i = 0, b1 = gen.big!.bytes, d1 = detail; i < 4 && Math.abs(gen.big!.bytes / bigBytes - 1) > 0.02; i++) {
      detail = Math.max(1, Math.round((d1 * (bigBytes - b0)) / (b1 - b0)));
      gen = gen0(bigEntities, detail);
      [b1, d1] = [gen.big!.bytes, detail];
    }
  }
  console.log(`  generated with bigEntities ${bigEntities}, description length ${detail}`);
  const real = fs.realpathSync(dir);
  return { dir: real, gen, big: { ...gen.big!, file: fs.realpathSync(gen.big!.file) }, manifests: await nodeFileHost.findManifests(real) };
}

// ---------------------------------------------------------------------------------------------
// CLI and in-process check

interface CliFigures {
  wallMs: number[];
  peakRssMB: number[];
  diagnostics: number;
  byCode: Record<string, number>;
}

/** Runs `node dist/cli.js check DIR --format json`, timing the wall clock and sampling its VmHWM. */
function runCli(dir: string): Promise<{ ms: number; hwmMB: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t = now();
    const child = spawn(process.execPath, [CLI, 'check', dir, '--format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let hwm = 0;
    const poll = setInterval(() => {
      const m = procMem(child.pid!);
      if (m && m.hwmMB > hwm) hwm = m.hwmMB;
    }, 2);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = now() - t;
      clearInterval(poll);
      if (code !== 0 && code !== 1) reject(new Error(`isola check exited ${code}: ${Buffer.concat(err).toString()}`));
      else resolve({ ms, hwmMB: hwm, stdout: Buffer.concat(out).toString() });
    });
  });
}

async function benchCli(dir: string, runs: number): Promise<CliFigures> {
  const f: CliFigures = { wallMs: [], peakRssMB: [], diagnostics: 0, byCode: {} };
  for (let i = 0; i < runs; i++) {
    const r = await runCli(dir);
    f.wallMs.push(round(r.ms));
    f.peakRssMB.push(r.hwmMB);
    if (i === 0) {
      const json = JSON.parse(r.stdout) as { diagnostics?: { code: string }[] };
      const list = json.diagnostics ?? [];
      f.diagnostics = list.length;
      for (const d of list) f.byCode[d.code] = (f.byCode[d.code] ?? 0) + 1;
    }
  }
  return f;
}

interface InProcessFigures {
  coldMs: number;
  warmMs: number;
  loadMs: number;
  checkMs: number;
  diagnostics: number;
  /** Heap the loaded project (texts, values, model) keeps, after a GC. */
  modelHeapMB: number;
  /** For comparison: heap of one jsonc-parser `parseTree` per file, kept. */
  parseTreeHeapMB: number;
  textMB: number;
}

async function benchInProcess(dir: string, files: string[], runs: number): Promise<InProcessFigures> {
  const once = async () => {
    const t0 = now();
    const project = await loadProject(dir, nodeFileHost);
    const t1 = now();
    const result = checkProject(project);
    return { total: now() - t0, load: t1 - t0, check: now() - t1, diagnostics: result.diagnostics.length };
  };
  const cold = await once();
  const warm: { total: number; load: number; check: number }[] = [];
  for (let i = 0; i < runs; i++) warm.push(await once());

  gc();
  const h0 = process.memoryUsage().heapUsed;
  let project: unknown = await loadProject(dir, nodeFileHost);
  gc();
  const modelHeap = process.memoryUsage().heapUsed - h0;
  project = undefined;
  gc();
  const h1 = process.memoryUsage().heapUsed;
  let textBytes = 0;
  let trees: unknown[] | undefined = files.map((f) => {
    const text = fs.readFileSync(f, 'utf8');
    textBytes += Buffer.byteLength(text);
    return [text, parseTree(text, [], { allowTrailingComma: true })];
  });
  gc();
  const treeHeap = process.memoryUsage().heapUsed - h1;
  trees = undefined;
  void project;
  void trees;
  return {
    coldMs: round(cold.total), warmMs: round(median(warm.map((w) => w.total))),
    loadMs: round(median(warm.map((w) => w.load))), checkMs: round(median(warm.map((w) => w.check))),
    diagnostics: cold.diagnostics, modelHeapMB: mib(modelHeap), parseTreeHeapMB: mib(treeHeap), textMB: mib(textBytes),
  };
}

// ---------------------------------------------------------------------------------------------
// The language server, driven like an editor

interface Publish { t: number; diagnostics: Diagnostic[] }
interface Waiter { uri: string; pred: (d: Diagnostic[]) => boolean; resolve: (p: Publish & { skipped: number }) => void; skipped: number }

class Session {
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

function withTimeout<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what()}`)), ms))),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Edits in the big manifest

interface PlannedEdit { kind: 'title' | 'ref'; op: 'insert' | 'delete'; offset: number; line?: number }

/**
 * Pairs of one-character edits: insert a letter into a string, then delete it. Title pairs type
 * into app titles spread over the file; every `refEvery`-th pair appends a letter to a valid
 * page `app` reference (an ISO006 appears) and removes it again (it goes).
 */
function planEdits(text: string, diagnostics: Diagnostic[], edits: number, refEvery: number): PlannedEdit[] {
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

interface EditResult { kind: 'title' | 'ref'; op: 'insert' | 'delete'; ms: number; skipped: number; diagnostics: number; window: Window }

async function runEdits(s: Session, uri: string, text: string, plan: PlannedEdit[]): Promise<EditResult[]> {
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

interface LatencyStats { n: number; medianMs: number; p95Ms: number; maxMs: number; medianAfterDelayMs: number; p95AfterDelayMs: number }

function latency(xs: number[], delay: number): LatencyStats {
  return {
    n: xs.length, medianMs: round(median(xs)), p95Ms: round(pct(xs, 95)), maxMs: round(Math.max(...xs)),
    medianAfterDelayMs: round(median(xs) - delay), p95AfterDelayMs: round(pct(xs, 95) - delay),
  };
}

// ---------------------------------------------------------------------------------------------
// One session: first diagnostics, then (optionally) open + edits

interface Window { from: number; to: number }

interface SessionFigures {
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
  bigDiagnostics?: number;
  serverErrors: string[];
  windows: { first: Window; edits: Window[] };
}

async function session(ws: Workspace, delay: number, plan: ((text: string, diags: Diagnostic[]) => PlannedEdit[]) | undefined, nodeFlags: string[] = []): Promise<SessionFigures> {
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
      f.edits = await runEdits(s, uri, text, planned);
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

// ---------------------------------------------------------------------------------------------
// Profiling

interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

/**
 * Self and inclusive time per function within time windows (monotonic ms, as `now()`), mapped
 * through source maps to `file:line`. Idle and GC stay visible as their pseudo-functions.
 */
function summarizeProfile(prof: CpuProfile, windows: Window[], top: number): string[] {
  const per = windows.length > 1 ? windows.length : 0; // several windows (edits): also show ms per window
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The snapshot's map was written for dist/: its sources are relative to there.
  const locate = sourceLocator(ROOT, (js) => (js.startsWith(COPIED + path.sep) ? path.join(DIST, path.relative(COPIED, path.dirname(js))) : path.dirname(js)));
  const where = (cf: ProfileNode['callFrame']): string => locate(cf) ?? '';
  const label = new Map<number, string>();
  const labelOf = (id: number) => {
    let l = label.get(id);
    if (l === undefined) {
      const cf = byId.get(id)!.callFrame;
      l = `${cf.functionName || '(anonymous)'}  ${where(cf)}`.trim();
      label.set(id, l);
    }
    return l;
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let t = prof.startTime;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i] ?? 0;
    const ms = t / 1000;
    const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000; // a sample stands for the interval until the next one
    if (!windows.some((w) => ms >= w.from && ms <= w.to)) continue;
    const id = prof.samples[i];
    const l = labelOf(id);
    total += dt;
    if (l.startsWith('(idle)')) {
      idle += dt;
      continue;
    }
    self.set(l, (self.get(l) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const nl = labelOf(n);
      if (seen.has(nl) || nl.startsWith('(root)')) continue;
      seen.add(nl);
      incl.set(nl, (incl.get(nl) ?? 0) + dt);
    }
  }
  const busy = total - idle;
  const fmt = (rows: [string, number][]) => rows.map(([k, ms]) =>
    `${ms.toFixed(1).padStart(8)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)}%${per ? ` ${(ms / per).toFixed(2).padStart(7)} ms/edit` : ''}  ${k}`);
  const ours = (k: string) => /server\/src\//.test(k);
  return [
    `window ${round(windows.reduce((n, w) => n + w.to - w.from, 0))} ms: sampled ${round(total)} ms, idle ${round(idle)} ms, busy ${round(busy)} ms` +
      (per ? ` (${round(busy / per)} ms busy per edit over ${per} edits)` : ''),
    `top ${top} by self time (% of busy):`,
    ...fmt([...self].sort((a, b) => b[1] - a[1]).slice(0, top)),
    `top ${top} Isola functions by inclusive time (% of busy):`,
    ...fmt([...incl].filter(([k]) => ours(k)).sort((a, b) => b[1] - a[1]).slice(0, top)),
  ];
}

async function profileServer(ws: Workspace, delay: number, edits: number, refEvery: number): Promise<{ file: string; first: string[]; edits: string[] }> {
  const dir = path.join(WORK, 'lsp-prof');
  fs.rmSync(dir, { recursive: true, force: true });
  const f = await session(ws, delay, (text, diags) => planEdits(text, diags, edits, refEvery), ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250']);
  const file = fs.readdirSync(dir).find((x) => x.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no CPU profile in ${dir}`);
  const prof = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
  // The edit windows, each from the didChange to the publish, without the debounce in between.
  const editWindows = f.windows.edits;
  console.log(`\nprofiled session (slower under the profiler): first diagnostics ${f.firstFullMs} ms, edits p95 ${round(pct(f.edits!.map((e) => e.ms), 95))} ms`);
  return { file: path.join(dir, file), first: summarizeProfile(prof, [f.windows.first], 25), edits: summarizeProfile(prof, editWindows, 25) };
}

// ---------------------------------------------------------------------------------------------
// In-process breakdown of one edit of the big manifest

/**
 * What the server does for one edit of the big manifest (ProjectState.update, then
 * IsolaWorkspace.recheck), step by step in this process with the same core code, median ms over
 * `runs` edits (after warm-up). Runs type one letter into a title and delete it again, like the LSP
 * edits, each version built on the previous one.
 */
async function editBreakdown(ws: Workspace, runs: number): Promise<Record<string, number>> {
  const base = await loadProject(ws.dir, nodeFileHost);
  const text0 = fs.readFileSync(ws.big.file, 'utf8');
  const at = text0.indexOf('"title": "', text0.indexOf('"apps"')) + 12;
  const steps: Record<string, number[]> = {};
  const time = <T>(name: string, fn: () => T): T => {
    const t = now();
    const r = fn();
    (steps[name] ??= []).push(now() - t);
    return r;
  };
  let prev: Manifest | undefined;
  for (let i = 0; i < runs + 3; i++) {
    const text = i % 2 ? text0 : text0.slice(0, at) + 'x' + text0.slice(at);
    // For comparison: what a full parse and model of the new text cost (the path for other edits).
    time('  parseJson (part of buildManifest)', () => parseJson(text));
    time('  buildManifest (parse + model; edits outside strings and comments)', () => buildManifest(base.root, ws.big.file, text));
    const t0 = now();
    // As the server does: the new version from the previous one when the edit stays inside a string.
    const m = time('rebuildAfterEdit (token + model, no parse)', () => (prev && rebuildAfterEdit(base.root, prev, text)) || buildManifest(base.root, ws.big.file, text));
    prev = m;
    await resolveLinks(m, nodeFileHost, () => true);
    const project = time('new Project (index, packages)', () => new Project(base.root, base.manifests.map((x) => (x.absPath === m.absPath ? m : x)), base.catalog));
    const findings: Finding[] = [];
    for (const rule of RULES) findings.push(...time(`rule ${rule.code}`, () => checkManifest(project, m, [rule])));
    time('placeFindings (ranges carried over + lines + suppressions)', () => placeFindings(project, findings, [m]));
    (steps['total: rebuild + project + rules + place'] ??= []).push(now() - t0);
    const paths = findings.flatMap((f) => ('path' in f.anchor ? [f.anchor.path] : []));
    time('  locatePaths (a full scan, which carried ranges avoid)', () => locatePaths(m.text, paths));
    time('  LineIndex (part of placeFindings)', () => new LineIndex(m.text));
    if (i < 3) for (const k of Object.keys(steps)) steps[k] = []; // warm-up
  }
  return Object.fromEntries(Object.entries(steps).map(([k, xs]) => [k, round(median(xs), 2)]));
}

// ---------------------------------------------------------------------------------------------

/** Which code is measured: the commit, uncommitted changes under server/ and client/, the bundle's hash. */
function buildInfo(): { head: string; dirty: string[]; cliSha1: string } {
  const git = (...a: string[]) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  return {
    head: git('rev-parse', '--short', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain', '--', 'server', 'client').split('\n').filter(Boolean).map((l) => l.slice(3)),
    cliSha1: ['cli.js', 'commands/check.js', 'commands/lsp.js'].reduce((h, f) => h.update(fs.readFileSync(path.join(COPIED, f))), createHash('sha1')).digest('hex').slice(0, 12),
  };
}

async function main(): Promise<void> {
  const entities = num('entities', 10_000);
  const manifests = num('manifests', 200);
  const bigMB = num('big-mb', 1);
  const delay = num('delay', 150);
  const edits = num('edits', 100);
  const refEvery = num('ref-every', 10);
  const sessions = Math.max(1, num('sessions', 3));
  const cliRuns = Math.max(1, num('cli-runs', 3));
  const seed = num('seed', 20240401);
  if (!fs.existsSync(DIST_CLI)) throw new Error(`${DIST_CLI} is missing: run npm run build`);
  fs.rmSync(COPIED, { recursive: true, force: true });
  fs.mkdirSync(path.join(COPIED, 'commands'), { recursive: true });
  for (const f of ['cli.js', ...fs.readdirSync(path.join(DIST, 'commands')).map((n) => `commands/${n}`)]) {
    if (f.endsWith('.js')) for (const ext of ['', '.map']) fs.copyFileSync(path.join(DIST, f + ext), path.join(COPIED, f + ext));
  }
  const build = buildInfo();
  console.log(`build: ${build.head}${build.dirty.length ? ` + ${build.dirty.length} uncommitted server/client files` : ''}, dist/cli.js + check + lsp sha1 ${build.cliSha1} (copied to ${path.relative(ROOT, CLI)})`);
  const loadStart = os.loadavg().map((x) => round(x, 2));
  if (loadStart[0] > os.cpus().length / 2) console.warn(`warning: load average ${loadStart[0]} on ${os.cpus().length} CPUs; timings will be inflated`);

  const ws = await makeWorkspace(entities, manifests, seed, bigMB * 2 ** 20);
  const { gen, big } = ws;
  console.log(`workspace ${ws.dir}`);
  console.log(`  ${gen.files} manifests (${gen.workspaces} workspaces, ${gen.modules} modules, ${gen.solutions} solutions), ${gen.entities} entities, ` +
    `${gen.references} references, ${gen.violations} deliberate violations, ${mib(gen.bytes)} MB of text`);
  console.log(`  big manifest ${path.relative(ws.dir, big.file)}: ${big.bytes} bytes (${mib(big.bytes)} MB), ${big.entities} entities, ${big.apps} apps`);

  const cli = await benchCli(ws.dir, cliRuns);
  const inproc = await benchInProcess(ws.dir, ws.manifests, 3);
  console.log(`  CLI check: ${cli.wallMs.join(', ')} ms wall; ${cli.diagnostics} diagnostics ${JSON.stringify(cli.byCode)}`);
  console.log(`  in-process load+check: cold ${inproc.coldMs} ms, warm ${inproc.warmMs} ms (load ${inproc.loadMs} + check ${inproc.checkMs})`);
  const breakdown = await editBreakdown(ws, 20);
  console.log('  in-process, one edit of the big manifest (median ms):');
  for (const [k, v] of Object.entries(breakdown)) if (v >= 0.05 || !k.startsWith('rule')) console.log(`    ${String(v).padStart(7)}  ${k}`);

  const plan = (text: string, diags: Diagnostic[]) => planEdits(text, diags, edits, refEvery);
  const runs: SessionFigures[] = [];
  for (let i = 0; i < sessions; i++) {
    const f = await session(ws, delay, i === sessions - 1 ? plan : undefined);
    runs.push(f);
    console.log(`  LSP session ${i + 1}: initialize ${f.initializeMs} ms, first publish ${f.firstPublishMs} ms, all ${f.urisPublished}/${ws.manifests.length} URIs ${f.firstFullMs} ms ` +
      `(${f.firstFullFromSpawnMs} ms from spawn), ${f.lspDiagnostics} diagnostics`);
    if (f.serverErrors.length) console.log(`    server errors: ${f.serverErrors.join(' | ')}`);
  }
  const last = runs[runs.length - 1];
  let loaded: (LatencyStats & { load: number[] }) | undefined;
  if (!flag('no-loaded')) {
    const stop = keepOneCoreBusy();
    try {
      const f = await session(ws, delay, plan);
      loaded = { ...latency(f.edits!.map((e) => e.ms), delay), load: os.loadavg().map((x) => round(x, 2)) };
    } finally {
      stop();
    }
  }
  const loadedOk = loaded !== undefined && loaded.p95AfterDelayMs <= GOAL_LOADED_P95_MS;
  const all = last.edits!;
  const title = all.filter((e) => e.kind === 'title');
  const ref = all.filter((e) => e.kind === 'ref');
  const lat = { all: latency(all.map((e) => e.ms), delay), title: latency(title.map((e) => e.ms), delay), ref: latency(ref.map((e) => e.ms), delay) };
  const refChanges = { appeared: ref.filter((e) => e.op === 'insert').length, went: ref.filter((e) => e.op === 'delete').length, skippedPublishes: ref.reduce((n, e) => n + e.skipped, 0),
    titleEditsWithBaselineCount: title.filter((e) => e.diagnostics === last.bigDiagnostics).length };

  const firstMs = median(runs.map((r) => r.firstFullMs));
  const cliMs = median(cli.wallMs);
  const ratio = round(firstMs / cliMs, 2);
  const firstOk = ratio <= GOAL_FIRST_RATIO;
  const editOk = lat.all.p95AfterDelayMs < GOAL_EDIT_P95_MS;
  const idleMedianOk = lat.all.medianAfterDelayMs <= GOAL_IDLE_MEDIAN_MS;
  const consistent = runs.every((r) => r.lspDiagnostics === cli.diagnostics);

  const rows: [string, string, string][] = [
    ['workspace', `${gen.files} manifests, ${gen.entities} entities, ${mib(gen.bytes)} MB`, ''],
    ['big manifest', `${big.bytes} B (${mib(big.bytes)} MB), ${big.entities} entities, ${last.bigDiagnostics} diagnostics`, ''],
    ['CLI check (wall, median)', `${round(cliMs)} ms  [${cli.wallMs.join(', ')}]`, ''],
    ['in-process load+check', `cold ${inproc.coldMs} ms, warm ${inproc.warmMs} ms`, ''],
    ['LSP first full diagnostics', `${round(firstMs)} ms from initialize  [${runs.map((r) => r.firstFullMs).join(', ')}]; ${median(runs.map((r) => r.firstFullFromSpawnMs))} ms from spawn`, ''],
    ['  / CLI wall', `${ratio}x`, `<= ${GOAL_FIRST_RATIO}x ${firstOk ? 'met' : 'MISSED'}`],
    ['  diagnostics LSP vs CLI', `${last.lspDiagnostics} vs ${cli.diagnostics}`, consistent ? 'same' : 'DIFFER'],
    ['didOpen big -> publish', `${last.openMs} ms (incl. ${delay} ms debounce)`, ''],
    [`edit latency, all ${lat.all.n}`, `median ${lat.all.medianMs}, p95 ${lat.all.p95Ms}, max ${lat.all.maxMs} ms`, ''],
    ['  minus debounce', `median ${lat.all.medianAfterDelayMs}, p95 ${lat.all.p95AfterDelayMs} ms`,
      `p95 < ${GOAL_EDIT_P95_MS} ms ${editOk ? 'met' : 'MISSED'}; median <= ${GOAL_IDLE_MEDIAN_MS} ms ${idleMedianOk ? 'met' : 'MISSED'}`],
    ...(loaded ? [[`  one core kept busy (${loaded.n})`, `minus debounce: median ${loaded.medianAfterDelayMs}, p95 ${loaded.p95AfterDelayMs}, max ${round(loaded.maxMs - delay)} ms ` +
      `(load ${loaded.load.join(' ')})`, `p95 <= ${GOAL_LOADED_P95_MS} ms ${loadedOk ? 'met' : 'MISSED'}`] as [string, string, string]] : []),
    [`  title edits (${lat.title.n})`, `median ${lat.title.medianMs} / p95 ${lat.title.p95Ms} ms; -delay ${lat.title.medianAfterDelayMs} / ${lat.title.p95AfterDelayMs} ms`, ''],
    [`  reference edits (${lat.ref.n})`, `median ${lat.ref.medianMs} / p95 ${lat.ref.p95Ms} ms; -delay ${lat.ref.medianAfterDelayMs} / ${lat.ref.p95AfterDelayMs} ms`,
      `ISO006 appeared ${refChanges.appeared}x, went ${refChanges.went}x, stale publishes ${refChanges.skippedPublishes}`],
    ['  title publishes with unchanged count', `${refChanges.titleEditsWithBaselineCount}/${title.length}`, ''],
    ['server RSS idle (after initialize)', `${last.idleMem?.rssMB} MB`, ''],
    ['server RSS / HWM after first diags', `${last.afterFirstMem?.rssMB} / ${last.afterFirstMem?.hwmMB} MB`, ''],
    ['server RSS / HWM after ' + all.length + ' edits', `${last.afterEditsMem?.rssMB} / ${last.afterEditsMem?.hwmMB} MB`, ''],
    ['CLI peak RSS', `${median(cli.peakRssMB)} MB`, ''],
    ['workspace text', `${mib(gen.bytes)} MB`, ''],
    ['model heap (in-process, after GC)', `${inproc.modelHeapMB} MB; parseTree per file would keep ${inproc.parseTreeHeapMB} MB`, ''],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log('');
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);

  let profile: { file: string; first: string[]; edits: string[] } | undefined;
  if (flag('profile') || (!flag('no-profile') && (!firstOk || !editOk))) {
    profile = await profileServer(ws, delay, edits, refEvery);
    console.log(`CPU profile of the server: ${profile.file}`);
    console.log('-- first diagnostics (initialize -> every URI published):');
    for (const l of profile.first) console.log(`   ${l}`);
    console.log('-- edits (each didChange -> its publish, debounce idle excluded):');
    for (const l of profile.edits) console.log(`   ${l}`);
  }

  const json = {
    bench: 'lsp', node: process.version, seed, delay, entities, manifests,
    build,
    machine: { cpus: os.cpus().length, loadavgStart: loadStart, loadavgEnd: os.loadavg().map((x) => round(x, 2)) },
    workspace: { files: gen.files, bytes: gen.bytes, mb: mib(gen.bytes), entities: gen.entities, references: gen.references, violations: gen.violations },
    big: { file: path.relative(ws.dir, big.file), bytes: big.bytes, entities: big.entities, apps: big.apps, diagnostics: last.bigDiagnostics },
    cli: { wallMs: cli.wallMs, medianMs: round(cliMs), peakRssMB: cli.peakRssMB, diagnostics: cli.diagnostics, byCode: cli.byCode },
    inProcess: inproc,
    editBreakdownMs: breakdown,
    first: { ms: runs.map((r) => r.firstFullMs), medianMs: round(firstMs), fromSpawnMs: runs.map((r) => r.firstFullFromSpawnMs), initializeMs: runs.map((r) => r.initializeMs),
      firstPublishMs: runs.map((r) => r.firstPublishMs), urisPublished: last.urisPublished, diagnostics: last.lspDiagnostics, ratioToCli: ratio, goal: GOAL_FIRST_RATIO, met: firstOk },
    open: { ms: last.openMs },
    edits: { ...lat, refChanges, goalP95AfterDelayMs: GOAL_EDIT_P95_MS, met: editOk, ms: all.map((e) => round(e.ms)),
      goalIdleMedianAfterDelayMs: GOAL_IDLE_MEDIAN_MS, idleMedianMet: idleMedianOk },
    loadedEdits: loaded && { ...loaded, goalP95AfterDelayMs: GOAL_LOADED_P95_MS, met: loadedOk },
    memory: { idle: last.idleMem, afterFirst: last.afterFirstMem, afterOpen: last.afterOpenMem, afterEdits: last.afterEditsMem, textMB: mib(gen.bytes),
      modelHeapMB: inproc.modelHeapMB, parseTreeHeapMB: inproc.parseTreeHeapMB, cliPeakRssMB: median(cli.peakRssMB) },
    profile: profile?.file,
  };
  console.log(JSON.stringify(json));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
