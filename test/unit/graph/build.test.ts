import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { checkPackage } from '../../../server/src/core/check';
import { buildGraph } from '../../../server/src/core/graph/build';
import type { GraphEdge, ReferenceGraph } from '../../../server/src/core/graph/types';
import type { Range } from '../../../server/src/core/json/positions';
import { nodeFileHost } from '../../../server/src/core/manifest/host';
import { loadProject, Project } from '../../../server/src/core/manifest/project';
import type { Package } from '../../../server/src/core/manifest/types';
import { project as memoryProject } from '../helpers';

/** The repository root (this file runs as <out>/test/unit/graph/build.test.js). */
const REPO = path.resolve(__dirname, '../../../..');
const EXAMPLES = path.join(REPO, 'examples');

async function example(name: string): Promise<Project> {
  return loadProject(path.join(EXAMPLES, name), nodeFileHost);
}

function pkg(p: Project, code: string, kind?: string): Package {
  const found = p.packages.find((x) => x.code === code && (!kind || x.kind === kind));
  assert.ok(found, `no package ${code}`);
  return found;
}

function edge(g: ReferenceGraph, from: string, to: string, cls?: string, code?: string): GraphEdge {
  const found = g.edges.filter((e) => e.from === from && e.to === to && (!cls || e.class === cls) && (!code || e.code === code));
  assert.equal(found.length, 1, `edges ${from} -> ${to}: ${JSON.stringify(g.edges.map((e) => [e.from, e.to, e.class]))}`);
  return found[0];
}

/** The text a range covers in an example file. */
function covered(dir: string, file: string, r: Range): string {
  const line = readFileSync(path.join(EXAMPLES, dir, file), 'utf8').split('\n')[r.start.line];
  return line.slice(r.start.character, r.end.character);
}

