import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildManifest, relativeFile } from '../../server/src/core/manifest/build';
import { nodeFileHost } from '../../server/src/core/manifest/host';
import { isWithin, linkedPathVerdict, RealPaths } from '../../server/src/core/manifest/linkedPath';
import { loadProject, Project } from '../../server/src/core/manifest/project';
import { BuildRefused, buildPackage } from '../../server/src/core/packaging/builder';
import { readAttachments } from '../../server/src/core/packaging/cards';

const SECRET = `OUTSIDE-${process.pid}-${Date.now()}`;

/** `base/proj` (the root), `base/proj-other` and `base/outside`, each holding a file `f.ts`. */
function layout() {
  const base = mkdtempSync(path.join(os.tmpdir(), 'isola-linked-'));
  const proj = path.join(base, 'proj');
  const other = path.join(base, 'proj-other');
  const outside = path.join(base, 'outside');
  for (const d of [proj, other, outside]) {
    mkdirSync(d);
    writeFileSync(path.join(d, 'f.ts'), d === proj ? 'inside\n' : `${SECRET}\n`);
  }
  return { base, proj, other, outside };
}

/**
 * The verdict for `spec` written in a manifest at the project root; the same, it is asserted, with
 * the real paths of folders remembered as a project load remembers them (`RealPaths`).
 */
const verdict = (root: string, spec: string) => {
  const plain = linkedPathVerdict(root, spec, path.resolve(root, spec));
  const realPaths = new RealPaths();
  for (let i = 0; i < 2; i++) assert.deepEqual(linkedPathVerdict(root, spec, path.resolve(root, spec), realPaths), plain, `${spec} with remembered real paths`);
  return plain;
};

describe('linkedPathVerdict: is a path a manifest names inside the project?', () => {
  it('a relative path inside is inside, and names the file to read', () => {
    const { proj } = layout();
    assert.deepEqual(verdict(proj, 'f.ts'), { inside: true, realPath: path.join(proj, 'f.ts') });
    assert.equal(verdict(proj, 'sub/../f.ts').inside, true);
    assert.equal(verdict(proj, 'not/yet/there.ts').inside, true, 'a missing file is judged by where it would be');
    assert.equal(verdict(proj, '..notes/f.ts').inside, true, 'a name that starts with two dots is no way out');
  });

  it('paths plainly under the root are judged without path.relative, and the same as with it', () => {
    const cases = ['/proj/a', '/proj/.work/a.isola.json', '/proj/a/./b', '/proj/a/../../x', '/proj/../x', '/proj-x/a', '/proj//a', '/proj/a/', '/proj/..', '/proj/.', '/proj/..x/y', '/proj', '/'];
    for (const root of ['/proj', '/proj/', '/proj/.', '/']) {
      for (const p of cases) {
        const rel = path.posix.relative(root, p);
        assert.equal(isWithin(root, p), rel === '' || (rel !== '..' && !rel.startsWith('../') && !path.posix.isAbsolute(rel)), `isWithin(${root}, ${p})`);
        if (p !== root) assert.equal(relativeFile(root, p), rel, `relativeFile(${root}, ${p})`);
      }
    }
  });

  it('an absolute path is refused, even one that points inside', () => {
    const { proj } = layout();
    assert.equal(verdict(proj, '/etc/passwd').inside, false);
    assert.deepEqual(verdict(proj, path.join(proj, 'f.ts')), { inside: false, reason: 'absolute', target: path.join(proj, 'f.ts') });
    assert.deepEqual(linkedPathVerdict(proj, 'C:\\Windows\\win.ini', path.join(proj, 'C:\\Windows\\win.ini')).inside, false);
  });

  it('../ that climbs out is refused; ../ that stays inside is fine', () => {
    const { proj, outside } = layout();
    assert.deepEqual(verdict(proj, '../outside/f.ts'), { inside: false, reason: 'escapes', target: path.join(outside, 'f.ts') });
    assert.equal(verdict(proj, '..').inside, false);
    mkdirSync(path.join(proj, 'sub'));
    assert.equal(linkedPathVerdict(proj, '../f.ts', path.join(proj, 'sub', '../f.ts')).inside, true);
  });

  it('a folder whose name merely starts with the root\'s is outside', () => {
    const { proj, other } = layout();
    assert.deepEqual(verdict(proj, '../proj-other/f.ts'), { inside: false, reason: 'escapes', target: path.join(other, 'f.ts') });
    assert.equal(isWithin('/proj', '/proj-other/f.ts'), false);
    assert.equal(isWithin('/proj', '/proj'), true);
    assert.equal(isWithin('/proj', '/proj/a/b'), true);
    assert.equal(isWithin('/proj', '/proj/..x'), true);
    assert.equal(isWithin('/proj', '/'), false);
  });

  it('a symbolic link to a file outside is refused, one to a file inside is fine', () => {
    const { proj, outside } = layout();
    symlinkSync(path.join(outside, 'f.ts'), path.join(proj, 'out.ts'));
    symlinkSync(path.join(proj, 'f.ts'), path.join(proj, 'in.ts'));
    assert.deepEqual(verdict(proj, 'out.ts'), { inside: false, reason: 'symlink', target: path.join(outside, 'f.ts') });
    assert.deepEqual(verdict(proj, 'in.ts'), { inside: true, realPath: path.join(proj, 'f.ts') });
  });

  it('a symlinked folder that leads outside is refused, for files in it that exist and that do not', () => {
    const { proj, outside, other } = layout();
    symlinkSync(outside, path.join(proj, 'shared'));
    symlinkSync(other, path.join(proj, 'prefix'));
    assert.equal(verdict(proj, 'shared/f.ts').inside, false);
    assert.deepEqual(verdict(proj, 'shared/later.ts'), { inside: false, reason: 'symlink', target: path.join(outside, 'later.ts') });
    assert.equal(verdict(proj, 'prefix/f.ts').inside, false);
  });

  it('a root that is itself a symbolic link holds the files under it', () => {
    const { base, proj } = layout();
    const alias = path.join(base, 'alias');
    symlinkSync(proj, alias);
    assert.deepEqual(verdict(alias, 'f.ts'), { inside: true, realPath: path.join(proj, 'f.ts') });
    assert.equal(verdict(alias, '../outside/f.ts').inside, false);
  });
});

