import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildGraph } from '../../../server/src/core/graph/build';
import type { ReferenceGraph } from '../../../server/src/core/graph/types';
import { nodeFileHost } from '../../../server/src/core/manifest/host';
import { loadProject } from '../../../server/src/core/manifest/project';
import { GraphPage, graphMessage, launch, pageAvailable } from './pageHarness';

const EXAMPLES = path.resolve(__dirname, '../../../../examples');

/** Marks every drawn node and edge element, so a later look can tell the same element from a new one. */
function mark(page: GraphPage): Promise<number> {
  return page.tab.evaluate(() => {
    const all: any[] = [...(globalThis as any).document.querySelectorAll('g.node, g.edge')];
    for (const e of all) e.mark = e.getAttribute('data-id') ?? '';
    return all.length;
  });
}

/** Ids of the drawn elements that still carry their mark, and of those that do not. */
function marked(page: GraphPage): Promise<{ kept: string[]; fresh: string[] }> {
  return page.tab.evaluate(() => {
    const all: any[] = [...(globalThis as any).document.querySelectorAll('g.node, g.edge')];
    const id = (e: any) => e.getAttribute('data-id') as string;
    return { kept: all.filter((e) => e.mark === id(e)).map(id), fresh: all.filter((e) => e.mark === undefined).map(id) };
  });
}

const skip = pageAvailable();

describe('the package graph\'s page updates in place', { skip }, () => {
  let env: Awaited<ReturnType<typeof launch>>;
  let g: ReferenceGraph;
  let entities: ReferenceGraph;
  before(async () => {
    const p = await loadProject(path.join(EXAMPLES, 'broken'), nodeFileHost);
    const sales = p.packages.find((k) => k.code === 'sales')!;
    g = buildGraph(p, sales, 'namespace');
    entities = buildGraph(p, sales, 'entity');
    env = await launch();
  });
  after(() => env?.close());

  it('an update that removes an edge or moves references keeps every other element and the layout', async () => {
    const page = await GraphPage.open(env.browser, env.dir);
    const first = await page.send(graphMessage(g));
    assert.equal(first.laidOut, true);
    const count = await mark(page);
    assert.equal(count, g.nodes.length + first.edges.length);
    const gone = g.edges.find((e) => e.code === 'ISO004')!;
    const fewer = { ...g, edges: g.edges.filter((e) => e !== gone).map((e) => ({ ...e, references: e.references.map((r) => ({ ...r, range: { start: { ...r.range.start, line: r.range.start.line + 1 }, end: r.range.end } })) })) };
    const update = await page.send(graphMessage(fewer));
    assert.equal(update.laidOut, false, 'the nodes are the same: no new layout');
    assert.deepEqual([update.created, update.removed], [0, 1]);
    const { kept, fresh } = await marked(page);
    assert.deepEqual(fresh, []);
    assert.equal(kept.length, count - 1);
    assert.ok(!kept.includes(`${gone.from}|${gone.to}|${gone.class}|${gone.code}`));
    await page.tab.close();
  });

  it('a node added lays the graph out again, and the elements already drawn stay', async () => {
    const page = await GraphPage.open(env.browser, env.dir);
    await page.send(graphMessage(g));
    const count = await mark(page);
    const extra = { id: 'ns:added', kind: 'workspace' as const, namespace: 'added', code: 'added', inside: false, builtin: false };
    const more = { ...g, nodes: [...g.nodes, extra], edges: [...g.edges, { from: 'ns:sales', to: 'ns:added', class: 'breaks' as const, code: 'ISO004' as const, references: g.edges[0].references }] };
    const update = await page.send(graphMessage(more));
    assert.equal(update.laidOut, true);
    assert.equal(update.created, 2);
    const { kept, fresh } = await marked(page);
    assert.equal(kept.length, count);
    assert.deepEqual(fresh.sort(), ['ns:added', 'ns:sales|ns:added|breaks|ISO004']);
    await page.tab.close();
  });

  it('entity level: an outside namespace of several entities is one node until clicked; built-ins hidden until asked for', async () => {
    const page = await GraphPage.open(env.browser, env.dir);
    const full = entities.nodes.filter((n) => !n.inside && !n.builtin && n.namespace === 'crm_ext');
    assert.ok(full.length >= 2, 'crm_ext has several entities in the graph');
    const drawn = await page.send(graphMessage(entities));
    assert.ok(drawn.collapsed?.includes('crm_ext'), JSON.stringify(drawn.collapsed));
    // The namespace's own node (a script imports it) stands for the whole namespace now.
    assert.ok(drawn.nodes.includes('ns:crm_ext') && !full.some((n) => n.id !== 'ns:crm_ext' && drawn.nodes.includes(n.id)), drawn.nodes.join(', '));
    assert.ok(drawn.edges.some((e) => e.key === 'app:sales.orders|ns:crm_ext|breaks|ISO004' && e.red), JSON.stringify(drawn.edges));
    // A click on the collapsed namespace draws its entities instead.
    const before = (await page.posted('drawn')).length;
    await page.tab.locator('g.node[data-id="ns:crm_ext"]').click();
    const open = await page.nextDrawn(before);
    assert.ok(!open.collapsed?.includes('crm_ext'));
    for (const n of full) assert.ok(open.nodes.includes(n.id), n.id);
    // Collapsed again: an edge into the namespace's node opens the references it stands for.
    const again = (await page.posted('drawn')).length;
    await page.tab.locator('#collapse').click();
    assert.ok((await page.nextDrawn(again)).collapsed?.includes('crm_ext'));
    await page.tab.locator('g.edge[data-id="app:sales.orders|ns:crm_ext|breaks|ISO004"] text.label').click();
    const clicks = await page.posted('openEdge');
    assert.equal(clicks[clicks.length - 1].key, 'app:sales.orders|ns:crm_ext|breaks|ISO004');
    assert.deepEqual(clicks[clicks.length - 1].keys, ['app:sales.orders|app:crm_ext.lead_sources|breaks|ISO004'], 'it names the edge of the graph it stands for');
    // Built-ins shown on request: _clients._companies has no finding and was left out.
    assert.ok(!open.nodes.includes('app:_clients._companies') && open.nodes.includes('app:_projects._tasks'), 'the licensed built-in (ISO007) stays');
    const shown = (await page.posted('drawn')).length;
    await page.tab.locator('#show-builtins').check();
    const withBuiltins = await page.nextDrawn(shown);
    // _clients now has two entities outside (the built-in and the misspelt one): one node for both.
    assert.equal(withBuiltins.hiddenBuiltins, 0);
    assert.ok(withBuiltins.collapsed?.includes('_clients') && withBuiltins.nodes.includes('ns:_clients'), withBuiltins.nodes.join(', '));
    await page.tab.close();
  });
});
