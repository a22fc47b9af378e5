import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
/** Another user than root, for reading permissions (root lists every folder). */
const NOBODY = 65534;

interface Diagnostic { file: string; code: string; message: string }

function isola(args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', timeout: 60_000, ...options });
  return { code: r.status, out: String(r.stdout), err: String(r.stderr) };
}

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) {
    try {
      chmodSync(path.join(dir, 'secret'), 0o755);
    } catch {
      // not this project's
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A project folder others may enter too, with a workspace `good` that builds. */
function project(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-unlisted-'));
  temporary.push(dir);
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, 'good.isola.json'), JSON.stringify({ kind: 'workspace', code: 'good', version: '1.0.0' }));
  return dir;
}

function checkJson(dir: string, options?: SpawnSyncOptions) {
  const r = isola(['check', dir, '--format', 'json'], options);
  return { ...r, json: JSON.parse(r.out) as { diagnostics: Diagnostic[]; summary: { errors: number; files: number } } };
}

describe('what the search for manifests cannot see', () => {
  it('a folder it may not list fails the check, naming the folder and why, and refuses the build', (t) => {
    const dir = project();
    const secret = path.join(dir, 'secret');
    mkdirSync(secret);
    writeFileSync(path.join(secret, 's.isola.json'), '{ "kind": "workspace", "code": ');
    chmodSync(secret, 0);
    // Root lists every folder: the commands then run as another user.
    const asOther = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
    if (isola(['--version'], asOther).code !== 0) return t.skip(`user ${NOBODY} cannot run ${CLI}`);
    const { code, json, err } = checkJson(dir, asOther);
    assert.equal(code, 1, err);
    const ds = json.diagnostics.filter((d) => d.file === 'secret');
    assert.deepEqual(ds.map((d) => d.code), ['MAN002']);
    assert.match(ds[0].message, /^This folder cannot be listed: permission denied\b.*neither checked nor built/);
    // The folder is not counted as a manifest: only good.isola.json was checked.
    assert.equal(json.summary.files, 1);
    const text = isola(['check', dir], asOther);
    assert.equal(text.code, 1);
    assert.match(text.out, /^secret:1:1 error MAN002 This folder cannot be listed: permission denied/m);

    // Its manifests might belong to any package: no build of the project goes ahead.
    const out = path.join(os.tmpdir(), `isola-unlisted-${process.pid}.isolapkg`);
    const build = isola(['build', dir, '--package', 'good', '--out', out], asOther);
    assert.equal(build.code, 1, build.out + build.err);
    assert.match(build.out, /^secret:1:1 error MAN002 This folder cannot be listed/m);
    assert.match(build.err, /^isola build: refused: /);
    assert.ok(!existsSync(out), 'no package');
    assert.equal(isola(['check', dir, '--package', 'good'], asOther).code, 1);
  });

  it('a manifest whose file name is not UTF-8 fails the check, its name shown with the byte escaped', () => {
    const dir = project();
    writeFileSync(Buffer.concat([Buffer.from(dir + path.sep), Buffer.from('caf\xe9.isola.json', 'latin1')]), JSON.stringify({ kind: 'workspace', code: 'cafe' }));
    const { code, json, err } = checkJson(dir);
    assert.equal(code, 1, err);
    assert.equal(err, '');
    const ds = json.diagnostics.filter((d) => d.code === 'MAN002');
    assert.equal(ds.length, 1, JSON.stringify(json.diagnostics));
    assert.match(ds[0].message, /its name \(caf\\xE9\.isola\.json\) is not valid UTF-8/);
  });

  it('a folder whose name is not UTF-8 fails the check: the manifests in it cannot be read', () => {
    const dir = project();
    const folder = Buffer.concat([Buffer.from(dir + path.sep), Buffer.from('d\xe9', 'latin1')]);
    mkdirSync(folder);
    writeFileSync(Buffer.concat([folder, Buffer.from('/x.isola.json')]), JSON.stringify({ kind: 'workspace', code: 'x' }));
    const { code, json, err } = checkJson(dir);
    assert.equal(code, 1, err);
    const ds = json.diagnostics.filter((d) => d.code === 'MAN002');
    assert.equal(ds.length, 1, JSON.stringify(json.diagnostics));
    assert.match(ds[0].message, /^This folder cannot be listed: its name \(d\\xE9\) is not valid UTF-8/);
  });
});
