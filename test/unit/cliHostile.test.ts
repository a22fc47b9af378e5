import { after, describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readEntries } from '../fuzz/pkgzip';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const STACK_LINE = /^\s+at /m;
const LIMIT = 256;
const PREFIX = '{"kind": "workspace", "code": "deep", "x": ';
/** Another user than root, for reading permissions (root reads everything). */
const NOBODY = 65534;

interface Diagnostic { file: string; code: string; message: string; range: { start: { line: number; character: number } } }

/**
 * Runs the bundled CLI with a timeout: a check that hangs (on a FIFO) is killed and fails the test
 * instead of hanging the run.
 */
function isola(args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26, ...options });
  assert.equal(r.signal, null, `isola ${args.join(' ')} was killed (${r.signal}): it hung`);
  return { code: r.status, out: String(r.stdout), err: String(r.stderr) };
}

function checkJson(dir: string, options?: SpawnSyncOptions) {
  const r = isola(['check', dir, '--format', 'json'], options);
  assert.doesNotMatch(r.err, STACK_LINE, r.err);
  return { ...r, json: JSON.parse(r.out) as { diagnostics: Diagnostic[]; summary: { errors: number; files: number } } };
}

/** Temporary folders, removed after the tests. */
const temporary: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};
after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A project folder others may enter too (for the run as another user), with a clean manifest in it. */
function project(): string {
  const dir = tempDir('isola-hostile-');
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, 'good.isola.json'), JSON.stringify({ kind: 'workspace', code: 'good' }));
  return dir;
}

const of = (json: { diagnostics: Diagnostic[] }, file: string) => json.diagnostics.filter((d) => d.file === file);

