/**
 * Check benchmark: how much slower is `isola check` than a bare JSONC parse of the same files,
 * and how much memory does it need? Generates projects under bench/.work/, then prints a table
 * per size and one JSON line with every figure. Two shapes: `--entities` sizes spread over
 * `--manifests` files, and `--many` projects of that many one-line manifests (where work done
 * per manifest over all manifests shows at once; `none` skips either).
 *
 *   node --expose-gc out/bench/check.js [--entities 10000,50000,100000] [--manifests 200] [--runs 11]
 *     [--many 10000,25000,50000,100000] [--many-runs 3] [--profile] [--skeleton] [--startup-rounds 21]
 *   node out/bench/check.js --hash
 *
 * Each size is also measured cold: one check in a fresh process against one read and parse in
 * another fresh process (`cold`); and, unless `--startup-rounds 0`, the start-up of the CLI
 * (`bench/startup.ts`).
 *
 * `--skeleton` also times, in the same rounds, the least a check that resolves references across
 * manifests must do (`bench/checkSkeleton.ts`), and prints its ratio to the parse: how close to
 * the floor any design of the check could come.
 *
 * `--profile` also runs the check under `--cpu-prof` in a child and lists the functions with the
 * most self time (mapped back to the TypeScript sources).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ProfileNode, sourceLocator } from './profile';
import { performance } from 'node:perf_hooks';
import { parse, parseTree, ParseError } from 'jsonc-parser';
import { checkProject } from '../server/src/core/check';
import { nodeFileHost } from '../server/src/core/manifest/host';
import { loadProject } from '../server/src/core/manifest/project';
import { generateProject, GenStats } from './generate';
import { generateMany, ManyStats } from './generateMany';
import { benchStartup, startupLine } from './startup';
import { arg, flag, median } from './args';
import { printHashes } from './checkHash';
import { checkSkeleton } from './checkSkeleton';

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, 'bench', '.work');
const GOAL_RATIO = 2;
const GOAL_RSS_MB = (entities: number) => (entities <= 10_000 ? 300 : 1024);

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

interface ChildResult {
  maxRssMB: number;
  sampledPeakMB: number;
  startRssMB: number;
  checkMs: number[];
  diagnostics: number;
}

/** Child mode for the cold floor: list once, then read and parse every file once; prints the ms of the reading and parsing. */
async function floorChild(dir: string): Promise<void> {
  const files = await nodeFileHost.findManifests(dir);
  const t = performance.now();
  for (const f of files) parse(fs.readFileSync(f, 'utf8'), [], { allowTrailingComma: true });
  process.stdout.write(JSON.stringify({ floorMs: round(performance.now() - t) }) + '\n');
}

/** Median of `n` cold floors (each in a fresh process), for the cold ratio against the fresh-process check. */
function coldFloor(dir: string, n = 3): number {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = spawnSync(process.execPath, [__filename, '--floor-child', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`floor child failed (${r.status}): ${r.stderr}`);
    ms.push((JSON.parse(r.stdout.trim()) as { floorMs: number }).floorMs);
  }
  return median(ms);
}

