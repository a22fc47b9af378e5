import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import { openPackageView } from '../../../server/src/core/environment/packageView';
import { recordIdsCheck } from '../../../server/src/core/environment/recordIds';
import { HttpClient } from '../../../server/src/env/client';
import { createHandler } from '../../../server/src/env/http';
import { isola } from '../packaging/hostile';

// A plan reads every record of the package it checks (seconds at hundreds of thousands): Ctrl+C in
// `isola import`, Cancel in the editor, or a client that hangs up stops it then, not when the
// plan is made and nobody waits for it any more.

describe('a plan that is stopped', () => {
  let dir: string;
  let pkg: string;
  const me = Environment.localCaller('dev');

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-planstop-'));
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'data'), { recursive: true });
    writeFileSync(path.join(src, 'sales.isola.json'), JSON.stringify({ kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'items', fields: [{ code: 'name', type: 'string' }] }], data: { items: 'data/items.jsonl' } }));
    // Three chunks of records (10,000 lines each), so the read has batches after the first.
    const lines = Array.from({ length: 25_000 }, (_, i) => `{"id":"r${i}","name":"n${i}"}`);
    writeFileSync(path.join(src, 'data', 'items.jsonl'), lines.join('\n') + '\n');
    pkg = path.join(dir, 'sales.isolapkg');
    const r = isola(['build', src, '--package', 'sales', '--data', 'all', '--out', pkg]);
    assert.equal(r.code, 0, r.out + r.err);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stops reading records at the next batch once its signal is aborted', async () => {
    const view = await openPackageView(pkg, undefined, new Date().toISOString());
    try {
      const stop = new AbortController();
      const read = view.reader.recordLines.bind(view.reader);
      // The signal comes while the first batch is being checked (as Ctrl+C would).
      view.reader.recordLines = async function* (app: string) {
        for await (const b of read(app)) {
          yield b;
          stop.abort(new Error('stopped by the test'));
        }
      };
      await assert.rejects(recordIdsCheck(view, stop.signal), /stopped by the test/);
      // Not stopped, the same check reads every record and passes.
      view.reader.recordLines = read;
      assert.equal((await recordIdsCheck(view)).ok, true);
    } finally {
      view.reader.close();
    }
  });

  it('is refused by the engine with the signal\'s reason, and the next plan is made as usual', async () => {
    const env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    try {
      const stored = await env.registerFile(me, pkg);
      const stop = new AbortController();
      stop.abort(new Error('Ctrl+C'));
      await assert.rejects(env.plan(me, { package: stored.id }, stop.signal), /Ctrl\+C/);
      const p = await env.plan(me, { package: stored.id });
      assert.equal(p.ok, true, JSON.stringify(p.checks.filter((c) => !c.ok)));
      assert.equal(p.counts.create, 2);
    } finally {
      await env.close();
    }
  });

  it('over HTTP: the client stops waiting at once, and the service stops the plan when the client hangs up', async () => {
    // A stand-in engine whose plan waits for its signal: the service must hand one over and abort it.
    let aborted: unknown;
    let asked!: () => void;
    const planAsked = new Promise<void>((r) => (asked = r));
    const engine = {
      authenticate: async () => me,
      plan: (_c: unknown, _o: unknown, signal?: AbortSignal) => new Promise((_resolve, reject) => {
        asked();
        signal?.addEventListener('abort', () => {
          aborted = signal.reason;
          reject(signal.reason);
        });
      }),
    };
    const server: Server = createServer(createHandler(engine as unknown as Environment, '0'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const client = new HttpClient('staging', `http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'token');
      const stop = new AbortController();
      const planning = client.plan('k_1', undefined, undefined, stop.signal);
      await planAsked;
      stop.abort(new Error('Ctrl+C'));
      await assert.rejects(planning, /Ctrl\+C/);
      for (let i = 0; i < 100 && aborted === undefined; i++) await new Promise((r) => setTimeout(r, 10));
      assert.match(String((aborted as Error | undefined)?.message), /client went away/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
