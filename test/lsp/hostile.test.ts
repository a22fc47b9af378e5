import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { DidChangeWatchedFilesNotification, FileChangeType, Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import { EXAMPLES, has, listing, messageOf, positionOf, useServer } from './client';

const PREFIX = '{"kind": "workspace", "code": "deep", "x": ';
const LIMIT = 256;

describe('the language server on hostile manifests (invoices)', () => {
  const server = useServer(path.join(EXAMPLES, 'invoices'));
  const INVOICES = 'invoices.isola.json';

  for (const depth of [10_000, 100_000]) {
    it(`reports a manifest nested ${depth.toLocaleString('en')} deep, answers requests on it, and keeps serving`, async () => {
      const c = server();
      const rel = `deep${depth}.isola.json`;
      const doc = { uri: c.uri(rel) };
      await c.open(rel, `${PREFIX}${'['.repeat(depth)}${']'.repeat(depth)}}`);
      const ds = await c.waitForDiagnostics(rel, has('MAN002'), 15_000);
      assert.equal(ds.length, 1, listing(ds));
      assert.match(messageOf(ds[0]), new RegExp(`deeper than ${LIMIT} levels`));
      assert.deepEqual(ds[0].range.start, { line: 0, character: PREFIX.length + LIMIT - 1 });

      // Requests that read the text itself (the schema service, the completion context) inside the deep part.
      const position = { line: 0, character: PREFIX.length + 5000 };
      assert.equal(await c.request('textDocument/hover', { textDocument: doc, position }), null);
      assert.equal(await c.request('textDocument/completion', { textDocument: doc, position }), null);
      assert.deepEqual(await c.request('textDocument/documentSymbol', { textDocument: doc }), []);

      // The rest of the workspace is still served.
      const at = positionOf(c.read(INVOICES), '_clients._companies', 3);
      const hover = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: c.uri(INVOICES) }, position: at });
      assert.match((hover?.contents as MarkupContent | undefined)?.value ?? '', /_companies/);
      assert.doesNotMatch(c.stderr, /RangeError|Maximum call stack/, c.stderr.slice(-2000));
      await c.close(rel);
    });
  }

  it('reports a FIFO that appears as a manifest on disk, without hanging on it', async (t) => {
    const c = server();
    const rel = 'pipe.isola.json';
    if (spawnSync('mkfifo', [c.path(rel)]).status !== 0) return t.skip('no mkfifo here');
    await c.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: c.uri(rel), type: FileChangeType.Created }] });
    const ds = await c.waitForDiagnostics(rel, has('MAN002'), 15_000);
    assert.deepEqual(ds.map((d) => d.code), ['MAN002'], listing(ds));
    assert.match(messageOf(ds[0]), /^This manifest cannot be read: it is a FIFO/);
    await c.settle();
  });
});
