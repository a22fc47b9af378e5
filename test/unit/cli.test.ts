import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, readFileSync, mkdirSync, chmodSync, rmSync, cpSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');

/** Runs the bundled CLI as a user would. */
function isola(args: string[], cwd = REPO) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('isola check', () => {
  before(() => assert.ok(existsSync(CLI), 'dist/cli.js is built by `npm run build` before the tests'));

  it('exits 0 on a clean example and says so', () => {
    const r = isola(['check', 'examples/invoices']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^0 errors, 0 warnings, 0 infos in 1 manifest\n$/);
  });

  it('exits 1 when errors stand, printing file:line:col severity code message (1-based)', () => {
    const r = isola(['check', 'examples/broken']);
    assert.equal(r.code, 1);
    const line = r.out.split('\n').find((l) => l.includes('ISO004'));
    assert.ok(line, r.out);
    const m = /^([^:]+):(\d+):(\d+) (error|warning|info) (ISO\d{3}|MAN\d{3}) (.+)$/.exec(line);
    assert.ok(m, line);
    const [, file, ln, col] = m;
    const text = readFileSync(path.join(REPO, 'examples/broken', file), 'utf8').split('\n')[Number(ln) - 1];
    assert.equal(text.slice(Number(col) - 1).split('"')[0], 'crm_ext.lead_sources');
  });

  it('prints the JSON object of the spec with zero-based ranges', () => {
    const r = isola(['check', 'examples/payments', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    assert.deepEqual(Object.keys(json).sort(), ['diagnostics', 'summary']);
    assert.deepEqual(Object.keys(json.summary).sort(), ['errors', 'files', 'infos', 'warnings']);
    assert.equal(json.summary.files, 4);
    assert.ok(json.diagnostics.length > 0);
    assert.equal(json.summary.infos, json.diagnostics.filter((d: { severity: string }) => d.severity === 'info').length);
    for (const d of json.diagnostics) {
      assert.deepEqual(Object.keys(d).sort(), ['code', 'file', 'message', 'package', 'range', 'severity']);
      assert.ok(['error', 'warning', 'info'].includes(d.severity));
      assert.ok(!path.isAbsolute(d.file) && !d.file.includes('\\'), d.file);
      for (const p of [d.range.start, d.range.end]) {
        assert.deepEqual(Object.keys(p).sort(), ['character', 'line']);
        assert.ok(Number.isInteger(p.line) && p.line >= 0 && Number.isInteger(p.character) && p.character >= 0);
      }
      assert.equal(d.package, 'payments_solution');
      // Zero-based: the range selects exactly the reference text in the file.
      const lines = readFileSync(path.join(REPO, 'examples/payments', d.file), 'utf8').split('\n');
      const sel = lines[d.range.start.line].slice(d.range.start.character, d.range.end.character);
      assert.match(sel, /^[a-z_]+\.[a-z_]+$/, `range of ${d.code} in ${d.file} covers "${sel}"`);
      assert.ok(d.message.includes(sel), d.message);
    }
  });

  it('prints SARIF 2.1.0 that validates against the official schema', (t) => {
    const schemaFile = path.join(REPO, 'node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json');
    if (!existsSync(schemaFile)) return t.skip('the SARIF schema ships in an optional Linux-only package');
    const r = isola(['check', 'examples/broken', '--format', 'sarif']);
    assert.equal(r.code, 1);
    const log = JSON.parse(r.out);
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    assert.ok(validate(JSON.parse(r.out)), JSON.stringify(validate.errors, null, 2));
    const results = log.runs[0].results;
    const text = isola(['check', 'examples/broken']).out.trim().split('\n').slice(0, -1);
    assert.equal(results.length, text.length, 'one SARIF result per finding');
    const iso001 = results.find((x: { ruleId: string }) => x.ruleId === 'ISO001');
    assert.equal(iso001.level, 'error');
    assert.equal(log.runs[0].tool.driver.rules[iso001.ruleIndex].id, 'ISO001');
    assert.equal(results.find((x: { ruleId: string }) => x.ruleId === 'ISO007').level, 'warning');
  });

  it('gives SARIF uris that lead to the file also when its name holds # or ?', (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-sarif-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const folder = path.join(dir, 'v#2?draft 100%');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'broken_json.isola.json'), readFileSync(path.join(REPO, 'examples/broken/broken_json.isola.json')));
    const r = isola(['check', dir, '--format', 'sarif']);
    assert.equal(r.code, 1, r.err);
    const uris: string[] = JSON.parse(r.out).runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0].physicalLocation.artifactLocation.uri);
    assert.ok(uris.length > 0);
    for (const uri of uris) {
      assert.equal(uri, 'v%232%3Fdraft%20100%25/broken_json.isola.json');
      // Resolved against the checked folder, as a SARIF viewer does: the file itself, no fragment, no query.
      const resolved = new URL(uri, new URL(`file://${dir}/`));
      assert.equal(resolved.hash + resolved.search, '');
      assert.equal(decodeURIComponent(resolved.pathname), path.join(folder, 'broken_json.isola.json'));
    }
  });

  it('checks the current folder by default', () => {
    const r = isola(['check'], path.join(REPO, 'examples/invoices'));
    assert.equal(r.code, 0, r.err);
  });

  it('exits 2 with a one-line reason on bad usage', () => {
    for (const args of [['check', '--format', 'xml'], ['check', 'a', 'b'], ['check', '--bogus'], ['frobnicate']]) {
      const r = isola(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.out, '');
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
    }
  });

  it('says how to give an option a value that starts with a dash, on one line', (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-dash-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // A copy: a build writes the project's history.
    cpSync(path.join(REPO, 'examples/invoices'), path.join(dir, 'invoices'), { recursive: true });
    const build = ['build', path.join(dir, 'invoices'), '--package', 'invoices', '--out', path.join(dir, 'p.isolapkg')];
    let r = isola([...build, '--comment', '-hotfix']);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'isola build: --comment needs a value, and "-hotfix" starts with a dash, as an option does: if it is the value, write --comment=-hotfix\n');
    r = isola([...build, '--title', "-it's a fix"]);
    assert.equal(r.err, `isola build: --title needs a value, and "-it's a fix" starts with a dash, as an option does: if it is the value, write '--title=-it'\\''s a fix'\n`);
    // What it says to write works.
    r = isola([...build, '--comment=-hotfix']);
    assert.equal(r.code, 0, r.err);
  });

  it('reports ISO001 for a script that hides Global from a lexer, and build refuses it', (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-iso001-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const proj = path.join(dir, 'invoices');
    cpSync(path.join(REPO, 'examples/invoices'), proj, { recursive: true });
    writeFileSync(path.join(proj, 'scripts/find_contractor.ts'), [
      'async function find_contractor(): Promise<void> {',
      '    let i = 0;',
      '    const n = i++ / 1 + (await Global.ns._clients.app._companies.search().count()) / 1;',
      "    if (n) /'/.test('x'), await Global.ns._clients.app._companies.search().all();",
      '    const all = await Glob\\u0061l.ns._clients.app._companies.search().all();',
      '}',
      '',
    ].join('\n'));
    const r = isola(['check', proj]);
    assert.equal(r.code, 1, r.out + r.err);
    const found = r.out.split('\n').filter((l) => / error ISO001 /.test(l)).map((l) => l.split(' ')[0]);
    assert.deepEqual(found, ['scripts/find_contractor.ts:3:32', 'scripts/find_contractor.ts:4:33', 'scripts/find_contractor.ts:5:23']);
    const out = path.join(dir, 'p.isolapkg');
    const b = isola(['build', proj, '--package', 'invoices', '--out', out]);
    assert.equal(b.code, 1, b.out + b.err);
    assert.match(b.err, /refused: .*ISO001/);
    assert.ok(!existsSync(out));
  });

  it('with no command prints the help and exits 2 with the reason on stderr', () => {
    const r = isola([]);
    assert.equal(r.code, 2);
    assert.equal(r.out, isola(['help']).out);
    assert.equal(r.err, 'isola: no command given (isola <command>; the list: isola help)\n');
    const ru = isola(['--lang', 'ru']);
    assert.equal(ru.code, 2);
    assert.equal(ru.err, 'isola: не указана команда (isola <команда>; список: isola help)\n');
  });

  it('exits 2 on a folder that does not exist, or a file given as the folder', () => {
    const missing = isola(['check', 'no/such/folder']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read folder .*no\/such\/folder: ENOENT/);
    const file = isola(['check', 'package.json']);
    assert.equal(file.code, 2);
    assert.equal(file.err.trim().split('\n').length, 1, file.err);
    // A manifest given for DIR: its folder is what was meant.
    for (const command of ['check', 'build', 'graph']) {
      const manifest = isola([command, 'examples/broken/sales.isola.json', ...(command === 'check' ? [] : ['--package', 'sales'])]);
      assert.equal(manifest.code, 2, command);
      assert.equal(manifest.err, `isola ${command}: ${path.join(REPO, 'examples/broken/sales.isola.json')} is a file; DIR must be a folder (the project folder, such as ${path.join(REPO, 'examples/broken')})\n`);
    }
  });

  it('exits 2 on a folder it may not read', { skip: process.getuid?.() === 0 && 'root may read every folder' }, () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-'));
    chmodSync(dir, 0);
    assert.equal(isola(['check', dir]).code, 2);
  });

  it('keeps checking the other manifests when one is malformed', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-'));
    writeFileSync(path.join(dir, 'bad.isola.json'), '{ "kind": "workspace" "code": "bad" ');
    mkdirSync(path.join(dir, 'good'));
    writeFileSync(path.join(dir, 'good/good.isola.json'), JSON.stringify({ kind: 'workspace', code: 'good', apps: [{ code: 'a', fields: [{ code: 'c', type: 'app', app: 'nope' }] }] }));
    const r = isola(['check', dir, '--format', 'json']);
    assert.equal(r.code, 1);
    const json = JSON.parse(r.out);
    assert.ok(json.diagnostics.some((d: { file: string; code: string }) => d.file === 'bad.isola.json' && d.code === 'MAN002'));
    assert.ok(json.diagnostics.some((d: { file: string; code: string }) => d.file === 'good/good.isola.json' && d.code === 'ISO006'));
    assert.equal(json.summary.files, 2);
  });

  it('reads an extra built-in catalog with --builtins', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-'));
    writeFileSync(path.join(dir, 'w.isola.json'), JSON.stringify({ kind: 'workspace', code: 'w', apps: [{ code: 'a', fields: [{ code: 'c', type: 'app', app: '_docs._contracts' }] }] }));
    assert.equal(isola(['check', dir]).code, 1);
    const cat = path.join(dir, 'catalog.json');
    writeFileSync(cat, JSON.stringify({ namespaces: [{ code: '_docs', title: 'Documents', apps: [{ code: '_contracts' }] }] }));
    assert.equal(isola(['check', dir, '--builtins', cat]).code, 0);
    writeFileSync(cat, '{ not json');
    const bad = isola(['check', dir, '--builtins', cat]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /catalog .* is not valid JSON/);
  });
});
