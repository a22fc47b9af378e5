import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UnpackRefused } from '../../../server/src/core/unpack/errors';
import { unpackPackage } from '../../../server/src/core/unpack/unpack';
import { build } from './roundTrip';

const REPO = path.resolve(__dirname, '../../../..');

// Workspace `shop` kept as `main.isola.json` (not where an unpack would put it), with a comma
// missing after the title: its kind and code still read, its apps do not.
const BROKEN = '{\n  "kind": "workspace",\n  "code": "shop",\n  "title": "Shop"\n  "apps": [{ "code": "orders", "title": "Orders (edited here)" }]\n}\n';

let tmp: string;
let shopPkg: string;
before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-unreadable-'));
  const src = path.join(tmp, 'src');
  mkdirSync(src);
  writeFileSync(path.join(src, 'shop.isola.json'), JSON.stringify({
    kind: 'workspace', code: 'shop', title: 'Shop', apps: [{ code: 'orders', title: 'Orders', fields: [{ code: 'n', type: 'string' }] }],
  }, null, 2));
  shopPkg = path.join(tmp, 'shop.isolapkg');
  await build(src, 'workspace', 'shop', shopPkg, 'none');
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh folder holding `files` (relative path → content). */
function folder(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(tmp, name);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

const listing = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe('unpack beside a manifest it cannot read', () => {
  it('of a unit the package carries: refused, naming the file, the unit and the way on; nothing written', async () => {
    const dir = folder('carried', { 'main.isola.json': BROKEN });
    await assert.rejects(unpackPackage({ file: shopPkg, dir }), (e: Error) => {
      assert.ok(e instanceof UnpackRefused, String(e));
      assert.equal(e.message, 'main.isola.json declares workspace shop, which the package carries, but cannot be read (line 5: comma expected): '
        + 'the unpack would write shop/shop.isola.json beside it, a second manifest of that unit; fix main.isola.json so it is edited in place, or pass --force to write shop/shop.isola.json beside it');
      return true;
    });
    assert.deepEqual(listing(dir), ['main.isola.json']);
    assert.equal(readFileSync(path.join(dir, 'main.isola.json'), 'utf8'), BROKEN);
    // A dry run is refused alike: the editor plans through one.
    await assert.rejects(unpackPackage({ file: shopPkg, dir, dryRun: true, stage: path.join(tmp, 'stage-carried') }), UnpackRefused);
  });

  it('with --force: the new manifest is written beside it, the old one left as it was, and a note says so', async () => {
    const dir = folder('forced', { 'main.isola.json': BROKEN });
    const r = await unpackPackage({ file: shopPkg, dir, force: true });
    assert.equal(r.files.find((f) => f.file === 'shop/shop.isola.json')?.status, 'created');
    assert.match(readFileSync(path.join(dir, 'shop/shop.isola.json'), 'utf8'), /"code": "orders"/);
    assert.equal(readFileSync(path.join(dir, 'main.isola.json'), 'utf8'), BROKEN);
    assert.ok(r.notes.includes('shop/shop.isola.json goes beside main.isola.json, which declares workspace shop too but cannot be read (line 5: comma expected): '
      + 'the folder has two manifests of that unit until main.isola.json is fixed and merged, or deleted'), r.notes.join('\n'));
  });

  it('of another unit: the unpack goes ahead as before, and says nothing of it', async () => {
    const dir = folder('unrelated', { 'main.isola.json': BROKEN.replace('"shop"', '"warehouse"') });
    const r = await unpackPackage({ file: shopPkg, dir });
    assert.equal(r.files.find((f) => f.file === 'shop/shop.isola.json')?.status, 'created');
    assert.deepEqual(r.notes.filter((n) => n.includes('main.isola.json')), []);
  });

  it('whose code cannot be made out (cut off before it): the unpack goes ahead, nothing says which unit it is', async () => {
    const dir = folder('unknown', { 'main.isola.json': '{ "kind": "workspace", "title": "Shop",\n  "apps": [ { "code": "orders", "title": "Orders"' });
    const r = await unpackPackage({ file: shopPkg, dir });
    assert.equal(r.files.find((f) => f.file === 'shop/shop.isola.json')?.status, 'created');
  });

  it('the examples\' broken_json (workspace warehouse) does not keep another package from their folder', async () => {
    const dir = path.join(tmp, 'examples');
    cpSync(path.join(REPO, 'examples/broken'), path.join(dir, 'broken'), { recursive: true });
    const r = await unpackPackage({ file: shopPkg, dir });
    assert.equal(r.files.find((f) => f.file === 'shop/shop.isola.json')?.status, 'created');
  });

  it('that is not UTF-8, of a unit the package carries: refused, naming the byte', async () => {
    // "Café" in Latin-1: the é (0xE9) is no UTF-8; the kind and code before it still read.
    const latin1 = Buffer.concat([Buffer.from('{\n  "kind": "workspace",\n  "code": "shop",\n  "title": "Caf'), Buffer.from([0xe9]), Buffer.from('"\n}\n')]);
    const dir = folder('latin1', { 'main.isola.json': latin1 });
    await assert.rejects(unpackPackage({ file: shopPkg, dir }), (e: Error) => e instanceof UnpackRefused
      && e.message.startsWith('main.isola.json declares workspace shop, which the package carries, but cannot be read (line 4: not valid UTF-8: byte 0xE9 at byte offset 58')
      && e.message.includes('pass --force'));
    assert.deepEqual(listing(dir), ['main.isola.json']);
    assert.ok(readFileSync(path.join(dir, 'main.isola.json')).equals(latin1));
  });

  it('where the unit\'s new manifest would go: refused, saying it is that unit\'s; --force replaces it', async () => {
    const dir = folder('samePath', { 'shop/shop.isola.json': BROKEN });
    await assert.rejects(unpackPackage({ file: shopPkg, dir }), (e: Error) => e instanceof UnpackRefused
      && e.message === 'shop/shop.isola.json declares workspace shop, which the package carries, but cannot be read (line 5: comma expected): '
        + 'the unpack would replace it with the package\'s; fix it so it is edited in place, or pass --force to replace it');
    assert.equal(readFileSync(path.join(dir, 'shop/shop.isola.json'), 'utf8'), BROKEN);
    const r = await unpackPackage({ file: shopPkg, dir, force: true });
    assert.equal(r.files.find((f) => f.file === 'shop/shop.isola.json')?.status, 'changed');
    assert.deepEqual(r.notes.filter((n) => n.includes('goes beside')), []);
  });

  it('an app manifest is the same app only in the same namespace', async () => {
    const src = folder('appSrc', { 'orders.isola.json': JSON.stringify({ kind: 'app', namespace: 'shop', code: 'orders', fields: [{ code: 'n', type: 'string' }] }) });
    const appPkg = path.join(tmp, 'orders.isolapkg');
    await build(src, 'app', 'orders', appPkg, 'none');
    const broken = (ns: string) => `{ "kind": "app", "namespace": "${ns}", "code": "orders",\n  "fields": [ { "code": "n" "type": "string" } ] }\n`;
    const dir = folder('app', { 'mine/orders.isola.json': broken('shop') });
    await assert.rejects(unpackPackage({ file: appPkg, dir }), (e: Error) => e instanceof UnpackRefused && e.message.startsWith('mine/orders.isola.json declares app orders, which the package carries, but cannot be read (line 2: comma expected)'));
    const other = folder('otherApp', { 'mine/orders.isola.json': broken('warehouse') });
    const r = await unpackPackage({ file: appPkg, dir: other });
    assert.ok(r.files.some((f) => f.file.endsWith('orders.isola.json') && f.status === 'created'), JSON.stringify(r.files));
  });

  it('is a refusal marked forceable; one --force does not get past is said first, unmarked, with or without --force', async () => {
    await assert.rejects(unpackPackage({ file: shopPkg, dir: folder('marked', { 'main.isola.json': BROKEN }) }), (e: Error) => e instanceof UnpackRefused && e.forceable);
    // SHOP differs from the shop/ the unpack makes only in letter case: no --force gets past that.
    const dir = folder('clash', { 'main.isola.json': BROKEN, 'SHOP/notes.txt': 'mine' });
    for (const force of [false, true]) {
      await assert.rejects(unpackPackage({ file: shopPkg, dir, force }), (e: Error) => {
        assert.ok(e instanceof UnpackRefused, String(e));
        assert.equal(e.message, 'shop/shop.isola.json: the folder already has SHOP, which differs only in letter case');
        assert.equal(e.forceable, false);
        return true;
      });
    }
    assert.deepEqual(listing(dir), ['SHOP', 'SHOP/notes.txt', 'main.isola.json']);
  });

  it('a module of the same code is the same namespace: refused too', async () => {
    const dir = folder('module', { 'main.isola.json': BROKEN.replace('"workspace"', '"module"') });
    await assert.rejects(unpackPackage({ file: shopPkg, dir }), (e: Error) => e instanceof UnpackRefused && e.message.startsWith('main.isola.json declares module shop, which the package carries'));
  });
});
