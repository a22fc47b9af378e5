import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_LIMITS, RATIO_MIN_BYTES } from '../../../server/src/core/packaging/format';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { isola, sha256 } from './hostile';

/** 300 records of one phrase repeated (3.6 MB, deflating about 500 times) and a template of 1.5 MB of spaces (over 1000 times). */
const RECORDS = Array.from({ length: 300 }, (_, i) => JSON.stringify({ id: i, t: 'lorem '.repeat(2000) }));
const DATA = RECORDS.join('\n') + '\n';
const TEMPLATE = Buffer.alloc(1_500_000, ' ');
const CHUNK = 'data/rep.r/00000.jsonl';
const TEMPLATE_ENTRY = 'templates/files/rep.blank.txt';

const has = (tool: string, arg: string) => spawnSync(tool, [arg], { encoding: 'utf8' }).error === undefined;

describe('a package of highly repetitive data and templates', () => {
  let dir: string;
  let file: string;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'isola-repetitive-'));
    const ws = path.join(dir, 'rep');
    mkdirSync(path.join(ws, 'data'), { recursive: true });
    mkdirSync(path.join(ws, 'templates'));
    writeFileSync(path.join(ws, 'rep.isola.json'), JSON.stringify({
      kind: 'workspace', code: 'rep', title: 'Repetitive', version: '1.0.0',
      apps: [{ code: 'r', fields: [{ code: 't', type: 'text' }] }],
      templates: [{ code: 'blank', title: 'Blank', file: 'templates/blank.txt', app: 'r' }],
      data: { r: 'data/r.jsonl' },
    }));
    writeFileSync(path.join(ws, 'data', 'r.jsonl'), DATA);
    writeFileSync(path.join(ws, 'templates', 'blank.txt'), TEMPLATE);
    file = path.join(dir, 'rep.isolapkg');
    const r = isola(['build', ws, '--package', 'rep', '--data', 'all', '--out', file]);
    assert.equal(r.code, 0, r.err);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the reader opens it and reads the records and the template back, every checksum verified', async () => {
    const reader = await PackageReader.open(file);
    try {
      await reader.verify();
      assert.deepEqual(await reader.read(TEMPLATE_ENTRY), TEMPLATE);
      assert.equal((await reader.read(CHUNK)).toString('utf8'), DATA);
      const ids: unknown[] = [];
      for await (const r of reader.records('rep.r')) ids.push(r.id);
      assert.deepEqual(ids, RECORDS.map((_, i) => i));
      assert.equal(reader.descriptor.entries.find((e) => e.path === CHUNK)!.sha256, sha256(DATA));
    } finally {
      reader.close();
    }
  });

  it('the entries that deflate past the ratio limit keep their start as it is, under the limit and still small; the others deflate whole', async () => {
    const reader = await PackageReader.open(file);
    try {
      for (const name of [CHUNK, TEMPLATE_ENTRY]) {
        const e = reader.entries.get(name)!;
        assert.ok(e.uncompressedSize >= RATIO_MIN_BYTES, name);
        assert.equal(e.compressionMethod, 8, `${name} is deflated`);
        const ratio = e.uncompressedSize / e.compressedSize;
        assert.ok(ratio <= DEFAULT_LIMITS.maxRatio / 2 && ratio > 50, `${name} expands ${ratio.toFixed(1)} times`);
      }
      // 5.1 MB of content; stored whole, the package was that large.
      assert.ok(statSync(file).size < 150_000, `the package is ${statSync(file).size} bytes`);
      for (const name of ['menu/rep.card.json', 'apps/rep.r.card.json', 'meta_data.json']) assert.equal(reader.entries.get(name)!.compressionMethod, 8, `${name} is deflated`);
      assert.equal(DEFAULT_LIMITS.maxRatio, 200, 'the reader keeps its limit');
    } finally {
      reader.close();
    }
  });

  it('isola inspect accepts it, and isola unpack writes the records and the template back', () => {
    const inspect = isola(['inspect', file]);
    assert.equal(inspect.code, 0, inspect.err);
    assert.match(inspect.out, /rep\.r: 300 records in 1 chunk/);
    const target = path.join(dir, 'unpacked');
    const unpack = isola(['unpack', file, '--dir', target]);
    assert.equal(unpack.code, 0, unpack.err);
    assert.equal(readFileSync(path.join(target, 'rep', 'data', 'r.jsonl'), 'utf8'), DATA);
    assert.deepEqual(readFileSync(path.join(target, 'rep', 'templates', 'blank.txt')), TEMPLATE);
  });

  it('unzip -t and Python zipfile find no error', (t) => {
    if (has('unzip', '-v')) {
      const r = spawnSync('unzip', ['-tq', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    } else t.diagnostic('unzip is not installed');
    if (has('python3', '--version')) {
      const r = spawnSync('python3', ['-c', 'import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).testzip())', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'None');
    } else t.diagnostic('python3 is not installed');
  });
});
