/**
 * The package graph's webview: time to first draw, time of an update and the page's memory for
 * the largest solution of the generated project (bench/generate.ts), at namespace and entity
 * level. The page is dist/webview (run `npm run build` first), loaded in headless Chromium as
 * the panel loads it, with VS Code's messaging stubbed; the graph comes from the core, as the
 * language server answers `isola/graph`.
 *
 *   node out/bench/graphView.js [--entities 10000] [--manifests 200] [--runs 5]
 *
 * First draw: from the graph's arrival in a freshly loaded page to the frame after the drawing
 * (layout by dagre, SVG built), as the page reports it. Updates: the same page given the graph
 * again with every reference a line lower (a line typed above them), then with one edge fewer (an
 * edit that removes a reference); both keep the layout. Added nodes or edges lay out again, as a
 * first draw does. Memory: the page's
 * used JS heap after the drawing (Chromium's Performance.getMetrics).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { buildGraph } from '../server/src/core/graph/build';
import type { GraphLevel, ReferenceGraph } from '../server/src/core/graph/types';
import { nodeFileHost } from '../server/src/core/manifest/host';
import { loadProject } from '../server/src/core/manifest/project';
import { generateProject } from './generate';
import { arg, median } from './args';

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, 'bench', '.work');


/** The panel's page, with `acquireVsCodeApi` stubbed to keep what the page posts in `window.posted`. */
function pageHtml(): string {
  const web = path.join(ROOT, 'dist', 'webview');
  if (!fs.existsSync(path.join(web, 'graph.js'))) throw new Error('dist/webview/graph.js is missing: run `npm run build` first');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="file://${web}/graph.css">
<script>window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => undefined, setState: () => undefined });</script>
</head><body><header><span id="caption"></span><span class="toggle"><button id="level-namespace">Namespaces</button><button id="level-entity">Entities</button></span>
<label><input type="checkbox" id="only-breaks"> Only what breaks isolation</label></header><div id="info"></div><main id="canvas"></main>
<script src="file://${web}/graph.js"></script></body></html>`;
}

function message(g: ReferenceGraph): unknown {
  return { type: 'graph', graph: g, edgeTips: g.edges.map((e) => e.code ?? e.class), nodeTips: g.nodes.map((n) => n.id) };
}

async function main(): Promise<void> {
  const entities = Number(arg('entities') ?? '10000');
  const manifests = Number(arg('manifests') ?? '200');
  const runs = Number(arg('runs') ?? '5');
  const dir = path.join(WORK, `graph-${entities}-${manifests}`);
  fs.rmSync(dir, { recursive: true, force: true });
  generateProject({ dir, entities, manifests, seed: 42 });
  const project = await loadProject(dir, nodeFileHost);
  const target = project.packages.filter((k) => k.kind === 'solution').sort((a, b) => b.members.length - a.members.length)[0] ?? project.packages[0];

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-graphview-'));
  const page = path.join(tmp, 'index.html');
  fs.writeFileSync(page, pageHtml());
  const browser = await chromium.launch({ executablePath: process.env.ISOLA_E2E_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const figures: Record<string, unknown> = { package: `${target.kind} ${target.code}`, members: target.members.length };
  try {
    for (const level of ['namespace', 'entity'] as GraphLevel[]) {
      const g = buildGraph(project, target, level);
      const lower = (r: { line: number; character: number }) => ({ line: r.line + 1, character: r.character });
      const moved = { ...g, edges: g.edges.map((e) => ({ ...e, references: e.references.map((s) => ({ ...s, range: { start: lower(s.range.start), end: lower(s.range.end) } })) })) };
      const fewer = { ...moved, edges: moved.edges.slice(1) };
      const first: number[] = [];
      const update: number[] = [];
      const removal: number[] = [];
      const heap: number[] = [];
      for (let i = 0; i < runs; i++) {
        const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        await tab.goto(`file://${page}`);
        await tab.waitForFunction(() => (globalThis as any).posted.some((m: any) => m.command === 'ready'));
        const drawn = async (m: unknown, n: number): Promise<number> => {
          await tab.evaluate((x) => (globalThis as any).postMessage(x, '*'), m);
          await tab.waitForFunction((k) => (globalThis as any).posted.filter((p: any) => p.command === 'drawn').length >= k, n);
          return tab.evaluate(() => (globalThis as any).posted.filter((p: any) => p.command === 'drawn').pop().drawn.ms as number);
        };
        first.push(await drawn(message(g), 1));
        update.push(await drawn(message(moved), 2));
        removal.push(await drawn(message(fewer), 3));
        const cdp = await tab.context().newCDPSession(tab);
        await cdp.send('Performance.enable');
        await cdp.send('HeapProfiler.collectGarbage');
        const metrics = (await cdp.send('Performance.getMetrics')).metrics;
        heap.push(metrics.find((x) => x.name === 'JSHeapUsedSize')!.value / 1e6);
        await tab.close();
      }
      figures[level] = { nodes: g.nodes.length, edges: g.edges.length, firstDrawMs: median(first), updateMs: median(update), edgeRemovedMs: median(removal), heapMB: Math.round(median(heap) * 10) / 10, firstDrawRuns: first, updateRuns: update };
      process.stdout.write(`${level.padEnd(10)} ${g.nodes.length} nodes, ${g.edges.length} edges: first draw ${median(first)} ms, update ${median(update)} ms, an edge removed ${median(removal)} ms, JS heap ${Math.round(median(heap) * 10) / 10} MB (medians of ${runs})\n`);
    }
  } finally {
    await browser.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(figures) + '\n');
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
