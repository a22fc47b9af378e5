import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalJson } from '../../../server/src/core/packaging/canonical';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { expectedContent, STEP_OF_TYPE } from './expected';
import { CLI, isola, REPO, sha256, snapshot } from './hostile';

interface Example {
  name: string;
  manifest: string;
  pkg: string;
  args: string[];
}

const EXAMPLES: Example[] = [
  { name: 'invoices', manifest: 'invoices/invoices.isola.json', pkg: 'invoices', args: ['--data', 'all'] },
  { name: 'payments', manifest: 'payments/payments_solution.isola.json', pkg: 'payments_solution', args: [] },
  { name: 'company', manifest: 'company/company.isola.json', pkg: 'company', args: [] },
];

const has = (tool: string, arg: string) => spawnSync(tool, [arg], { encoding: 'utf8' }).error === undefined;
const UNZIP = has('unzip', '-v');
const PYTHON = has('python3', '--version');
/** Every entry name as Python's zipfile reads it, after `testzip()`; sha256 of each. */
const PY_READ = [
  'import sys, json, zipfile, hashlib',
  'z = zipfile.ZipFile(sys.argv[1])',
  'bad = z.testzip()',
  'print(json.dumps({"testzip": bad, "names": z.namelist(), "sha256": {n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}}))',
].join('\n');

interface InspectJson {
  descriptor: { kind: string; code: string; options: { design: string; data: unknown }; data: { app: string; records: number; chunks: string[] }[]; history: Record<string, { hash: string }[]> };
  steps: { step: string; cards: { path: string; id: string; type: string; hash: string }[] }[];
  entries: { path: string; sha256: string; size: number }[];
  verified: boolean;
}

let tmp: string;
const built = new Map<string, { file: string; inspect: InspectJson }>();

function inspectJson(file: string): InspectJson {
  const r = isola(['inspect', file, '--format', 'json'], tmp);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as InspectJson;
}

before(() => {
  assert.ok(existsSync(CLI), 'dist/cli.js is built by `npm run build` before the tests');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-roundtrip-'));
  for (const d of ['invoices', 'payments', 'company', 'broken']) cpSync(path.join(REPO, 'examples', d), path.join(tmp, d), { recursive: true });
  for (const ex of EXAMPLES) {
    const file = path.join(tmp, 'out', `${ex.name}.isolapkg`);
    const r = isola(['build', ex.name, '--package', ex.pkg, ...ex.args, '--out', file], tmp);
    assert.equal(r.code, 0, `build ${ex.name}: ${r.err}`);
    built.set(ex.name, { file, inspect: inspectJson(file) });
  }
});
after(() => rmSync(tmp, { recursive: true, force: true }));

