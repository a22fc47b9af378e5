import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultCatalog } from '../../server/src/core/catalog/catalog';
import { ProjectState } from '../../server/src/lsp/projectState';
import { memoryHost, ROOT } from './helpers';

const files = {
  'crm.isola.json': '{ "kind": "workspace", "code": "crm", "title": "CRM", "apps": [{ "code": "deals", "title": "Deals" }] }',
  'sales.isola.json': '{ "kind": "workspace", "code": "sales", "processes": [{ "code": "p", "app": "crm.deals" }] }',
};

describe('what an edit makes the language server check again', () => {
  it('only the edited manifest after a title edit; also those that reference it after a code edit', async () => {
    const state = new ProjectState(ROOT, memoryHost(files), defaultCatalog());
    await state.load();
    const crm = path.resolve(ROOT, 'crm.isola.json');
    const title = await state.update(new Map([[crm, files['crm.isola.json'].replace('"Deals"', '"Deals 2"')]]));
    assert.deepEqual(title.changed.map((m) => m.file), ['crm.isola.json']);
    assert.deepEqual(title.affected.map((m) => m.file), [], 'a title declares nothing others read');
    assert.equal(state.manifest(crm)!.entities.find((e) => e.code === 'deals')!.title, 'Deals 2');
    const code = await state.update(new Map([[crm, files['crm.isola.json'].replace('"deals"', '"deal"')]]));
    assert.deepEqual(code.affected.map((m) => m.file), ['sales.isola.json'], 'sales references the app whose code changed');
  });
});
