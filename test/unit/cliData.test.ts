import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Bad data never crashes the build: a record without an `id` is a finding of `isola check`, a
// refused build, and never a `*.isolapkg.partial-*` left behind, whether the build fails or is
// interrupted.

import { fixIndex, readEntries } from '../fuzz/pkgzip';
import { writeZip } from './packaging/hostile';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');

function isola(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A project with workspace `sales`, app `deal` and its data file; returns the project and an output folder. */
function project(): { proj: string; outDir: string; dataFile: string; done: () => void } {
  const base = mkdtempSync(path.join(os.tmpdir(), 'isola-data-'));
  const proj = path.join(base, 'proj');
  const outDir = path.join(base, 'out');
  mkdirSync(path.join(proj, 'data'), { recursive: true });
  mkdirSync(outDir);
  writeFileSync(path.join(proj, 'sales.isola.json'), JSON.stringify({
    kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'deal' }], data: { deal: 'data/deal.jsonl' },
  }, null, 2));
  return { proj, outDir, dataFile: path.join(proj, 'data/deal.jsonl'), done: () => rmSync(base, { recursive: true, force: true }) };
}

/** Writes `count` good records, then `last` (if given), streaming so the file may be large. */
async function writeRecords(file: string, count: number, last?: string): Promise<void> {
  const out = createWriteStream(file);
  const line = (i: number) => `${JSON.stringify({ id: String(i), title: `Deal ${i}`, amount: i * 7, note: 'x'.repeat(40) })}\n`;
  for (let i = 0; i < count; i++) if (!out.write(line(i))) await new Promise<void>((r) => out.once('drain', () => r()));
  if (last) out.write(`${last}\n`);
  await new Promise<void>((r) => out.end(() => r()));
}

const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes('.isolapkg'));

describe('a data record without an id', () => {
  it('is one MAN003 of `isola check`, naming the data file, the line and why', () => {
    const p = project();
    try {
      writeFileSync(p.dataFile, '{"id":"1"}\n{"id":"2"}\n{"title":"no id"}\n');
      const r = isola(['check', p.proj, '--format', 'json']);
      assert.equal(r.code, 1, r.out + r.err);
      const ds = (JSON.parse(r.out) as { diagnostics: { code: string; file: string; message: string }[] }).diagnostics;
      assert.equal(ds.length, 1, r.out);
      assert.equal(ds[0].code, 'MAN003');
      assert.equal(ds[0].file, 'sales.isola.json');
      assert.match(ds[0].message, /Data file `data\/deal\.jsonl` line 3: a data record must be a JSON object with an "id"/);
    } finally {
      p.done();
    }
  });

  it('refuses the build with the file, the line and why, exit 1, and leaves no package or partial file', () => {
    const p = project();
    try {
      writeFileSync(p.dataFile, '{"id":"1"}\n{"title":"no id"}\n');
      const r = isola(['build', p.proj, '--package', 'sales', '--data', 'all', '--out', path.join(p.outDir, 'sales.isolapkg')]);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.err, /data\/deal\.jsonl:2: a data record must be a JSON object with an "id"/);
      assert.doesNotMatch(r.err, /ERR_STREAM_DESTROYED|internal error|\n\s+at /);
      assert.deepEqual(leftovers(p.outDir), []);
    } finally {
      p.done();
    }
  });

  it('late in a large file: the build has written much when it stops, and still leaves nothing behind', async () => {
    const p = project();
    try {
      await writeRecords(p.dataFile, 100_000, '{"title":"the last one has no id"}');
      const r = isola(['build', p.proj, '--package', 'sales', '--data', 'all', '--out', path.join(p.outDir, 'sales.isolapkg')]);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.err, /data\/deal\.jsonl:100001: a data record must be a JSON object with an "id"/);
      assert.deepEqual(leftovers(p.outDir), []);
    } finally {
      p.done();
    }
  });
});

