/**
 * Import benchmark: how fast does an environment import a package, and how much memory does the
 * importing process take?
 *
 *   node out/bench/import.js [--entities 10000] [--records 100000,1000000] [--pg URL] [--runs 1] [--seed N]
 *                            [--backends pglite,postgres] [--profile] [--no-floor]
 *
 * (`--entities 0` or `--records 0` leaves that package out; `--records` takes a list, one data
 * package per size.) Each data import is followed by the database's own pace for the same rows
 * (bench/importFloor.ts: `COPY` and multi-row `INSERT` into a table shaped as `records`, in the
 * same run, so the ratios hold whatever the machine's load); `--no-floor` leaves them out.
 *
 * Three packages, all built once (deterministically) under bench/.work/:
 * 1. design: one workspace with `--entities` design entities (cards: apps with their fields,
 *    statuses, buttons and forms inside, their permissions, approval processes, pages and widgets;
 *    no isolation findings, so the import's checks pass), no data → entities/s;
 * 2. update: the next version of that workspace (other titles: about 60% of the cards change),
 *    built with the first version's history and imported over it (the first version is imported
 *    untimed, in a child of its own), as a team moving its next release does → updates/s;
 * 3. data: the package benchmark's workspace (`customers` and `orders`, about 1.2 KB a record;
 *    bench/package.ts generates the records, and reuses them when that benchmark made them)
 *    with `--records` data records → records/s.
 * Each import runs in a fresh child process through the engine itself (`Environment`, as the
 * embedded `local` environment and `isola env serve` run it; no HTTP in between, which would only
 * add the upload): register the package file, make the plan, start the import, wait for the job.
 * The import is timed from the start of the job to its end, and split by the times of the job's
 * log lines into check (reading the package's cards and verifying every checksum), backup, design
 * entities step by step, records app by app, and commit; the plan is timed apart.
 * Peak RSS is the child's `process.resourceUsage().maxRSS` (the kernel's high-water mark), next to
 * a 100 ms sample and the RSS once the environment is open. The environment is created by an
 * earlier child (PGlite's initdb alone peaks at about 850 MB, once in an environment's life), so the
 * importing child opens an existing one, as a running service has. PGlite runs inside the importing
 * process (its WebAssembly heap counts); PostgreSQL runs in its own server, whose memory does not.
 *
 * Backends: PGlite (a fresh data folder per run) always; PostgreSQL when `--pg URL` or
 * ISOLA_TEST_PG names a server (a fresh schema per run, dropped afterwards).
 *
 * `--profile` runs each import once more under `--cpu-prof` and lists where the time goes
 * (mapped to the TS sources). Prints a table and one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeFileHost } from '../server/src/core/manifest/host';
import { loadProject } from '../server/src/core/manifest/project';
import { buildPackage } from '../server/src/core/packaging/builder';
import type { History } from '../server/src/core/packaging/format';
import { summarizeProfile } from './check';
import { floorFile, measureFloor } from './importFloor';
import { generateDataset, inclusiveProfile, ROOT, WORK } from './package';
import { writeImportProject } from './importProject';

export { writeImportProject, type ImportProject, type ImportProjectOptions } from './importProject';
import { ImportChildResult, runChild } from './importRun';
import { arg, flag, median } from './args';

const MB = 2 ** 20;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;


// ---------------------------------------------------------------------------------------------
// Packages
// ---------------------------------------------------------------------------------------------

interface BenchPackage {
  kind: 'design' | 'update' | 'data';
  file: string;
  /** For an update: the package imported (untimed) before this one. */
  before?: string;
  cards: number;
  records: number;
  /** Bytes of the data files packed (0 for the design package). */
  dataBytes: number;
  size: number;
  builtMs?: number;
}

/**
 * Builds `code` of `dir` into `out` unless `out` is newer than every input (the manifest, which the
 * generators rewrite only when its text changes, and the data files).
 */