describe('reference graph over the examples', () => {
  it('broken/sales at namespace level: the package, the outside namespaces, and each edge class', async () => {
    const p = await example('broken');
    const g = buildGraph(p, pkg(p, 'sales'), 'namespace');
    assert.deepEqual(g.package, { kind: 'workspace', code: 'sales', file: 'sales.isola.json', title: 'Sales' });
    assert.deepEqual(g.nodes.filter((n) => n.inside).map((n) => n.id), ['ns:sales']);
    const crm = g.nodes.find((n) => n.id === 'ns:crm_ext')!;
    assert.equal(crm.kind, 'workspace');
    assert.equal(crm.inside, false);
    assert.equal(crm.file, 'crm_ext/crm_ext.isola.json');
    assert.equal(covered('broken', crm.file!, crm.range!), 'crm_ext');
    assert.equal(g.nodes.find((n) => n.id === 'ns:_clients')!.builtin, true);

    const out = edge(g, 'ns:sales', 'ns:crm_ext', 'breaks', 'ISO004');
    assert.equal(out.references.length, 1);
    const site = out.references[0];
    assert.equal(site.kind, 'app');
    assert.equal(site.file, 'sales.isola.json');
    assert.deepEqual(site.range.start, { line: 26, character: 80 });
    assert.equal(covered('broken', site.file, site.range), 'crm_ext.lead_sources');
    // The script import is its own edge, with its own code.
    const imports = g.edges.filter((e) => e.code === 'ISO005');
    assert.deepEqual(imports.map((e) => [e.from, e.to, e.references[0].kind, e.references[0].text]), [['ns:sales', 'ns:crm_ext', 'import', 'crm_ext']]);
    assert.equal(edge(g, 'ns:sales', 'ns:#orgchart').code, 'ISO002');
    assert.equal(edge(g, 'ns:sales', 'ns:global').code, 'ISO003');
    assert.deepEqual(edge(g, 'ns:sales', 'ns:_projects').class, 'builtin');
    assert.equal(edge(g, 'ns:sales', 'ns:_projects').code, 'ISO007');
    assert.equal(edge(g, 'ns:sales', 'ns:_clients', 'builtin').code, undefined);
    assert.equal(edge(g, 'ns:sales', 'ns:_clients', 'unknown').code, 'ISO006');
    // References that stay inside one namespace say nothing at this level.
    assert.ok(!g.edges.some((e) => e.from === e.to && e.class === 'inside'));
  });

  it('broken/sales at entity level: edges leave from the top-level entity that holds the reference', async () => {
    const p = await example('broken');
    const g = buildGraph(p, pkg(p, 'sales'), 'entity');
    const e = edge(g, 'app:sales.orders', 'app:crm_ext.lead_sources');
    assert.equal(e.class, 'breaks');
    assert.equal(e.code, 'ISO004');
    const target = g.nodes.find((n) => n.id === 'app:crm_ext.lead_sources')!;
    assert.equal(target.inside, false);
    assert.equal(covered('broken', target.file!, target.range!), 'lead_sources');
    const inside = edge(g, 'process:sales.approve_order', 'app:sales.orders');
    assert.equal(inside.class, 'inside');
    assert.equal(inside.references.length, 2, 'the process and its old copy both name the app');
    const typo = g.nodes.find((n) => n.id === 'missing:process:sales.approve_ordr')!;
    assert.equal(typo.missing, true);
    assert.equal(edge(g, 'app:sales.orders', typo.id).code, 'ISO006');
    assert.equal(edge(g, 'process:sales.approve_order', 'ns:crm_ext').code, 'ISO005');
    for (const id of ['app:sales.orders', 'group:sales.sales_managers', 'process:sales.approve_order']) {
      assert.equal(g.nodes.find((n) => n.id === id)?.inside, true, id);
    }
  });

  it('payments: inside the solution the cross-namespace edges resolve only through it; alone they break', async () => {
    const p = await example('payments');
    const sol = buildGraph(p, pkg(p, 'payments_solution'), 'namespace');
    assert.deepEqual(sol.nodes.filter((n) => n.inside).map((n) => n.id), ['ns:accounting', 'ns:custom_objects', 'ns:payments']);
    const via = edge(sol, 'ns:payments', 'ns:custom_objects', 'viaSolution');
    assert.equal(via.code, 'ISO009');
    assert.deepEqual(via.references.map((r) => r.text), ['custom_objects.vat_rates', 'custom_objects.payment_types', 'custom_objects.departments', 'custom_objects.periods']);
    assert.ok(!sol.edges.some((e) => e.class === 'breaks'));

    const alone = buildGraph(p, pkg(p, 'payments', 'workspace'), 'namespace');
    assert.deepEqual(alone.nodes.filter((n) => n.inside).map((n) => n.id), ['ns:payments']);
    const out = edge(alone, 'ns:payments', 'ns:custom_objects');
    assert.equal(out.class, 'breaks');
    assert.equal(out.code, 'ISO004');
    assert.deepEqual(out.references.map((r) => r.range), via.references.map((r) => r.range), 'the same references, now breaking');
    assert.equal(edge(alone, 'ns:payments', 'ns:accounting').code, 'ISO004');
  });

  it('company: in a configuration the org chart and the global objects are inside', async () => {
    const p = await example('company');
    const g = buildGraph(p, pkg(p, 'company'), 'namespace');
    for (const id of ['ns:hr', 'ns:#orgchart', 'ns:global']) assert.equal(g.nodes.find((n) => n.id === id)?.inside, true, id);
    assert.equal(edge(g, 'ns:hr', 'ns:#orgchart').class, 'inside');
    assert.equal(edge(g, 'ns:hr', 'ns:global').class, 'inside');
    assert.ok(g.edges.every((e) => e.class === 'inside' || e.class === 'builtin'), JSON.stringify(g.edges));
  });

  it('every isolation finding of a reference is an edge with the same code and range, and nothing more', async () => {
    const codes = new Set(['ISO002', 'ISO003', 'ISO004', 'ISO005', 'ISO006', 'ISO007', 'ISO009']);
    for (const name of ['broken', 'payments', 'company', 'invoices']) {
      const p = await example(name);
      for (const k of p.packages) {
        const key = (code: string, file: string, r: Range) => `${code} ${file}:${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
        const findings = checkPackage(p, k).diagnostics.filter((d) => codes.has(d.code)).map((d) => key(d.code, d.file, d.range)).sort();
        const edges = buildGraph(p, k, 'entity').edges.filter((e) => e.code).flatMap((e) => e.references.map((s) => key(e.code!, s.file, s.range))).sort();
        assert.deepEqual(edges, findings, `${name}: ${k.kind} ${k.code}`);
      }
    }
  });

  it('an app package carries one app: a sibling app of its namespace is outside', async () => {
    const p = await memoryProject({
      'crm/crm.isola.json': { kind: 'workspace', code: 'crm', apps: [{ code: 'leads' }] },
      'crm/deals.isola.json': { kind: 'app', code: 'deals', namespace: 'crm', fields: [{ code: 'lead', type: 'app', app: 'leads' }] },
    });
    const app = buildGraph(p, pkg(p, 'deals', 'app'), 'entity');
    assert.deepEqual(app.nodes.filter((n) => n.inside).map((n) => n.id), ['app:crm.deals']);
    assert.equal(edge(app, 'app:crm.deals', 'app:crm.leads').code, 'ISO004');
    const ws = buildGraph(p, pkg(p, 'crm', 'workspace'), 'entity');
    assert.equal(edge(ws, 'app:crm.deals', 'app:crm.leads').class, 'inside', 'the workspace carries its app manifests');
  });

  it('what the package declares is inside its box even when no reference leaves or reaches it', async () => {
    const p = await memoryProject({
      'sol.isola.json': { kind: 'solution', code: 'sol', includes: ['a.isola.json', 'quiet.isola.json'] },
      'a.isola.json': { kind: 'workspace', code: 'a', apps: [{ code: 'one', fields: [{ code: 'f', type: 'app', app: '_system._users' }] }] },
      'quiet.isola.json': { kind: 'workspace', code: 'quiet', apps: [{ code: 'alone' }], pages: [{ code: 'home' }] },
    });
    const ns = buildGraph(p, pkg(p, 'sol'), 'namespace');
    assert.deepEqual(ns.nodes.filter((n) => n.inside).map((n) => n.id), ['ns:a', 'ns:quiet']);
    const ent = buildGraph(p, pkg(p, 'sol'), 'entity');
    assert.deepEqual(ent.nodes.filter((n) => n.inside).map((n) => n.id), ['app:a.one', 'app:quiet.alone', 'page:quiet.home']);
    assert.deepEqual(ent.edges.map((e) => [e.from, e.to, e.class]), [['app:a.one', 'app:_system._users', 'builtin']]);
  });

  it('a node declared in several manifests lists every declaration; one declared once lists none', async () => {
    const p = await memoryProject({
      'crm/crm.isola.json': { kind: 'workspace', code: 'crm', apps: [{ code: 'leads' }] },
      'crm/deals.isola.json': { kind: 'app', code: 'deals', namespace: 'crm' },
      'crm/more.isola.json': { kind: 'app', code: 'leads', namespace: 'crm' },
      'sales.isola.json': { kind: 'workspace', code: 'sales', apps: [{ code: 'orders', fields: [
        { code: 'lead', type: 'app', app: 'crm.leads' }, { code: 'deal', type: 'app', app: 'crm.deals' }] }] },
    });
    const text = (file: string, r: Range) => p.manifestAt(file)!.text.split('\n')[r.start.line].slice(r.start.character, r.end.character);
    const where = (d: { file: string; range: Range }[] | undefined) => d?.map((x) => `${x.file} ${text(x.file, x.range)}`);
    const ns = buildGraph(p, pkg(p, 'sales'), 'namespace').nodes.find((n) => n.id === 'ns:crm')!;
    assert.deepEqual(where(ns.declarations), ['crm/crm.isola.json crm', 'crm/deals.isola.json crm', 'crm/more.isola.json crm']);
    assert.equal(ns.file, 'crm/crm.isola.json', 'the first declaration stays the node\'s own');
    const ent = buildGraph(p, pkg(p, 'sales'), 'entity');
    assert.deepEqual(where(ent.nodes.find((n) => n.id === 'app:crm.leads')!.declarations), ['crm/crm.isola.json leads', 'crm/more.isola.json leads']);
    assert.equal(ent.nodes.find((n) => n.id === 'app:crm.deals')!.declarations, undefined);
    assert.equal(ent.nodes.find((n) => n.id === 'app:sales.orders')!.declarations, undefined);
  });

  it('a project snapshot draws each graph once', async () => {
    const p = await example('payments');
    const k = pkg(p, 'payments_solution');
    assert.equal(buildGraph(p, k, 'entity'), buildGraph(p, k, 'entity'));
    assert.notEqual(buildGraph(p, k, 'entity'), buildGraph(p, k, 'namespace'));
  });
});
