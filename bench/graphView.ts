/**
 * The package graph's webview: time to first draw, time of an update as a user sees it, and the
 * page's memory, for the largest solution of the generated project (bench/generate.ts), at
 * namespace and entity level. The page is dist/webview (run `npm run build` first), loaded in
 * headless Chromium as the panel loads it (test/unit/graph/pageHarness.ts); the model is the
 * language server's (ProjectState), the graph the core's, as `isola/graph` answers it.
 *
 *   node out/bench/graphView.js [--entities 10000] [--manifests 200] [--runs 7]
 *
 * - first draw: from the graph's arrival in a freshly loaded page to the frame after the drawing
 *   (layout by dagre, SVG built), as the page reports it;
 * - update, end to end: a line typed at the top of the member manifest with the most references
 *   (every reference in it moves a line down); from the edit to the page's frame after the
 *   drawing: the model's update and the graph again, resolutions cold (recompute), the message serialised and
 *   posted (message), the page's update (page). Not counted: the language server's diagnostics
 *   delay and the panel's 40 ms debounce, which wait on purpose;
 * - unchanged: the same graph posted again, the floor an update cannot go under (message + page);
 * - an edge removed, a node added (with an edge to it): the page's own time for each.
 * The entity level is drawn as the page first shows it (namespaces of several entities collapsed,
 * built-ins without a finding hidden), then with everything expanded and the built-ins shown.
 * - JS heap: the page's used heap after the drawings (Chromium's Performance.getMetrics).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultCatalog } from '../server/src/core/catalog/catalog';
import { buildGraph } from '../server/src/core/graph/build';
import type { GraphLevel, ReferenceGraph } from '../server/src/core/graph/types';
import { nodeFileHost } from '../server/src/core/manifest/host';
import { ProjectState } from '../server/src/lsp/projectState';
import { GraphPage, graphMessage, launch } from '../test/unit/graph/pageHarness';
import { generateProject } from './generate';
import { arg, median } from './args';

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, 'bench', '.work');

const epoch = () => performance.timeOrigin + performance.now();
const round = (x: number) => Math.round(x);
/** Median and spread of a series, e.g. `31 ms (24-58)`. */
const spread = (xs: number[]) => `${round(median(xs))} ms (${round(Math.min(...xs))}-${round(Math.max(...xs))})`;