/** Child mode: load and check `runs` times, sampling RSS every 5 ms; prints one JSON line. */
async function child(dir: string, runs: number): Promise<void> {
  const mb = (b: number) => b / 2 ** 20;
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const sample = () => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
  };
  const timer = setInterval(sample, 5);
  const checkMs: number[] = [];
  let diagnostics = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const result = checkProject(await loadProject(dir, nodeFileHost));
    checkMs.push(performance.now() - t);
    sample();
    diagnostics = result.diagnostics.length;
  }
  clearInterval(timer);
  const out: ChildResult = {
    maxRssMB: round(process.resourceUsage().maxRSS / 1024), // kilobytes on every platform Node supports
    sampledPeakMB: round(mb(peak)), startRssMB: round(mb(startRss)), checkMs: checkMs.map((x) => round(x)), diagnostics,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

function runChild(dir: string, runs: number, nodeFlags: string[] = []): ChildResult {
  const r = spawnSync(process.execPath, ['--expose-gc', ...nodeFlags, __filename, '--child', dir, '--runs', String(runs)], {
    encoding: 'utf8', maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

/** Median wall and CPU ms of one function, and its wall time on each timed run. */
interface Timing {
  wall: number;
  cpu: number;
  walls: number[];
  /**
   * Median minor page faults of a round (every thread of the process): on this kind of machine
   * each costs about 10 µs, so memory a round touches afresh shows up here before it shows in time.
   */
  faults: number;
}

/**
 * Warm-up rounds before the timed ones, so that the check is timed at its steady pace rather than
 * while V8 is still compiling it. The check runs far more code than the bare parse: at 10,000
 * entities its round time kept falling for about twelve rounds (414, 287, 196, ... 122, then
 * about 95 ms) while the parse's stayed flat, and with 10,000 one-line manifests for about six
 * (1,843, 1,242, ... then about 700 ms). What it takes is about a fixed amount of work, so larger
 * projects need fewer rounds. A cold check (one, in a fresh process) is measured apart (`cold`).
 */
function warmupRounds(units: number, warmUnits: number, max: number): number {
  return Math.min(max, Math.max(1, Math.ceil(warmUnits / units)));
}

/** Entities a check goes through before its pace settles (see `warmupRounds`). */
const WARM_ENTITIES = 120_000;
/** One-line manifests the same. */
const WARM_MANIFESTS = 60_000;

/**
 * Times the functions interleaved: `warmups` warm-up rounds, then `runs` rounds that each run every
 * function once (in reverse order on odd rounds). This machine's speed drifts by tens of percent
 * within seconds, so functions timed back to back in the same round share its state, and the
 * ratio of two of them is taken per round (`pairedRatio`) rather than between medians taken
 * seconds apart. The only forced GC is before the warm-ups: after a forced full GC, V8
 * re-optimizes jsonc-parser's scanner and parser functions (see `--trace-opt`), and the run
 * right after one takes 3-10x longer than the steady state.
 */
async function measure(runs: number, fns: (() => unknown)[], warmups: number): Promise<Timing[]> {
  const timings: Timing[] = fns.map(() => ({ wall: 0, cpu: 0, walls: [], faults: 0 }));
  const cpus: number[][] = fns.map(() => []);
  const faults: number[][] = fns.map(() => []);
  gc();
  for (let w = 0; w < warmups; w++) for (const fn of fns) await fn();
  for (let i = 0; i < runs; i++) {
    const order = fns.map((_, k) => k);
    if (i % 2 === 1) order.reverse();
    for (const k of order) {
      const c = process.cpuUsage();
      const f = process.resourceUsage().minorPageFault;
      const t = performance.now();
      await fns[k]();
      timings[k].walls.push(performance.now() - t);
      faults[k].push(process.resourceUsage().minorPageFault - f);
      const d = process.cpuUsage(c);
      cpus[k].push((d.user + d.system) / 1000);
    }
  }
  timings.forEach((t, k) => {
    t.wall = median(t.walls);
    t.cpu = median(cpus[k]);
    t.faults = median(faults[k]);
  });
  return timings;
}

/** The median over rounds of a's time divided by b's time in the same round. */
function pairedRatio(a: Timing, b: Timing): number {
  return median(a.walls.map((w, i) => w / b.walls[i]));
}

interface Figures extends GenStats {
  mb: number;
  modelEntities: number;
  modelReferences: number;
  parseMs: number;
  parseMBps: number;
  parseTreeMs: number;
  checkMs: number;
  ratio: number;
  /** CPU time (user + system, all threads) medians: less sensitive than wall time to other load on the machine. */
  parseCpuMs: number;
  checkCpuMs: number;
  cpuRatio: number;
  /** Median minor page faults of a round: the parse's and the check's. */
  parseFaults: number;
  checkFaults: number;
  diagnostics: number;
  byCode: Record<string, number>;
  peakRssMB: number;
  sampledPeakRssMB: number;
  startRssMB: number;
  coldCheckMs: number;
  coldFloorMs: number;
  coldRatio: number;
  /** With `--skeleton`: its median wall ms, and its ratio to the parse taken round by round. */
  skeletonMs?: number;
  skeletonRatio?: number;
}

async function benchSize(entities: number, manifests: number, runs: number, seed: number, profile: boolean, skeleton: boolean): Promise<Figures> {
  const dir = path.join(WORK, `check-${entities}`);
  const gen = generateProject({ dir, entities, manifests, seed });
  const mb = gen.bytes / 2 ** 20;
  console.log(`\n== ${entities} entities: generated ${dir}`);
  console.log(`   ${gen.files} files (${gen.workspaces} workspaces, ${gen.modules} modules, ${gen.solutions} solutions), ${mb.toFixed(2)} MB, ` +
    `${gen.entities} entities, ${gen.references} references, ${gen.violations} deliberate violations`);

  const files = await nodeFileHost.findManifests(dir);
  const warmups = warmupRounds(gen.entities, WARM_ENTITIES, 15);
  console.log(`   ${warmups} warm-up rounds, then ${runs} timed`);
  let parseErrors = 0;
  let diagnostics = 0;
  const byCode: Record<string, number> = {};
  let modelEntities = 0;
  let modelReferences = 0;
  const [parseT, parseTreeT, checkT, skeletonT] = await measure(runs, [
    () => {
      parseErrors = 0;
      for (const f of files) {
        const errors: ParseError[] = [];
        parse(fs.readFileSync(f, 'utf8'), errors, { allowTrailingComma: true });
        parseErrors += errors.length;
      }
    },
    () => {
      for (const f of files) parseTree(fs.readFileSync(f, 'utf8'), [], { allowTrailingComma: true });
    },
    async () => {
      const project = await loadProject(dir, nodeFileHost);
      const result = checkProject(project);
      diagnostics = result.diagnostics.length;
      modelEntities = project.manifests.reduce((n, m) => n + m.entities.length, 0);
      modelReferences = project.manifests.reduce((n, m) => n + m.references.length, 0);
      for (const k of Object.keys(byCode)) delete byCode[k];
      for (const d of result.diagnostics) byCode[d.code] = (byCode[d.code] ?? 0) + 1;
    },
    ...(skeleton ? [() => checkSkeleton(files)] : []),
  ], warmups);
  console.log(`   rounds (parse/check ms): ${parseT.walls.map((w, i) => `${round(w)}/${round(checkT.walls[i])}`).join(" ")}`);
  if (parseErrors) console.warn(`   warning: ${parseErrors} syntax errors in the generated files`);
  const [parseMs, parseTreeMs, checkMs] = [parseT.wall, parseTreeT.wall, checkT.wall];
  gc();
  const mem = runChild(dir, 1);
  const coldFloorMs = coldFloor(dir);
  if (profile) profileCheck(dir, String(entities));
  return {
    ...gen, mb: round(mb, 2), modelEntities, modelReferences,
    parseCpuMs: round(parseT.cpu), checkCpuMs: round(checkT.cpu), cpuRatio: round(checkT.cpu / parseT.cpu, 2), parseFaults: parseT.faults, checkFaults: checkT.faults,
    parseMs: round(parseMs), parseMBps: round(mb / (parseMs / 1000)), parseTreeMs: round(parseTreeMs), checkMs: round(checkMs),
    ratio: round(pairedRatio(checkT, parseT), 2), diagnostics, byCode,
    peakRssMB: mem.maxRssMB, sampledPeakRssMB: mem.sampledPeakMB, startRssMB: mem.startRssMB, coldCheckMs: mem.checkMs[0],
    coldFloorMs, coldRatio: round(mem.checkMs[0] / coldFloorMs, 2),
    ...(skeletonT ? { skeletonMs: round(skeletonT.wall), skeletonRatio: round(pairedRatio(skeletonT, parseT), 2) } : {}),
  };
}

/** Runs the check 5 times in a child under `--cpu-prof` and prints the top self-time functions. */
function profileCheck(dir: string, label: string): void {
  const profDir = path.join(WORK, `prof-${label}`);
  fs.rmSync(profDir, { recursive: true, force: true });
  runChild(dir, 5, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=200']);
  const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!;
  console.log(`   CPU profile: ${path.join(profDir, file)}`);
  for (const line of summarizeProfile(path.join(profDir, file), 25)) console.log(`   ${line}`);
}

/** Self time per function (by name and source position, mapped through source maps), highest first. */
export function summarizeProfile(file: string, top: number): string[] {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const locate = sourceLocator(ROOT);
  const where = (cf: ProfileNode['callFrame']): string => locate(cf) ?? '(no source: native, GC or generated code)';
  const agg = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const cf = byId.get(id)!.callFrame;
    const key = `${cf.functionName || '(anonymous)'}  ${where(cf)}`;
    agg.set(key, (agg.get(key) ?? 0) + us);
    total += us;
  }
  const rows = [...agg].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [`total sampled ${round(total / 1000)} ms; top ${top} by self time:`,
    ...rows.map(([k, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`)];
}

interface ManyFigures extends ManyStats {
  mb: number;
  /** Median wall ms of listing the folders (part of the check, not of the floor). */
  listMs: number;
  /** Median wall ms of reading and parsing every file: the floor. */
  floorMs: number;
  checkMs: number;
  /** Median over rounds of check / floor in the same round. */
  ratio: number;
  /** Median CPU time (all threads) of the check over that of the floor: less sensitive to other load than wall time. */
  cpuRatio: number;
  /** Median minor page faults of a round: the floor's and the check's. */
  floorFaults: number;
  checkFaults: number;
  /** Check wall µs per manifest: flat when the check is linear in the number of manifests. */
  usPerManifest: number;
  floorWalls: number[];
  checkWalls: number[];
  diagnostics: number;
  byCode: Record<string, number>;
  peakRssMB: number;
  coldCheckMs: number;
  coldFloorMs: number;
  coldRatio: number;
}

/** Many one-line manifests: the check against reading and parsing the same files, and peak RSS in a fresh process. */
async function benchMany(manifests: number, runs: number, seed: number, profile: boolean): Promise<ManyFigures> {
  const dir = path.join(WORK, `many-${manifests}`);
  const t0 = performance.now();
  const gen = generateMany({ dir, manifests, seed });
  const mb = gen.bytes / 2 ** 20;
  console.log(`\n== ${manifests} one-line manifests: ${dir} (ready in ${round((performance.now() - t0) / 1000)} s)`);
  console.log(`   ${gen.files} files (${gen.workspaces} workspaces, ${gen.apps} app manifests, ${gen.solutions} solutions), ${mb.toFixed(2)} MB, ` +
    `${gen.entities} entities, ${gen.references} references, ${gen.violations} deliberate violations, ${gen.duplicates} duplicate codes`);
  const files = await nodeFileHost.findManifests(dir);
  let diagnostics = 0;
  const byCode: Record<string, number> = {};
  const warmups = warmupRounds(gen.files, WARM_MANIFESTS, 8);
  console.log(`   ${warmups} warm-up round(s), then ${runs} timed`);
  const [listT, floorT, checkT] = await measure(runs, [
    () => nodeFileHost.findManifests(dir),
    () => {
      for (const f of files) parse(fs.readFileSync(f, 'utf8'), [], { allowTrailingComma: true });
    },
    async () => {
      const result = checkProject(await loadProject(dir, nodeFileHost));
      diagnostics = result.diagnostics.length;
      for (const k of Object.keys(byCode)) delete byCode[k];
      for (const d of result.diagnostics) byCode[d.code] = (byCode[d.code] ?? 0) + 1;
    },
  ], warmups);
  console.log(`   rounds (floor/check ms): ${floorT.walls.map((w, i) => `${round(w)}/${round(checkT.walls[i])}`).join(' ')}`);
  gc();
  const mem = runChild(dir, 1);
  const coldFloorMs = coldFloor(dir);
  if (profile) profileCheck(dir, `many-${manifests}`);
  return {
    ...gen, mb: round(mb, 2), listMs: round(listT.wall), floorMs: round(floorT.wall), checkMs: round(checkT.wall),
    ratio: round(pairedRatio(checkT, floorT), 2), cpuRatio: round(checkT.cpu / floorT.cpu, 2), floorFaults: floorT.faults, checkFaults: checkT.faults, usPerManifest: round((1000 * checkT.wall) / gen.files),
    floorWalls: floorT.walls.map((w) => round(w)), checkWalls: checkT.walls.map((w) => round(w)),
    diagnostics, byCode, peakRssMB: mem.maxRssMB, coldCheckMs: mem.checkMs[0], coldFloorMs, coldRatio: round(mem.checkMs[0] / coldFloorMs, 2),
  };
}

function manyTable(rows: ManyFigures[]): void {
  const cols: [string, (f: ManyFigures) => string | number][] = [
    ['manifests', (f) => f.files], ['MB', (f) => f.mb], ['list ms', (f) => f.listMs], ['read+parse ms', (f) => f.floorMs],
    ['check ms', (f) => f.checkMs], ['check/floor', (f) => `${f.ratio}x`], ['(cpu time)', (f) => `${f.cpuRatio}x`], ['µs/manifest', (f) => f.usPerManifest],
    ['cold check/floor', (f) => `${f.coldCheckMs}/${f.coldFloorMs} = ${f.coldRatio}x`], ['diagnostics', (f) => f.diagnostics], ['peak RSS MB', (f) => f.peakRssMB],
  ];
  const cells = [cols.map((c) => c[0]), ...rows.map((r) => cols.map((c) => String(c[1](r))))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  console.log('');
  for (const row of cells) console.log(row.map((c, i) => c.padStart(widths[i])).join('  '));
}

function table(rows: Figures[]): void {
  const cols: [string, (f: Figures) => string | number][] = [
    ['entities', (f) => f.entities], ['files', (f) => f.files], ['MB', (f) => f.mb], ['parse ms', (f) => f.parseMs],
    ['parse MB/s', (f) => f.parseMBps], ['parseTree ms', (f) => f.parseTreeMs], ['check ms', (f) => f.checkMs],
    ['check/parse', (f) => `${f.ratio}x`], ['(cpu time)', (f) => `${f.cpuRatio}x`], ['cold check/parse', (f) => `${f.coldCheckMs}/${f.coldFloorMs} = ${f.coldRatio}x`],
    ['diagnostics', (f) => f.diagnostics], ['peak RSS MB', (f) => f.peakRssMB],
  ];
  const cells = [cols.map((c) => c[0]), ...rows.map((r) => cols.map((c) => String(c[1](r))))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  console.log('');
  for (const row of cells) console.log(row.map((c, i) => c.padStart(widths[i])).join('  '));
}

async function main(): Promise<void> {
  if (flag('hash')) return printHashes(ROOT, WORK);
  const childDir = arg('child');
  if (childDir) return child(childDir, Number(arg('runs') ?? 1));
  const floorDir = arg('floor-child');
  if (floorDir) return floorChild(floorDir);
  if (!(globalThis as { gc?: unknown }).gc) console.warn('warning: run with --expose-gc for stable figures');
  const list = (name: string, dflt: string) => {
    const v = arg(name) ?? dflt;
    return v === 'none' ? [] : v.split(',').map(Number);
  };
  const sizes = list('entities', '10000,50000,100000');
  const manySizes = list('many', '10000,25000,50000,100000');
  const manifests = Number(arg('manifests') ?? 200);
  const runs = Number(arg('runs') ?? 11);
  const manyRuns = Number(arg('many-runs') ?? 3);
  const seed = Number(arg('seed') ?? 20240401);
  const rows: Figures[] = [];
  for (const n of sizes) {
    const f = await benchSize(n, manifests, runs, seed, flag('profile'), flag('skeleton'));
    rows.push(f);
    const rssGoal = GOAL_RSS_MB(n);
    console.log(`   parse ${f.parseMs} ms (${f.parseMBps} MB/s), parseTree ${f.parseTreeMs} ms, check ${f.checkMs} ms ` +
      `(cold, in a fresh process: ${f.coldCheckMs} ms, ${f.coldRatio}x a fresh parse of ${f.coldFloorMs} ms) = ${f.ratio}x parse (CPU time: ${f.cpuRatio}x) ` +
      `[goal <= ${GOAL_RATIO}x: ${f.ratio <= GOAL_RATIO ? 'met' : 'MISSED'}]`);
    console.log(`   peak RSS ${f.peakRssMB} MB (sampled ${f.sampledPeakRssMB} MB, ${f.startRssMB} MB before loading) ` +
      `[goal < ${rssGoal} MB: ${f.peakRssMB < rssGoal ? 'met' : 'MISSED'}]`);
    if (f.skeletonRatio !== undefined) {
      console.log(`   skeleton (parse, index, resolve; no rules, paths or positions) ${f.skeletonMs} ms = ${f.skeletonRatio}x parse`);
    }
    console.log(`   page faults per round (median): parse ${f.parseFaults}, check ${f.checkFaults}`);
    console.log(`   model: ${f.modelEntities} entities, ${f.modelReferences} references; ${f.diagnostics} diagnostics ${JSON.stringify(f.byCode)}`);
  }
  if (rows.length) table(rows);
  const many: ManyFigures[] = [];
  for (const n of manySizes) {
    const f = await benchMany(n, manyRuns, seed, flag('profile'));
    many.push(f);
    console.log(`   list ${f.listMs} ms, read+parse ${f.floorMs} ms, check ${f.checkMs} ms (cold, in a fresh process: ${f.coldCheckMs} ms) = ` +
      `${f.ratio}x read+parse (CPU time: ${f.cpuRatio}x) [goal <= ${GOAL_RATIO}x: ${f.ratio <= GOAL_RATIO ? 'met' : 'MISSED'}]; cold: ${f.coldRatio}x a fresh read+parse ` +
      `(${f.coldFloorMs} ms); ${f.usPerManifest} µs per manifest; peak RSS ${f.peakRssMB} MB`);
    console.log(`   page faults per round (median): read+parse ${f.floorFaults}, check ${f.checkFaults}`);
    console.log(`   ${f.diagnostics} diagnostics ${JSON.stringify(f.byCode)}`);
  }
  if (many.length) manyTable(many);
  const startupRounds = Number(arg('startup-rounds') ?? 21);
  const startup = startupRounds > 0 ? benchStartup(startupRounds) : undefined;
  if (startup) console.log(`\n${startupLine(startup)}`);
  console.log(JSON.stringify({ bench: 'check', node: process.version, manifests, runs, manyRuns, seed, goals: { ratio: GOAL_RATIO }, sizes: rows, many, startup }));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
