/**
 * The importing child of the import benchmark (bench/import.ts): one process per import, so each
 * is measured alone (its peak RSS, its CPU) and starts as a service does, with nothing cached.
 *
 *   node out/bench/importRun.js --child init|import --args '{"file": ..., "dataDir": ..., "databaseUrl": ...}'
 *
 * Prints one JSON line: what the import took, part by part.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Environment } from '../server/src/core/environment/environment';
import type { LogLine } from '../server/src/core/environment/types';
import { STEPS } from '../server/src/core/packaging/format';
import { arg } from './args';
import { ROOT, rssSampler } from './package';

const MB = 2 ** 20;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const maxRssMB = () => round(process.resourceUsage().maxRSS / 1024);
const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface ImportChildArgs {
  file: string;
  dataDir: string;
  databaseUrl?: string;
}

export interface ImportChildResult {
  openMs: number;
  registerMs: number;
  /** CPU of this process while registering (reading and checking every card) and planning. */
  registerCpuMs: number;
  planMs: number;
  planCpuMs: number;
  /** Minor page faults of this process (every thread) while registering, and while planning: about 10 µs each on this kind of machine. */
  registerFaults: number;
  planFaults: number;
  importMs: number;
  /** Milliseconds each part of the import took (see phasesOf). */
  phases: Record<string, number>;
  cpuMs: number;
  cards: number;
  created: number;
  /** Cards updated (written over what the environment had); 0 on a first import. */
  updated: number;
  records: number;
  status: string;
  error?: string;
  maxRssMB: number;
  sampledPeakMB: number;
  startRssMB: number;
  /** RSS once the environment is open (PGlite's WebAssembly heap included), before the package is registered. */
  openRssMB: number;
}

/**
 * How long each part of an import took, from the times of its log lines: `check` (opening the
 * package, reading its cards and verifying every checksum, before anything is written),
 * `read+backup` (from there to the backup's log line: the environment's rows, each card's
 * merge, and the backup itself), `design` (cards, step by
 * step), `data` (records, app by app) and `commit` (the job's final state, the commit, the statistics).
 */
function phasesOf(log: LogLine[], start: number, end: number): Record<string, number> {
  const at = (i: number) => (i >= 0 ? Date.parse(log[i].at) : NaN);
  const last = (re: RegExp) => log.map((l) => re.test(l.line)).lastIndexOf(true);
  const marks: [string, number][] = [
    // "checked the design entries of ...: every checksum matches" (older builds: "checked N entries").
    ['check', at(last(/^checked (\d+|the design) entries/))],
    ['read+backup', at(last(/^backup /))],
    ['design', at(last(new RegExp(`^(${STEPS.join('|')}): \\S+ (created|updated|unchanged|replaced)`)))],
    ['data', at(last(/^data \S+: \d+ record/))],
    ['commit', end],
  ];
  const out: Record<string, number> = {};
  let prev = start;
  for (const [name, t] of marks) {
    if (Number.isNaN(t)) continue;
    out[name] = Math.max(0, t - prev);
    prev = t;
  }
  return out;
}

/** Creates the environment's database (PGlite runs initdb: a one-off peak of memory an import must not be charged with). */
async function childInit(a: ImportChildArgs): Promise<{ ms: number; maxRssMB: number }> {
  const t = performance.now();
  const env = await Environment.open({ dataDir: a.dataDir, databaseUrl: a.databaseUrl, name: 'bench' });
  await env.close();
  return { ms: round(performance.now() - t), maxRssMB: maxRssMB() };
}

async function childImport(a: ImportChildArgs): Promise<ImportChildResult> {
  const peak = rssSampler();
  const startRssMB = round(process.memoryUsage().rss / MB);
  const t0 = performance.now();
  const env = await Environment.open({ dataDir: a.dataDir, databaseUrl: a.databaseUrl, name: 'bench', tool: { name: 'isola-bench', version } });
  const caller = Environment.localCaller('bench');
  const t1 = performance.now();
  const openRssMB = round(process.memoryUsage().rss / MB);
  const cpuMs = (u: NodeJS.CpuUsage) => round((u.user + u.system) / 1000);
  const faults = () => process.resourceUsage().minorPageFault;
  let c = process.cpuUsage();
  let f = faults();
  const pkg = await env.registerFile(caller, a.file);
  const registerCpuMs = cpuMs(process.cpuUsage(c));
  const registerFaults = faults() - f;
  const t2 = performance.now();
  c = process.cpuUsage();
  f = faults();
  const plan = await env.plan(caller, { package: pkg.id });
  const planCpuMs = cpuMs(process.cpuUsage(c));
  const planFaults = faults() - f;
  const t3 = performance.now();
  if (!plan.ok) throw new Error(`the plan failed its checks: ${JSON.stringify(plan.checks.filter((c) => !c.ok))}`);
  const cpu = process.cpuUsage();
  const start = Date.now();
  const job = await env.startImport(caller, { plan: plan.id, onConflict: 'replace' });
  const done = await env.waitForJob(job.id);
  const t4 = performance.now();
  const end = Date.now();
  const u = process.cpuUsage(cpu);
  const phases = phasesOf(await env.jobLog(caller, job.id), start, end);
  const result = (done.result ?? {}) as { counts?: Record<string, number>; records?: { written: number; created: number }[] };
  await env.close();
  return {
    openMs: round(t1 - t0), registerMs: round(t2 - t1), registerCpuMs, registerFaults, planMs: round(t3 - t2), planCpuMs, planFaults, importMs: round(t4 - t3), phases,
    cpuMs: round((u.user + u.system) / 1000),
    cards: plan.entities.filter((e) => e.action !== 'kept').length, created: result.counts?.create ?? 0, updated: (result.counts?.update ?? 0) + (result.counts?.conflict ?? 0),
    records: (result.records ?? []).reduce((n, x) => n + x.written, 0), status: done.status, ...(done.error ? { error: done.error } : {}),
    maxRssMB: maxRssMB(), sampledPeakMB: peak(), startRssMB, openRssMB,
  };
}

export function runChild<T>(mode: string, a: object, nodeFlags: string[] = []): T {
  const r = spawnSync(process.execPath, [...nodeFlags, __filename, '--child', mode, '--args', JSON.stringify(a)], { encoding: 'utf8', maxBuffer: 64 * MB });
  if (r.status !== 0) throw new Error(`${mode} child failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

async function main(): Promise<void> {
  const mode = arg('child');
  const fns: Record<string, (a: never) => Promise<unknown>> = { init: childInit, import: childImport };
  if (!mode || !fns[mode]) throw new Error('usage: importRun.js --child init|import --args JSON');
  const out = await fns[mode](JSON.parse(arg('args')!) as never);
  process.stdout.write(JSON.stringify(out) + '\n');
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
