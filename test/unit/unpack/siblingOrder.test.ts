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
import { linkedOrder } from '../../../server/src/core/unpack/linkedOrder';
import { unpackPackage } from '../../../server/src/core/unpack/unpack';
import { contentOf } from './roundTrip';

// Top-level menu pages and org-chart units are cards of their own, and the order of a menu or of
// a unit's children is part of the design (ELMA365 imports "the entire structure of the
// workspace"; Protogrid: "the Menus field will be imported and overwritten in the target app").
// Each such card names the sibling it follows (`after`), so a package carries the order: a move
// is an update, and an unpack lays the siblings out as the project had them.

type Obj = Record<string, unknown>;
const NOW = new Date('2026-01-01T00:00:00Z');

const menu = (pages: string[]) => `{
  // The menu, in the order people see it.
  "kind": "workspace", "code": "menu", "version": "1.0.0", "languages": ["en"],
  "pages": [
${pages.map((p) => `    { "code": "${p}", "title": "${p}" }`).join(',\n')}
  ]
}
`;
const FIRST = ['start', 'orders_page', 'archive'];
const MOVED = ['orders_page', 'archive', 'start'];
// `includes` written where an unpack puts it, so that retrieving the package changes nothing.
const COMPANY = `{
  "kind": "configuration", "code": "co", "version": "1.0.0", "languages": ["en"],
  "includes": [],
  "orgChart": [ { "code": "zz_root" }, { "code": "ceo", "children": [ { "code": "sales" }, { "code": "finance" }, { "code": "board" } ] } ]
}
`;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-order-'));
  mkdirSync(path.join(dir, 'p'));
  for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, 'p', f), text);
  return dir;
}

/** Builds the project in `dir` as `isola build` does with `history`; the history after the build. */
async function build(dir: string, kind: string, code: string, out: string, history: History = {}): Promise<History> {
  const project = await loadProject(dir, nodeFileHost);
  const pkg = project.packages.find((p) => p.kind === kind && p.code === code)!;
  return (await buildPackage({ project, pkg, out, history, tool: { name: 'isola', version: 'test' }, now: NOW, createdBy: 'test' })).history;
}

async function cardsOf(file: string): Promise<Card[]> {
  const r = await PackageReader.open(file);
  try {
    return (await r.cards()).map((c) => c.card);
  } finally {
    r.close();
  }
}

