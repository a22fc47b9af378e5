/**
 * What `bench/lsp.ts` measures besides the sessions: the CLI on the same folder, the same check
 * in this process, the in-process breakdown of one edit, latency statistics, and the server's
 * CPU profile summarized per phase.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { ProfileNode, sourceLocator } from './profile';
import { parseTree } from 'jsonc-parser';
import { checkManifest, checkProject, diagnoseManifest, placeFindings } from '../server/src/core/check';
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
import { CLI, COPIED, DIST, median, mib, now, pct, planEdits, procMem, ROOT, round, session, WORK, Window, Workspace } from './lspSession';

/** A forced GC without `--expose-gc` on the command line (the npm script runs plain `node`). */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

// ---------------------------------------------------------------------------------------------
// CLI and in-process check

export interface CliFigures {
  wallMs: number[];
  peakRssMB: number[];
  diagnostics: number;
  byCode: Record<string, number>;
}

/** Runs `node dist/cli.js check DIR --format json`, timing the wall clock and sampling its VmHWM. */
export function runCli(dir: string): Promise<{ ms: number; hwmMB: number; stdout: string }> {
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

export async function benchCli(dir: string, runs: number): Promise<CliFigures> {
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

export interface InProcessFigures {
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

export async function benchInProcess(dir: string, files: string[], runs: number): Promise<InProcessFigures> {
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

export interface LatencyStats { n: number; medianMs: number; p95Ms: number; maxMs: number; medianAfterDelayMs: number; p95AfterDelayMs: number }

export function latency(xs: number[], delay: number): LatencyStats {
  return {
    n: xs.length, medianMs: round(median(xs)), p95Ms: round(pct(xs, 95)), maxMs: round(Math.max(...xs)),
    medianAfterDelayMs: round(median(xs) - delay), p95AfterDelayMs: round(pct(xs, 95) - delay),
  };
}

// ---------------------------------------------------------------------------------------------
// Profiling

export interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

/**
 * Self and inclusive time per function within time windows (monotonic ms, as `now()`), mapped
 * through source maps to `file:line`. Idle and GC stay visible as their pseudo-functions.
 */
export function summarizeProfile(prof: CpuProfile, windows: Window[], top: number): string[] {
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

export async function profileServer(ws: Workspace, delay: number, edits: number, refEvery: number): Promise<{ file: string; first: string[]; edits: string[] }> {
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
export async function editBreakdown(ws: Workspace, runs: number): Promise<Record<string, number>> {
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
  // The server checked every manifest once before the first edit, and builds each version on the last.
  let prev: Manifest | undefined = base.manifests.find((x) => x.absPath === ws.big.file);
  if (prev) diagnoseManifest(base, prev);
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
    // As the server does: the rules, or their last findings when the edit cannot change them, then placing.
    time('diagnoseManifest (rules or their last findings + placing)', () => diagnoseManifest(project, m));
    (steps['total: rebuild + project + diagnose'] ??= []).push(now() - t0);
    // For comparison: every rule run afresh, and placing what they found.
    const findings: Finding[] = [];
    for (const rule of RULES) findings.push(...time(`  rule ${rule.code} (run afresh)`, () => checkManifest(project, m, [rule])));
    time('  placeFindings (ranges carried over + lines + suppressions)', () => placeFindings(project, findings, [m]));
    const paths = findings.flatMap((f) => ('path' in f.anchor ? [f.anchor.path] : []));
    time('  locatePaths (a full scan, which carried ranges avoid)', () => locatePaths(m.text, paths));
    time('  LineIndex (part of placeFindings)', () => new LineIndex(m.text));
    if (i < 3) for (const k of Object.keys(steps)) steps[k] = []; // warm-up
  }
  return Object.fromEntries(Object.entries(steps).map(([k, xs]) => [k, round(median(xs), 2)]));
}

// ---------------------------------------------------------------------------------------------

/** Which code is measured: the commit, uncommitted changes under server/ and client/, the bundle's hash. */
export function buildInfo(): { head: string; dirty: string[]; cliSha1: string } {
  const git = (...a: string[]) => spawnSync('git', a, { cwd: ROOT, encoding: 'utf8' }).stdout ?? '';
  return {
    head: git('rev-parse', '--short', 'HEAD').trim() || 'unknown',
    dirty: git('status', '--porcelain', '--', 'server', 'client').split('\n').filter(Boolean).map((l) => l.slice(3)),
    cliSha1: ['cli.js', 'commands/check.js', 'commands/lsp.js'].reduce((h, f) => h.update(fs.readFileSync(path.join(COPIED, f))), createHash('sha1')).digest('hex').slice(0, 12),
  };
}
