/**
 * Files too large to read whole, named by a manifest or by the settings: the language server
 * reports them and goes on serving the whole workspace, and recovers once they are fixed. The
 * files are grown with zero bytes by `fs.truncateSync` (sparse: no time, no disk), and cut back
 * to their own text the same way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import type { BuildPackageResult } from '../../server/src/protocol';
import { EXAMPLES, has, lacks, listing, LspClient, messageOf, useServer } from './client';

const INVOICES = path.join(EXAMPLES, 'invoices');
const MANIFEST = 'invoices.isola.json';
const SCRIPT = 'scripts/find_contractor.ts';
const TEMPLATE = 'templates/invoice.docx.txt';
const MB = 1024 * 1024;
const sizeOf = (rel: string) => fs.statSync(path.join(INVOICES, rel)).size;

interface PackageRow { code: string; errorCodes: string[] }

/** Tells the server a file on disk changed, as the editor's watcher does. */
const changed = (c: LspClient, rel: string) =>
  c.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: c.uri(rel), type: FileChangeType.Changed }] });

describe('the language server on a script too large to read, from the start', () => {
  // Without a limit the read of this script threw, and nothing was ever published.
  const server = useServer(INVOICES, { sizes: { [SCRIPT]: 700 * MB } });

  it('publishes the manifest\'s diagnostics with a MAN003 that names the script and its size', async () => {
    const c = server();
    const ds = c.diagnostics(MANIFEST) ?? [];
    const found = ds.filter((d) => d.code === 'MAN003');
    assert.equal(found.length, 1, listing(ds));
    assert.match(messageOf(found[0]), /Script file `scripts\/find_contractor\.ts` cannot be read: it is 700 MB, over the limit of 64 MB/);
  });

  it('answers custom requests, and the build refuses the package with that finding', async () => {
    const c = server();
    const rows = await c.request<PackageRow[]>('isola/packages', {});
    assert.deepEqual(rows.map((r) => `${r.code} ${r.errorCodes.join(',')}`), ['invoices MAN003']);
    const r = await c.request<BuildPackageResult>('isola/buildPackage', { uri: c.uri(MANIFEST), data: 'none', out: c.path('invoices.isolapkg') });
    assert.equal(r.built, undefined, JSON.stringify(r));
    assert.ok(r.refused?.findings.some((d) => d.code === 'MAN003' && /cannot be read: it is 700 MB/.test(d.message)), JSON.stringify(r));
    assert.ok(!fs.existsSync(c.path('invoices.isolapkg')));
  });

  it('drops the finding once the script is its own size again and the watcher says so', async () => {
    const c = server();
    fs.truncateSync(c.path(SCRIPT), sizeOf(SCRIPT));
    await changed(c, SCRIPT);
    const ds = await c.waitForDiagnostics(MANIFEST, lacks('MAN003'), 15_000);
    assert.deepEqual(ds, [], listing(ds));
  });
});

describe('the language server on linked files that grow too large after the first check', () => {
  const server = useServer(INVOICES);

  for (const rel of [SCRIPT, TEMPLATE]) {
    it(`reports ${rel} grown past the limit, and forgets it when it shrinks back`, async () => {
      const c = server();
      assert.deepEqual(c.diagnostics(MANIFEST), []);
      fs.truncateSync(c.path(rel), 700 * MB);
      await changed(c, rel);
      const ds = await c.waitForDiagnostics(MANIFEST, has('MAN003'), 15_000);
      assert.match(messageOf(ds.find((d) => d.code === 'MAN003')!), new RegExp(`\`${rel.replace(/\./g, '\\.')}\` cannot be read: it is 700 MB`));
      fs.truncateSync(c.path(rel), sizeOf(rel));
      await changed(c, rel);
      assert.deepEqual(await c.waitForDiagnostics(MANIFEST, lacks('MAN003'), 15_000), []);
    });
  }
});

describe('the language server with isola.check.builtins naming a file too large to read', () => {
  // Without a limit the catalog's read threw before the server was marked started: no request
  // was ever answered and nothing was published.
  const server = useServer(INVOICES, {
    files: { 'cat.json': '{}' },
    sizes: { 'cat.json': 600 * MB },
    settings: { check: { builtins: 'cat.json' }, diagnostics: { delay: 20 } },
  });

  it('starts with the standard catalog, says why, checks and answers', async () => {
    const c = server();
    assert.deepEqual(c.diagnostics(MANIFEST), []);
    const rows = await c.request<PackageRow[]>('isola/packages', {});
    assert.deepEqual(rows.map((r) => r.code), ['invoices']);
    assert.ok(c.shown.some((m) => /built-in catalog .*cat\.json cannot be read \(it is 600 MB, over the limit of 64 MB/.test(m)), JSON.stringify(c.shown));
  });
});
