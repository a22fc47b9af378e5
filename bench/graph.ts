/**
 * Graph benchmark: how long `isola graph` takes to draw the namespace-level reference graph of
 * the generated project (bench/generate.ts), next to the check of the same project, and how long
 * each output format takes. Prints a table and one JSON line with every figure.
 *
 *   node out/bench/graph.js [--entities 10000] [--manifests 200] [--runs 9]
 *
 * Each timed graph is drawn from a fresh `Project` over the same parsed manifests (the model
 * caches resolutions and graphs per snapshot, so reusing one would time a map lookup): the
 * figure is what the language server pays after an edit, and the CLI after loading.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkPackage } from '../server/src/core/check';
import { buildGraph } from '../server/src/core/graph/build';
import { toDot } from '../server/src/core/graph/dot';
import { toMermaid } from '../server/src/core/graph/mermaid';
import { toSvg } from '../server/src/core/graph/svg';
import type { GraphLevel } from '../server/src/core/graph/types';
import { nodeFileHost } from '../server/src/core/manifest/host';
import { loadProject, Project } from '../server/src/core/manifest/project';
import type { Package } from '../server/src/core/manifest/types';
import { generateProject } from './generate';
import { arg, median } from './args';

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, 'bench', '.work');

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Median milliseconds of `runs` calls, after one warm-up. */
function time(runs: number, fn: () => unknown): number {
  fn();
  const walls: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    walls.push(performance.now() - t);
  }
  return round(median(walls), 2);
}

/** A fresh snapshot over the same manifests: nothing resolved or drawn yet. */
function fresh(p: Project): Project {
  return new Project(p.root, p.manifests, p.catalog);
}

async function main(): Promise<void> {
  const entities = Number(arg('entities') ?? '10000');
  const manifests = Number(arg('manifests') ?? '200');
  const runs = Number(arg('runs') ?? '9');
  const dir = path.join(WORK, `graph-${entities}-${manifests}`);
  fs.rmSync(dir, { recursive: true, force: true });
  const stats = generateProject({ dir, entities, manifests, seed: 42 });
  const loaded = await loadProject(dir, nodeFileHost);

  // The largest solution (most members), and the whole project as one configuration would see it.
  const solutions = loaded.packages.filter((k) => k.kind === 'solution').sort((a, b) => b.members.length - a.members.length);
  const target: Package = solutions[0] ?? loaded.packages[0];
  const pick = (p: Project) => p.packages.find((k) => k.kind === target.kind && k.code === target.code)!;

  const graphMs = (level: GraphLevel) => time(runs, () => {
    const p = fresh(loaded);
    buildGraph(p, pick(p), level);
  });
  const checkMs = time(runs, () => {
    const p = fresh(loaded);
    checkPackage(p, pick(p));
  });
  // Every package of the project at namespace level, from one snapshot (resolutions shared).
  const allMs = time(runs, () => {
    const p = fresh(loaded);
    for (const k of p.packages) buildGraph(p, k, 'namespace');
  });
  const namespaceGraph = buildGraph(loaded, target, 'namespace');
  const entityGraph = buildGraph(loaded, target, 'entity');
  const cachedMs = time(runs, () => buildGraph(loaded, target, 'namespace'));
  const formats = {
    dot: time(runs, () => toDot(namespaceGraph)),
    mermaid: time(runs, () => toMermaid(namespaceGraph)),
    json: time(runs, () => JSON.stringify(namespaceGraph)),
    svg: time(runs, () => toSvg(namespaceGraph)),
  };
  const figures = {
    entities: stats.entities, references: stats.references, manifests: stats.files, packages: loaded.packages.length,
    package: `${target.kind} ${target.code}`, members: target.members.length,
    namespaceNodes: namespaceGraph.nodes.length, namespaceEdges: namespaceGraph.edges.length,
    entityNodes: entityGraph.nodes.length, entityEdges: entityGraph.edges.length,
    namespaceGraphMs: graphMs('namespace'), entityGraphMs: graphMs('entity'), checkPackageMs: checkMs,
    allPackagesNamespaceMs: allMs, cachedMs, formatMs: formats,
  };
  const rows: [string, string][] = [
    ['project', `${figures.entities} entities, ${figures.references} references, ${figures.manifests} manifests, ${figures.packages} packages`],
    ['package', `${figures.package} (${figures.members} members)`],
    ['namespace graph', `${figures.namespaceNodes} nodes, ${figures.namespaceEdges} edges: ${figures.namespaceGraphMs} ms (fresh model)`],
    ['entity graph', `${figures.entityNodes} nodes, ${figures.entityEdges} edges: ${figures.entityGraphMs} ms (fresh model)`],
    ['check of the package', `${figures.checkPackageMs} ms (fresh model)`],
    ['every package, namespace level', `${figures.allPackagesNamespaceMs} ms`],
    ['same snapshot again', `${figures.cachedMs} ms (cached)`],
    ['formats (namespace graph)', Object.entries(formats).map(([f, ms]) => `${f} ${ms} ms`).join(', ')],
  ];
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(32)} ${v}\n`);
  process.stdout.write(JSON.stringify(figures) + '\n');
}

void main();
