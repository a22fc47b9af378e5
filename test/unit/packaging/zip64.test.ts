import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeFileHost } from '../../../server/src/core/manifest/host';
import { loadProject } from '../../../server/src/core/manifest/project';
import { buildPackage, BuildResult } from '../../../server/src/core/packaging/builder';
import { PackageReader } from '../../../server/src/core/packaging/reader';

/** Past 65,535 entries a zip needs ZIP64 end records: writers without them silently lose entries. */
const GROUPS = 66_000;
/** The groups, the workspace's own card and meta_data.json. */
const ENTRIES = GROUPS + 2;

const has = (tool: string, arg: string) => spawnSync(tool, [arg], { encoding: 'utf8' }).error === undefined;
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

describe(`zip64: a package of ${ENTRIES} entries`, () => {
  let dir: string;
  let file: string;
  let result: BuildResult;
  let names: string[];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-zip64-'));
    mkdirSync(path.join(dir, 'big'));
    const groups = Array.from({ length: GROUPS }, (_, i) => ({ code: `g${i}`, title: `Group ${i}` }));
    writeFileSync(path.join(dir, 'big', 'big.isola.json'), JSON.stringify({ kind: 'workspace', code: 'big', title: 'Big', version: '1.0.0', groups }));
    file = path.join(dir, 'big.isolapkg');
    const t0 = performance.now();
    const project = await loadProject(path.join(dir, 'big'), nodeFileHost);
    const pkg = project.packages.find((p) => p.code === 'big')!;
    result = await buildPackage({ project, pkg, out: file, history: {}, tool: { name: 'isola-test', version: '0' } });
    const took = seconds(t0);
    // Printed, not asserted: tests never assert wall-clock time (a busy machine took 210 s).
    console.log(`# zip64: loaded and built ${ENTRIES} entries in ${took} s`);
    names = [...result.descriptor.entries.map((e) => e.path), 'meta_data.json'].sort();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the builder indexes every entry', () => {
    assert.equal(names.length, ENTRIES);
    assert.equal(new Set(names).size, ENTRIES);
    assert.equal(result.descriptor.steps.find((s) => s.step === 'groups')!.cards, GROUPS);
    assert.equal(result.changed.length, GROUPS + 1);
  });

  it('the file ends with ZIP64 end records that count every entry', () => {
    const buf = readFileSync(file);
    const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    assert.ok(eocd > 0 && eocd >= buf.length - 22 - 0xffff, 'end of central directory record');
    assert.equal(buf.readUInt16LE(eocd + 10), 0xffff, 'the classic record says "see ZIP64"');
    const locator = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]), eocd);
    assert.equal(locator, eocd - 20, 'ZIP64 end of central directory locator');
    const z64 = Number(buf.readBigUInt64LE(locator + 8));
    assert.equal(buf.readUInt32LE(z64), 0x06064b50, 'ZIP64 end of central directory record');
    assert.equal(Number(buf.readBigUInt64LE(z64 + 24)), ENTRIES, 'entries on this disk');
    assert.equal(Number(buf.readBigUInt64LE(z64 + 32)), ENTRIES, 'entries in total');
  });

  it("Python's zipfile sees every entry, and testzip() finds no error", (t) => {
    if (!has('python3', '--version')) return t.skip('python3 is not installed');
    const t0 = performance.now();
    const py = 'import sys, json, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({"bad": z.testzip(), "names": z.namelist()}))';
    const r = spawnSync('python3', ['-c', py, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { bad: string | null; names: string[] };
    assert.equal(out.bad, null);
    assert.equal(out.names.length, ENTRIES);
    assert.deepEqual(out.names.sort(), names);
    t.diagnostic(`python3 zipfile: ${seconds(t0)} s`);
  });

  it('unzip -l and unzip -t see every entry', (t) => {
    if (!has('unzip', '-v')) return t.skip('unzip is not installed (apt-get install unzip)');
    const t0 = performance.now();
    const list = spawnSync('unzip', ['-l', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout.trimEnd().split('\n').pop()!, new RegExp(`\\s${ENTRIES} files$`));
    const listed = list.stdout.split('\n').map((l) => /^\s*\d+\s+\S+\s+\S+\s+(.+)$/.exec(l)?.[1]).filter((n): n is string => !!n && n !== 'Name');
    assert.deepEqual(listed.sort(), names);
    const test = spawnSync('unzip', ['-tq', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(test.status, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /No errors detected/);
    t.diagnostic(`unzip -l and -t: ${seconds(t0)} s`);
  });

  it('PackageReader.open and verify() accept it', async (t) => {
    const t0 = performance.now();
    const reader = await PackageReader.open(file);
    try {
      assert.equal(reader.entries.size, ENTRIES);
      assert.deepEqual([...reader.entries.keys()].sort(), names);
      await reader.verify();
      const card = JSON.parse((await reader.read(`groups/big.g${GROUPS - 1}.card.json`)).toString('utf8'));
      assert.equal(card.body.title, `Group ${GROUPS - 1}`);
    } finally {
      reader.close();
    }
    t.diagnostic(`PackageReader open + verify: ${seconds(t0)} s`);
  });
});
