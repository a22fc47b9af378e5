import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// Paths in manifests that lead outside the project, through the real command line: `isola check`
// must report MAN003 on the path string, and `isola build` must refuse and never pack the file.

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');

function isola(args: string[], cwd = REPO) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

type Obj = Record<string, unknown>;

/** Bytes that must never end up in a package. */
const SECRET = `SECRET-${process.pid}-${Date.now()}`;

/**
 * A temporary folder with `outside/` (secret files and a manifest) next to `proj/` (the project)
 * and `proj-other/` (a folder whose name merely starts with the project's).
 */
function layout(): { base: string; proj: string; outside: string } {
  const base = mkdtempSync(path.join(os.tmpdir(), 'isola-paths-'));
  const proj = path.join(base, 'proj');
  const outside = path.join(base, 'outside');
  for (const d of [proj, outside, path.join(base, 'proj-other')]) mkdirSync(d);
  writeFileSync(path.join(outside, 'secret.ts'), `// ${SECRET}\nexport async function run() {}\n`);
  writeFileSync(path.join(outside, 'secret.docx.txt'), `${SECRET}\n`);
  writeFileSync(path.join(outside, 'secret.jsonl'), `{"id":"1","note":"${SECRET}"}\n`);
  writeFileSync(path.join(base, 'proj-other', 'secret.ts'), `// ${SECRET}\n`);
  writeFileSync(path.join(outside, 'other.isola.json'), JSON.stringify({
    kind: 'workspace', code: 'other', version: '1.0.0',
    processes: [{ code: 'leak', scripts: [{ code: 'run', file: 'secret.ts' }] }],
  }, null, 2));
  return { base, proj, outside };
}

/** A workspace `sales` whose one script names `file`. */
const withScript = (file: string): Obj => ({
  kind: 'workspace', code: 'sales', version: '1.0.0',
  processes: [{ code: 'approve', scripts: [{ code: 'notify', file }] }],
});

function write(dir: string, rel: string, value: Obj): string {
  const text = JSON.stringify(value, null, 2);
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
  return text;
}

/** The text a zero-based range covers. */
function covered(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split('\n');
  assert.equal(range.start.line, range.end.line, JSON.stringify(range));
  return lines[range.start.line].slice(range.start.character, range.end.character);
}

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? e.path, e.name));
}

interface Case {
  name: string;
  /** Package to build. */
  pkg: string;
  /** The manifest holding the path, project-relative. */
  file: string;
  /** The path as the manifest writes it. */
  spec: (l: ReturnType<typeof layout>) => string;
  /** Writes the project (and any links) into `proj`; returns the texts by project-relative file. */
  make: (l: ReturnType<typeof layout>, spec: string) => Record<string, string>;
}

