import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import { existsSync, lstatSync, statSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFailure } from '../../server/src/cli/outFile';
import { english } from '../../server/src/core/l10n';

// `--out` of build and export names a package file: an earlier package is replaced, another file
// only with --force, anything but a file (a folder, a pipe, a device) never, and a file the build
// reads never even with --force. A write that fails says why in a sentence.

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const MANIFEST = `{"kind": "workspace", "code": "sales", "version": "1.0.0",
  "apps": [{"code": "deal", "fields": [{"code": "amount", "type": "money"}]}],
  "processes": [{"code": "approve", "title": "Approve", "app": "deal",
    "scripts": [{"code": "check_deal", "file": "scripts/check_deal.ts", "global": false}]}],
  "data": {"deal": "data/deal.jsonl"}}
`;
const SCRIPT = 'export function check_deal(): boolean { return true; }\n';
const DATA = '{"id": "d1", "amount": 10}\n';

function isola(args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, ...options });
  assert.equal(r.signal, null, `isola ${args.join(' ')} was killed (${r.signal}): it hung`);
  return { code: r.status, out: String(r.stdout), err: String(r.stderr) };
}

const temporary: string[] = [];
after(() => {
  for (const d of temporary) rmSync(d, { recursive: true, force: true });
});

/** A project with a manifest, a script and a data file, and one build of it (so a history). */
function project(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-out-'));
  temporary.push(dir);
  mkdirSync(path.join(dir, 'scripts'));
  mkdirSync(path.join(dir, 'data'));
  writeFileSync(path.join(dir, 'sales.isola.json'), MANIFEST);
  writeFileSync(path.join(dir, 'scripts/check_deal.ts'), SCRIPT);
  writeFileSync(path.join(dir, 'data/deal.jsonl'), DATA);
  const r = isola(['build', '--package', 'sales', '--out', 'first.isolapkg'], { cwd: dir });
  assert.equal(r.code, 0, r.out + r.err);
  return dir;
}

const isZip = (file: string) => readFileSync(file).subarray(0, 2).toString('latin1') === 'PK';
const hasFifo = spawnSync('mkfifo', ['--help']).error === undefined;

describe('isola build --out', () => {
  before(() => assert.ok(existsSync(CLI), 'dist/cli.js is built by `npm run build` before the tests'));

  it('refuses the manifest it builds from, with or without --force, and writes nothing', () => {
    const dir = project();
    for (const force of [[], ['--force']]) {
      const r = isola(['build', '--package', 'sales', '--out', 'sales.isola.json', ...force], { cwd: dir });
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.err, /sales\.isola\.json is a file the build reads; nothing was written/);
      assert.equal(readFileSync(path.join(dir, 'sales.isola.json'), 'utf8'), MANIFEST);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['data', 'first.isolapkg', 'isola.history.json', 'sales.isola.json', 'scripts']);
  });

  it('never replaces a script, a data file or the history, even with --force', () => {
    const dir = project();
    const history = readFileSync(path.join(dir, 'isola.history.json'), 'utf8');
    for (const [file, text] of [['scripts/check_deal.ts', SCRIPT], ['data/deal.jsonl', DATA], ['isola.history.json', history]]) {
      const r = isola(['build', '--package', 'sales', '--data', 'all', '--out', file, '--force'], { cwd: dir });
      assert.equal(r.code, 1, r.out + r.err);
      assert.equal(readFileSync(path.join(dir, file), 'utf8'), text);
    }
  });

  it('never replaces a file the build reads through another path to it', () => {
    const dir = project();
    mkdirSync(path.join(dir, 'sub'));
    const r = isola(['build', '--package', 'sales', '--out', 'sub/../sales.isola.json', '--force'], { cwd: dir });
    assert.equal(r.code, 1, r.out + r.err);
    assert.equal(readFileSync(path.join(dir, 'sales.isola.json'), 'utf8'), MANIFEST);
  });

  it('replaces a file that is not a package only with --force', () => {
    const dir = project();
    writeFileSync(path.join(dir, 'notes.txt'), 'my notes');
    const refused = isola(['build', '--package', 'sales', '--out', 'notes.txt'], { cwd: dir });
    assert.equal(refused.code, 1, refused.out + refused.err);
    assert.match(refused.err, /notes\.txt exists and is not a readable package; nothing was written \(--force replaces it\)/);
    assert.equal(readFileSync(path.join(dir, 'notes.txt'), 'utf8'), 'my notes');
    const forced = isola(['build', '--package', 'sales', '--out', 'notes.txt', '--force'], { cwd: dir });
    assert.equal(forced.code, 0, forced.out + forced.err);
    assert.ok(isZip(path.join(dir, 'notes.txt')));
  });

  it('replaces an earlier package without --force', () => {
    const dir = project();
    const r = isola(['build', '--package', 'sales', '--out', 'first.isolapkg'], { cwd: dir });
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /It replaced first\.isolapkg/);
  });

  it('says plainly that a folder is no package file', () => {
    const dir = project();
    const r = isola(['build', '--package', 'sales', '--out', 'scripts', '--force'], { cwd: dir });
    assert.equal(r.code, 2, r.out + r.err);
    assert.equal(r.err, 'isola build: scripts is a folder; --out names the package file to write\n');
  });

  it('never replaces a named pipe, even with --force or through a link', { skip: !hasFifo && 'no mkfifo here' }, () => {
    const dir = project();
    assert.equal(spawnSync('mkfifo', [path.join(dir, 'fifo')]).status, 0);
    symlinkSync('fifo', path.join(dir, 'to-fifo.isolapkg'));
    for (const out of ['fifo', 'to-fifo.isolapkg']) {
      for (const force of [[], ['--force']]) {
        const r = isola(['build', '--package', 'sales', '--out', out, ...force], { cwd: dir });
        assert.equal(r.code, 2, r.out + r.err);
        assert.equal(r.err, `isola build: ${out} is a named pipe, not a file; --out names the package file to write (--force replaces only a file)\n`);
      }
    }
    assert.ok(lstatSync(path.join(dir, 'fifo')).isFIFO());
    assert.ok(lstatSync(path.join(dir, 'to-fifo.isolapkg')).isSymbolicLink());
  });

  it('never replaces a device, even with --force', { skip: !existsSync('/dev/null') && 'no /dev/null here' }, () => {
    const dir = project();
    // A link to /dev/null stands in for /dev/null itself: a test run as root must not risk that.
    symlinkSync('/dev/null', path.join(dir, 'null.isolapkg'));
    const r = isola(['build', '--package', 'sales', '--out', 'null.isolapkg', '--force'], { cwd: dir });
    assert.equal(r.code, 2, r.out + r.err);
    assert.equal(r.err, 'isola build: null.isolapkg is a device, not a file; --out names the package file to write (--force replaces only a file)\n');
    assert.ok(statSync('/dev/null').isCharacterDevice());
    assert.ok(lstatSync(path.join(dir, 'null.isolapkg')).isSymbolicLink());
  });
});

