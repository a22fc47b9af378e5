/**
 * Building and reading packages in the language server, with every example side by side in one
 * workspace folder: the history a build records is the package's project's (the file
 * `isola build` uses), a rebuild says what it replaced, and the descriptor entry can be read.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildPackageResult } from '../../server/src/protocol';
import { EXAMPLES, useServer } from './client';

describe('isola/buildPackage and isola/readPackageEntry', () => {
  const examples = useServer(EXAMPLES);

  it('records the versions in the package\'s project folder, not the workspace folder', async () => {
    const c = examples();
    const out = c.path('invoices-lsp.isolapkg');
    const r = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('invoices/invoices.isola.json'), data: 'none', out });
    assert.ok(r.built, JSON.stringify(r));
    assert.equal(r.built.history, c.path('invoices/isola.history.json'));
    assert.equal(r.built.replaced, undefined);
    assert.ok(!fs.existsSync(c.path('isola.history.json')), 'a history at the workspace folder');
    const p = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('payments/payments_solution.isola.json'), data: 'none', out: c.path('payments.isolapkg') });
    assert.equal(p.built?.history, c.path('payments/isola.history.json'));
  });

  it('a rebuild under the same name says whether the content it replaced was the same', async () => {
    const c = examples();
    const out = c.path('invoices-lsp.isolapkg');
    const same = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('invoices/invoices.isola.json'), title: 'Other title', data: 'none', out });
    assert.deepEqual(same.built?.replaced, { same: true, message: 'It replaced invoices-lsp.isolapkg, an earlier build with the same content.' });
    const other = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('invoices/invoices.isola.json'), data: 'all', out });
    assert.equal(other.built?.replaced?.same, false);
    assert.match(other.built!.replaced!.message, /same version 1\.0\.0 with different content/);
  });

  it('the descriptor entry reads as the descriptor (it is not in its own index)', async () => {
    const c = examples();
    const r = await c.request<{ text?: string; error?: string }>('isola/readPackageEntry', { file: c.path('invoices-lsp.isolapkg'), path: 'meta_data.json' });
    assert.ok(r.text, r.error);
    const d = JSON.parse(r.text) as { kind: string; code: string; entries: unknown[] };
    assert.equal(`${d.kind} ${d.code}`, 'workspace invoices');
    assert.ok(Array.isArray(d.entries) && d.entries.length > 0);
    assert.equal(path.basename(c.path('invoices-lsp.isolapkg')), 'invoices-lsp.isolapkg');
  });
});