describe('isola check on hostile manifests', () => {
  before(() => assert.ok(existsSync(CLI), 'dist/cli.js is built by `npm run build` before the tests'));

  for (const depth of [10_000, 100_000]) {
    it(`reports a manifest nested ${depth.toLocaleString('en')} deep as one MAN002 naming the limit, where it is crossed`, () => {
      const dir = project();
      writeFileSync(path.join(dir, 'deep.isola.json'), `${PREFIX}${'['.repeat(depth)}${']'.repeat(depth)}}`);
      const { code, err, json } = checkJson(dir);
      assert.equal(code, 1, err);
      assert.equal(err, '');
      const ds = of(json, 'deep.isola.json');
      assert.equal(ds.length, 1, JSON.stringify(ds));
      assert.equal(ds[0].code, 'MAN002');
      assert.match(ds[0].message, new RegExp(`deeper than ${LIMIT} levels`));
      // The top object is level 1, so the 256th bracket opens level 257.
      assert.deepEqual(ds[0].range.start, { line: 0, character: PREFIX.length + LIMIT - 1 });
      assert.deepEqual(of(json, 'good.isola.json'), []);
      assert.equal(json.summary.files, 2);
    });
  }

  it('reports a FIFO, a folder and a broken symbolic link named *.isola.json, and never opens the FIFO', (t) => {
    const dir = project();
    if (spawnSync('mkfifo', [path.join(dir, 'pipe.isola.json')]).status !== 0) return t.skip('no mkfifo here');
    mkdirSync(path.join(dir, 'folder.isola.json'));
    symlinkSync('nowhere.isola.json', path.join(dir, 'broken.isola.json'));
    const { code, json } = checkJson(dir);
    assert.equal(code, 1);
    const reasons: Record<string, RegExp> = {
      'pipe.isola.json': /^This manifest cannot be read: it is a FIFO/,
      'folder.isola.json': /^This manifest cannot be read: it is a folder/,
      'broken.isola.json': /^This manifest cannot be read: it is a symbolic link to nothing/,
    };
    for (const [file, reason] of Object.entries(reasons)) {
      const ds = of(json, file);
      assert.deepEqual(ds.map((d) => d.code), ['MAN002'], `${file}: ${JSON.stringify(json.diagnostics)}`);
      assert.match(ds[0].message, reason);
    }
    assert.equal(json.summary.files, 4);
  });

  it('reports a symbolic link that leads outside the project, and does not read what it points to', () => {
    const dir = project();
    const outside = tempDir('isola-outside-');
    writeFileSync(path.join(outside, 'elsewhere.isola.json'), JSON.stringify({ kind: 'workspace', code: 'elsewhere', apps: [{ code: 'a', fields: [{ code: 'f', type: 'app', app: 'nope' }] }] }));
    symlinkSync(path.join(outside, 'elsewhere.isola.json'), path.join(dir, 'link.isola.json'));
    const { json } = checkJson(dir);
    const ds = of(json, 'link.isola.json');
    assert.deepEqual(ds.map((d) => d.code), ['MAN002']);
    assert.match(ds[0].message, /symbolic link that leads outside the project/);
  });

  it('reads a manifest once when a symbolic link inside the project names it, however many links do', () => {
    const dir = project();
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'w2.isola.json'), JSON.stringify({ kind: 'workspace', code: 'w2', apps: [{ code: 'a' }] }));
    symlinkSync(path.join('sub', 'w2.isola.json'), path.join(dir, 'link.isola.json'));
    symlinkSync(path.join('sub', 'w2.isola.json'), path.join(dir, 'link2.isola.json'));
    const before = checkJson(project()).json.summary.files;
    const { json } = checkJson(dir);
    assert.deepEqual(json.diagnostics.filter((d) => d.code === 'MAN001').map((d) => `${d.file} ${d.message}`), []);
    assert.equal(json.summary.files, before + 1);
  });

  it('reports a manifest it may not read', (t) => {
    const dir = project();
    const file = path.join(dir, 'secret.isola.json');
    writeFileSync(file, JSON.stringify({ kind: 'workspace', code: 'secret' }));
    chmodSync(file, 0);
    // Root reads every file: the check then runs as another user.
    const asOther = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
    if (isola(['--version'], asOther).code !== 0) return t.skip(`user ${NOBODY} cannot run ${CLI}`);
    const { code, json } = checkJson(dir, asOther);
    assert.equal(code, 1);
    const ds = of(json, 'secret.isola.json');
    assert.deepEqual(ds.map((d) => d.code), ['MAN002']);
    assert.match(ds[0].message, /^This manifest cannot be read: permission denied/);
  });

  it('reports bytes that are not UTF-8, naming the byte offset, at the character they became', () => {
    const dir = project();
    const head = '{\n  "kind": "workspace",\n  "code": "latin",\n  "title": "Caf';
    writeFileSync(path.join(dir, 'latin.isola.json'), Buffer.concat([Buffer.from(head), Buffer.from([0xe9]), Buffer.from('"\n}\n')]));
    const { code, json } = checkJson(dir);
    assert.equal(code, 1);
    const ds = of(json, 'latin.isola.json');
    assert.deepEqual(ds.map((d) => d.code), ['MAN002']);
    assert.match(ds[0].message, new RegExp(`not valid UTF-8: byte 0xE9 at byte offset ${Buffer.byteLength(head)}\\b`));
    assert.deepEqual(ds[0].range.start, { line: 3, character: '  "title": "Caf'.length });
  });

  it('a manifest that is not UTF-8 refuses its build, and the build of a solution including it, as it fails the check', () => {
    const dir = project();
    writeFileSync(path.join(dir, 's.isola.json'), JSON.stringify({ kind: 'solution', code: 's', version: '1.0.0', includes: ['a.isola.json', 'b.isola.json'] }));
    writeFileSync(path.join(dir, 'a.isola.json'), JSON.stringify({ kind: 'workspace', code: 'a', version: '1.0.0', apps: [{ code: 'x', title: 'X' }] }));
    const head = '{ "kind": "workspace", "code": "b", "version": "1.0.0", "apps": [{ "code": "y", "title": "Caf';
    writeFileSync(path.join(dir, 'b.isola.json'), Buffer.concat([Buffer.from(head), Buffer.from([0xe9]), Buffer.from('" }] }\n')]));
    const check = isola(['check', dir, '--package', 'b']);
    assert.equal(check.code, 1, check.out);
    assert.match(check.out, /^b\.isola\.json:1:\d+ error MAN002 [^\n]*not valid UTF-8: byte 0xE9/m);
    for (const code of ['b', 's']) {
      const out = path.join(dir, `${code}.isolapkg`);
      const r = isola(['build', dir, '--package', code, '--out', out]);
      assert.equal(r.code, 1, `build of ${code}: ${r.out}${r.err}`);
      assert.match(r.out, /^b\.isola\.json:1:\d+ error MAN002 [^\n]*not valid UTF-8: byte 0xE9/m);
      assert.match(r.err, /^isola build: refused: [^\n]*MAN002/);
      assert.ok(!existsSync(out), `no package of ${code}`);
    }
    // The clean workspace beside it still builds.
    const a = isola(['build', dir, '--package', 'a', '--out', path.join(dir, 'a.isolapkg')]);
    assert.equal(a.code, 0, a.out + a.err);
  });

  it('refuses a FIFO given as --builtins at once, on one line', (t) => {
    const dir = project();
    const fifo = path.join(dir, 'catalog.json');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('no mkfifo here');
    const r = isola(['check', dir, '--builtins', fifo]);
    assert.equal(r.code, 2);
    assert.match(r.err, /^isola check: cannot read built-in catalog .*: it is a FIFO/);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
  });
});

