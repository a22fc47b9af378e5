/**
 * Building and reading packages in the language server, with every example side by side in one
 * workspace folder: the history a build records is the package's project's (the file
 * `isola build` uses), a rebuild says what it replaced, and the descriptor entry can be read.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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

const PLANTED = '{"payments.payment":[{"hash":"0000","at":"2020-01-01T00:00:00.000Z"}]}\n';
const asRoot = { skip: process.getuid?.() !== 0 && 'needs root to give a file away' };

describe('isola/buildPackage and project files another user owns', () => {
  const above = useServer(EXAMPLES, { files: { 'isola.history.json': PLANTED } });
  const beside = useServer(EXAMPLES, { files: { 'payments/isola.history.json': PLANTED } });

  it('one above the package is passed over, and the build says so, as the CLI warns', asRoot, async () => {
    const c = above();
    const foreign = c.path('isola.history.json');
    fs.chownSync(foreign, 65534, 65534);
    const r = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('payments/payments_solution.isola.json'), data: 'none', out: c.path('payments-foreign.isolapkg') });
    assert.ok(r.built, JSON.stringify(r));
    assert.equal(r.built.history, c.path('payments/isola.history.json'));
    assert.equal(r.built.warnings?.length, 1, JSON.stringify(r.built));
    assert.ok(r.built.warnings[0].startsWith(`${foreign} is owned by `), r.built.warnings[0]);
    assert.match(r.built.warnings[0], /uid 65534\)?, not by you or root; ignored$/);
    assert.doesNotMatch(fs.readFileSync(r.built.history, 'utf8'), /"0000"/);
  });

  it('one where the package\'s history goes is refused, neither read nor replaced', asRoot, async () => {
    const c = beside();
    const foreign = c.path('payments/isola.history.json');
    fs.chownSync(foreign, 65534, 65534);
    const out = c.path('payments-foreign.isolapkg');
    const r = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('payments/payments_solution.isola.json'), data: 'none', out });
    assert.equal(r.built, undefined, JSON.stringify(r));
    assert.match(r.refused?.message ?? '', /isola\.history\.json is owned by .*not by you or root: a project's history must be its own/);
    assert.equal(fs.readFileSync(foreign, 'utf8'), PLANTED);
    assert.equal(fs.statSync(foreign).uid, 65534);
    assert.ok(!fs.existsSync(out));
  });
});

describe('isola/buildPackage to something other than a file', { skip: process.platform === 'win32' && 'no named pipes in the file system' }, () => {
  const examples = useServer(EXAMPLES);

  it('a named pipe where the save dialog pointed is refused with the reason, and stays a pipe', { timeout: 60_000 }, async () => {
    const c = examples();
    const out = c.path('invoices-pipe.isolapkg');
    assert.equal(spawnSync('mkfifo', [out]).status, 0);
    const r = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('invoices/invoices.isola.json'), data: 'none', out });
    assert.equal(r.built, undefined, JSON.stringify(r));
    assert.deepEqual(r.refused, { message: `${out} is a named pipe, not a file; only a file is replaced, so nothing was written (choose a file name)`, findings: [] });
    assert.ok(fs.lstatSync(out).isFIFO(), 'the pipe was replaced');
    assert.deepEqual(fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith('invoices-pipe')), ['invoices-pipe.isolapkg']);
  });
});

describe('isola/buildPackage on a full disk', () => {
  // Enough records (4 MB) to outgrow the zip writer's buffers: the disk fills while they stream in.
  const records = Array.from({ length: 60_000 }, (_, i) => JSON.stringify({ id: `id-${i}`, name: `Purpose ${i}`, accounting_code: `60.${i % 100}`, active: i % 2 === 0 })).join('\n') + '\n';
  const examples = useServer(EXAMPLES, {
    files: { 'invoices/data/payment_purposes.jsonl': records },
    // Full for the package's temporary file only (test/unit/fullDisk.ts): no mount, no root.
    env: { NODE_OPTIONS: `--require=${path.resolve(__dirname, '../unit/fullDisk.js')}`, ISOLA_TEST_FULL_DISK: '/full-disk\\.isolapkg\\.partial-', ISOLA_TEST_FULL_DISK_ROOM: String(64 * 1024) },
  });

  it('is refused in words, the earlier file and the history as they were (the request failed with a bare ENOSPC)', { timeout: 60_000 }, async () => {
    const c = examples();
    const out = c.path('full-disk.isolapkg');
    fs.writeFileSync(out, 'EARLIER');
    const history = fs.readFileSync(c.path('invoices/isola.history.json'), 'utf8');
    const r = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri('invoices/invoices.isola.json'), data: 'all', out });
    assert.deepEqual(r, { refused: { message: `no space left on device writing ${out}; nothing was written`, findings: [] } });
    assert.equal(fs.readFileSync(out, 'utf8'), 'EARLIER');
    assert.equal(fs.readFileSync(c.path('invoices/isola.history.json'), 'utf8'), history);
    assert.deepEqual(fs.readdirSync(c.path('')).filter((f) => f.includes('.partial-')), []);
    assert.deepEqual(fs.readdirSync(c.path('invoices')).filter((f) => f.includes('.partial-')), []);
  });
});
