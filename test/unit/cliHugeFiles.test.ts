/**
 * Files too large to read whole, named by a project: `isola check` reports each as a finding on
 * the manifest that names it (exit 1, never an internal error), and `isola build` refuses the
 * package with that finding. Files are grown with zero bytes by `fs.truncateSync` (sparse: no
 * time, no disk). And a manifest that cannot be read is said to be unreadable, not malformed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const INVOICES = path.join(REPO, 'examples/invoices');
const MB = 1024 * 1024;

interface Diagnostic { file: string; code: string; message: string }

function isola(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  assert.equal(r.signal, null, `isola ${args.join(' ')} was killed (${r.signal})`);
  return { code: r.status, out: String(r.stdout), err: String(r.stderr) };
}

function check(dir: string, env?: NodeJS.ProcessEnv) {
  const r = isola(['check', dir, '--format', 'json'], env);
  assert.equal(r.code, 1, `exit ${r.code}: ${r.err}`);
  assert.equal(r.err, '');
  return JSON.parse(r.out) as { diagnostics: Diagnostic[] };
}

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A copy of examples/invoices (a workspace with a script, a template and a data file). */
function invoices(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-huge-'));
  temporary.push(dir);
  cpSync(INVOICES, dir, { recursive: true });
  return dir;
}

const codes = (ds: Diagnostic[]) => ds.map((d) => `${d.file} ${d.code}`);

describe('isola check and build on files too large to read whole', () => {
  before(() => assert.ok(existsSync(CLI), 'dist/cli.js is built by `npm run build` before the tests'));

  it('a script of 700 MB is a MAN003 on its manifest (exit 1), and the build refuses the package with it', () => {
    const dir = invoices();
    truncateSync(path.join(dir, 'scripts/find_contractor.ts'), 700 * MB);
    const { diagnostics } = check(dir);
    assert.deepEqual(codes(diagnostics), ['invoices.isola.json MAN003']);
    assert.match(diagnostics[0].message, /^Script file `scripts\/find_contractor\.ts` cannot be read: it is 700 MB, over the limit of 64 MB for a file read whole/);
    const out = path.join(dir, 'invoices.isolapkg');
    const b = isola(['build', dir, '--package', 'invoices', '--out', out]);
    assert.equal(b.code, 1, b.err);
    assert.match(b.err + b.out, /MAN003.*cannot be read: it is 700 MB/);
    assert.ok(!existsSync(out));
  });

  it('a template of 700 MB is a MAN003, read by nobody', () => {
    const dir = invoices();
    truncateSync(path.join(dir, 'templates/invoice.docx.txt'), 700 * MB);
    const { diagnostics } = check(dir);
    assert.deepEqual(codes(diagnostics), ['invoices.isola.json MAN003']);
    assert.match(diagnostics[0].message, /^Template file `templates\/invoice\.docx\.txt` cannot be read: it is 700 MB/);
  });

  it('a data line longer than 64 MB is a MAN003 naming the line, and the build refuses the data', () => {
    const dir = invoices();
    const data = path.join(dir, 'data/payment_purposes.jsonl');
    // Records, then a line of zero bytes past the limit.
    writeFileSync(data, '{"id": 1, "code": "a"}\n{"id": 2, "code": "b"}\n');
    truncateSync(data, 70 * MB);
    const { diagnostics } = check(dir);
    assert.deepEqual(codes(diagnostics), ['invoices.isola.json MAN003']);
    assert.match(diagnostics[0].message, /^Data file `data\/payment_purposes\.jsonl` line 3: it is longer than 64 MB/);
    const b = isola(['build', dir, '--package', 'invoices', '--data', 'all', '--out', path.join(dir, 'invoices.isolapkg')]);
    assert.equal(b.code, 1, b.err);
    assert.match(b.err + b.out, /data file data\/payment_purposes\.jsonl:3: it is longer than 64 MB/);
  });

  it('a manifest of 700 MB is a MAN002 saying it cannot be read, not malformed JSON', () => {
    const dir = invoices();
    writeFileSync(path.join(dir, 'big.isola.json'), '{"kind": "workspace", "code": "big"}');
    truncateSync(path.join(dir, 'big.isola.json'), 700 * MB);
    const { diagnostics } = check(dir);
    assert.deepEqual(codes(diagnostics), ['big.isola.json MAN002']);
    assert.equal(diagnostics[0].message, 'This manifest cannot be read: it is 700 MB, over the limit of 64 MB for a file read whole. It is neither checked nor built, so the check fails until it can be read');
  });

  it('a loop of symbolic links named *.isola.json cannot be read, in English and in Russian', () => {
    const dir = invoices();
    symlinkSync('loop.isola.json', path.join(dir, 'loop.isola.json'));
    const en = check(dir).diagnostics;
    assert.deepEqual(codes(en), ['loop.isola.json MAN002']);
    assert.equal(en[0].message, 'This manifest cannot be read: it is a loop of symbolic links. It is neither checked nor built, so the check fails until it can be read');
    const ru = check(dir, { LANG: 'ru_RU.UTF-8', LC_ALL: 'ru_RU.UTF-8' }).diagnostics;
    assert.match(ru[0].message, /^Этот манифест нельзя прочитать: it is a loop of symbolic links\./);
  });
});