const CASES: Case[] = [
  {
    name: 'an absolute script path', pkg: 'sales', file: 'sales.isola.json',
    spec: (l) => path.join(l.outside, 'secret.ts'),
    make: (l, spec) => ({ 'sales.isola.json': write(l.proj, 'sales.isola.json', withScript(spec)) }),
  },
  {
    name: 'a script path that climbs out with ../', pkg: 'sales', file: 'sales.isola.json',
    spec: () => '../outside/secret.ts',
    make: (l, spec) => ({ 'sales.isola.json': write(l.proj, 'sales.isola.json', withScript(spec)) }),
  },
  {
    name: 'a folder whose name merely starts with the project\'s', pkg: 'sales', file: 'sales.isola.json',
    spec: () => '../proj-other/secret.ts',
    make: (l, spec) => ({ 'sales.isola.json': write(l.proj, 'sales.isola.json', withScript(spec)) }),
  },
  {
    name: 'a symbolic link inside the project to a file outside', pkg: 'sales', file: 'sales.isola.json',
    spec: () => 'scripts/notify.ts',
    make: (l, spec) => {
      mkdirSync(path.join(l.proj, 'scripts'));
      symlinkSync(path.join(l.outside, 'secret.ts'), path.join(l.proj, 'scripts/notify.ts'));
      return { 'sales.isola.json': write(l.proj, 'sales.isola.json', withScript(spec)) };
    },
  },
  {
    name: 'a file in a symlinked folder that leads outside', pkg: 'sales', file: 'sales.isola.json',
    spec: () => 'shared/secret.ts',
    make: (l, spec) => {
      symlinkSync(l.outside, path.join(l.proj, 'shared'));
      return { 'sales.isola.json': write(l.proj, 'sales.isola.json', withScript(spec)) };
    },
  },
  {
    name: 'a template file outside', pkg: 'sales', file: 'sales.isola.json',
    spec: () => '../outside/secret.docx.txt',
    make: (l, spec) => ({ 'sales.isola.json': write(l.proj, 'sales.isola.json', { kind: 'workspace', code: 'sales', version: '1.0.0', templates: [{ code: 'offer', file: spec }] }) }),
  },
  {
    name: 'a data file outside', pkg: 'sales', file: 'sales.isola.json',
    spec: (l) => path.join(l.outside, 'secret.jsonl'),
    make: (l, spec) => ({ 'sales.isola.json': write(l.proj, 'sales.isola.json', { kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'deal' }], data: { deal: spec } }) }),
  },
  {
    name: 'an include of a manifest outside', pkg: 'sales_solution', file: 'solution.isola.json',
    spec: () => '../outside/other.isola.json',
    make: (l, spec) => ({
      'sales.isola.json': write(l.proj, 'sales.isola.json', { kind: 'workspace', code: 'sales', version: '1.0.0' }),
      'solution.isola.json': write(l.proj, 'solution.isola.json', { kind: 'solution', code: 'sales_solution', version: '1.0.0', includes: ['sales.isola.json', spec] }),
    }),
  },
  {
    name: 'an include of a symbolic link to a manifest outside', pkg: 'sales_solution', file: 'solution.isola.json',
    spec: () => 'linked.isola.json',
    make: (l, spec) => {
      symlinkSync(path.join(l.outside, 'other.isola.json'), path.join(l.proj, 'linked.isola.json'));
      return {
        'sales.isola.json': write(l.proj, 'sales.isola.json', { kind: 'workspace', code: 'sales', version: '1.0.0' }),
        'solution.isola.json': write(l.proj, 'solution.isola.json', { kind: 'solution', code: 'sales_solution', version: '1.0.0', includes: ['sales.isola.json', spec] }),
      };
    },
  },
];

describe('paths in manifests that lead outside the project', () => {
  before(() => assert.ok(existsSync(CLI), 'dist/cli.js is built by `npm run build` before the tests'));

  for (const c of CASES) {
    it(`check: MAN003 on ${c.name}, at the path string`, () => {
      const l = layout();
      const spec = c.spec(l);
      const texts = c.make(l, spec);
      const r = isola(['check', l.proj, '--format', 'json']);
      assert.equal(r.code, 1, r.out + r.err);
      const json = JSON.parse(r.out);
      const ds = json.diagnostics.filter((d: { code: string }) => d.code === 'MAN003');
      assert.equal(ds.length, 1, JSON.stringify(json.diagnostics, null, 2));
      const d = ds[0];
      assert.equal(d.file, c.file);
      assert.equal(d.severity, 'error');
      assert.equal(covered(texts[c.file], d.range), spec);
      assert.ok(d.message.includes(`\`${spec}\``), d.message);
      assert.match(d.message, /relative/);
      assert.match(d.message, /inside the project/);
      assert.ok(d.message.includes(l.proj), `names the project root: ${d.message}`);
      // Nothing outside was loaded as a manifest of the project.
      for (const x of json.diagnostics) assert.ok(!x.file.startsWith('..') && !path.isAbsolute(x.file), x.file);
    });

    it(`build: refuses ${c.name} and writes no package`, () => {
      const l = layout();
      const spec = c.spec(l);
      c.make(l, spec);
      const outDir = path.join(l.base, 'out');
      const out = path.join(outDir, 'p.isolapkg');
      const r = isola(['build', l.proj, '--package', c.pkg, '--out', out, '--data', 'all']);
      assert.equal(r.code, 1, r.out + r.err);
      assert.ok(!existsSync(out), 'no package file');
      assert.ok(r.out.includes('MAN003') && r.out.includes(spec), r.out);
      const lines = r.err.trim().split('\n');
      assert.equal(lines.length, 1, r.err);
      assert.match(lines[0], /^isola build: refused: /);
      for (const f of existsSync(outDir) ? filesUnder(outDir) : []) assert.ok(!readFileSync(f).includes(SECRET), `${f} holds the outside file's bytes`);
    });
  }

  it('check: /etc/passwd as a script file is MAN003', () => {
    const l = layout();
    const text = write(l.proj, 'sales.isola.json', withScript('/etc/passwd'));
    const r = isola(['check', l.proj, '--format', 'json']);
    assert.equal(r.code, 1, r.out + r.err);
    const d = JSON.parse(r.out).diagnostics.find((x: { code: string }) => x.code === 'MAN003');
    assert.ok(d, r.out);
    assert.equal(covered(text, d.range), '/etc/passwd');
    assert.match(d.message, /must be relative/);
  });

  it('accepts paths that climb with ../ but stay inside, and symbolic links that stay inside', () => {
    const l = layout();
    mkdirSync(path.join(l.proj, 'scripts'));
    writeFileSync(path.join(l.proj, 'scripts/notify.ts'), `// inside ${SECRET.toLowerCase()}\nexport async function run() {}\n`);
    symlinkSync(path.join(l.proj, 'scripts/notify.ts'), path.join(l.proj, 'scripts/alias.ts'));
    write(l.proj, 'sales/sales.isola.json', {
      kind: 'workspace', code: 'sales', version: '1.0.0',
      processes: [{ code: 'approve', scripts: [{ code: 'notify', file: '../scripts/notify.ts' }, { code: 'alias', file: '../scripts/alias.ts' }] }],
    });
    const check = isola(['check', l.proj, '--format', 'json']);
    assert.equal(check.code, 0, check.out + check.err);
    const out = path.join(l.base, 'ok.isolapkg');
    const build = isola(['build', l.proj, '--package', 'sales', '--out', out]);
    assert.equal(build.code, 0, build.out + build.err);
    assert.ok(existsSync(out));
  });
});