describe('an interrupted build', () => {
  it('SIGINT while the package is being written removes the partial file, says so, exit 1', async () => {
    const p = project();
    try {
      await writeRecords(p.dataFile, 600_000);
      const child = spawn(process.execPath, [CLI, 'build', p.proj, '--package', 'sales', '--data', 'all', '--out', path.join(p.outDir, 'sales.isolapkg')], { cwd: REPO });
      let err = '';
      child.stderr.on('data', (b) => (err += b));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      // Wait until the partial file exists: the interrupt must land in the middle of the write.
      const deadline = Date.now() + 60_000;
      while (!leftovers(p.outDir).some((f) => f.includes('.partial-'))) {
        assert.ok(Date.now() < deadline, 'the build never started writing');
        assert.equal(child.exitCode, null, `the build ended before it could be interrupted: ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGINT');
      const code = await exited;
      assert.equal(code, 1, err);
      assert.match(err, /interrupted; no package was written/);
      assert.deepEqual(leftovers(p.outDir), []);
      assert.ok(!existsSync(path.join(p.outDir, 'sales.isolapkg')));
    } finally {
      p.done();
    }
  });
});

/** The data file holds `lines` (line 2 bad): one MAN003 of the check saying `why`, a refused build, no package. */
function refusedByCheckAndBuild(lines: Buffer | string, why: RegExp): void {
  const p = project();
  try {
    writeFileSync(p.dataFile, lines);
    const r = isola(['check', p.proj, '--format', 'json']);
    assert.equal(r.code, 1, r.out + r.err);
    const ds = (JSON.parse(r.out) as { diagnostics: { code: string; message: string }[] }).diagnostics;
    assert.deepEqual(ds.map((d) => d.code), ['MAN003']);
    assert.match(ds[0].message, why);
    const b = isola(['build', p.proj, '--package', 'sales', '--data', 'all', '--out', path.join(p.outDir, 'x.isolapkg')]);
    assert.equal(b.code, 1, b.out + b.err);
    assert.deepEqual(leftovers(p.outDir), []);
  } finally {
    p.done();
  }
}

/**
 * A package built with two good records, then forged to hold `records` instead (as one made
 * elsewhere might), imported into local: it must fail whole, saying `why`, and write nothing.
 */
async function refusedAtImport(records: Buffer, why: RegExp[], count?: number): Promise<void> {
  const { p, forged } = await forgedData(records, count);
  try {
    const r = spawnSync(process.execPath, [CLI, 'import', forged, '--env', 'local'], { cwd: p.proj, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    for (const w of why) assert.match(r.stdout + r.stderr, w);
    const again = spawnSync(process.execPath, [CLI, 'import', forged, '--env', 'local', '--dry-run', '--format', 'json'], { cwd: p.proj, encoding: 'utf8' });
    const plan = JSON.parse(again.stdout).plan;
    assert.deepEqual(plan.data.map((d: { existing: number }) => d.existing), [0], 'no record was written');
    assert.equal(plan.counts.create, plan.entities.length, 'nor any design entity');
  } finally {
    p.done();
  }
}

describe('record ids that are whole numbers beyond 2^53', () => {
  const ids = ['{"id":12345678901234567891,"title":"caf\\u00e9 one"}', '{"id":12345678901234567892,"title":"caf\\u00e9 two"}'];

  it('are a finding of `isola check` and refuse the build: two of them could become one record', () => {
    refusedByCheckAndBuild(`{"id":"1"}\n${ids[0]}\n`, /line 2: its "id" is a whole number beyond 2\^53, which is not kept exactly \(two records could become one\); write it as a string/);
  });

  it('in a package made elsewhere, fail its import whole: nothing is merged or written', async () => {
    // Two records whose ids differ only past 2^53.
    await refusedAtImport(Buffer.from(`${ids.join('\n')}\n`), [/line 1: its "id" is a whole number beyond 2\^53/, /line 2: its "id" is a whole number beyond 2\^53/]);
  });
});

describe('a data record whose bytes are not UTF-8', () => {
  const bad = Buffer.concat([Buffer.from('{"id":"1"}\n{"id":"2","title":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);

  it('is a finding of `isola check` and refuses the build (read, it would change without a word)', () => {
    refusedByCheckAndBuild(bad, /line 2: not UTF-8 \(the record would change as it is read\)/);
  });

  it('in a package made elsewhere, fails its import whole instead of arriving with U+FFFD', async () => {
    await refusedAtImport(bad, [/line 2 is not UTF-8/]);
  });
});

/**
 * A package built with two good records, its data then forged to `records` (and the descriptor's
 * count to `count`, when given), with an index that matches: what `inspect`, `unpack` and an
 * import are each handed.
 */
async function forgedData(records: Buffer, count?: number): Promise<{ p: ReturnType<typeof project>; forged: string }> {
  const p = project();
  writeFileSync(p.dataFile, '{"id":"1"}\n{"id":"2"}\n');
  const file = path.join(p.outDir, 'sales.isolapkg');
  assert.equal(isola(['build', p.proj, '--package', 'sales', '--data', 'all', '--out', file]).code, 0);
  const entries = await readEntries(file);
  entries.find((e) => e.name.startsWith('data/'))!.data = records;
  if (count !== undefined) {
    const meta = entries.find((e) => e.name === 'meta_data.json')!;
    const d = JSON.parse(meta.data.toString('utf8')) as { data: { records: number }[] };
    d.data[0].records = count;
    meta.data = Buffer.from(JSON.stringify(d, null, 2));
  }
  const forged = path.join(p.outDir, 'forged.isolapkg');
  await writeZip(forged, fixIndex(entries));
  return { p, forged };
}

describe('a package made elsewhere whose data an import would refuse', () => {
  const cases: { what: string; records: string | Buffer; count?: number; why: RegExp }[] = [
    { what: 'a line that is not JSON', records: '{"id":"1"}\n{"id":"2",\n', why: /line 2 is malformed JSON/ },
    { what: 'a line that is not UTF-8', records: Buffer.concat([Buffer.from('{"id":"1"}\n{"id":"2","t":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]), why: /line 2 is not UTF-8/ },
    { what: 'a record without an id', records: '{"id":"1"}\n{"title":"no id"}\n', why: /line 2: a data record must be a JSON object with an "id"/ },
    { what: 'an id past 2^53', records: '{"id":"1"}\n{"id":12345678901234567891}\n', why: /line 2: its "id" is a whole number beyond 2\^53/ },
    { what: 'one id twice, once as a number and once as text', records: '{"id":1}\n{"id":"1"}\n', why: /line 2: its "id", as text "1", is the id of line 1 too \(an environment compares ids as text/ },
    { what: 'more records than its descriptor says', records: '{"id":"1"}\n{"id":"2"}\n{"id":"3"}\n', count: 2, why: /data of sales\.deal: the descriptor says 2 record\(s\), the chunks hold 3/ },
  ];
  for (const c of cases) {
    it(`${c.what}: \`inspect\` does not call it verified, \`unpack\` writes nothing`, async () => {
      const { p, forged } = await forgedData(Buffer.from(c.records), c.count);
      try {
        const i = isola(['inspect', forged]);
        assert.equal(i.code, 2, i.out + i.err);
        assert.match(i.err, c.why);
        assert.doesNotMatch(i.out, /verified/);
        const dir = path.join(p.outDir, 'unpacked');
        const u = isola(['unpack', forged, '--dir', dir]);
        assert.notEqual(u.code, 0, u.out + u.err);
        assert.match(u.err, c.why);
        assert.ok(!existsSync(dir), 'nothing was written');
      } finally {
        p.done();
      }
    });
  }

  it('a descriptor that says more records than the chunks hold fails the import whole: the plan promised a count', async () => {
    await refusedAtImport(Buffer.from('{"id":"1"}\n{"id":"2"}\n'), [/holds 2 record\(s\), not the 5 its descriptor says; nothing was imported/], 5);
  });
});

describe('what the check and the build refuse is what an import would', () => {
  for (const [what, line, why] of [
    ['an id that is null', '{"id":null}', /line 2: its "id" must be a string or a number/],
    ['an id that is true', '{"id":true}', /line 2: its "id" must be a string or a number/],
    ['a NUL character', '{"id":"2","t":"a\\u0000b"}', /line 2: it holds a NUL character \(\\u0000\), which no environment stores/],
    ['an unpaired surrogate', '{"id":"2","t":"\\ud800"}', /line 2: it holds an unpaired surrogate \(not Unicode\), which no environment stores/],
    ['nesting past 256 levels', `{"id":"2","v":${'['.repeat(300)}${']'.repeat(300)}}`, /line 2: it nests objects or lists deeper than 256 levels/],
  ] as const) {
    it(`${what}: one finding of the check, a refused build`, () => refusedByCheckAndBuild(`{"id":"1"}\n${line}\n`, why));
  }
});

describe('data chunks as inspect and the import read them', () => {
  it('a chunk changed after it was indexed is a checksum mismatch, not a bad record', async () => {
    const p = project();
    try {
      writeFileSync(p.dataFile, '{"id":"1"}\n{"id":"2"}\n');
      const file = path.join(p.outDir, 'sales.isolapkg');
      assert.equal(isola(['build', p.proj, '--package', 'sales', '--data', 'all', '--out', file]).code, 0);
      const entries = await readEntries(file);
      entries.find((e) => e.name.startsWith('data/'))!.data = Buffer.from('{"id":"1"}\n{"xx":"2"}\n');
      const damaged = path.join(p.outDir, 'damaged.isolapkg');
      await writeZip(damaged, entries);
      const r = isola(['inspect', damaged]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /checksum mismatch/);
    } finally {
      p.done();
    }
  });

  it('a data set that lists no chunk but counts records is not called verified', async () => {
    const p = project();
    try {
      writeFileSync(p.dataFile, '{"id":"1"}\n{"id":"2"}\n');
      const file = path.join(p.outDir, 'sales.isolapkg');
      assert.equal(isola(['build', p.proj, '--package', 'sales', '--data', 'all', '--out', file]).code, 0);
      const entries = (await readEntries(file)).filter((e) => !e.name.startsWith('data/'));
      const meta = entries.find((e) => e.name === 'meta_data.json')!;
      const d = JSON.parse(meta.data.toString('utf8')) as { data: { records: number; chunks: string[] }[] };
      d.data[0].chunks = [];
      meta.data = Buffer.from(JSON.stringify(d, null, 2));
      const forged = path.join(p.outDir, 'forged.isolapkg');
      await writeZip(forged, fixIndex(entries));
      const r = isola(['inspect', forged]);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /data of sales\.deal: the descriptor says 2 record\(s\), the chunks hold 0/);
    } finally {
      p.done();
    }
  });

  it('a bad line is named by the same line number by inspect and by the import (empty lines and CRLF counted as lines)', async () => {
    const { p, forged } = await forgedData(Buffer.from('{"id":"1"}\r\n\r\n{"x":1}\r\n'));
    try {
      const i = isola(['inspect', forged]);
      assert.match(i.err, /\.jsonl: line 3: a data record must be a JSON object with an "id"/);
      const r = spawnSync(process.execPath, [CLI, 'import', forged, '--env', 'local'], { cwd: p.proj, encoding: 'utf8' });
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /\.jsonl: line 3: a data record must be a JSON object with an "id"; not imported/);
    } finally {
      p.done();
    }
  });
});

describe('two records of one app with the same id, as an environment keys records', () => {
  for (const [what, lines, why] of [
    ['the same text twice', '{"id":"x","n":1}\n{"id":"x","n":2}\n', /line 2: its "id" "x" is the id of line 1 too; an environment keeps one record per id/],
    ['a number and the same number as text', '{"id":1}\n{"id":"1"}\n', /line 2: its "id" "1" is the id of line 1 too \(an environment compares ids as text: 1, 1\.0 and "1" are one id\)/],
    ['one number spelt two ways', '{"id":1}\n{"id":1.0}\n', /line 2: its "id" 1 is the id of line 1 too/],
  ] as const) {
    it(`${what}: one finding of the check on the second line, a refused build`, () => refusedByCheckAndBuild(lines, why));
  }

  it('ids that are different text are different records, whatever number they spell: "01", 1 and 1.5', () => {
    const p = project();
    try {
      writeFileSync(p.dataFile, '{"id":"01"}\n{"id":1}\n{"id":1.5}\n{"id":"1.50"}\n');
      const r = isola(['check', p.proj]);
      assert.equal(r.code, 0, r.out + r.err);
      assert.equal(isola(['build', p.proj, '--package', 'sales', '--data', 'all', '--out', path.join(p.outDir, 'x.isolapkg')]).code, 0);
    } finally {
      p.done();
    }
  });

  it('in a package made elsewhere, are refused by the plan and the import writes nothing', async () => {
    await refusedAtImport(Buffer.from('{"id":1,"t":"number"}\n{"id":"1","t":"text"}\n'), [/ids.*1 record\(s\) have the id of an earlier record of their app/s, /sales\.deal: `1` is the id of data\/sales\.deal\/00000\.jsonl line 2 and of data\/sales\.deal\/00000\.jsonl line 1/]);
  });
});
