import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Environment } from '../../../server/src/core/environment/environment';
import type { ImportPlan } from '../../../server/src/core/environment/types';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { writePackage } from '../../../server/src/core/packaging/writer';
import { isola } from '../packaging/hostile';

// A plan must not tell an owner which of another owner's entities exist: the references check
// looked every referenced id up, in any namespace, and said "resolves" or "resolves neither".

/** A one-manifest project in `dir`, built into `out`. */
function build(dir: string, manifest: Record<string, unknown>, out: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${manifest.code}.isola.json`), JSON.stringify(manifest, null, 2));
  const r = isola(['build', dir, '--package', String(manifest.code), '--out', out]);
  assert.equal(r.code, 0, r.out + r.err);
  return out;
}

/** The package at `file` with app `app`'s fields pointing at `targets` (a build refuses that: ISO004). */
async function pointing(file: string, app: string, targets: string[], out: string): Promise<string> {
  const reader = await PackageReader.open(file);
  try {
    const cards = (await reader.cards()).map((c) => c.card);
    const card = cards.find((c) => c.id === app)!;
    card.body.fields = targets.map((t, i) => ({ code: `f${i}`, type: 'app', app: t }));
    card.hash = sha256(canonicalJson(card.body));
    const d = reader.descriptor;
    await writePackage({ out, cards, files: [], data: [], descriptor: { ...d, history: { ...d.history, [card.id]: [...(d.history?.[card.id] ?? []), { hash: card.hash, at: new Date().toISOString() }] } } });
    return out;
  } finally {
    reader.close();
  }
}

const check = (plan: ImportPlan, name: string) => plan.checks.find((c) => c.name === name)!;

describe('the references check of a plan', () => {
  it('looks up nothing in a namespace the caller may not read, and says so instead of which exist', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-refreads-'));
    const env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    const admin = Environment.localCaller('admin');
    const ann = { id: 2, name: 'ann', admin: false, namespaces: ['dt'] };
    try {
      // Bob's workspace, with an app `secrets`, imported by the administrator.
      const pay = build(path.join(dir, 'payments'), { kind: 'workspace', code: 'payments', title: 'P', version: '1.0.0', languages: ['en'], apps: [{ code: 'secrets' }] }, path.join(dir, 'payments.isolapkg'));
      const p0 = await env.plan(admin, { package: (await env.registerFile(admin, pay)).id });
      assert.equal((await env.waitForJob((await env.startImport(admin, { plan: p0.id })).id)).status, 'succeeded');

      // Ann's package: one field at bob's app that exists, one at an app that does not.
      const own = build(path.join(dir, 'dt'), { kind: 'workspace', code: 'dt', title: 'D', version: '1.0.0', languages: ['en'], apps: [{ code: 'items' }] }, path.join(dir, 'dt.isolapkg'));
      const pkg = (await env.registerFile(admin, await pointing(own, 'dt.items', ['payments.secrets', 'payments.nothing_here'], path.join(dir, 'dt2.isolapkg')))).id;

      const hers = await env.plan(ann, { package: pkg });
      const refs = check(hers, 'references');
      assert.ok(refs.ok, JSON.stringify(refs));
      assert.doesNotMatch(JSON.stringify(refs), /resolves neither/);
      assert.match(refs.message, /2 into other owners' namespaces were not looked up/);
      // The same words for the app that exists and the one that does not.
      assert.deepEqual(refs.details, [
        'payments.secrets was not looked up: reading it needs the environment administrator or the owner of `payments`',
        'payments.nothing_here was not looked up: reading it needs the environment administrator or the owner of `payments`',
      ]);
      // Both still break isolation.
      const iso = check(hers, 'isolation');
      assert.equal(iso.ok, false);
      assert.equal(iso.details?.filter((l) => /^ISO004 dt\.items: app `payments\.(secrets|nothing_here)` is outside workspace `dt`/.test(l)).length, 2, JSON.stringify(iso));

      // The administrator reads every namespace: the missing app is named.
      const theirs = check(await env.plan(admin, { package: pkg }), 'references');
      assert.equal(theirs.ok, false);
      assert.deepEqual(theirs.details, ['dt.items: app `payments.nothing_here` resolves neither in the package nor in the environment']);
    } finally {
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the isolation check of an export', () => {
  it('answers alike for another owner\'s entity that exists and one that does not', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-refreads-export-'));
    const env = await Environment.open({ dataDir: path.join(dir, 'env'), name: 'local' });
    const admin = Environment.localCaller('admin');
    const ann = { id: 2, name: 'ann', admin: false, namespaces: ['dt'] };
    try {
      for (const m of [
        { kind: 'workspace', code: 'payments', title: 'P', version: '1.0.0', languages: ['en'], apps: [{ code: 'secrets' }] },
        { kind: 'workspace', code: 'dt', title: 'D', version: '1.0.0', languages: ['en'], apps: [{ code: 'items' }] },
      ]) {
        const file = build(path.join(dir, m.code), m, path.join(dir, `${m.code}.isolapkg`));
        const p = await env.plan(admin, { package: (await env.registerFile(admin, file)).id });
        assert.equal((await env.waitForJob((await env.startImport(admin, { plan: p.id })).id)).status, 'succeeded');
      }
      // Ann points her app at bob's app that exists and at one that does not, then exports her workspace.
      const items = await env.entity(ann, 'dt.items');
      await env.changeEntity(ann, 'dt.items', { body: { ...items.body, fields: [{ code: 'a', type: 'app', app: 'payments.secrets' }, { code: 'b', type: 'app', app: 'payments.nothing_here' }] } });
      const job = await env.waitForJob((await env.startExport(ann, { kind: 'workspace', code: 'dt' })).id);
      assert.equal(job.status, 'failed');
      const lines = (job.result?.details ?? []) as string[];
      const about = (app: string) => lines.filter((l) => l.includes(`payments.${app}`)).map((l) => l.replace(app, 'X'));
      assert.equal(about('secrets').length, 1, JSON.stringify(lines));
      assert.deepEqual(about('secrets'), about('nothing_here'), 'the same words whether the app exists or not');
      assert.match(about('secrets')[0], /^ISO004 /);
    } finally {
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
