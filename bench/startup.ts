/**
 * Start-up of the command line: `isola check` of an empty folder against `node -e 0`, as whole
 * processes (what a user or a CI step waits for). The two run interleaved, so both see the same
 * machine state; the ratio is the median of per-round ratios. Used by `bench/check.ts`, or alone:
 *
 *   node out/bench/startup.js [--rounds 21]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from './args';

const ROOT = path.resolve(__dirname, '..', '..');
export const GOAL_STARTUP_RATIO = 1.5;

export interface StartupFigures {
  rounds: number;
  /** Median wall ms of `node -e 0`. */
  nodeMs: number;
  /** Median wall ms of `node dist/cli.js check EMPTY`. */
  checkMs: number;
  /** Median wall ms of `node dist/cli.js help`. */
  helpMs: number;
  /** Median over rounds of check / node in the same round. */
  ratio: number;
  helpRatio: number;
  load: number[];
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function wall(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

export function benchStartup(rounds = 21): StartupFigures {
  const cli = path.join(ROOT, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npm run build`);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-startup-'));
  const runs: [string[], number[]][] = [[['-e', '0'], []], [[cli, 'check', empty], []], [[cli, 'help'], []]];
  for (let w = 0; w < 2; w++) for (const [args] of runs) wall(args); // the file cache, not the figures
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 ? [...runs].reverse() : runs;
    for (const [args, ms] of order) ms.push(wall(args));
  }
  fs.rmSync(empty, { recursive: true, force: true });
  const [node, check, help] = runs.map(([, ms]) => ms);
  const paired = (a: number[]) => median(a.map((x, i) => x / node[i]));
  return {
    rounds, nodeMs: round(median(node)), checkMs: round(median(check)), helpMs: round(median(help)),
    ratio: round(paired(check), 2), helpRatio: round(paired(help), 2), load: os.loadavg().map((x) => round(x, 2)),
  };
}

export function startupLine(f: StartupFigures): string {
  return `start-up: node -e 0 ${f.nodeMs} ms, isola check (empty folder) ${f.checkMs} ms = ${f.ratio}x, isola help ${f.helpMs} ms = ${f.helpRatio}x ` +
    `(whole processes, medians of ${f.rounds} interleaved rounds, load ${f.load.join(' ')}) [goal <= ${GOAL_STARTUP_RATIO}x: ${f.ratio <= GOAL_STARTUP_RATIO ? 'met' : 'MISSED'}]`;
}

if (require.main === module) {
  const i = process.argv.indexOf('--rounds');
  console.log(startupLine(benchStartup(i >= 0 ? Number(process.argv[i + 1]) : 21)));
}
