import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalJson, sha256 } from '../../../server/src/core/packaging/canonical';
import { Card, FORMAT_VERSION, PACKAGE_FORMAT } from '../../../server/src/core/packaging/format';
import { writePackage } from '../../../server/src/core/packaging/writer';
import { UnpackRefused } from '../../../server/src/core/unpack/errors';
import { unportableSegment, unsafeRelativePath } from '../../../server/src/core/unpack/names';
import { unpackPackage } from '../../../server/src/core/unpack/unpack';
import { cardsToManifests } from '../../../server/src/core/unpack/cardsToManifests';
import { PackageError } from '../../../server/src/core/packaging/reader';
import type { Descriptor } from '../../../server/src/core/packaging/format';
import { spawnSync } from 'node:child_process';
import { fixIndex, readEntries } from '../../fuzz/pkgzip';
import { writeZip } from '../packaging/hostile';

const CLI = path.resolve(__dirname, '../../../..', 'dist/cli.js');

type Obj = Record<string, unknown>;

function card(type: Card['type'], namespace: string, code: string, body: Obj): Card {
  const id = ['workspace', 'module', 'solution', 'configuration'].includes(type) ? code : `${namespace}.${code}`;
  return { id, type, namespace, code, deleted: false, hash: sha256(canonicalJson(body)), body };
}

/** A workspace package with the given cards and script files, written with the writer builds use. */
async function pkg(file: string, ns: string, cards: Card[], files: { path: string; data: Buffer }[] = []): Promise<void> {
  await writePackage({
    out: file, cards: [card('workspace', ns, ns, { kind: 'workspace', code: ns }), ...cards], files, data: [],
    descriptor: {
      format: PACKAGE_FORMAT, formatVersion: FORMAT_VERSION, kind: 'workspace', code: ns, options: { design: 'all', data: 'none' },
      createdAt: '2026-01-01T00:00:00Z', createdBy: 'test', source: 'test', tool: { name: 'isola', version: 'test' }, history: {},
    },
  });
}

function script(ns: string, owner: string, code: string): { body: Obj; file: { path: string; data: Buffer } } {
  const data = Buffer.from('export {};\n');
  const p = `scripts/${ns}.${owner}.${code.replace(/[^A-Za-z0-9_]/g, '_')}.ts`;
  return { body: { code, file: { file: p, sha256: sha256(data), size: data.length } }, file: { path: p, data } };
}

/**
 * App package `orders` (namespace `shop`) with process `approve` and its script `scripts/main.ts`,
 * built by the CLI from `<tmp>/src`, and the package's entries, to forge.
 */
async function ordersApp(tmp: string): Promise<{ src: string; entries: Awaited<ReturnType<typeof readEntries>> }> {
  const src = path.join(tmp, 'src');
  mkdirSync(path.join(src, 'scripts'), { recursive: true });
  writeFileSync(path.join(src, 'orders.isola.json'), JSON.stringify({
    kind: 'app', namespace: 'shop', code: 'orders', version: '1.0.0', fields: [{ code: 'n', type: 'string' }],
    processes: [{ code: 'approve', app: 'orders', scripts: [{ code: 'main', file: 'scripts/main.ts' }] }],
  }));
  writeFileSync(path.join(src, 'scripts', 'main.ts'), '// the script\n');
  const file = path.join(tmp, 'orders.isolapkg');
  const built = spawnSync(process.execPath, [CLI, 'build', src, '--package', 'orders', '--kind', 'app', '--out', file], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stdout + built.stderr);
  return { src, entries: await readEntries(file) };
}

/**
 * An app card of `ordersApp`'s package as earlier builds wrote it: the app manifest whole, its
 * processes with the file names the project gave their scripts. Unpack still reads such
 * packages, and follows those names only where `packageHintProblem` lets it.
 */
function earlierAppCard(data: Buffer): { body: Record<string, unknown> & { processes: { code: string; scripts?: { code: string; file: string }[] }[] }; hash: string } {
  const c = JSON.parse(data.toString('utf8'));
  c.body = { kind: 'app', namespace: 'shop', ...c.body, processes: [{ code: 'approve', app: 'orders', scripts: [{ code: 'main', file: 'scripts/main.ts' }] }] };
  return c;
}