const pageCodes = (file: string) => ((JSON.parse(readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Obj).pages as Obj[]).map((p) => p.code);

async function importInto(env: LocalClient, file: string): Promise<void> {
  const plan = await env.plan((await env.uploadPackage(file)).id);
  const job = await followJob(env, (await env.startImport(plan.id, 'cancel')).id, () => undefined, 20);
  assert.equal(job.status, 'succeeded', job.error);
}

async function exportTo(env: LocalClient, kind: string, code: string, file: string): Promise<void> {
  const job = await followJob(env, (await env.startExport({ kind, code, design: 'all', data: 'none' } as Parameters<LocalClient['startExport']>[0])).id, () => undefined, 20);
  assert.equal(job.status, 'succeeded', job.error);
  await env.downloadPackage(String(job.result!.package), file);
}

const actions = async (env: LocalClient, file: string) => (await env.plan((await env.uploadPackage(file)).id)).entities.map((e) => `${e.action} ${e.id}`).sort();

describe('the order of menu pages and org-chart siblings travels in a package', () => {
  it('each page card names the page it follows; a move changes only the cards whose predecessor changed', async () => {
    const tmp = folder({ 'menu.isola.json': menu(FIRST) });
    try {
      await build(path.join(tmp, 'p'), 'workspace', 'menu', path.join(tmp, 'v1.isolapkg'));
      const v1 = await cardsOf(path.join(tmp, 'v1.isolapkg'));
      const after = (cards: Card[]) => Object.fromEntries(cards.filter((c) => c.type === 'page').map((c) => [c.code, c.body.after]));
      assert.deepEqual(after(v1), { archive: 'orders_page', orders_page: 'start', start: undefined });
      writeFileSync(path.join(tmp, 'p', 'menu.isola.json'), menu(MOVED));
      await build(path.join(tmp, 'p'), 'workspace', 'menu', path.join(tmp, 'v2.isolapkg'));
      const v2 = await cardsOf(path.join(tmp, 'v2.isolapkg'));
      const hash = new Map(v1.map((c) => [c.id, c.hash]));
      assert.deepEqual(v2.filter((c) => c.hash !== hash.get(c.id)).map((c) => c.id), ['menu.orders_page', 'menu.start']);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a manifest\'s own `after` on a page, or `parent` on a top unit, is not carried: the links are the card\'s', async () => {
    const tmp = folder({
      'menu.isola.json': menu(FIRST).replace('{ "code": "start", "title": "start" }', '{ "code": "start", "title": "start", "after": "archive" }'),
      'co.isola.json': COMPANY.replace('{ "code": "zz_root" }', '{ "code": "zz_root", "parent": "ceo" }'),
    });
    try {
      await build(path.join(tmp, 'p'), 'workspace', 'menu', path.join(tmp, 'm.isolapkg'));
      await build(path.join(tmp, 'p'), 'configuration', 'co', path.join(tmp, 'c.isolapkg'));
      const body = async (f: string, id: string) => (await cardsOf(path.join(tmp, f))).find((c) => c.id === id)!.body;
      assert.deepEqual(await body('m.isolapkg', 'menu.start'), { code: 'start', title: 'start' });
      assert.deepEqual(await body('c.isolapkg', '#orgchart.zz_root'), { code: 'zz_root' });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a fresh unpack lays out pages, top units and each unit\'s children in the project\'s order, without `after`', async () => {
    const tmp = folder({ 'menu.isola.json': menu(FIRST), 'co.isola.json': COMPANY });
    try {
      await build(path.join(tmp, 'p'), 'workspace', 'menu', path.join(tmp, 'm.isolapkg'));
      await build(path.join(tmp, 'p'), 'configuration', 'co', path.join(tmp, 'c.isolapkg'));
      const m = await unpackPackage({ file: path.join(tmp, 'm.isolapkg'), dir: path.join(tmp, 'um') });
      const c = await unpackPackage({ file: path.join(tmp, 'c.isolapkg'), dir: path.join(tmp, 'uc') });
      assert.deepEqual([...m.notes, ...c.notes], []);
      assert.deepEqual(pageCodes(path.join(tmp, 'um', 'menu', 'menu.isola.json')), FIRST);
      const co = JSON.parse(readFileSync(path.join(tmp, 'uc', 'co.isola.json'), 'utf8')) as Obj;
      assert.deepEqual(co.orgChart, [{ code: 'zz_root' }, { code: 'ceo', children: [{ code: 'sales' }, { code: 'finance' }, { code: 'board' }] }]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a reorder is planned as an update of the moved pages, delivered, and an export unpacked and built again hashes alike', async () => {
    const tmp = folder({ 'menu.isola.json': menu(FIRST), 'co.isola.json': COMPANY });
    const env = await LocalClient.open(path.join(tmp, 'env'), 'ann');
    try {
      const dir = path.join(tmp, 'p');
      const history = await build(dir, 'workspace', 'menu', path.join(tmp, 'v1.isolapkg'));
      await importInto(env, path.join(tmp, 'v1.isolapkg'));
      writeFileSync(path.join(dir, 'menu.isola.json'), menu(MOVED));
      await build(dir, 'workspace', 'menu', path.join(tmp, 'v2.isolapkg'), history);
      assert.deepEqual(await actions(env, path.join(tmp, 'v2.isolapkg')), ['unchanged menu', 'unchanged menu.archive', 'update menu.orders_page', 'update menu.start']);
      await importInto(env, path.join(tmp, 'v2.isolapkg'));

      // Build, import, export, unpack, build: the same cards, and the menu as moved.
      await exportTo(env, 'namespace', 'menu', path.join(tmp, 'exported.isolapkg'));
      await unpackPackage({ file: path.join(tmp, 'exported.isolapkg'), dir: path.join(tmp, 'back') });
      assert.deepEqual(pageCodes(path.join(tmp, 'back', 'menu', 'menu.isola.json')), MOVED);
      await build(path.join(tmp, 'back'), 'workspace', 'menu', path.join(tmp, 'again.isolapkg'));
      assert.deepEqual((await contentOf(path.join(tmp, 'again.isolapkg'))).cards, (await contentOf(path.join(tmp, 'v2.isolapkg'))).cards);

      // The org chart likewise.
      await build(dir, 'configuration', 'co', path.join(tmp, 'co.isolapkg'));
      await importInto(env, path.join(tmp, 'co.isolapkg'));
      await exportTo(env, 'configuration', 'co', path.join(tmp, 'co_exported.isolapkg'));
      await unpackPackage({ file: path.join(tmp, 'co_exported.isolapkg'), dir: path.join(tmp, 'co_back') });
      await build(path.join(tmp, 'co_back'), 'configuration', 'co', path.join(tmp, 'co_again.isolapkg'));
      const units = async (f: string) => Object.entries((await contentOf(path.join(tmp, f))).cards).filter(([k]) => k.startsWith('orgUnit '));
      assert.deepEqual(await units('co_again.isolapkg'), await units('co.isolapkg'));
    } finally {
      await env.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('an environment that holds a page as a card without `after` made it is updated, not in conflict, when the history has that hash', async () => {
    const tmp = folder({ 'menu.isola.json': menu(FIRST) });
    const env = await LocalClient.open(path.join(tmp, 'env'), 'ann');
    try {
      const dir = path.join(tmp, 'p');
      await build(dir, 'workspace', 'menu', path.join(tmp, 'new.isolapkg'));
      // The same design as a build before cards carried their order wrote it, with its history.
      const r = await PackageReader.open(path.join(tmp, 'new.isolapkg'));
      const descriptor = r.descriptor;
      r.close();
      const old = (await cardsOf(path.join(tmp, 'new.isolapkg'))).map((c) => {
        const { after: _, ...body } = c.body;
        return { ...c, body, hash: sha256(canonicalJson(body)) };
      });
      const history: History = Object.fromEntries(old.map((c) => [c.id, [{ hash: c.hash, at: '2025-12-01T00:00:00.000Z' }]]));
      await writePackage({ out: path.join(tmp, 'old.isolapkg'), cards: old, files: [], data: [], descriptor: { ...descriptor, history } });
      await importInto(env, path.join(tmp, 'old.isolapkg'));
      // isola.history.json of the project holds the old hashes; the build records the new ones after them.
      await build(dir, 'workspace', 'menu', path.join(tmp, 'next.isolapkg'), history);
      assert.deepEqual(await actions(env, path.join(tmp, 'next.isolapkg')), ['unchanged menu', 'unchanged menu.start', 'update menu.archive', 'update menu.orders_page']);
      // Its export carries no order: a fresh unpack says so and lists the pages by code.
      await exportTo(env, 'namespace', 'menu', path.join(tmp, 'exported.isolapkg'));
      const u = await unpackPackage({ file: path.join(tmp, 'exported.isolapkg'), dir: path.join(tmp, 'back') });
      assert.deepEqual(pageCodes(path.join(tmp, 'back', 'menu', 'menu.isola.json')), ['archive', 'orders_page', 'start']);
      assert.deepEqual(u.notes, ['the package does not give the order of the menu pages of namespace menu: their cards name no sibling they follow (cards built before they carried it); a new manifest lists them by code, one already in the folder keeps its own order']);
      // Retrieved into the project, it leaves the menu as it is.
      const text = readFileSync(path.join(dir, 'menu.isola.json'), 'utf8');
      const back = await unpackPackage({ file: path.join(tmp, 'exported.isolapkg'), dir });
      assert.deepEqual(back.files.filter((x) => x.file.endsWith('.isola.json')).map((x) => x.status), ['unchanged']);
      assert.equal(readFileSync(path.join(dir, 'menu.isola.json'), 'utf8'), text);
    } finally {
      await env.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('retrieving into the folder that holds the manifests', () => {
  it('what was just built changes no byte; a package with another order moves the pages and units there', async () => {
    const tmp = folder({ 'menu.isola.json': menu(FIRST), 'co.isola.json': COMPANY });
    try {
      const dir = path.join(tmp, 'p');
      await build(dir, 'workspace', 'menu', path.join(tmp, 'same.isolapkg'));
      await build(dir, 'configuration', 'co', path.join(tmp, 'co.isolapkg'));
      const before = readFileSync(path.join(dir, 'menu.isola.json'), 'utf8');
      const coBefore = readFileSync(path.join(dir, 'co.isola.json'), 'utf8');
      for (const f of ['same.isolapkg', 'co.isolapkg']) {
        const r = await unpackPackage({ file: path.join(tmp, f), dir });
        assert.deepEqual(r.files.filter((x) => x.file.endsWith('.isola.json')).map((x) => x.status), ['unchanged']);
      }
      assert.equal(readFileSync(path.join(dir, 'menu.isola.json'), 'utf8'), before);
      assert.equal(readFileSync(path.join(dir, 'co.isola.json'), 'utf8'), coBefore);

      // A package of the moved menu and of a reordered org chart, retrieved into the old manifests.
      const company = COMPANY.replace('"sales" }, { "code": "finance" }', '"finance" }, { "code": "sales" }').replace('{ "code": "zz_root" }, { "code": "ceo"', '{ "code": "ceo"').replace('] } ]', '] }, { "code": "zz_root" } ]');
      const other = folder({ 'menu.isola.json': menu(MOVED), 'co.isola.json': company });
      try {
        await build(path.join(other, 'p'), 'workspace', 'menu', path.join(tmp, 'moved.isolapkg'));
        await build(path.join(other, 'p'), 'configuration', 'co', path.join(tmp, 'co_moved.isolapkg'));
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
      const r = await unpackPackage({ file: path.join(tmp, 'moved.isolapkg'), dir });
      assert.deepEqual(r.files.filter((x) => x.file.endsWith('.isola.json')).map((x) => `${x.status} ${x.entities}`), ['changed 2']);
      // Each element moves with its text; the comment, the layout and the lines stay.
      assert.equal(readFileSync(path.join(dir, 'menu.isola.json'), 'utf8'), menu(MOVED));
      await unpackPackage({ file: path.join(tmp, 'co_moved.isolapkg'), dir });
      assert.equal(readFileSync(path.join(dir, 'co.isola.json'), 'utf8'), company);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('siblings whose links do not give the whole order', () => {
  const s = (code: string, after?: string) => ({ el: { code }, after });
  const codes = (r: { els: Obj[] }) => r.els.map((e) => e.code);

  it('follow the links that are there; the rest by code, whatever order the cards come in', () => {
    const whole = [s('c', 'a'), s('a'), s('b', 'c')];
    assert.deepEqual(linkedOrder(whole), { els: [{ code: 'a' }, { code: 'c' }, { code: 'b' }], gaps: [], unlinked: false });
    assert.deepEqual(codes(linkedOrder([...whole].reverse())), ['a', 'c', 'b']);
    const r = linkedOrder([s('x', 'gone'), s('b', 'a'), s('a'), s('c', 'a'), s('q', 'p'), s('p', 'q')]);
    assert.deepEqual(codes(r), ['a', 'b', 'c', 'x', 'p', 'q']);
    assert.deepEqual(r.gaps, ['x follows gone, which is not one of them', 'b, c each follow a', 'p, q follow each other in a cycle']);
    assert.deepEqual(linkedOrder([s('b'), s('a')]), { els: [{ code: 'a' }, { code: 'b' }], gaps: [], unlinked: true });
    assert.deepEqual(linkedOrder([s('b'), s('a'), s('c', 'a')]).gaps, ['a, b each come first']);
  });
});
