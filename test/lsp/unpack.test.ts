/**
 * `isola/planUnpack`, the request behind the editor's "Retrieve from Environment" and "Unpack
 * Package into Workspace", beside manifests that cannot be read: the examples' broken_json (a
 * workspace no package here carries) does not get in the way; a broken manifest of the
 * package's own unit refuses the plan with the core's sentence, and `force` plans with a note.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { BuildPackageResult, PlanUnpackResult } from '../../server/src/protocol';
import { EXAMPLES, useServer } from './client';

describe('isola/planUnpack beside a manifest that cannot be read', () => {
  const examples = useServer(EXAMPLES);

  it('plans into the examples, broken_json and all; refuses beside a broken manifest of invoices unless force', async () => {
    const c = examples();
    const file = c.path('invoices-plan.isolapkg');
    const built = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('invoices/invoices.isola.json'), data: 'none', out: file });
    assert.ok(built.built, JSON.stringify(built));
    assert.ok(fs.existsSync(c.path('broken/broken_json.isola.json')));

    const here = await c.request<PlanUnpackResult>('isola/planUnpack', { file, dir: c.root });
    assert.ok(here.plan, JSON.stringify(here));
    fs.rmSync(here.plan.stage, { recursive: true, force: true });

    const dir = c.path('elsewhere');
    fs.mkdirSync(dir);
    fs.writeFileSync(c.path('elsewhere/old.isola.json'), '{\n  "kind": "workspace",\n  "code": "invoices"\n  "title": "Invoices"\n}\n');
    const refused = await c.request<PlanUnpackResult>('isola/planUnpack', { file, dir });
    assert.equal(refused.plan, undefined);
    assert.match(refused.refused ?? '', /^old\.isola\.json declares workspace invoices, which the package carries, but cannot be read \(line 4: comma expected\): .*pass --force/);

    const forced = await c.request<PlanUnpackResult>('isola/planUnpack', { file, dir, force: true });
    assert.ok(forced.plan, JSON.stringify(forced));
    assert.ok(forced.plan.notes.some((n) => n.startsWith('invoices/invoices.isola.json goes beside old.isola.json')), forced.plan.notes.join('\n'));
    fs.rmSync(forced.plan.stage, { recursive: true, force: true });
  });
});
