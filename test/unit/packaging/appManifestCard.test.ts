/**
 * The card of an app declared by an app manifest: only what belongs to the app, as when a
 * workspace declares the same app inline. Its processes, widgets, templates, counters, groups
 * and permissions travel as cards of their own and its records as a data set, so none of them,
 * and no path of the project, is part of the app's hash.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { followJob } from '../../../server/src/env/client';
import { LocalClient } from '../../../server/src/env/localClient';
import { nodeFileHost } from '../../../server/src/core/manifest/host';
import { loadProject } from '../../../server/src/core/manifest/project';
import { buildPackage } from '../../../server/src/core/packaging/builder';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import type { Card, History } from '../../../server/src/core/packaging/format';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { writePackage } from '../../../server/src/core/packaging/writer';
import { contentOf } from '../unpack/roundTrip';

type Obj = Record<string, unknown>;

const PROCESS = { code: 'approve', app: 'orders', title: 'Approve v1', scripts: [{ code: 'run', file: 'scripts/run.ts' }] };
const APP = { code: 'orders', title: 'Orders', fields: [{ code: 'n', type: 'string' }], permissions: [{ group: 'clerks', access: 'read' }] };
const LISTS = { processes: [PROCESS], widgets: [{ code: 'board', title: 'Board' }], counters: [{ code: 'numbers' }], groups: [{ code: 'clerks', title: 'Clerks' }] };

/** Workspace `ws` with app `orders` in a manifest of its own: its processes, widgets, ... and data with it. */
function appManifestProject(dir: string): string {
  mkdirSync(path.join(dir, 'ws', 'apps', 'scripts'), { recursive: true });
  mkdirSync(path.join(dir, 'ws', 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'ws', 'ws.isola.json'), JSON.stringify({ kind: 'workspace', code: 'ws', version: '1.0.0', languages: ['en'] }));
  const manifest = { $schema: 'https://isola.dev/schemas/app.schema.json', kind: 'app', namespace: 'ws', ...APP, ...LISTS, data: { orders: '../data/orders.jsonl' } };
  writeFileSync(path.join(dir, 'ws', 'apps', 'orders.isola.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(path.join(dir, 'ws', 'apps', 'scripts', 'run.ts'), 'export const run = 1;\n');
  writeFileSync(path.join(dir, 'ws', 'data', 'orders.jsonl'), '{"id":"1","n":"first"}\n');
  return path.join(dir, 'ws', 'apps', 'orders.isola.json');
}

/** The same design with the app declared inline in the workspace, which declares the rest too. */
function inlineProject(dir: string): void {
  mkdirSync(path.join(dir, 'ws', 'scripts'), { recursive: true });
  mkdirSync(path.join(dir, 'ws', 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'ws', 'ws.isola.json'), JSON.stringify({
    kind: 'workspace', code: 'ws', version: '1.0.0', languages: ['en'], apps: [APP], ...LISTS, data: { orders: 'data/orders.jsonl' },
  }));
  writeFileSync(path.join(dir, 'ws', 'scripts', 'run.ts'), 'export const run = 1;\n');
  writeFileSync(path.join(dir, 'ws', 'data', 'orders.jsonl'), '{"id":"1","n":"first"}\n');
}

/** Builds workspace `ws` of `dir` with its data, from `history`; returns the history after the build. */
async function buildWs(dir: string, out: string, history: History): Promise<History> {
  const project = await loadProject(dir, nodeFileHost);
  const pkg = project.packages.find((p) => p.kind === 'workspace' && p.code === 'ws')!;
  return (await buildPackage({ project, pkg, out, history, tool: { name: 'isola', version: 'test' }, data: 'all', createdBy: 'test' })).history;
}

async function cardsOf(file: string): Promise<Card[]> {
  const r = await PackageReader.open(file);
  try {
    return (await r.cards()).map((x) => x.card);
  } finally {
    r.close();
  }
}

async function importInto(env: LocalClient, file: string): Promise<void> {
  const plan = await env.plan((await env.uploadPackage(file)).id, undefined, { data: 'all' });
  const job = await followJob(env, (await env.startImport(plan.id, 'cancel')).id, () => undefined, 20);
  assert.equal(job.status, 'succeeded', job.error);
}

async function planOf(env: LocalClient, file: string): Promise<string[]> {
  const plan = await env.plan((await env.uploadPackage(file)).id, undefined, { data: 'all' });
  return plan.entities.filter((e) => e.action !== 'unchanged').map((e) => `${e.action} ${e.id}${e.kept?.length ? ` kept ${e.kept.join(',')}` : ''}`);
}

/**
 * The package as builds before this card shape wrote it: the app card's body is the app manifest
 * whole (without `$schema` and permissions), its processes' script paths as the project gave
 * them; the package's history of the app is that hash.
 */
async function asEarlierBuild(file: string, manifestFile: string, out: string): Promise<string> {
  const r = await PackageReader.open(file);
  try {
    await r.verify();
    const { $schema: _s, permissions: _p, ...body } = JSON.parse(readFileSync(manifestFile, 'utf8')) as Obj;
    const hash = sha256(canonicalJson(body));
    const cards = (await r.cards()).map(({ card }) => (card.id === 'ws.orders' ? { ...card, body, hash } : card));
    const files = await Promise.all(r.descriptor.entries.filter((e) => e.path.startsWith('scripts/')).map(async (e) => ({ path: e.path, data: await r.read(e.path) })));
    const { steps: _st, data: _d, entries: _e, ...descriptor } = r.descriptor;
    await writePackage({ out, cards, files, data: [], descriptor: { ...descriptor, history: { ...descriptor.history, 'ws.orders': [{ hash, at: descriptor.createdAt }] } } });
    return hash;
  } finally {
    r.close();
  }
}

describe("an app manifest's app card", () => {
  it('is the card the same app gets declared inline: no processes, widgets, counters, groups, data, kind or namespace, no project path', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-app-card-'));
    try {
      appManifestProject(path.join(tmp, 'manifest'));
      inlineProject(path.join(tmp, 'inline'));
      await buildWs(path.join(tmp, 'manifest'), path.join(tmp, 'manifest.isolapkg'), {});
      await buildWs(path.join(tmp, 'inline'), path.join(tmp, 'inline.isolapkg'), {});
      const app = (await cardsOf(path.join(tmp, 'manifest.isolapkg'))).find((c) => c.id === 'ws.orders')!;
      assert.deepEqual(app.body, { code: 'orders', title: 'Orders', fields: [{ code: 'n', type: 'string' }] });
      const [manifest, inline] = [await contentOf(path.join(tmp, 'manifest.isolapkg')), await contentOf(path.join(tmp, 'inline.isolapkg'))];
      assert.deepEqual(manifest.cards, inline.cards);
      assert.deepEqual(manifest.data, inline.data);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("keeps its hash when only a process changes: a change made to the app in the environment is no conflict", async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-app-card-env-'));
    const env = await LocalClient.open(path.join(tmp, 'env'), 'ann');
    try {
      const dir = path.join(tmp, 'p');
      const manifestFile = appManifestProject(dir);
      const v1 = path.join(tmp, 'v1.isolapkg');
      const history = await buildWs(dir, v1, {});
      await importInto(env, v1);
      const app = await env.entity('ws.orders');
      await env.changeEntity('ws.orders', { body: { ...app.body, fields: [...(app.body.fields as Obj[]), { code: 'env_added', type: 'string' }] } });
      writeFileSync(manifestFile, readFileSync(manifestFile, 'utf8').replace('Approve v1', 'Approve v2'));
      const v2 = path.join(tmp, 'v2.isolapkg');
      await buildWs(dir, v2, history);
      assert.deepEqual(await planOf(env, v2), ['update ws.approve']);
    } finally {
      await env.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('an environment holding the card an earlier build wrote sees an update from the next build, and keeps none of the lists that card held', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-app-card-compat-'));
    const env = await LocalClient.open(path.join(tmp, 'env'), 'ann');
    try {
      const dir = path.join(tmp, 'p');
      const manifestFile = appManifestProject(dir);
      const built = path.join(tmp, 'built.isolapkg');
      const history = await buildWs(dir, built, {});
      // The earlier build recorded its hash of the app in the project's history, as every build does.
      const earlier = path.join(tmp, 'earlier.isolapkg');
      const oldHash = await asEarlierBuild(built, manifestFile, earlier);
      await importInto(env, earlier);
      assert.ok(Array.isArray((await env.entity('ws.orders')).body.processes));
      const next = path.join(tmp, 'next.isolapkg');
      const after = await buildWs(dir, next, { ...history, 'ws.orders': [{ hash: oldHash, at: '2026-01-01T00:00:00.000Z' }] });
      assert.deepEqual(after['ws.orders'].map((h) => h.hash), [oldHash, (await cardsOf(next)).find((c) => c.id === 'ws.orders')!.hash]);
      assert.deepEqual(await planOf(env, next), ['update ws.orders']);
      await importInto(env, next);
      const body = (await env.entity('ws.orders')).body;
      for (const k of ['processes', 'widgets', 'counters', 'groups', 'data']) assert.equal(body[k], undefined, k);
      assert.deepEqual(await planOf(env, next), []);
    } finally {
      await env.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
