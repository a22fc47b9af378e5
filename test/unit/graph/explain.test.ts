import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { diagnoseManifest } from '../../../server/src/core/check';
import { explainReference, explanationText, referenceAt } from '../../../server/src/core/graph/explain';
import { nodeFileHost } from '../../../server/src/core/manifest/host';
import { loadProject } from '../../../server/src/core/manifest/project';
import { project as memoryProject } from '../helpers';

const EXAMPLES = path.resolve(__dirname, '../../../../examples');

/** The explanation of the one finding of a code in a manifest. */
async function explainOne(dir: string, file: string, code: string) {
  const p = await loadProject(path.join(EXAMPLES, dir), nodeFileHost);
  const m = p.manifestAt(file)!;
  const d = diagnoseManifest(p, m).find((x) => x.code === code)!;
  assert.ok(d, `no ${code} in ${file}`);
  const ref = referenceAt(m, d.range);
  assert.ok(ref, 'a reference stands at the finding');
  return explainReference(p, ref)!;
}

describe('explaining a finding', () => {
  it('ISO004: from the workspace through the app and field to the entity outside', async () => {
    const x = await explainOne('broken', 'sales.isola.json', 'ISO004');
    assert.deepEqual(x.steps.map((s) => [s.role, s.text]), [
      ['package', 'workspace `sales`'],
      ['entity', 'app `orders`'],
      ['entity', 'field `lead_source`'],
      ['reference', '`app`: `crm_ext.lead_sources`'],
      ['target', 'app `lead_sources` of workspace `crm_ext`'],
    ]);
    assert.equal(x.steps[3].range?.start.line, 26);
    assert.equal(x.steps[4].file, 'crm_ext/crm_ext.isola.json');
    assert.match(x.conclusion, /outside workspace `sales`, which carries namespace `sales`: ISO004/);
    assert.match(explanationText(x), /→ field `lead_source` {2}\(sales\.isola\.json:27:20\)/);
  });

  it('ISO009: names the include that brings the manifest in, and the one that brings the target in', async () => {
    const x = await explainOne('payments', 'custom_objects/custom_objects.isola.json', 'ISO009');
    const includes = x.steps.filter((s) => s.role === 'include');
    assert.deepEqual(includes.map((s) => s.text), [
      'includes workspace `custom_objects` (`custom_objects/custom_objects.isola.json`)',
      'and solution `payments_solution` also includes workspace `payments` (`payments/payments.isola.json`)',
    ]);
    assert.ok(includes.every((s) => s.file === 'payments_solution.isola.json'));
    assert.deepEqual(includes.map((s) => s.range?.start.line), [12, 11]);
    assert.match(x.conclusion, /only because it includes both namespaces; workspace `custom_objects` alone cannot carry it: ISO009/);
  });

  it('an app manifest nothing includes is reached through the workspace that carries it', async () => {
    const p = await memoryProject({
      'sol.isola.json': { kind: 'solution', code: 'sol', includes: ['crm/crm.isola.json'] },
      'crm/crm.isola.json': { kind: 'workspace', code: 'crm', apps: [{ code: 'leads' }] },
      'crm/deals.isola.json': { kind: 'app', code: 'deals', namespace: 'crm', fields: [{ code: 'other', type: 'app', app: 'hr.staff' }] },
      'hr/hr.isola.json': { kind: 'workspace', code: 'hr', apps: [{ code: 'staff' }] },
    });
    const m = p.manifestAt('crm/deals.isola.json')!;
    const x = explainReference(p, m.references[0])!;
    assert.equal(x.verdict.code, 'ISO004');
    assert.deepEqual(x.steps.map((s) => s.role), ['package', 'include', 'carries', 'entity', 'entity', 'reference', 'target']);
    assert.match(x.steps[2].text, /carries app manifest crm\/deals\.isola\.json \(namespace `crm`\)/);
  });
});