describe('project files that are not what they seem', () => {
  it('a history file that cannot be read refuses the build instead of being replaced (its versions would be lost)', () => {
    const dir = project();
    mkdirSync(path.join(dir, 'isola.history.json'));
    const r = isola(['build', dir, '--package', 'good', '--out', path.join(dir, 'good.isolapkg')]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /isola\.history\.json: it is a folder[^\n]*; fix or delete it \(it records every entity's past versions\)\n$/);
    assert.doesNotMatch(r.err, STACK_LINE);
    assert.ok(!existsSync(path.join(dir, 'good.isolapkg')), 'no package');
  });

  it('a named pipe as isola.history.json or isola.config.json is refused at once', (t) => {
    if (spawnSync('mkfifo', ['--help']).error) return t.skip('no mkfifo here');
    const dir = project();
    spawnSync('mkfifo', [path.join(dir, 'isola.history.json')]);
    const b = isola(['build', dir, '--package', 'good', '--out', path.join(dir, 'good.isolapkg')]);
    assert.equal(b.code, 2, b.err);
    assert.match(b.err, /isola\.history\.json: [^\n]*named pipe/);
    spawnSync('mkfifo', [path.join(dir, 'isola.config.json')]);
    const i = isola(['export', '--package', 'good', '--env', 'local', '--out', path.join(dir, 'x.isolapkg')], { cwd: dir });
    assert.equal(i.code, 2, i.err);
    assert.match(i.err, /isola\.config\.json: [^\n]*named pipe/);
  });
});

describe('isola and errors nobody expected', () => {
  const failingOut = { out: () => { throw new RangeError('Maximum call stack size exceeded'); }, cwd: REPO };

  it('prints one line and exits 2, without a stack trace', async () => {
    const err: string[] = [];
    const code = await main(['check', path.join(REPO, 'examples/invoices')], { ...failingOut, err: (t) => void err.push(t) });
    assert.equal(code, 2);
    assert.equal(err.join(''), 'isola check: internal error: Maximum call stack size exceeded (ISOLA_DEBUG=1 prints the stack trace)\n');
  });

  it('prints the stack trace with ISOLA_DEBUG=1', async () => {
    const err: string[] = [];
    process.env.ISOLA_DEBUG = '1';
    try {
      assert.equal(await main(['check', path.join(REPO, 'examples/invoices')], { ...failingOut, err: (t) => void err.push(t) }), 2);
    } finally {
      delete process.env.ISOLA_DEBUG;
    }
    assert.match(err.join(''), /^isola check: internal error: RangeError: Maximum call stack size exceeded\n/);
    assert.match(err.join(''), STACK_LINE);
  });
});

describe('codes that are names of every JavaScript object\'s members', () => {
  it('a workspace coded `constructor` builds, imports, updates and unpacks like any other', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'isola-proto-'));
    try {
      const proj = path.join(base, 'proj');
      mkdirSync(proj);
      const manifest = (group: string, version = '1.0.0') => JSON.stringify({
        kind: 'workspace', code: 'constructor', title: 'Objects', version,
        apps: [{ code: 'toString', fields: [{ code: 'valueOf', type: 'string' }] }], groups: [{ code: 'hasOwnProperty', title: group }],
        pages: [{ code: 'isPrototypeOf', title: group }],
      });
      writeFileSync(path.join(proj, 'ws.isola.json'), manifest('First'));
      const run = (args: string[]) => {
        const r = isola(args, { cwd: proj });
        assert.equal(r.code, 0, `isola ${args.join(' ')}: ${r.out}${r.err}`);
        assert.doesNotMatch(r.err, /internal error/);
        return r.out;
      };
      run(['build', '--package', 'constructor', '--out', path.join(base, 'v1.isolapkg')]);
      assert.match(run(['import', path.join(base, 'v1.isolapkg'), '--env', 'local']), /menu: constructor created/);
      writeFileSync(path.join(proj, 'ws.isola.json'), manifest('Second', '1.1.0'));
      run(['build', '--package', 'constructor', '--out', path.join(base, 'v2.isolapkg')]);
      // The update finds each entity's earlier version in the package's history (the workspace's own id is `constructor`).
      const updated = run(['import', path.join(base, 'v2.isolapkg'), '--env', 'local']);
      assert.match(updated, /groups: constructor\.hasOwnProperty updated/);
      assert.match(updated, /menu: constructor\.isPrototypeOf updated/);
      assert.match(updated, /menu: constructor updated/);
      assert.match(run(['unpack', path.join(base, 'v2.isolapkg'), '--dir', path.join(base, 'unpacked')]), /created {3}constructor\/constructor\.isola\.json/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('a property named `__proto__`', () => {
  it('is a property like any other: built, imported, exported and unpacked with its value, never taken as a prototype', async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'isola-proto-'));
    try {
      const proj = path.join(base, 'proj');
      mkdirSync(proj);
      // Written as JSON text: an object literal would take `__proto__` as its prototype.
      writeFileSync(path.join(proj, 'ws.isola.json'), `{"kind": "workspace", "code": "sales", "version": "1.0.0",
  "apps": [{"code": "deal", "__proto__": {"title": "Not the title"}, "fields": [{"code": "amount", "type": "money"}]}]}`);
      const run = (args: string[]) => {
        const r = isola(args, { cwd: proj });
        assert.equal(r.code, 0, `isola ${args.join(' ')}: ${r.out}${r.err}`);
        return r.out;
      };
      const card = async (file: string) => {
        const e = (await readEntries(file)).find((x) => x.name === 'apps/sales.deal.card.json')!;
        return JSON.parse(e.data.toString('utf8')).body as Record<string, unknown>;
      };
      run(['build', '--package', 'sales', '--out', path.join(base, 'built.isolapkg')]);
      const built = await card(path.join(base, 'built.isolapkg'));
      assert.deepEqual(Object.getOwnPropertyDescriptor(built, '__proto__')?.value, { title: 'Not the title' });
      // The app has no title of its own: the plan must not show one it would inherit.
      const plan = JSON.parse(run(['import', path.join(base, 'built.isolapkg'), '--env', 'local', '--dry-run', '--format', 'json'])).plan;
      assert.equal(plan.entities.find((e: { id: string }) => e.id === 'sales.deal').title, undefined);
      run(['import', path.join(base, 'built.isolapkg'), '--env', 'local']);
      run(['export', '--package', 'sales', '--env', 'local', '--out', path.join(base, 'exported.isolapkg')]);
      const exported = await card(path.join(base, 'exported.isolapkg'));
      assert.deepEqual(Object.getOwnPropertyDescriptor(exported, '__proto__')?.value, { title: 'Not the title' });
      run(['unpack', path.join(base, 'exported.isolapkg'), '--dir', path.join(base, 'unpacked')]);
      const text = readFileSync(path.join(base, 'unpacked/sales/sales.isola.json'), 'utf8');
      const app = (JSON.parse(text) as { apps: Record<string, unknown>[] }).apps[0];
      assert.deepEqual(Object.getOwnPropertyDescriptor(app, '__proto__')?.value, { title: 'Not the title' });
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('a property or code named `__proto__` when unpacking over a project', () => {
  it('a package without the property removes it from the manifest by an edit in place: comments stay', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'isola-proto-'));
    try {
      const proj = path.join(base, 'proj');
      mkdirSync(proj);
      const file = path.join(proj, 'ws.isola.json');
      const text = (extra: string) => `{
  "kind": "workspace", "code": "sales", "version": "1.0.0",
  "apps": [
    // the app that holds the money
    { "code": "deal",${extra} "fields": [{ "code": "amount", "type": "money" }] }
  ]
}
`;
      writeFileSync(file, text(''));
      assert.equal(isola(['build', '--package', 'sales', '--out', path.join(base, 'v.isolapkg')], { cwd: proj }).code, 0);
      writeFileSync(file, text(' "__proto__": { "title": "x" },'));
      const r = isola(['unpack', path.join(base, 'v.isolapkg'), '--dir', proj]);
      assert.equal(r.code, 0, r.out + r.err);
      const after = readFileSync(file, 'utf8');
      assert.match(after, /\/\/ the app that holds the money/);
      assert.doesNotMatch(after, /__proto__/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('an app coded `__proto__` keeps its data file named in the unpacked manifest', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'isola-proto-'));
    try {
      const proj = path.join(base, 'proj');
      mkdirSync(path.join(proj, 'data'), { recursive: true });
      writeFileSync(path.join(proj, 'ws.isola.json'), '{"kind": "workspace", "code": "sales", "version": "1.0.0", "apps": [{"code": "__proto__"}], "data": {"__proto__": "data/p.jsonl"}}');
      writeFileSync(path.join(proj, 'data/p.jsonl'), '{"id":"1"}\n');
      assert.equal(isola(['build', '--package', 'sales', '--data', 'all', '--out', path.join(base, 'v.isolapkg')], { cwd: proj }).code, 0);
      const out = path.join(base, 'unpacked');
      const r = isola(['unpack', path.join(base, 'v.isolapkg'), '--dir', out]);
      assert.equal(r.code, 0, r.out + r.err);
      const data = (JSON.parse(readFileSync(path.join(out, 'sales/sales.isola.json'), 'utf8')) as { data?: Record<string, unknown> }).data;
      assert.equal(typeof Object.getOwnPropertyDescriptor(data ?? {}, '__proto__')?.value, 'string', JSON.stringify(data));
      const b = isola(['build', '--package', 'sales', '--data', 'all', '--out', path.join(base, 'again.isolapkg')], { cwd: out });
      assert.equal(b.code, 0, b.out + b.err);
      assert.match(b.out, /1 data record/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('what a manifest quotes into the text report', () => {
  it('line breaks and escape sequences in references and file names stay inside their finding\'s one line', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'isola-lines-'));
    try {
      const ws = (app: string) => JSON.stringify({ kind: 'workspace', code: 'ws', version: '1.0.0', apps: [{ code: 'a', fields: [{ code: 'f', type: 'app', app }] }] });
      writeFileSync(path.join(base, 'ws.isola.json'), ws('zzz.q\n0 errors, 0 warnings, 0 infos in 1 manifest\u001b[2K\u009b2K'));
      writeFileSync(path.join(base, 'x\n0 errors, 0 warnings, 0 infos in 1 manifest\n.isola.json'), ws('yyy.q').replace('"ws"', '"ws2"'));
      const r = isola(['check', base]);
      assert.equal(r.code, 1, r.out + r.err);
      assert.doesNotMatch(r.out, /[\u001b\u009b]/);
      const lines = r.out.trimEnd().split('\n');
      // The findings (an unknown app in each, and the schema's word on the first string) and the
      // summary: nothing a manifest wrote makes a line of its own.
      const summary = lines.pop();
      assert.equal(summary, `${lines.length} errors, 0 warnings, 0 infos in 2 manifests`);
      for (const l of lines) assert.match(l, /^(ws\.isola\.json|x\\n0 errors, 0 warnings, 0 infos in 1 manifest\\n\.isola\.json):\d+:\d+ error (ISO006|MAN002) /, l);
      assert.ok(lines.some((l) => /ISO006 .*zzz\.q\\n0 errors.*\\u001b\[2K/.test(l)), r.out);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