describe('files of the project that lead outside it', () => {
  it('build refuses an isola.history.json that links outside the project, and leaves that file as it was', () => {
    const l = layout();
    write(l.proj, 'sales.isola.json', { kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'deal' }] });
    const theirs = JSON.stringify({ 'other.thing': [{ hash: 'a'.repeat(64), at: '2026-01-01T00:00:00Z' }] });
    writeFileSync(path.join(l.outside, 'isola.history.json'), theirs);
    symlinkSync(path.join(l.outside, 'isola.history.json'), path.join(l.proj, 'isola.history.json'));
    const out = path.join(l.base, 'p.isolapkg');
    const r = isola(['build', l.proj, '--package', 'sales', '--out', out]);
    assert.notEqual(r.code, 0, r.out + r.err);
    assert.match(r.err, /isola\.history\.json: leads outside the project \(to .*outside.isola\.history\.json\); a project's history must be its own file/);
    assert.equal(readFileSync(path.join(l.outside, 'isola.history.json'), 'utf8'), theirs);
    assert.ok(!existsSync(out), 'no package');
  });

  it('build refuses an isola.history.json another user owns where its history goes: not read, not replaced, not called ignored', { skip: process.getuid?.() !== 0 && 'needs root to give a file away' }, () => {
    const l = layout();
    write(l.proj, 'sales.isola.json', { kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'deal' }] });
    const theirs = JSON.stringify({ 'sales.deal': [{ hash: 'a'.repeat(64), at: '2026-01-01T00:00:00Z' }] });
    const planted = path.join(l.proj, 'isola.history.json');
    writeFileSync(planted, theirs);
    chownSync(planted, 65534, 65534);
    const out = path.join(l.base, 'p.isolapkg');
    const r = isola(['build', l.proj, '--package', 'sales', '--out', out]);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /isola\.history\.json is owned by .*not by you or root: a project's history must be its own; take the file over \(chown\) or move it away/);
    assert.doesNotMatch(r.err, /ignored/);
    assert.equal(readFileSync(planted, 'utf8'), theirs);
    assert.ok(!existsSync(out), 'no package');
  });

  it('isola.config.json cannot make `local` a service or keep its data outside the project', () => {
    const l = layout();
    write(l.proj, 'sales.isola.json', { kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'deal' }] });
    const out = path.join(l.base, 'p.isolapkg');
    assert.equal(isola(['build', l.proj, '--package', 'sales', '--out', out]).code, 0);
    const cases: [Obj, RegExp][] = [
      [{ local: { url: 'http://127.0.0.1:9', tokenEnv: 'ISOLA_TOKEN_PRODUCTION' } }, /environment "local" is the embedded one and takes no "url" or "tokenEnv"; give the service another name/],
      [{ local: { tokenEnv: 'ISOLA_TOKEN_PRODUCTION' } }, /environment "local" is the embedded one/],
      [{ local: { data: '../outside/env' } }, /the "data" of environment "local" \(\.\.\/outside\/env\) must be a folder inside the project/],
      [{ local: { data: path.join(l.outside, 'env') } }, /must be a folder inside the project/],
    ];
    for (const [environments, message] of cases) {
      write(l.proj, 'isola.config.json', { environments });
      const r = isola(['import', out, '--dry-run'], l.proj);
      assert.equal(r.code, 2, `${JSON.stringify(environments)}: ${r.out}${r.err}`);
      assert.match(r.err, message);
    }
    assert.ok(!existsSync(path.join(l.outside, 'env')), 'no environment was made outside');
    // Inside the project, a folder of one's choosing is fine.
    write(l.proj, 'isola.config.json', { environments: { local: { data: 'state/local' } } });
    const ok = isola(['import', out, '--dry-run'], l.proj);
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.ok(existsSync(path.join(l.proj, 'state', 'local')));
  });
});