async function buildOnce(dir: string, code: string, out: string, inputs: string[], kind: BenchPackage['kind'], dataBytes: number): Promise<BenchPackage> {
  const newest = Math.max(...inputs.map((f) => fs.statSync(f).mtimeMs));
  const stampFile = `${out}.json`;
  if (fs.existsSync(out) && fs.existsSync(stampFile) && fs.statSync(out).mtimeMs > newest) {
    return { ...(JSON.parse(fs.readFileSync(stampFile, 'utf8')) as BenchPackage), file: out };
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const t = performance.now();
  const project = await loadProject(dir, nodeFileHost);
  const pkg = project.packages.find((p) => p.code === code);
  if (!pkg) throw new Error(`no package \`${code}\` in ${dir}`);
  const r = await buildPackage({ project, pkg, out, data: 'all', history: {}, tool: { name: 'isola-bench', version } });
  const built: BenchPackage = {
    kind, file: out, cards: r.descriptor.steps.reduce((n, s) => n + s.cards, 0), records: r.descriptor.data.reduce((n, d) => n + d.records, 0),
    dataBytes, size: r.size, builtMs: round(performance.now() - t),
  };
  fs.writeFileSync(stampFile, JSON.stringify(built) + '\n');
  return built;
}

/** The design package: one workspace with about `entities` cards and no data. */
async function designPackage(entities: number, seed: number): Promise<BenchPackage> {
  const dir = path.join(WORK, `import-design-${entities}`);
  const p = await writeImportProject({ dir, code: 'imp_design', apps: Math.max(1, Math.round((entities - 9) / 5)), records: 0, variant: 0, seed });
  return buildOnce(dir, p.code, path.join(dir, 'out', 'imp_design.isolapkg'), [p.manifest], 'design', 0);
}

/**
 * The update package: the design workspace's next version (variant 1) built with the history of
 * its first (variant 0), in a folder of its own, so that importing it over the first is an update
 * of every card whose content changed rather than a conflict.
 */
async function updatePackage(entities: number, seed: number): Promise<BenchPackage> {
  const dir = path.join(WORK, `import-update-${entities}`);
  const out = path.join(dir, 'out', 'imp_design-2.isolapkg');
  const before = path.join(dir, 'out', 'imp_design-1.isolapkg');
  const stampFile = `${out}.json`;
  const key = JSON.stringify({ entities, seed, version });
  try {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as BenchPackage & { key: string };
    if (stamp.key === key && fs.existsSync(out) && fs.existsSync(before)) return { ...stamp, file: out, before };
  } catch {
    // not built yet
  }
  const t = performance.now();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const apps = Math.max(1, Math.round((entities - 9) / 5));
  const build = async (variant: number, file: string, history: History) => {
    const p = await writeImportProject({ dir, code: 'imp_design', apps, records: 0, variant, seed });
    const project = await loadProject(dir, nodeFileHost);
    const pkg = project.packages.find((k) => k.code === p.code && k.kind === 'workspace')!;
    return buildPackage({ project, pkg, out: file, data: 'all', history, tool: { name: 'isola-bench', version } });
  };
  const first = await build(0, before, {});
  const r = await build(1, out, first.history);
  const built: BenchPackage = {
    kind: 'update', file: out, before, cards: r.descriptor.steps.reduce((n, s) => n + s.cards, 0), records: 0, dataBytes: 0, size: r.size, builtMs: round(performance.now() - t),
  };
  fs.writeFileSync(stampFile, JSON.stringify({ ...built, key }) + '\n');
  return built;
}

/** The data package: the package benchmark's workspace with `records` records (generated by bench/package.ts, reused when present). */
async function dataPackage(records: number, seed: number): Promise<BenchPackage> {
  const data = await generateDataset({ records, profile: 'std', seed });
  if (data.generatedMs) console.log(`   generated ${records} records (${(data.bytes / MB).toFixed(0)} MB) in ${(data.generatedMs / 1000).toFixed(1)} s`);
  const out = path.join(WORK, `import-data-${records}`, 'bench.isolapkg');
  return buildOnce(data.dir, 'bench', out, [path.join(data.dir, 'bench.isola.json'), ...data.files.map((f) => f.file)], 'data', data.bytes);
}

// ---------------------------------------------------------------------------------------------
// Backends
// ---------------------------------------------------------------------------------------------

interface Backend {
  name: 'pglite' | 'postgres';
  /** A fresh place for one import: a data folder, and for PostgreSQL a new schema. */
  fresh(tag: string): { dataDir: string; databaseUrl?: string; dispose(): Promise<void> };
}

function backends(pgUrl: string | undefined, only: string[] | undefined): Backend[] {
  const out: Backend[] = [];
  const dataDir = (tag: string) => {
    const d = path.join(WORK, `import-env-${tag}-${process.pid}`);
    fs.rmSync(d, { recursive: true, force: true });
    return d;
  };
  out.push({
    name: 'pglite',
    fresh: (tag) => {
      const d = dataDir(`pglite-${tag}`);
      return { dataDir: d, dispose: async () => fs.rmSync(d, { recursive: true, force: true }) };
    },
  });
  if (pgUrl) {
    out.push({
      name: 'postgres',
      fresh: (tag) => {
        const d = dataDir(`postgres-${tag}`);
        const schema = `bench_${randomBytes(5).toString('hex')}`;
        const u = new URL(pgUrl);
        u.searchParams.set('schema', schema);
        return {
          dataDir: d, databaseUrl: u.toString(),
          dispose: async () => {
            fs.rmSync(d, { recursive: true, force: true });
            const { Client } = await import('pg');
            const base = new URL(pgUrl);
            base.searchParams.delete('schema');
            const c = new Client({ connectionString: base.toString() });
            await c.connect();
            try {
              await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
            } finally {
              await c.end();
            }
          },
        };
      },
    });
  }
  return only ? out.filter((b) => only.includes(b.name)) : out;
}

// ---------------------------------------------------------------------------------------------
// Benchmark
// ---------------------------------------------------------------------------------------------

/** One package on one backend: the median run's figures as the importing child reported them, and what they come to. */
interface Row extends Pick<ImportChildResult,
  'registerMs' | 'registerCpuMs' | 'planMs' | 'planCpuMs' | 'importMs' | 'phases' | 'cpuMs' | 'maxRssMB' | 'sampledPeakMB' | 'openRssMB'> {
  backend: string;
  package: BenchPackage['kind'];
  cards: number;
  records: number;
  packageMB: number;
  entitiesPerS: number;
  recordsPerS: number;
  dataMBps: number;
  dbMB?: number;
  runs: number[];
  /** Milliseconds the same rows took by COPY and by multi-row INSERT (bench/importFloor.ts). */
  floor?: { copyMs: number; insertMs: number };
}

function duMB(dir: string): number | undefined {
  const r = spawnSync('du', ['-sk', dir], { encoding: 'utf8' });
  return r.status === 0 ? round(Number(r.stdout.split('\t')[0]) / 1024) : undefined;
}

async function benchImport(b: Backend, p: BenchPackage, runs: number, profile: boolean): Promise<Row> {
  console.log(`\n== ${b.name}: ${p.kind} package, ${p.cards} cards, ${p.records} records (${(p.size / MB).toFixed(1)} MB)`);
  const results: ImportChildResult[] = [];
  let dbMB: number | undefined;
  for (let i = 0; i < runs; i++) {
    const place = b.fresh(`${p.kind}-${i}`);
    try {
      runChild('init', { dataDir: place.dataDir, databaseUrl: place.databaseUrl });
      if (p.before) {
        const first = runChild<ImportChildResult>('import', { file: p.before, dataDir: place.dataDir, databaseUrl: place.databaseUrl });
        if (first.status !== 'succeeded') throw new Error(`the first version's import ${first.status}: ${first.error}`);
      }
      const r = runChild<ImportChildResult>('import', { file: p.file, dataDir: place.dataDir, databaseUrl: place.databaseUrl });
      if (r.status !== 'succeeded') throw new Error(`the import ${r.status}: ${r.error}`);
      if (p.before) {
        if (r.cards !== p.cards || r.created !== 0 || !r.updated) throw new Error(`the update created ${r.created} and updated ${r.updated} of ${r.cards} cards; the package has ${p.cards}`);
      } else if (r.cards !== p.cards || r.created !== p.cards || r.records !== p.records) {
        throw new Error(`the import wrote ${r.created} of ${r.cards} cards and ${r.records} records; the package has ${p.cards} cards and ${p.records} records`);
      }
      if (b.name === 'pglite') dbMB = duMB(path.join(place.dataDir, 'db'));
      console.log(`   run ${i + 1}: open ${r.openMs} ms, register ${r.registerMs} ms (CPU ${r.registerCpuMs} ms, ${r.registerFaults} page faults), plan ${r.planMs} ms (CPU ${r.planCpuMs} ms, ${r.planFaults} page faults), import ${(r.importMs / 1000).toFixed(2)} s ` +
        `(${Object.entries(r.phases).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ')}); CPU of this process ${(r.cpuMs / 1000).toFixed(1)} s; ` +
        `peak RSS ${r.maxRssMB} MB (sampled ${r.sampledPeakMB}; ${r.startRssMB} at start, ${r.openRssMB} with the environment open)`);
      results.push(r);
    } finally {
      await place.dispose();
    }
  }
  const importMs = median(results.map((r) => r.importMs));
  const row: Row = {
    backend: b.name, package: p.kind, cards: p.cards, records: p.records, packageMB: round(p.size / MB),
    registerMs: median(results.map((r) => r.registerMs)), registerCpuMs: median(results.map((r) => r.registerCpuMs)),
    planMs: median(results.map((r) => r.planMs)), planCpuMs: median(results.map((r) => r.planCpuMs)),
    importMs, phases: results[0].phases, cpuMs: median(results.map((r) => r.cpuMs)),
    entitiesPerS: Math.round(p.cards / (importMs / 1000)), recordsPerS: Math.round(p.records / (importMs / 1000)),
    dataMBps: round(p.dataBytes / MB / (importMs / 1000)),
    maxRssMB: Math.max(...results.map((r) => r.maxRssMB)), sampledPeakMB: Math.max(...results.map((r) => r.sampledPeakMB)),
    openRssMB: median(results.map((r) => r.openRssMB)),
    ...(dbMB !== undefined ? { dbMB } : {}), runs: results.map((r) => r.importMs),
  };
  console.log(p.kind !== 'data'
    ? `   ${row.entitiesPerS} entities/s (median of ${runs}${p.before ? `; ${results[0].updated} updated, ${results[0].cards - results[0].updated} unchanged` : ''}); peak RSS ${row.maxRssMB} MB`
    : `   ${row.recordsPerS} records/s = ${row.dataMBps} MB/s of JSON (median of ${runs}); peak RSS ${row.maxRssMB} MB${dbMB !== undefined ? `; database ${dbMB} MB on disk` : ''}`);
  if (p.kind === 'data' && !flag('no-floor')) {
    const file = await floorFile(p.file);
    const floor = { copyMs: 0, insertMs: 0 };
    for (const method of ['copy', 'insert'] as const) {
      const place = b.fresh(`floor-${method}`);
      try {
        floor[`${method}Ms`] = measureFloor(place, file, method);
      } finally {
        await place.dispose();
      }
    }
    row.floor = floor;
    console.log(`   the same rows: COPY ${(floor.copyMs / 1000).toFixed(2)} s, multi-row INSERT ${(floor.insertMs / 1000).toFixed(2)} s; ` +
      `the whole import takes ${ratio(row, 'copyMs')}× COPY, ${ratio(row, 'insertMs')}× INSERT`);
  }
  if (profile) profileImport(b, p);
  return row;
}

/** The import once more under `--cpu-prof`: where the importing process spends its time. */
function profileImport(b: Backend, p: BenchPackage): void {
  const profDir = path.join(WORK, `prof-import-${b.name}-${p.kind}-${p.kind === 'design' ? p.cards : p.records}`);
  fs.rmSync(profDir, { recursive: true, force: true });
  const place = b.fresh(`${p.kind}-prof`);
  try {
    runChild('init', { dataDir: place.dataDir, databaseUrl: place.databaseUrl });
    runChild('import', { file: p.file, dataDir: place.dataDir, databaseUrl: place.databaseUrl }, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=500']);
  } finally {
    void place.dispose();
  }
  const file = fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!;
  console.log(`   CPU profile of the importing process (open, register and plan included): ${path.join(profDir, file)}`);
  for (const line of summarizeProfile(path.join(profDir, file), 20)) console.log(`     ${line.replace(/ (\.\.\/)+/, ' ')}`);
  for (const line of inclusiveProfile(path.join(profDir, file), 30)) console.log(`     ${line}`);
}

/** The whole import (job start to end: check, backup, cards, records, commit, statistics) against a floor of the same rows. */
function ratio(r: Row, k: 'copyMs' | 'insertMs'): string {
  return r.floor ? (r.importMs / r.floor[k]).toFixed(2) : '-';
}

function table(rows: Row[]): void {
  const cols: [string, (r: Row) => string | number][] = [
    ['backend', (r) => r.backend], ['package', (r) => r.package], ['cards', (r) => r.cards], ['records', (r) => r.records],
    ['pkg MB', (r) => r.packageMB], ['register s', (r) => (r.registerMs / 1000).toFixed(2)], ['CPU', (r) => (r.registerCpuMs / 1000).toFixed(2)],
    ['plan s', (r) => (r.planMs / 1000).toFixed(2)], ['CPU ', (r) => (r.planCpuMs / 1000).toFixed(2)], ['import s', (r) => (r.importMs / 1000).toFixed(2)],
    ['entities/s', (r) => (r.package !== 'data' ? r.entitiesPerS : '-')], ['records/s', (r) => (r.records ? r.recordsPerS : '-')],
    ['MB/s', (r) => (r.records ? r.dataMBps : '-')], ['import CPU s', (r) => (r.cpuMs / 1000).toFixed(1)], ['open RSS MB', (r) => r.openRssMB], ['peak RSS MB', (r) => r.maxRssMB],
    ['db MB', (r) => r.dbMB ?? '-'], ['COPY s', (r) => (r.floor ? (r.floor.copyMs / 1000).toFixed(2) : '-')], ['× COPY', (r) => ratio(r, 'copyMs')],
    ['INSERT s', (r) => (r.floor ? (r.floor.insertMs / 1000).toFixed(2) : '-')], ['× INSERT', (r) => ratio(r, 'insertMs')],
  ];
  const cells = [cols.map((c) => c[0]), ...rows.map((r) => cols.map((c) => String(c[1](r))))];
  const widths = cols.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  console.log('');
  for (const row of cells) console.log(row.map((c, i) => c.padStart(widths[i])).join('  '));
}

async function main(): Promise<void> {
  const entities = Number(arg('entities') ?? 10_000);
  const records = (arg('records') ?? '100000,1000000').split(',').map(Number).filter((n) => n > 0);
  const runs = Number(arg('runs') ?? 1);
  const seed = Number(arg('seed') ?? 20240401);
  const pg = arg('pg') ?? process.env.ISOLA_TEST_PG;
  const only = arg('backends')?.split(',');
  console.log(`Import benchmark: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM; ` +
    `PostgreSQL: ${pg ? new URL(pg).host : 'not given (--pg URL or ISOLA_TEST_PG)'}; load average ${os.loadavg()[0].toFixed(2)} ` +
    '(other work on the machine skews wall times)');
  const packages: BenchPackage[] = [];
  if (entities > 0) packages.push(await designPackage(entities, seed), await updatePackage(entities, seed));
  for (const n of records) packages.push(await dataPackage(n, seed));
  for (const p of packages) {
    console.log(`package ${p.kind}: ${p.file}: ${p.cards} cards, ${p.records} records, ${(p.size / MB).toFixed(1)} MB` +
      `${p.builtMs !== undefined ? ` (built in ${(p.builtMs / 1000).toFixed(1)} s)` : ' (reused)'}`);
  }
  const rows: Row[] = [];
  for (const b of backends(pg, only)) for (const p of packages) rows.push(await benchImport(b, p, runs, flag('profile')));
  table(rows);
  console.log(`load average at the end ${os.loadavg()[0].toFixed(2)}`);
  console.log(JSON.stringify({ bench: 'import', node: process.version, cpus: os.cpus().length, seed, runs, rows }));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
