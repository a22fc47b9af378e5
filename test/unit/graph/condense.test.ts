import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { condense } from '../../../server/src/core/graph/condense';
import { buildGraph } from '../../../server/src/core/graph/build';
import { project } from '../helpers';

/** A workspace whose app reaches three apps of crm (two of them through two fields each), one of hr, and two built-ins. */
async function graph() {
  const p = await project({
    'crm.isola.json': { kind: 'workspace', code: 'crm', apps: [{ code: 'leads' }, { code: 'deals' }, { code: 'notes' }] },
    'hr.isola.json': { kind: 'workspace', code: 'hr', apps: [{ code: 'staff' }] },
    'sales.isola.json': { kind: 'workspace', code: 'sales', apps: [{ code: 'orders', fields: [
      { code: 'a', type: 'app', app: 'crm.leads' }, { code: 'b', type: 'app', app: 'crm.leads' },
      { code: 'c', type: 'app', app: 'crm.deals' }, { code: 'd', type: 'app', app: 'crm.notes' },
      { code: 'e', type: 'app', app: 'hr.staff' },
      { code: 'f', type: 'app', app: '_system._users' }, { code: 'g', type: 'app', app: '_clients._companies' },
    ] }] },
  });
  return buildGraph(p, p.packages.find((k) => k.code === 'sales')!, 'entity');
}

describe('the entity level condensed for the view', () => {
  it('collapses an outside namespace of several entities to one node, bundles its edges with their count, keeps a lone entity', async () => {
    const g = await graph();
    const c = condense('entity', g.nodes, g.edges, { expanded: new Set(), builtins: false });
    assert.deepEqual(c.nodes.map((n) => n.id), ['app:sales.orders', 'ns:crm', 'app:hr.staff']);
    assert.deepEqual([...c.collapsed], [['crm', 3]]);
    assert.equal(c.hiddenBuiltins, 2);
    const crm = c.edges.find((e) => e.to === 'ns:crm')!;
    assert.equal(crm.code, 'ISO004');
    assert.equal(crm.references.length, 4, 'four references into crm');
    assert.deepEqual(c.parts.get('app:sales.orders|ns:crm|breaks|ISO004')!.sort(),
      ['app:sales.orders|app:crm.deals|breaks|ISO004', 'app:sales.orders|app:crm.leads|breaks|ISO004', 'app:sales.orders|app:crm.notes|breaks|ISO004']);
    assert.equal(c.edges.length, 2);
  });

  it('an expanded namespace and the built-ins, when asked for, are drawn entity by entity', async () => {
    const g = await graph();
    const c = condense('entity', g.nodes, g.edges, { expanded: new Set(['crm']), builtins: true });
    assert.deepEqual(c.nodes.map((n) => n.id).sort(), g.nodes.map((n) => n.id).sort());
    assert.equal(c.edges.length, g.edges.length);
    assert.equal(c.hiddenBuiltins, 0);
  });

  it('a package of several namespaces (a solution) starts with its own namespaces collapsed too; the references inside one go', async () => {
    const p = await project({
      'sol.isola.json': { kind: 'solution', code: 'sol', includes: ['a.isola.json', 'b.isola.json'] },
      'a.isola.json': { kind: 'workspace', code: 'a', apps: [{ code: 'one', fields: [{ code: 'f', type: 'app', app: 'two' }, { code: 'g', type: 'app', app: 'b.three' }] }, { code: 'two' }] },
      'b.isola.json': { kind: 'workspace', code: 'b', apps: [{ code: 'three' }, { code: 'four', fields: [{ code: 'h', type: 'app', app: 'c.five' }] }] },
      'c.isola.json': { kind: 'workspace', code: 'c', apps: [{ code: 'five' }] },
    });
    const g = buildGraph(p, p.packages.find((k) => k.code === 'sol')!, 'entity');
    const c = condense('entity', g.nodes, g.edges, { expanded: new Set(), builtins: false });
    assert.deepEqual(c.nodes.map((n) => [n.id, n.inside]), [['ns:a', true], ['ns:b', true], ['app:c.five', false]]);
    assert.deepEqual(c.edges.map((e) => `${e.from} -> ${e.to} ${e.class}`), ['ns:a -> ns:b viaSolution', 'ns:b -> app:c.five breaks']);
    const open = condense('entity', g.nodes, g.edges, { expanded: new Set(['a']), builtins: false });
    assert.deepEqual(open.nodes.map((n) => n.id), ['app:a.one', 'app:a.two', 'ns:b', 'app:c.five']);
    assert.ok(open.edges.some((e) => e.from === 'app:a.one' && e.to === 'app:a.two'));
  });

  it('leaves the namespace level as it is', async () => {
    const g = await graph();
    const c = condense('namespace', g.nodes, g.edges, { expanded: new Set(), builtins: false });
    assert.equal(c.nodes, g.nodes);
    assert.equal(c.edges, g.edges);
  });
});