async function refused(build: (file: string) => Promise<void>, message: RegExp, prepare?: (dir: string) => void): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-hostile-'));
  try {
    const file = path.join(tmp, 'p.isolapkg');
    await build(file);
    const dir = path.join(tmp, 'out');
    mkdirSync(dir);
    prepare?.(dir);
    const before = readdirSync(dir, { recursive: true }).sort();
    await assert.rejects(unpackPackage({ file, dir }), (e: Error) => e instanceof UnpackRefused && message.test(e.message) && !e.message.includes('\n'));
    assert.deepEqual(readdirSync(dir, { recursive: true }).sort(), before, 'nothing written');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('unpack trusts the package no more than the reader does', () => {
  it('names Windows reserves, trailing dots and spaces, and forbidden characters are not portable', () => {
    for (const n of ['CON', 'con', 'nul.isola.json', 'COM1', 'lpt9.ts', 'aux', 'x.', 'x ', 'a:b', 'a*b', 'a?b']) assert.ok(unportableSegment(n), n);
    for (const n of ['invoices', 'find_contractor.ts', 'console', 'com10', 'icon.png']) assert.equal(unportableSegment(n), undefined, n);
    assert.match(unsafeRelativePath('a/../../x')!, /outside/);
    assert.match(unsafeRelativePath('/etc/passwd')!, /absolute/);
  });

  it('a namespace that is a device name on Windows goes to a folder and manifest named with a `_`, which it writes', async () => {
    // The code is valid; only the name the unpack would choose after it is not: it chooses another.
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-device-'));
    try {
      const s = script('con', 'p', 'NUL');
      await pkg(path.join(tmp, 'p.isolapkg'), 'con', [card('group', 'con', 'g', { code: 'g' }), card('process', 'con', 'p', { code: 'p', scripts: [s.body] })], [s.file]);
      const r = await unpackPackage({ file: path.join(tmp, 'p.isolapkg'), dir: path.join(tmp, 'out') });
      assert.deepEqual(r.files.map((f) => f.file).sort(), ['con_/con_.isola.json', 'con_/scripts/NUL_.ts']);
      const m = JSON.parse(readFileSync(path.join(tmp, 'out', 'con_', 'con_.isola.json'), 'utf8'));
      assert.equal(m.code, 'con');
      assert.equal(m.processes[0].scripts[0].file, 'scripts/NUL_.ts');
      // Unpacked again into the same folder, the unit's manifest is found where it is: nothing changes.
      const again = await unpackPackage({ file: path.join(tmp, 'p.isolapkg'), dir: path.join(tmp, 'out') });
      assert.ok(again.files.every((f) => f.status === 'unchanged'), JSON.stringify(again.files));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a script code that is no code (it climbs out, hides, names a manifest) is refused by the reader, nothing written', async () => {
    for (const code of ['../../../../evil', '.github/workflows/ci', 'planted.isola', '.hidden']) {
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-hostile-'));
      try {
        const s = script('ws', 'p', code);
        const file = path.join(tmp, 'p.isolapkg');
        await pkg(file, 'ws', [card('process', 'ws', 'p', { code: 'p', scripts: [s.body] })], [s.file]);
        const dir = path.join(tmp, 'out');
        await assert.rejects(unpackPackage({ file, dir }), (e: Error) => e instanceof PackageError && e.message.includes(`script ${JSON.stringify(code)} (scripts[0]) does not have a valid code`));
        assert.equal(existsSync(dir), false, `${code}: nothing written`);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
  });

  it('names made of the package\'s codes and extensions are held to the rules of its hints, even past the reader', () => {
    // Cards as an environment may hold them from before the reader judged script codes: the
    // layout alone must keep every file one plain, visible, non-manifest file in its folder.
    const entry = (p: string, data: string) => ({ path: p, sha256: sha256(data), size: data.length });
    const cases: { code: string; ext: string; want: string }[] = [
      { code: 'planted.isola', ext: '.json', want: 'ws/scripts/script.ts' },
      { code: '.github/workflows/ci', ext: '.yml', want: 'ws/scripts/script.ts' },
      { code: '.hidden', ext: '.ts', want: 'ws/scripts/script.ts' },
      { code: 'a/b', ext: '.ts', want: 'ws/scripts/script.ts' },
      { code: '../../x', ext: '.ts', want: 'ws/scripts/script.ts' },
      { code: 'x', ext: '.sh', want: 'ws/scripts/x.ts' },
      { code: 'x', ext: '.bat', want: 'ws/scripts/x.ts' },
      { code: 'x', ext: '.lnk', want: 'ws/scripts/x.ts' },
      { code: 'x', ext: '.ts\u202egpj', want: 'ws/scripts/x.ts' },
      // An ordinary extension is the file's own, kept so the next build names its entry alike.
      { code: 'x', ext: '.vue', want: 'ws/scripts/x.vue' },
      { code: 'x', ext: '.gitattributes', want: 'ws/scripts/x.gitattributes' },
      { code: 'main', ext: '.ts', want: 'ws/scripts/main.ts' },
    ];
    for (const c of cases) {
      const e = entry(`scripts/ws.p.s${c.ext}`, `${c.code}${c.ext}`);
      const cards = [
        card('workspace', 'ws', 'ws', { kind: 'workspace', code: 'ws' }),
        card('process', 'ws', 'p', { code: 'p', scripts: [{ code: c.code, file: { file: e.path, sha256: e.sha256, size: e.size } }] }),
      ];
      const d = { kind: 'workspace', code: 'ws', entries: [e], data: [], history: {} } as unknown as Descriptor;
      const layout = cardsToManifests(d, cards);
      assert.deepEqual(layout.files.map((f) => f.file), [c.want], `${c.code}${c.ext}`);
      const named = (layout.manifests[0].value.processes as { scripts: { file: string }[] }[])[0].scripts[0].file;
      assert.equal(`ws/${named}`, c.want);
      assert.equal(layout.notes.length, c.want === `ws/scripts/${c.code}${c.ext}` ? 0 : 1, JSON.stringify(layout.notes));
    }
    // The folder's own manifest decides first: a name it gives is kept, and nothing is said.
    const sh = entry('scripts/ws.p.x.sh', 'echo');
    const own = cardsToManifests({ kind: 'workspace', code: 'ws', entries: [sh], data: [], history: {} } as unknown as Descriptor, [
      card('workspace', 'ws', 'ws', { kind: 'workspace', code: 'ws' }),
      card('process', 'ws', 'p', { code: 'p', scripts: [{ code: 'x', file: { file: sh.path, sha256: sh.sha256, size: sh.size } }] }),
    ], [{ file: 'ws/ws.isola.json', kind: 'workspace', code: 'ws', value: { kind: 'workspace', code: 'ws', processes: [{ code: 'p', scripts: [{ code: 'x', file: 'scripts/x.sh' }] }] }, links: ['ws/scripts/x.sh'] }]);
    assert.deepEqual([own.files.map((f) => f.file), own.notes], [['ws/scripts/x.sh'], []]);
    // A template's extension and an app's data key are held to the same.
    const doc = entry('templates/files/ws.t.exe', 'MZ');
    const layout = cardsToManifests({ kind: 'workspace', code: 'ws', entries: [doc], data: [], history: {} } as unknown as Descriptor, [
      card('workspace', 'ws', 'ws', { kind: 'workspace', code: 'ws' }),
      card('template', 'ws', 't', { code: 't', file: { file: doc.path, sha256: doc.sha256, size: doc.size } }),
      card('app', 'ws', 'a', { kind: 'app', namespace: 'ws', code: 'a', data: { '.hidden': 'scripts/x.isola.json' } }),
    ]);
    assert.deepEqual(layout.files.map((f) => f.file).sort(), ['ws/apps/data/data.jsonl', 'ws/templates/t']);
  });

  it('a script code with a character Windows does not allow is refused', async () => {
    const s = script('ws', 'p', 'a:b');
    // The reader refuses it first (no valid code), before unpack's own name check; nothing is written.
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-hostile-'));
    try {
      const file = path.join(tmp, 'p.isolapkg');
      await pkg(file, 'ws', [card('process', 'ws', 'p', { code: 'p', scripts: [s.body] })], [s.file]);
      const dir = path.join(tmp, 'out');
      mkdirSync(dir);
      await assert.rejects(unpackPackage({ file, dir }), /script "a:b" \(scripts\[0\]\) does not have a valid code/);
      assert.deepEqual(readdirSync(dir), [], 'nothing written');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('an app manifest naming a data file outside the folder is refused', async () => {
    const app = card('app', 'ws', 'a', { kind: 'app', code: 'a', namespace: 'ws', data: { a: '../../../../../tmp/x.jsonl' } });
    await refused((f) => pkg(f, 'ws', [app]), /outside/);
  });

  it('a file that differs only in letter case from one that is there is refused', async () => {
    await refused((f) => pkg(f, 'ws', [card('group', 'ws', 'g', { code: 'g' })]), /letter case/, (dir) => mkdirSync(path.join(dir, 'WS')));
  });

  it('a manifest of another unit where the new one would go is refused; a script file no manifest names too', async () => {
    await refused((f) => pkg(f, 'ws', [card('group', 'ws', 'g', { code: 'g' })]), /the manifest of another unit, not of workspace ws/, (dir) => {
      mkdirSync(path.join(dir, 'ws'));
      writeFileSync(path.join(dir, 'ws', 'ws.isola.json'), '{ "kind": "module", "code": "other" }\n');
    });
    const s = script('ws', 'p', 'run');
    await refused((f) => pkg(f, 'ws', [card('process', 'ws', 'p', { code: 'p', scripts: [s.body] })], [s.file]), /ws\/scripts\/run\.ts exists and is not a file of this folder's manifests/, (dir) => {
      mkdirSync(path.join(dir, 'ws', 'scripts'), { recursive: true });
      writeFileSync(path.join(dir, 'ws', 'scripts', 'run.ts'), 'mine');
    });
  });

  it('a folder that is a symbolic link out of the unpack folder is refused', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'isola-outside-'));
    try {
      await refused((f) => pkg(f, 'ws', [card('group', 'ws', 'g', { code: 'g' })]), /symbolic link/, (dir) => symlinkSync(outside, path.join(dir, 'ws')));
      assert.deepEqual(readdirSync(outside), []);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a file where a folder must be made is refused before anything is written, and so is a --dir that is a file', async () => {
    const s = script('ws', 'p', 'run');
    await refused((f) => pkg(f, 'ws', [card('process', 'ws', 'p', { code: 'p', scripts: [s.body] })], [s.file]), /^ws\/scripts\/\S+: ws\/scripts is not a folder; the unpack would need one there$/, (dir) => {
      mkdirSync(path.join(dir, 'ws'));
      writeFileSync(path.join(dir, 'ws', 'scripts'), 'user notes');
    });
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-notdir-'));
    try {
      await pkg(path.join(tmp, 'p.isolapkg'), 'ws', [card('group', 'ws', 'g', { code: 'g' })]);
      writeFileSync(path.join(tmp, 'out'), 'a file');
      await assert.rejects(unpackPackage({ file: path.join(tmp, 'p.isolapkg'), dir: path.join(tmp, 'out') }), (e: Error) => e instanceof UnpackRefused && /out is not a folder$/.test(e.message));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a file that is not Isola\'s is refused unless --force', async () => {
    await refused((f) => pkg(f, 'ws', [card('group', 'ws', 'g', { code: 'g' })]), /not a manifest Isola can read, not of workspace ws/, (dir) => {
      mkdirSync(path.join(dir, 'ws'));
      writeFileSync(path.join(dir, 'ws', 'ws.isola.json'), 'my notes, not a manifest');
    });
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-force-'));
    try {
      await pkg(path.join(tmp, 'p.isolapkg'), 'ws', [card('group', 'ws', 'g', { code: 'g' })]);
      mkdirSync(path.join(tmp, 'out', 'ws'), { recursive: true });
      writeFileSync(path.join(tmp, 'out', 'ws', 'ws.isola.json'), 'my notes, not a manifest');
      const r = await unpackPackage({ file: path.join(tmp, 'p.isolapkg'), dir: path.join(tmp, 'out'), force: true });
      assert.equal(r.files.find((x) => x.file === 'ws/ws.isola.json')?.status, 'changed');
      assert.ok(existsSync(path.join(tmp, 'out', 'ws', 'ws.isola.json')));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a link planted where a file\'s temporary copy would be written takes nothing out of the folder', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-planted-'));
    try {
      const file = path.join(tmp, 'p.isolapkg');
      const s = script('ws', 'p', 'run');
      await pkg(file, 'ws', [card('process', 'ws', 'p', { code: 'p', scripts: [s.body] })], [s.file]);
      const victim = path.join(tmp, 'victim.txt');
      writeFileSync(victim, 'mine');
      const dir = path.join(tmp, 'out');
      mkdirSync(path.join(dir, 'ws', 'scripts'), { recursive: true });
      // The name the temporary copies had before (next to the file, with this process's id), for every file unpack writes.
      for (const f of ['ws/ws.isola.json', 'ws/scripts/p.run.ts', 'ws/scripts/run.ts', 'isola.history.json', 'ws/isola.history.json']) {
        symlinkSync(victim, path.join(dir, `${f}.unpack-${process.pid}`));
      }
      const r = await unpackPackage({ file, dir });
      assert.ok(r.files.length >= 2, JSON.stringify(r.files));
      assert.equal(readFileSync(victim, 'utf8'), 'mine', 'the link\'s target is untouched');
      for (const f of r.files) assert.ok(lstatSync(path.join(dir, f.file)).isFile(), f.file);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('another unit\'s files are not the package\'s to take: a clashing script gets a name of its own, a data hint naming a manifest is not followed', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-units-'));
    try {
      const app = (code: string, scripts: string): Obj => ({
        kind: 'app', namespace: 'sales', code, title: code, version: '1.0.0',
        fields: [{ code: 'n', type: 'string' }],
        processes: [{ code: `${code}_flow`, app: code, scripts: [{ code: 'main', file: scripts }] }],
      });
      // beta's package, built elsewhere; its script is scripts/main.ts there too.
      const other = path.join(tmp, 'other');
      mkdirSync(path.join(other, 'scripts'), { recursive: true });
      writeFileSync(path.join(other, 'beta.isola.json'), JSON.stringify(app('beta', 'scripts/main.ts')));
      writeFileSync(path.join(other, 'scripts', 'main.ts'), '// beta\n');
      const file = path.join(tmp, 'beta.isolapkg');
      const built = spawnSync(process.execPath, [CLI, 'build', other, '--package', 'beta', '--out', file], { encoding: 'utf8' });
      assert.equal(built.status, 0, built.stdout + built.stderr);
      // The folder: app alpha, whose script is scripts/main.ts.
      const dir = path.join(tmp, 'proj');
      mkdirSync(path.join(dir, 'scripts'), { recursive: true });
      const alpha = JSON.stringify(app('alpha', 'scripts/main.ts'));
      writeFileSync(path.join(dir, 'alpha.isola.json'), alpha);
      writeFileSync(path.join(dir, 'scripts', 'main.ts'), '// alpha: the user\'s work\n');
      const r = await unpackPackage({ file, dir });
      assert.equal(readFileSync(path.join(dir, 'scripts', 'main.ts'), 'utf8'), '// alpha: the user\'s work\n');
      const beta = JSON.parse(readFileSync(path.join(dir, 'beta.isola.json'), 'utf8'));
      const spec = beta.processes[0].scripts[0].file;
      assert.notEqual(spec, 'scripts/main.ts');
      assert.equal(readFileSync(path.join(dir, spec), 'utf8'), '// beta\n');
      assert.ok(r.files.some((f) => f.file === spec && f.status === 'created'), JSON.stringify(r.files));

      // A forged app card whose body names alpha's manifest as its data file.
      const forgedDir = path.join(tmp, 'proj2');
      mkdirSync(forgedDir);
      writeFileSync(path.join(forgedDir, 'alpha.isola.json'), alpha);
      writeFileSync(path.join(other, 'beta.isola.json'), JSON.stringify({ ...app('beta', 'scripts/main.ts'), data: { beta: 'data/beta.jsonl' } }));
      mkdirSync(path.join(other, 'data'));
      writeFileSync(path.join(other, 'data', 'beta.jsonl'), '{"id":"1","n":"one"}\n');
      const withData = path.join(tmp, 'beta-data.isolapkg');
      assert.equal(spawnSync(process.execPath, [CLI, 'build', other, '--package', 'beta', '--data', 'all', '--out', withData]).status, 0);
      const forged = path.join(tmp, 'forged.isolapkg');
      const entries = await readEntries(withData);
      const appEntry = entries.find((e) => e.name === 'apps/sales.beta.card.json')!;
      const c = JSON.parse(appEntry.data.toString('utf8'));
      c.body.data = { beta: 'alpha.isola.json' };
      c.hash = sha256(canonicalJson(c.body));
      appEntry.data = Buffer.from(JSON.stringify(c));
      await writeZip(forged, fixIndex(entries));
      await unpackPackage({ file: forged, dir: forgedDir });
      assert.equal(readFileSync(path.join(forgedDir, 'alpha.isola.json'), 'utf8'), alpha, 'alpha\'s manifest is untouched');
      const named = JSON.parse(readFileSync(path.join(forgedDir, 'beta.isola.json'), 'utf8')).data.beta;
      assert.notEqual(named, 'alpha.isola.json');
      assert.equal(readFileSync(path.join(forgedDir, named), 'utf8'), '{"id":"1","n":"one"}\n');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a data hint naming the project\'s history is not followed, and numbers past double precision are told apart', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-hist-'));
    try {
      const other = path.join(tmp, 'other');
      mkdirSync(path.join(other, 'data'), { recursive: true });
      writeFileSync(path.join(other, 'beta.isola.json'), JSON.stringify({ kind: 'app', namespace: 'sales', code: 'beta', version: '1.0.0', fields: [{ code: 'n', type: 'number' }], data: { beta: 'data/beta.jsonl' } }));
      writeFileSync(path.join(other, 'data', 'beta.jsonl'), '{"id":"1","n":12345678901234567891}\n');
      const file = path.join(tmp, 'beta.isolapkg');
      assert.equal(spawnSync(process.execPath, [CLI, 'build', other, '--package', 'beta', '--data', 'all', '--out', file]).status, 0);
      // A forged copy whose app card names the project's history as its data file.
      const entries = await readEntries(file);
      const appEntry = entries.find((e) => e.name === 'apps/sales.beta.card.json')!;
      const c = JSON.parse(appEntry.data.toString('utf8'));
      c.body.data = { beta: 'isola.history.json' };
      c.hash = sha256(canonicalJson(c.body));
      appEntry.data = Buffer.from(JSON.stringify(c));
      const forged = path.join(tmp, 'forged.isolapkg');
      await writeZip(forged, fixIndex(entries));
      const dir = path.join(tmp, 'proj');
      mkdirSync(dir);
      const history = JSON.stringify({ 'sales.alpha': [{ hash: 'a'.repeat(64), at: '2026-01-01T00:00:00Z' }] }, null, 2) + '\n';
      writeFileSync(path.join(dir, 'isola.history.json'), history);
      await unpackPackage({ file: forged, dir });
      const kept = JSON.parse(readFileSync(path.join(dir, 'isola.history.json'), 'utf8'));
      assert.deepEqual(kept['sales.alpha'], [{ hash: 'a'.repeat(64), at: '2026-01-01T00:00:00Z' }], 'the history keeps its versions');
      const named = JSON.parse(readFileSync(path.join(dir, 'beta.isola.json'), 'utf8')).data.beta;
      assert.notEqual(named, 'isola.history.json');
      // The same record with a number that differs only past double precision is a change.
      writeFileSync(path.join(dir, named), '{"id":"1","n":12345678901234567890}\n');
      const again = await unpackPackage({ file, dir });
      assert.equal(again.files.find((f) => f.file === named)?.status, 'changed', JSON.stringify(again.files));
      assert.equal(readFileSync(path.join(dir, named), 'utf8'), '{"id":"1","n":12345678901234567891}\n');
      // Spelled differently (spaces, key order), the same record is unchanged.
      writeFileSync(path.join(dir, named), '{ "n": 12345678901234567891, "id": "1" }\n');
      assert.equal((await unpackPackage({ file, dir })).files.find((f) => f.file === named)?.status, 'unchanged');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('file names an app card gives are followed only in its own folders: no hidden folder, no manifest, no other extension', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-hints-'));
    try {
      const { entries } = await ordersApp(tmp);
      const appEntry = entries.find((e) => e.name === 'apps/shop.orders.card.json')!;
      const original = appEntry.data;
      const planted = ['.github/workflows/evil.ts', 'scripts/.hidden/main.ts', 'vendor/main.ts', 'scripts/../vendor/backdoor.isola.json', 'scripts/backdoor.isola.json', 'scripts/main.yml'];
      for (const hint of planted) {
        const c = earlierAppCard(original);
        c.body.processes[0].scripts![0].file = hint;
        c.hash = sha256(canonicalJson(c.body));
        appEntry.data = Buffer.from(JSON.stringify(c));
        const forged = path.join(tmp, 'forged.isolapkg');
        await writeZip(forged, fixIndex(entries));
        const dir = path.join(tmp, 'out');
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
        const r = await unpackPackage({ file: forged, dir });
        const written = (readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/')).sort();
        assert.deepEqual(written, ['isola.history.json', 'orders.isola.json', 'scripts', 'scripts/main.ts'], `${hint}: ${JSON.stringify(written)}`);
        assert.equal(readFileSync(path.join(dir, 'scripts', 'main.ts'), 'utf8'), '// the script\n');
        assert.equal(JSON.parse(readFileSync(path.join(dir, 'orders.isola.json'), 'utf8')).processes[0].scripts[0].file, 'scripts/main.ts');
        assert.ok(r.notes.some((n) => n.includes(`\`${hint}\``) && n.includes('a name of its own')), `${hint}: ${JSON.stringify(r.notes)}`);
      }
      // A name in the script folder is the package's to give.
      const c = earlierAppCard(original);
      c.body.processes[0].scripts![0].file = 'scripts/flows/approve.ts';
      c.hash = sha256(canonicalJson(c.body));
      appEntry.data = Buffer.from(JSON.stringify(c));
      const kept = path.join(tmp, 'kept.isolapkg');
      await writeZip(kept, fixIndex(entries));
      const dir = path.join(tmp, 'out2');
      mkdirSync(dir);
      await unpackPackage({ file: kept, dir });
      assert.equal(readFileSync(path.join(dir, 'scripts', 'flows', 'approve.ts'), 'utf8'), '// the script\n');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a file a package names by its path alone is never written into a manifest, so no later build reads it', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-paths-only-'));
    try {
      const { src, entries } = await ordersApp(tmp);
      // The app card lists a process the package has no card for; the process card names a second script by path alone.
      const appEntry = entries.find((e) => e.name === 'apps/shop.orders.card.json')!;
      const a = earlierAppCard(appEntry.data);
      a.body.processes.push({ code: 'ghost', scripts: [{ code: 'main', file: '.git/config' }] });
      a.hash = sha256(canonicalJson(a.body));
      appEntry.data = Buffer.from(JSON.stringify(a));
      const procEntry = entries.find((e) => e.name.endsWith('shop.approve.card.json'))!;
      const p = JSON.parse(procEntry.data.toString('utf8'));
      p.body.scripts.push({ code: 'leak', file: '.git/config' });
      p.hash = sha256(canonicalJson(p.body));
      procEntry.data = Buffer.from(JSON.stringify(p));
      const forged = path.join(tmp, 'forged.isolapkg');
      await writeZip(forged, fixIndex(entries));
      const dir = path.join(tmp, 'out');
      mkdirSync(path.join(dir, '.git'), { recursive: true });
      writeFileSync(path.join(dir, '.git', 'config'), '[remote] token=SECRET\n');
      const r = await unpackPackage({ file: forged, dir });
      const manifest = readFileSync(path.join(dir, 'orders.isola.json'), 'utf8');
      assert.doesNotMatch(manifest, /\.git|ghost/);
      assert.ok(r.notes.some((n) => /lists process ghost without a card of its own; left out/.test(n)), JSON.stringify(r.notes));
      assert.ok(r.notes.some((n) => /names file `\.git\/config` for script leak of process approve without carrying it; left out/.test(n)), JSON.stringify(r.notes));
      // The script left without a file is a finding of its own (MAN002), not a path to follow.
      const check = spawnSync(process.execPath, [CLI, 'check', dir], { encoding: 'utf8' });
      assert.match(check.stdout, /MAN002 `processes\[0\]\.scripts\[1\]` needs `file`/);
      // A data file no manifest of the folder names is not the package's to take. (A package
      // without records names no data file: an app card leaves its manifest's `data` out.)
      const dataDir = path.join(tmp, 'data-out');
      mkdirSync(path.join(dataDir, 'data'), { recursive: true });
      writeFileSync(path.join(src, 'orders.isola.json'), JSON.stringify({ kind: 'app', namespace: 'shop', code: 'orders', version: '1.0.0', fields: [{ code: 'n', type: 'string' }], data: { orders: 'data/orders.jsonl' } }));
      mkdirSync(path.join(src, 'data'), { recursive: true });
      writeFileSync(path.join(src, 'data', 'orders.jsonl'), '{"id":"2","n":"the package\'s"}\n');
      const withData = path.join(tmp, 'data.isolapkg');
      assert.equal(spawnSync(process.execPath, [CLI, 'build', src, '--package', 'orders', '--kind', 'app', '--data', 'all', '--out', withData]).status, 0);
      writeFileSync(path.join(dataDir, 'data', 'orders.jsonl'), '{"id":"1","note":"not this package\'s"}\n');
      await assert.rejects(unpackPackage({ file: withData, dir: dataDir }), /data\/orders\.jsonl exists and is not a file of this folder's manifests/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a design-only package leaves the records of an app manifest\'s data file as they are (retrieve unpacks the same way)', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-keepdata-'));
    try {
      const proj = path.join(tmp, 'proj');
      mkdirSync(path.join(proj, 'apps', 'data'), { recursive: true });
      writeFileSync(path.join(proj, 'crm.isola.json'), JSON.stringify({ kind: 'workspace', code: 'crm', version: '1.0.0' }));
      writeFileSync(path.join(proj, 'apps', 'customers.isola.json'), JSON.stringify({
        kind: 'app', namespace: 'crm', code: 'customers', version: '1.0.0', fields: [{ code: 'name', type: 'string' }], data: { customers: 'data/customers.jsonl' },
      }));
      const records = '{"id":"1","name":"Ann"}\n{"id":"2","name":"Bob"}\n';
      const data = path.join(proj, 'apps', 'data', 'customers.jsonl');
      writeFileSync(data, records);
      const file = path.join(tmp, 'crm.isolapkg');
      const built = spawnSync(process.execPath, [CLI, 'build', proj, '--package', 'crm', '--out', file], { encoding: 'utf8' });
      assert.equal(built.status, 0, built.stdout + built.stderr);
      const r = await unpackPackage({ file, dir: proj });
      assert.equal(readFileSync(data, 'utf8'), records);
      assert.deepEqual(r.files.filter((f) => f.status !== 'unchanged'), [], JSON.stringify(r.files));
      // Into an empty folder no data file is written or named: the package carries no records, and
      // an app card, as a workspace's card, leaves the manifest's `data` paths out.
      const fresh = path.join(tmp, 'fresh');
      mkdirSync(fresh);
      await unpackPackage({ file, dir: fresh });
      const files = readdirSync(fresh, { recursive: true }).map(String);
      assert.equal(files.find((f) => f.endsWith('.jsonl')), undefined, JSON.stringify(files));
      for (const f of files.filter((x) => x.endsWith('.isola.json'))) assert.equal(JSON.parse(readFileSync(path.join(fresh, f), 'utf8')).data, undefined, f);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a --dir beneath a file is refused as such, not met as an internal error', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-under-'));
    try {
      await pkg(path.join(tmp, 'p.isolapkg'), 'ws', [card('group', 'ws', 'g', { code: 'g' })]);
      writeFileSync(path.join(tmp, 'file.txt'), 'a file');
      await assert.rejects(unpackPackage({ file: path.join(tmp, 'p.isolapkg'), dir: path.join(tmp, 'file.txt', 'sub') }),
        (e: Error) => e instanceof UnpackRefused && /file\.txt is not a folder$/.test(e.message));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
