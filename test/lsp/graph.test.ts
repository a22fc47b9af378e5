import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CLI, EXAMPLES, useServer } from './client';

type Graph = { edges: { from: string; to: string; class: string; code?: string }[] };

describe('isola/graph request', () => {
  const payments = useServer(path.join(EXAMPLES, 'payments'));

  it('draws from the server\'s model after an unsaved edit, the same graph the CLI draws from the saved text', async () => {
    const c = payments();
    const sol = 'payments_solution.isola.json';
    const params = { uri: c.uri(sol), level: 'namespace' };
    const before = await c.request<{ graph?: Graph }>('isola/graph', params);
    assert.ok(before.graph, JSON.stringify(before));
    assert.ok(!before.graph.edges.some((e) => e.class === 'breaks'));

    const text = await c.open(sol);
    const edited = text.replace('"custom_objects/custom_objects.isola.json",', '');
    await c.change(sol, edited);
    const after = await c.request<{ graph?: Graph }>('isola/graph', params);
    assert.ok(after.graph?.edges.some((e) => e.from === 'ns:payments' && e.to === 'ns:custom_objects' && e.code === 'ISO004'), JSON.stringify(after));

    await c.writeFiles({ [sol]: edited });
    const cli = spawnSync(process.execPath, [CLI, 'graph', c.path(''), '--package', 'payments_solution', '--format', 'json'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(after.graph, JSON.parse(cli.stdout));
    await c.writeFiles({ [sol]: text });
    await c.change(sol, text);
  });

  it('names a package that does not exist', async () => {
    const c = payments();
    const r = await c.request<{ error?: string }>('isola/graph', { uri: c.uri('payments_solution.isola.json'), package: 'nope' });
    assert.deepEqual(r, { error: 'no package "nope"' });
  });
});

describe('isola/graph of a unit checked on its own', () => {
  const alone = useServer(path.join(EXAMPLES, 'payments'), { settings: { diagnostics: { delay: 20 }, check: { alone: ['custom_objects'] } } });

  it('without a package, draws the package the manifest\'s diagnostics come from', async () => {
    const c = alone();
    const r = await c.request<{ graph?: Graph & { package: { code: string } } }>('isola/graph', { uri: c.uri('custom_objects/custom_objects.isola.json') });
    assert.equal(r.graph?.package.code, 'custom_objects');
    assert.ok(r.graph.edges.some((e) => e.from === 'ns:custom_objects' && e.to === 'ns:payments' && e.code === 'ISO004'), JSON.stringify(r.graph.edges));
  });
});