describe('isola export --out', () => {
  let dir: string;
  before(() => {
    dir = project();
    const r = isola(['import', 'first.isolapkg', '--env', 'local'], { cwd: dir });
    assert.equal(r.code, 0, r.out + r.err);
  });
  const exportTo = (out: string, ...more: string[]) => isola(['export', '--package', 'sales', '--env', 'local', '--out', out, ...more], { cwd: dir });

  it('refuses a manifest, and any file that is not a package, unless --force', () => {
    const refused = exportTo('sales.isola.json');
    assert.equal(refused.code, 1, refused.out + refused.err);
    assert.match(refused.err, /sales\.isola\.json exists and is not a readable package/);
    assert.doesNotMatch(refused.out, /Export job/, 'refused before the job');
    assert.equal(readFileSync(path.join(dir, 'sales.isola.json'), 'utf8'), MANIFEST);
    writeFileSync(path.join(dir, 'notes.txt'), 'my notes');
    const forced = exportTo('notes.txt', '--force');
    assert.equal(forced.code, 0, forced.out + forced.err);
    assert.ok(isZip(path.join(dir, 'notes.txt')));
  });

  it('with --force replaces a link at --out, never the file it points at', () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'isola-out-victim-'));
    temporary.push(outside);
    writeFileSync(path.join(outside, 'victim.txt'), 'VICTIM');
    symlinkSync(path.join(outside, 'victim.txt'), path.join(dir, 'linked.isolapkg'));
    const r = exportTo('linked.isolapkg', '--force');
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(readFileSync(path.join(outside, 'victim.txt'), 'utf8'), 'VICTIM');
    assert.ok(lstatSync(path.join(dir, 'linked.isolapkg')).isFile());
  });

  it('does not hang on a named pipe at --out, and never replaces it, even with --force', { skip: !hasFifo && 'no mkfifo here' }, () => {
    const fifo = path.join(dir, 'pipe.isolapkg');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    for (const force of [[], ['--force']]) {
      const r = exportTo('pipe.isolapkg', ...force);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, /^isola export: pipe\.isolapkg is a named pipe, not a file; /);
      assert.doesNotMatch(r.out, /Export job/, 'refused before the job');
    }
    assert.ok(lstatSync(fifo).isFIFO());
  });
});

describe('a failed write of --out', () => {
  const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

  it('is a sentence with the reason and the file', () => {
    assert.equal(writeFailure(enospc, '/p/out.isolapkg', 'out.isolapkg', english), 'no space left on device writing out.isolapkg; nothing was written');
    const rename = Object.assign(new Error('EISDIR: illegal operation on a directory, rename'), { code: 'EISDIR', syscall: 'rename', path: '/p/out.isolapkg.partial-1-abc', dest: '/p/out.isolapkg' });
    assert.match(writeFailure(rename, '/p/out.isolapkg', 'out.isolapkg', english)!, /^illegal operation on a directory writing out\.isolapkg/);
  });

  it('is not claimed for an error reading another file', () => {
    const read = Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES', syscall: 'open', path: '/p/data/deal.jsonl' });
    assert.equal(writeFailure(read, '/p/out.isolapkg', 'out.isolapkg', english), undefined);
    assert.equal(writeFailure(new Error('something else'), '/p/out.isolapkg', 'out.isolapkg', english), undefined);
  });
});