for (const ex of EXAMPLES) {
  describe(`roundtrip: ${ex.name}`, () => {
    const want = () => expectedContent(path.join(tmp, ex.manifest));

    it('inspect lists exactly the entities the manifests declare, each in its step folder', () => {
      const { inspect } = built.get(ex.name)!;
      assert.equal(inspect.verified, true);
      const got = inspect.steps.flatMap((s) => s.cards.map((c) => ({ step: s.step, ...c })));
      assert.deepEqual(got.map((c) => c.id).sort(), want().cards.map((c) => c.id));
      // Fields, buttons, statuses, forms, scripts and nested pages are no cards: they stay in their parent's body.
      assert.deepEqual(got.filter((c) => c.id.split('.').length > 2 && c.type !== 'permissions'), []);
      for (const c of got) {
        const w = want().cards.find((x) => x.id === c.id)!;
        assert.equal(c.type, w.type, `type of ${c.id}`);
        assert.equal(c.step, STEP_OF_TYPE[w.type], `step of ${c.id}`);
        assert.equal(c.path, `${c.step}/${c.id}.card.json`);
      }
    });

    it('card bodies are the manifest entity objects (split-out lists removed, files replaced by references)', async () => {
      const reader = await PackageReader.open(built.get(ex.name)!.file);
      try {
        const cards = await reader.cards();
        for (const w of want().cards) {
          const got = cards.find((c) => c.card.id === w.id);
          assert.ok(got, `card ${w.id}`);
          assert.deepEqual(got.card.body, w.body, `body of ${w.id}`);
          assert.equal(got.card.type, w.type);
          assert.equal(got.card.namespace, w.namespace);
          assert.equal(got.card.code, w.code);
          assert.equal(got.card.deleted, false);
          assert.equal(got.card.hash, sha256(canonicalJson(w.body)), `hash of ${w.id}`);
        }
      } finally {
        reader.close();
      }
    });

    it('script sources and template files are carried byte for byte, under the paths their owner cards reference', async () => {
      const { inspect, file } = built.get(ex.name)!;
      const files = want().files;
      assert.ok(files.length > 0);
      const carried = inspect.entries.map((e) => e.path).filter((p) => p.startsWith('scripts/') || p.startsWith('templates/files/'));
      assert.deepEqual(carried.sort(), files.map((f) => f.path).sort());
      const reader = await PackageReader.open(file);
      try {
        for (const f of files) assert.deepEqual(await reader.read(f.path), readFileSync(f.absPath), f.path);
      } finally {
        reader.close();
      }
    });

    it('an external zip tool reads every entry: unzip -t and unzip -Z1', (t) => {
      if (!UNZIP) return t.skip('unzip is not installed (apt-get install unzip)');
      const { inspect, file } = built.get(ex.name)!;
      const test = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
      assert.equal(test.status, 0, test.stdout + test.stderr);
      assert.match(test.stdout, /No errors detected/);
      const names = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      assert.deepEqual(names.sort(), [...inspect.entries.map((e) => e.path), 'meta_data.json'].sort());
    });

    it("Python's zipfile reads every entry, and each matches the index", (t) => {
      if (!PYTHON) return t.skip('python3 is not installed');
      const { inspect, file } = built.get(ex.name)!;
      const r = spawnSync('python3', ['-c', PY_READ, file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const py = JSON.parse(r.stdout) as { testzip: string | null; names: string[]; sha256: Record<string, string> };
      assert.equal(py.testzip, null);
      assert.deepEqual([...py.names].sort(), [...inspect.entries.map((e) => e.path), 'meta_data.json'].sort());
      for (const e of inspect.entries) assert.equal(py.sha256[e.path], e.sha256, e.path);
    });
  });
}

describe('roundtrip: data records', () => {
  it('invoices --data all: the chunks hold the JSONL records, in order', async () => {
    const { inspect, file } = built.get('invoices')!;
    const source = readFileSync(path.join(tmp, 'invoices/data/payment_purposes.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
    assert.deepEqual(inspect.descriptor.data, [{ app: 'invoices.payment_purposes', records: source.length, chunks: ['data/invoices.payment_purposes/00000.jsonl'] }]);
    const reader = await PackageReader.open(file);
    try {
      const chunk = (await reader.read('data/invoices.payment_purposes/00000.jsonl')).toString('utf8');
      assert.deepEqual(chunk.split('\n').filter(Boolean).map((l) => JSON.parse(l)), source.map((l) => JSON.parse(l)));
      const records = [];
      for await (const r of reader.records('invoices.payment_purposes')) records.push(r);
      assert.deepEqual(records, source.map((l) => JSON.parse(l)));
    } finally {
      reader.close();
    }
  });

  it('packages built without --data carry none', () => {
    for (const name of ['payments', 'company']) {
      const { inspect } = built.get(name)!;
      assert.deepEqual(inspect.descriptor.data, []);
      assert.ok(!inspect.entries.some((e) => e.path.startsWith('data/')));
    }
  });
});

describe('build: history', () => {
  const dir = () => path.join(tmp, 'history');
  const historyFile = () => path.join(dir(), 'invoices', 'isola.history.json');
  const build = (out: string) => {
    const r = isola(['build', 'invoices', '--package', 'invoices', '--out', out], dir());
    assert.equal(r.code, 0, r.err);
    return r;
  };
  before(() => cpSync(path.join(REPO, 'examples/invoices'), path.join(dir(), 'invoices'), { recursive: true }));

  it('the committed history of examples/invoices is up to date (a build adds nothing to it)', () => {
    const committed = readFileSync(historyFile(), 'utf8');
    const r = build('committed.isolapkg');
    assert.match(r.out, /History: 0 of 13 entities changed/);
    assert.equal(readFileSync(historyFile(), 'utf8'), committed);
  });

  it('building twice without changes keeps isola.history.json the same', () => {
    rmSync(historyFile());
    assert.match(build('a.isolapkg').out, /History: 13 of 13 entities changed/);
    const first = readFileSync(historyFile(), 'utf8');
    assert.equal(Object.keys(JSON.parse(first)).length, 13);
    const r = build('b.isolapkg');
    assert.match(r.out, /History: 0 of 13 entities changed/);
    assert.equal(readFileSync(historyFile(), 'utf8'), first);
    const a = inspectJson(path.join(dir(), 'a.isolapkg'));
    const b = inspectJson(path.join(dir(), 'b.isolapkg'));
    assert.deepEqual(b.descriptor.history, a.descriptor.history);
  });

  it("changing one entity's title appends exactly one history entry, for that id", () => {
    const before = JSON.parse(readFileSync(historyFile(), 'utf8')) as Record<string, { hash: string; at: string }[]>;
    const manifest = path.join(dir(), 'invoices', 'invoices.isola.json');
    const text = readFileSync(manifest, 'utf8');
    assert.ok(text.includes('"title": "Accountants"'));
    writeFileSync(manifest, text.replace('"title": "Accountants"', '"title": "Accountants and bookkeepers"'));
    const r = build('c.isolapkg');
    assert.match(r.out, /History: 1 of 13 entities changed/);
    const now = JSON.parse(readFileSync(historyFile(), 'utf8')) as typeof before;
    assert.deepEqual(Object.keys(now), Object.keys(before));
    for (const id of Object.keys(before)) {
      if (id === 'invoices.accountants') continue;
      assert.deepEqual(now[id], before[id], `history of ${id}`);
    }
    const list = now['invoices.accountants'];
    assert.equal(list.length, 2);
    assert.deepEqual(list[0], before['invoices.accountants'][0]);
    const c = inspectJson(path.join(dir(), 'c.isolapkg'));
    const card = c.steps.flatMap((s) => s.cards).find((x) => x.id === 'invoices.accountants')!;
    assert.equal(list[1].hash, card.hash);
    assert.notEqual(list[1].hash, list[0].hash);
    assert.deepEqual(c.descriptor.history['invoices.accountants'].map((e) => e.hash), list.map((e) => e.hash));
  });
});

describe('build: refusals and options', () => {
  for (const pkg of ['sales', 'sales_bundle', 'warehouse']) {
    it(`examples/broken: ${pkg} is refused (exit 1, errors listed, nothing written)`, () => {
      const before = snapshot(tmp);
      const r = isola(['build', 'broken', '--package', pkg, '--out', 'out/broken.isolapkg'], tmp);
      assert.equal(r.code, 1, r.err);
      // Which findings block it, by family and code: a missing include is no isolation error.
      assert.match(r.err, new RegExp(`^isola build: refused: \\w+ \`${pkg}\` has \\d+ (isolation|manifest) errors? \\([A-Z0-9, ]+\\)( and \\d+ manifest errors? \\([A-Z0-9, ]+\\))?; fix (it|them) before building\\n$`));
      const errors = r.out.split('\n').filter((l) => / error (ISO|MAN)\d{3} /.test(l));
      assert.ok(errors.length > 0, r.out);
      assert.match(r.out, new RegExp(`^${errors.length} errors?, `, 'm'));
      if (pkg === 'sales') {
        const codes = new Set(errors.map((l) => / error (\w+) /.exec(l)![1]));
        assert.deepEqual([...codes].sort(), ['ISO001', 'ISO002', 'ISO003', 'ISO004', 'ISO006', 'ISO008', 'MAN001', 'MAN002']);
        assert.equal(errors.length, 10);
      }
      assert.deepEqual(snapshot(tmp), before, 'no package, no partial file, no history written');
    });
  }

  it('--data with an app that has no data is bad usage (exit 2), nothing written', () => {
    const before = snapshot(tmp);
    const r = isola(['build', 'invoices', '--package', 'invoices', '--data', 'nosuch', '--out', 'out/x.isolapkg'], tmp);
    assert.equal(r.code, 2);
    assert.match(r.err, /^isola build: --data: no data for app "nosuch" \(apps with data: invoices\.payment_purposes\)\n$/);
    assert.deepEqual(snapshot(tmp), before);
    const p = isola(['build', 'payments', '--package', 'payments_solution', '--data', 'vat_rates', '--out', 'out/x.isolapkg'], tmp);
    assert.equal(p.code, 2);
    assert.match(p.err, /no data for app "vat_rates" \(apps with data: none\)/);
  });

  it('--data names an app by its code', () => {
    const file = path.join(tmp, 'out', 'named.isolapkg');
    const r = isola(['build', 'invoices', '--package', 'invoices', '--data', 'payment_purposes', '--out', file], tmp);
    assert.equal(r.code, 0, r.err);
    const d = inspectJson(file).descriptor;
    assert.deepEqual(d.options.data, ['invoices.payment_purposes']);
    assert.equal(d.data[0].records, 6);
  });

  it('--design none gives no cards (and no scripts or templates), data still goes', () => {
    for (const [name, pkg, data] of [['payments', 'payments_solution', 'none'], ['invoices', 'invoices', 'all']]) {
      const file = path.join(tmp, 'out', `${name}-nodesign.isolapkg`);
      const r = isola(['build', name, '--package', pkg, '--design', 'none', '--data', data, '--out', file], tmp);
      assert.equal(r.code, 0, r.err);
      const j = inspectJson(file);
      assert.equal(j.descriptor.options.design, 'none');
      assert.deepEqual(j.steps.flatMap((s) => s.cards), []);
      assert.deepEqual(j.entries.filter((e) => !e.path.startsWith('data/')), []);
      assert.equal(j.entries.length, data === 'all' ? 1 : 0);
    }
  });

  it('builds leave the project sources untouched (they write only isola.history.json)', () => {
    const files = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(path.join(dir, f)).isFile()).sort();
    for (const d of ['invoices', 'payments', 'company', 'broken']) {
      const orig = files(path.join(REPO, 'examples', d)).filter((f) => f !== 'isola.history.json');
      const now = files(path.join(tmp, d));
      assert.deepEqual(now.filter((f) => f !== 'isola.history.json'), orig, d);
      assert.equal(now.includes('isola.history.json'), d !== 'broken', `history of ${d}`);
      for (const f of orig) assert.deepEqual(readFileSync(path.join(tmp, d, f)), readFileSync(path.join(REPO, 'examples', d, f)), `${d}/${f}`);
    }
  });
});