describe('isola.config.json and token variables', () => {
  it('a config file another user planted above the project is ignored, with a warning naming it', { skip: process.getuid?.() !== 0 && 'needs root to give a file away' }, () => {
    const l = layout();
    const planted = path.join(l.base, 'isola.config.json');
    write(l.base, 'isola.config.json', { environments: { local: { data: 'loot' }, staging: { url: 'http://127.0.0.1:9' } } });
    chownSync(planted, 65534, 65534);
    const r = spawnSync(process.execPath, [CLI, 'export', '--package', 'sales', '--env', 'staging', '--out', path.join(l.base, 'x.isolapkg')],
      { cwd: l.proj, encoding: 'utf8', env: { ...process.env, ISOLA_TOKEN_STAGING: SECRET } });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.ok(r.stderr.includes(`isola: warning: ${planted} is owned by `), r.stderr);
    assert.match(r.stderr, /uid 65534\)?, not by you or root; ignored\n/);
    assert.match(r.stderr, /no environment "staging" in isola\.config\.json \(none found\)/);
  });


  it('a tokenEnv that names another secret is refused before anything is sent', () => {
    const l = layout();
    write(l.proj, 'isola.config.json', { environments: { staging: { url: 'http://127.0.0.1:9', tokenEnv: 'GITHUB_TOKEN' } } });
    const r = spawnSync(process.execPath, [CLI, 'export', '--package', 'sales', '--env', 'staging', '--out', path.join(l.base, 'x.isolapkg')],
      { cwd: l.proj, encoding: 'utf8', env: { ...process.env, GITHUB_TOKEN: SECRET } });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /the "tokenEnv" of environment "staging" must name a variable starting with ISOLA_/);
    assert.ok(!(r.stdout + r.stderr).includes(SECRET));
  });
});

describe('isola build with a malformed data line', () => {
  const cases = [
    { name: 'a line that is not JSON', lines: '{"id":"1"}\nnot json\n', line: 2 },
    { name: 'a record without an id', lines: '{"id":"1"}\n{"id":"2"}\n{"name":"x"}\n', line: 3 },
  ];
  for (const c of cases) {
    it(`says which file and line for ${c.name}, one line, exit 1, no package`, () => {
      const l = layout();
      write(l.proj, 'sales.isola.json', { kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'deal' }], data: { deal: 'data/deal.jsonl' } });
      mkdirSync(path.join(l.proj, 'data'));
      writeFileSync(path.join(l.proj, 'data/deal.jsonl'), c.lines);
      const out = path.join(l.base, 'p.isolapkg');
      const r = isola(['build', l.proj, '--package', 'sales', '--out', out, '--data', 'all']);
      assert.equal(r.code, 1, r.out + r.err);
      const lines = r.err.trim().split('\n');
      assert.equal(lines.length, 1, r.err);
      assert.ok(lines[0].includes(`data/deal.jsonl:${c.line}`), lines[0]);
      assert.doesNotMatch(r.err, /internal error|\n\s+at /);
      assert.ok(!existsSync(out), 'no package file');
      assert.deepEqual(readdirSync(l.base).filter((f) => f.includes('.isolapkg')), []);
    });
  }
});
