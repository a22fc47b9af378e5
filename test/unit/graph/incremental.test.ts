import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { defaultCatalog } from '../../../server/src/core/catalog/catalog';
import { buildGraph } from '../../../server/src/core/graph/build';
import { loadProject, Project } from '../../../server/src/core/manifest/project';
import { ProjectState } from '../../../server/src/lsp/projectState';
import { memoryHost, ROOT } from '../helpers';

const EXAMPLES = path.resolve(__dirname, '../../../../examples');

/** Every file of an example, project-relative, as texts. */
function filesOf(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.join(dir, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) Object.assign(out, filesOf(dir, r));
    else out[r] = readFileSync(path.join(dir, r), 'utf8');
  }
  return out;
}

/** Every graph of a project's packages, at both levels, keyed by package. */
function graphs(p: Project): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of p.packages) for (const level of ['namespace', 'entity'] as const) out[`${k.kind} ${k.code} ${level}`] = buildGraph(p, k, level);
  return out;
}

describe('reference graph in the language server after edits', () => {
  it('after each edit, the graph from the server\'s cached model equals the graph of a fresh load', async () => {
    const files = { ...filesOf(path.join(EXAMPLES, 'payments')), ...Object.fromEntries(Object.entries(filesOf(path.join(EXAMPLES, 'broken'))).map(([k, v]) => [`broken/${k}`, v])) };
    const state = new ProjectState(ROOT, memoryHost(files), defaultCatalog());
    await state.load();
    const abs = (rel: string) => path.resolve(ROOT, rel);
    const edits: [string, (t: string) => string][] = [
      // Inside one string: the server rebuilds the manifest from the previous one.
      ['payments/payments.isola.json', (t) => t.replace('"app": "custom_objects.vat_rates"', '"app": "custom_objects.vat_ratez"')],
      // Out of the solution: every cross-namespace edge of custom_objects now breaks.
      ['payments_solution.isola.json', (t) => t.replace('    "custom_objects/custom_objects.isola.json",\n', '')],
      // A new reference out of the package, and one that was outside comes in.
      ['broken/sales.isola.json', (t) => t.replace('"app": "crm_ext.lead_sources"', '"app": "payments.payment_requests"')],
    ];
    const before = graphs(state.project);
    for (const [rel, edit] of edits) {
      const text = edit(files[rel]);
      assert.notEqual(text, files[rel], `the edit of ${rel} applies`);
      files[rel] = text;
      await state.update(new Map([[abs(rel), text]]));
      const fresh = await loadProject(ROOT, memoryHost(files));
      assert.deepEqual(graphs(state.project), graphs(fresh), `after editing ${rel}`);
    }
    assert.notDeepEqual(graphs(state.project), before);
    const sol = state.project.packages.find((k) => k.code === 'payments_solution')!;
    const broken = buildGraph(state.project, sol, 'namespace').edges.filter((e) => e.class === 'breaks').map((e) => `${e.from} -> ${e.to} ${e.code}`);
    assert.ok(broken.includes('ns:payments -> ns:custom_objects ISO004'), broken.join('\n'));
  });
});
