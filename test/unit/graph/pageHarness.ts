/**
 * The package graph's page (dist/webview, built by `npm run build`) in headless Chromium, as the
 * panel loads it, with VS Code's messaging stubbed: what the page posts is kept with the time it
 * posted it, and the time each message reached it. Shared by the page's test and bench/graphView.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Browser, chromium, Page } from 'playwright-core';
import { forPage, type DrawnGraph } from '../../../client/src/graph/graphMessages';
import type { ReferenceGraph } from '../../../server/src/core/graph/types';

/** The repository root (this file runs as <out>/test/unit/graph/pageHarness.js). */
const REPO = path.resolve(__dirname, '../../../..');
const WEB = path.join(REPO, 'dist', 'webview');

/** Whether the page is built and Chromium is at hand. */
export function pageAvailable(): string | undefined {
  if (!fs.existsSync(path.join(WEB, 'graph.js'))) return 'dist/webview/graph.js is missing: run `npm run build` first';
  if (!fs.existsSync(chromiumPath())) return `Chromium not found at ${chromiumPath()}`;
  return undefined;
}

function chromiumPath(): string {
  return process.env.ISOLA_E2E_CHROMIUM || '/usr/bin/chromium';
}

/** The panel's page (the same controls), with `acquireVsCodeApi` stubbed; `state` is what the page saved before. Times are epoch milliseconds. */
function pageHtml(state: unknown): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="file://${WEB}/graph.css">
<script>
window.posted = []; window.received = [];
const now = () => performance.timeOrigin + performance.now();
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push({ ...m, at: now() }), getState: () => (${JSON.stringify(state ?? null)} ?? undefined), setState: () => undefined });
window.addEventListener('message', () => window.received.push(now()));
</script>
</head><body><header><span id="caption"></span><span class="toggle"><button id="level-namespace">Namespaces</button><button id="level-entity">Entities</button></span>
<label><input type="checkbox" id="only-breaks"> Only what breaks isolation</label>
<label hidden><input type="checkbox" id="show-builtins"> Show built-ins</label><button id="collapse" hidden>Collapse namespaces</button></header>
<div id="info"></div><main id="canvas"></main>
<script src="file://${WEB}/graph.js"></script></body></html>`;
}

/** The message the panel posts for a graph (hover words stand in for the findings' messages). */
export function graphMessage(g: ReferenceGraph): unknown {
  return { type: 'graph', graph: forPage(g), edgeTips: g.edges.map((e) => e.code ?? e.class), nodeTips: g.nodes.map((n) => n.id) };
}

/** What the page reported for one drawing, and when the message was sent, reached the page, and was drawn (epoch ms). */
export type Drawn = DrawnGraph & { at: number; receivedAt: number; sentAt?: number };

/** One loaded page. */
export class GraphPage {
  private constructor(readonly tab: Page) {}

  static async open(browser: Browser, dir: string, state?: unknown): Promise<GraphPage> {
    const file = path.join(dir, 'index.html');
    fs.writeFileSync(file, pageHtml(state));
    const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await tab.goto(`file://${file}`);
    await tab.waitForFunction(() => (globalThis as any).posted.some((m: any) => m.command === 'ready'));
    return new GraphPage(tab);
  }

  /**
   * Posts `message` as the panel does and waits for the page to report the drawing. It travels as
   * JSON text, as VS Code carries a webview's messages (Playwright's own argument passing is many
   * times slower on a large object and would be timed instead).
   */
  async send(message: unknown): Promise<Drawn> {
    const count = () => this.tab.evaluate(() => (globalThis as any).posted.filter((p: any) => p.command === 'drawn').length as number);
    const before = await count();
    const sentAt = performance.timeOrigin + performance.now();
    await this.tab.evaluate((json) => (globalThis as any).postMessage(JSON.parse(json), '*'), JSON.stringify(message));
    return { ...(await this.nextDrawn(before)), sentAt };
  }

  /** Waits for the drawing after the `before`-th one (a click or a toggle in the page redraws too). */
  async nextDrawn(before: number): Promise<Drawn> {
    await this.tab.waitForFunction((k) => (globalThis as any).posted.filter((p: any) => p.command === 'drawn').length > k, before, { polling: 'raf' });
    return this.tab.evaluate(() => {
      const w = globalThis as any;
      const last = w.posted.filter((p: any) => p.command === 'drawn').pop();
      return { ...last.drawn, at: last.at, receivedAt: w.received[w.received.length - 1] };
    });
  }

  /** The messages the page posted of one command. */
  posted(command: string): Promise<any[]> {
    return this.tab.evaluate((c) => (globalThis as any).posted.filter((p: any) => p.command === c), command);
  }

  /** Used JS heap after a garbage collection, in MB. */
  async heapMB(): Promise<number> {
    const cdp = await this.tab.context().newCDPSession(this.tab);
    await cdp.send('Performance.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    const metrics = (await cdp.send('Performance.getMetrics')).metrics;
    return metrics.find((x) => x.name === 'JSHeapUsedSize')!.value / 1e6;
  }
}

/** Headless Chromium and a scratch folder for the pages. */
export async function launch(): Promise<{ browser: Browser; dir: string; close(): Promise<void> }> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isola-graphpage-'));
  return { browser, dir, close: async () => { await browser.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}
