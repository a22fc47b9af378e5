import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { has, lacks, listing, useServer } from './client';

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
const codes = (ds: Diagnostic[] | undefined) => (ds ?? []).map((d) => d.code).sort().join(' ');

/** The same project in two workspace folders: `w` references `x.y` (ISO004 alone) and `_ext.things` (ISO006 unless a catalog has it). */
function project(folder: string, catalog: string): Record<string, string> {
  return {
    [`${folder}/sol.isola.json`]: json({ kind: 'solution', code: 'sol', version: '1.0.0', includes: ['w.isola.json', 'x.isola.json'] }),
    [`${folder}/w.isola.json`]: json({
      kind: 'workspace', code: 'w', version: '1.0.0',
      apps: [{ code: 'a', title: 'A', fields: [{ code: 'f', title: 'F', type: 'app', app: 'x.y' }, { code: 'g', title: 'G', type: 'app', app: '_ext.things' }] }],
    }),
    [`${folder}/x.isola.json`]: json({ kind: 'workspace', code: 'x', version: '1.0.0', apps: [{ code: 'y', title: 'Y' }] }),
    [`${folder}/${catalog}`]: json({ namespaces: [{ code: '_ext', title: 'Ext', apps: [{ code: 'things', title: 'Things' }] }] }),
  };
}

describe('a multi-root workspace whose folders set `isola.check.builtins` and `isola.check.alone` differently', () => {
  const P = 'p/w.isola.json';
  const Q = 'q/w.isola.json';
  const delay = { delay: 20 };
  const server = useServer(undefined, {
    files: { ...project('p', 'extra.json'), ...project('q', 'catalog/q-extra.json'), ...project('r', 'extra.json') },
    folders: ['p', 'q'],
    // The workspace's own value sets nothing: each folder's decides.
    settings: { diagnostics: delay },
    folderSettings: {
      p: { diagnostics: delay, check: { builtins: 'extra.json', alone: ['w'] } },
      q: { diagnostics: delay, check: {} },
      r: { diagnostics: delay, check: { builtins: 'extra.json' } },
    },
  });

  it('each folder\'s manifests are checked with that folder\'s values', () => {
    const c = server();
    // p: its catalog knows `_ext`, and `w` is checked alone (ISO004 for `x.y`).
    assert.ok(lacks('ISO006')(c.diagnostics(P)!) && has('ISO004')(c.diagnostics(P)!), listing(c.diagnostics(P)));
    // q: no catalog, `w` in the solution's package.
    assert.ok(has('ISO006')(c.diagnostics(Q)!) && lacks('ISO004')(c.diagnostics(Q)!), listing(c.diagnostics(Q)));
  });

  it('a folder whose setting changes is checked again with its new value (a path relative to that folder); the other keeps its own', async () => {
    const c = server();
    const before = codes(c.diagnostics(P));
    await c.configure('q', { diagnostics: delay, check: { builtins: 'catalog/q-extra.json', alone: ['w'] } });
    await c.waitForDiagnostics(Q, (d) => lacks('ISO006')(d) && has('ISO004')(d));
    await c.settle();
    assert.equal(codes(c.diagnostics(P)), before);
    await c.configure('p', { diagnostics: delay, check: {} });
    await c.waitForDiagnostics(P, (d) => has('ISO006')(d) && lacks('ISO004')(d));
    await c.settle();
    assert.ok(lacks('ISO006')(c.diagnostics(Q)!) && has('ISO004')(c.diagnostics(Q)!), listing(c.diagnostics(Q)));
  });

  it('a folder added to the workspace later is checked with its own values from the start', async () => {
    const c = server();
    await c.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: c.uri('r'), name: 'r' }], removed: [] } });
    const ds = await c.waitForDiagnostics('r/w.isola.json', () => true);
    assert.ok(lacks('ISO006')(ds) && lacks('ISO004')(ds), listing(ds));
  });
});