/** Every file under a folder holding the secret. */
function secretsUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .filter((f) => readFileSync(f).includes(SECRET));
}

const tool = { name: 'isola-test', version: '0' };

describe('the builder refuses to read outside the project, checked or not', () => {
  it('readAttachments never reads a script or template outside, whatever the model says', async () => {
    const { proj, outside } = layout();
    const text = JSON.stringify({
      kind: 'workspace', code: 'sales',
      processes: [{ code: 'p', scripts: [{ code: 'a', file: path.join(outside, 'f.ts') }, { code: 'b', file: 'f.ts' }] }],
      templates: [{ code: 't', file: '../outside/f.ts' }],
    });
    // Modelled only: nothing was checked or resolved.
    const m = buildManifest(proj, path.join(proj, 'sales.isola.json'), text);
    const { files, refused } = await readAttachments([m]);
    assert.deepEqual([...files.keys()], [path.join(proj, 'f.ts')]);
    assert.deepEqual(refused.map((r) => [r.link.spec, r.outside.reason]), [[path.join(outside, 'f.ts'), 'absolute'], ['../outside/f.ts', 'escapes']]);
  });

  it('a script swapped for a symbolic link after the check: refused, no package', async () => {
    const { base, proj, outside } = layout();
    mkdirSync(path.join(proj, 'scripts'));
    writeFileSync(path.join(proj, 'scripts/a.ts'), 'export async function run() {}\n');
    writeFileSync(path.join(proj, 'sales.isola.json'), JSON.stringify({ kind: 'workspace', code: 'sales', processes: [{ code: 'p', scripts: [{ code: 'a', file: 'scripts/a.ts' }] }] }));
    const project = await loadProject(proj, nodeFileHost);
    rmSync(path.join(proj, 'scripts/a.ts'));
    symlinkSync(path.join(outside, 'f.ts'), path.join(proj, 'scripts/a.ts'));
    const out = path.join(base, 'out', 'p.isolapkg');
    await assert.rejects(buildPackage({ project, pkg: project.packages[0], out, history: {}, tool }), (e: Error) => {
      assert.ok(e instanceof BuildRefused, String(e));
      assert.match(e.message, /^sales\.isola\.json: script file `scripts\/a\.ts` leads outside the project through a symbolic link/);
      assert.ok(e.message.includes(proj), e.message);
      assert.equal(e.message.split('\n').length, 1);
      return true;
    });
    assert.ok(!existsSync(out));
    assert.deepEqual(existsSync(path.join(base, 'out')) ? secretsUnder(path.join(base, 'out')) : [], []);
  });

  it('a data file swapped for a symbolic link after the check: refused, no package', async () => {
    const { base, proj, outside } = layout();
    mkdirSync(path.join(proj, 'data'));
    writeFileSync(path.join(proj, 'data/deal.jsonl'), '{"id":"1"}\n');
    writeFileSync(path.join(outside, 'deal.jsonl'), `{"id":"1","s":"${SECRET}"}\n`);
    writeFileSync(path.join(proj, 'sales.isola.json'), JSON.stringify({ kind: 'workspace', code: 'sales', apps: [{ code: 'deal' }], data: { deal: 'data/deal.jsonl' } }));
    const project = await loadProject(proj, nodeFileHost);
    rmSync(path.join(proj, 'data/deal.jsonl'));
    symlinkSync(path.join(outside, 'deal.jsonl'), path.join(proj, 'data/deal.jsonl'));
    const out = path.join(base, 'out', 'p.isolapkg');
    await assert.rejects(buildPackage({ project, pkg: project.packages[0], out, data: 'all', history: {}, tool }), (e: Error) => {
      assert.ok(e instanceof BuildRefused, String(e));
      assert.match(e.message, /^sales\.isola\.json: data file `data\/deal\.jsonl` leads outside the project through a symbolic link/);
      return true;
    });
    assert.ok(!existsSync(out));
    assert.deepEqual(existsSync(path.join(base, 'out')) ? secretsUnder(path.join(base, 'out')) : [], []);
  });

  it('includes judged right after the listing: links to manifests or folders outside are refused, plain ones are members', async () => {
    const { proj, outside } = layout();
    const put = (dir: string, name: string, v: object) => writeFileSync(path.join(dir, name), JSON.stringify(v));
    mkdirSync(path.join(proj, 'ws'));
    put(path.join(proj, 'ws'), 'w.isola.json', { kind: 'workspace', code: 'w' });
    put(outside, 'x.isola.json', { kind: 'workspace', code: 'x', title: SECRET });
    put(outside, 'y.isola.json', { kind: 'workspace', code: 'y', title: SECRET });
    symlinkSync(outside, path.join(proj, 'shared'));
    symlinkSync(path.join(outside, 'y.isola.json'), path.join(proj, 'y.isola.json'));
    put(proj, 'sol.isola.json', { kind: 'solution', code: 'sol', includes: ['ws/w.isola.json', 'shared/x.isola.json', 'y.isola.json'] });
    const project = await loadProject(proj, nodeFileHost);
    const sol = project.manifests.find((m) => m.code === 'sol')!;
    assert.deepEqual(sol.links.map((l) => [l.spec, l.exists, l.outside?.reason]), [
      ['ws/w.isola.json', true, undefined],
      ['shared/x.isola.json', false, 'symlink'],
      ['y.isola.json', false, 'symlink'],
    ]);
    assert.deepEqual(project.packageOf(sol)!.members.map((m) => m.file), ['sol.isola.json', 'ws/w.isola.json']);
    assert.ok(!project.manifests.some((m) => m.title === SECRET), 'nothing outside was read into the model');
  });

  it('an include outside, in a model made without loadProject: refused', async () => {
    const { base, proj, outside } = layout();
    const sol = buildManifest(proj, path.join(proj, 'sol.isola.json'), JSON.stringify({ kind: 'solution', code: 'sol', includes: ['../outside/w.isola.json'] }));
    const w = buildManifest(proj, path.join(outside, 'w.isola.json'), JSON.stringify({ kind: 'workspace', code: 'w', title: SECRET }));
    for (const l of sol.links) l.exists = true;
    const project = new Project(proj, [sol, w]);
    const pkg = project.packages.find((p) => p.code === 'sol')!;
    const out = path.join(base, 'p.isolapkg');
    await assert.rejects(buildPackage({ project, pkg, out, history: {}, tool }), /^Error: sol\.isola\.json: include `\.\.\/outside\/w\.isola\.json` leads outside the project/);
    assert.ok(!existsSync(out));
  });
});