async function main(): Promise<void> {
  const entities = Number(arg('entities') ?? '10000');
  const manifests = Number(arg('manifests') ?? '200');
  const runs = Number(arg('runs') ?? '7');
  const dir = path.join(WORK, `graphview-${entities}-${manifests}`);
  fs.rmSync(dir, { recursive: true, force: true });
  generateProject({ dir, entities, manifests, seed: 42 });
  const state = new ProjectState(dir, nodeFileHost, defaultCatalog());
  await state.load();
  const first = state.project.packages.filter((k) => k.kind === 'solution').sort((a, b) => b.members.length - a.members.length)[0];
  const pkgOf = () => state.project.packages.find((k) => k.kind === first.kind && k.code === first.code)!;
  // The member manifest with the most references: the edit moves all of them.
  const edited = state.project.manifests.filter((m) => m.namespace && first.namespaces.has(m.namespace)).sort((a, b) => b.references.length - a.references.length)[0];
  const file = path.join(dir, edited.file);
  let text = fs.readFileSync(file, 'utf8');

  const env = await launch();
  const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
  const figures: Record<string, unknown> = { package: `${first.kind} ${first.code}`, members: first.members.length, edited: `${edited.file} (${edited.references.length} references)`, loadBefore: load() };
  process.stdout.write(`${first.kind} ${first.code} (${first.members.length} members); edits in ${edited.file}; load ${load()}\n`);
  try {
    const everything = { level: 'entity', builtins: true, expanded: [...new Set(buildGraph(state.project, pkgOf(), 'entity').nodes.map((n) => n.namespace))] };
    const views: [string, GraphLevel, unknown][] = [['namespace', 'namespace', undefined], ['entity', 'entity', undefined], ['entity, all expanded', 'entity', everything]];
    for (const [name, level, saved] of views) {
      const s = { first: [] as number[], e2e: [] as number[], recompute: [] as number[], model: [] as number[], message: [] as number[], page: [] as number[], same: [] as number[], removed: [] as number[], added: [] as number[], heap: [] as number[] };
      let g = buildGraph(state.project, pkgOf(), level);
      let drawnNodes = 0;
      let kept = true;
      let bytes = 0;
      for (let i = 0; i < runs; i++) {
        const page = await GraphPage.open(env.browser, env.dir, saved);
        const firstDraw = await page.send(graphMessage(g));
        s.first.push(firstDraw.ms);
        drawnNodes = firstDraw.nodes.length;

        // A line typed at the top of the manifest, as the language server takes it.
        text = text.replace('\n', '\n\n');
        const t0 = epoch();
        await state.update(new Map([[file, text]]));
        const tm = epoch();
        g = buildGraph(state.project, pkgOf(), level);
        const message = graphMessage(g);
        bytes = JSON.stringify(message).length; // the panel compares it with what it posted last
        const t1 = epoch();
        const update = await page.send(message);
        // The harness's own round trip before the post (counting the drawings so far) is left out.
        s.recompute.push(t1 - t0);
        s.model.push(tm - t0);
        s.message.push(update.receivedAt - update.sentAt!);
        s.page.push(update.at - update.receivedAt);
        s.e2e.push(t1 - t0 + update.at - update.sentAt!);
        kept &&= update.laidOut === false && update.created === 0;

        const again = await page.send(graphMessage(g));
        s.same.push(again.at - again.sentAt!);
        const fewer: ReferenceGraph = { ...g, edges: g.edges.slice(1) };
        s.removed.push((await page.send(graphMessage(fewer))).ms);
        const source = g.nodes.find((n) => n.inside)!;
        const added: ReferenceGraph = {
          ...g, nodes: [...g.nodes, { id: `ns:added_${i}`, kind: 'workspace', namespace: `added_${i}`, code: `added_${i}`, inside: false, builtin: false }],
          edges: [...g.edges, { from: source.id, to: `ns:added_${i}`, class: 'breaks', code: 'ISO004', references: g.edges[0].references }],
        };
        s.added.push((await page.send(graphMessage(added))).ms);
        s.heap.push(await page.heapMB());
        await page.tab.close();
      }
      const heap = Math.round(median(s.heap) * 10) / 10;
      figures[name] = {
        nodes: g.nodes.length, edges: g.edges.length, drawnNodes, messageKB: Math.round(bytes / 1024), updateKeptElements: kept,
        ...Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.map(round)])),
      };
      process.stdout.write([
        `${name}: ${g.nodes.length} nodes, ${g.edges.length} edges (${drawnNodes} nodes drawn), message ${Math.round(bytes / 1024)} KB, medians of ${runs} (min-max)`,
        `  first draw            ${spread(s.first)}`,
        `  update, end to end    ${spread(s.e2e)}  = recompute ${spread(s.recompute)} (model ${spread(s.model)}, graph and message built the rest) + message ${spread(s.message)} + page ${spread(s.page)}${kept ? '; no element made, no layout' : '; LAID OUT AGAIN'}`,
        `  unchanged graph       ${spread(s.same)}  (message + page: the floor)`,
        `  an edge removed       ${spread(s.removed)}`,
        `  a node added          ${spread(s.added)}  (dagre again)`,
        `  JS heap               ${heap} MB`,
      ].join('\n') + '\n');
    }
  } finally {
    await env.close();
  }
  figures.loadAfter = load();
  process.stdout.write(`load ${load()}\n${JSON.stringify(figures)}\n`);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
