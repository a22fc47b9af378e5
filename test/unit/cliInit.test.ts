import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// `isola init` starts a project that works at once: check, build and import into the embedded
// environment pass in a folder that held nothing, and init never overwrites a file.

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');
const VERSION = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const SCHEMA_ID = (JSON.parse(readFileSync(path.join(REPO, 'schemas/manifest.schema.json'), 'utf8')) as { $id: string }).$id;

function isola(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every file under a folder, relative, with `/`. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

describe('isola init', () => {
  let tmp: string;
  before(() => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built by `npm run build` before the tests');
    tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-init-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('in an empty folder: config, manifest with its schema, .gitignore and a CI workflow; then check, build and import --env local work', () => {
    const dir = path.join(tmp, 'service-desk');
    mkdirSync(dir);
    const init = isola(['init'], dir);
    assert.equal(init.code, 0, init.out + init.err);
    assert.deepEqual(files(dir), ['.github/workflows/isola.yml', '.gitignore', 'isola.config.json', 'service_desk.isola.json']);
    assert.match(init.out, /Created workspace service_desk in \./);

    const manifest = JSON.parse(readFileSync(path.join(dir, 'service_desk.isola.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.$schema, SCHEMA_ID, 'the manifest names the schema the extension serves for *.isola.json');
    assert.equal(manifest.kind, 'workspace');
    assert.equal(manifest.code, 'service_desk');
    assert.deepEqual(readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')), ['.isola/', '*.isolapkg', '*.partial-*']);
    const ci = readFileSync(path.join(dir, '.github/workflows/isola.yml'), 'utf8');
    assert.match(ci, /run: isola check\n/);
    assert.match(ci, /run: isola build --package service_desk /);
    assert.match(ci, new RegExp(`isola-${VERSION.replace(/\./g, '\\.')}\\.tgz`), 'the workflow names the package of the Isola that wrote it');

    const check = isola(['check'], dir);
    assert.equal(check.code, 0, check.out + check.err);
    assert.match(check.out, /^0 errors, 0 warnings, 0 infos in 1 manifest$/m);
    const build = isola(['build', '--package', 'service_desk'], dir);
    assert.equal(build.code, 0, build.out + build.err);
    assert.ok(existsSync(path.join(dir, 'service_desk-0.1.0.isolapkg')), build.out);
    const imp = isola(['import', 'service_desk-0.1.0.isolapkg', '--env', 'local'], dir);
    assert.equal(imp.code, 0, imp.out + imp.err);
    assert.match(imp.out, /Imported into local\./);
    // The embedded environment lives in the project, in the folder .gitignore names.
    assert.ok(existsSync(path.join(dir, '.isola/local')));
  });

  for (const kind of ['module', 'app', 'solution', 'configuration']) {
    it(`--kind ${kind} --code crm: check, build and import pass`, () => {
      const dir = path.join(tmp, `kind-${kind}`);
      const init = isola(['init', dir, '--kind', kind, '--code', 'crm', '--languages', 'en,ru'], tmp);
      assert.equal(init.code, 0, init.out + init.err);
      const manifest = JSON.parse(readFileSync(path.join(dir, 'crm.isola.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(manifest.kind, kind);
      assert.deepEqual(manifest.languages, ['en', 'ru']);
      if (kind === 'solution' || kind === 'configuration') assert.deepEqual(manifest.includes, ['crm_main/crm_main.isola.json']);
      const check = isola(['check'], dir);
      assert.equal(check.code, 0, check.out + check.err);
      assert.match(check.out, /^0 errors, 0 warnings, 0 infos/m);
      const build = isola(['build', '--package', 'crm', '--kind', kind], dir);
      assert.equal(build.code, 0, build.out + build.err);
      const imp = isola(['import', 'crm-0.1.0.isolapkg', '--env', 'local'], dir);
      assert.equal(imp.code, 0, imp.out + imp.err);
      assert.match(imp.out, /Imported into local\./);
    });
  }

  it('refuses to overwrite: exit 1, the files named, nothing written, .gitignore untouched', () => {
    const dir = path.join(tmp, 'taken');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'isola.config.json'), '{ "environments": { "staging": { "url": "http://127.0.0.1:7700" } } }\n');
    writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n');
    const r = isola(['init', '--code', 'sales'], dir);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.err, /refused, nothing written: isola\.config\.json already exists/);
    assert.deepEqual(files(dir), ['.gitignore', 'isola.config.json']);
    assert.equal(readFileSync(path.join(dir, '.gitignore'), 'utf8'), 'node_modules/\n');
    assert.match(readFileSync(path.join(dir, 'isola.config.json'), 'utf8'), /staging/);

    // A second init over a project init made names every file it would have replaced.
    const again = path.join(tmp, 'twice');
    assert.equal(isola(['init', again, '--code', 'sales'], tmp).code, 0);
    const before = files(again).map((f) => [f, readFileSync(path.join(again, f), 'utf8')]);
    const r2 = isola(['init', again, '--code', 'sales'], tmp);
    assert.equal(r2.code, 1, r2.out + r2.err);
    assert.match(r2.err, /isola\.config\.json, sales\.isola\.json, \.github\/workflows\/isola\.yml already exist/);
    assert.deepEqual(files(again).map((f) => [f, readFileSync(path.join(again, f), 'utf8')]), before);
  });

  it('appends to an existing .gitignore only the lines it lacks', () => {
    const dir = path.join(tmp, 'ignored');
    mkdirSync(dir);
    writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n.isola/');
    const r = isola(['init', '--code', 'ops'], dir);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /appended\s+\.gitignore/);
    const lines = readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n');
    assert.equal(lines.filter((l) => l === '.isola/').length, 1);
    assert.equal(lines.filter((l) => l === '*.isolapkg').length, 1);
    assert.deepEqual(lines.slice(0, 2), ['node_modules/', '.isola/']);
  });

  it('a code that cannot be a namespace is bad usage (exit 2), and no folder is made', () => {
    const dir = path.join(tmp, 'bad-code');
    const r = isola(['init', dir, '--code', 'Sales-1'], tmp);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, /isola init: "Sales-1" is not a code/);
    assert.ok(!existsSync(dir));
    const k = isola(['init', dir, '--kind', 'package'], tmp);
    assert.equal(k.code, 2);
    assert.match(k.err, /unknown kind "package"/);
  });

  it('its Next line, pasted into a POSIX shell, goes into the folder whatever its name', { skip: process.platform === 'win32' && 'a POSIX shell' }, () => {
    const parent = path.join(tmp, 'names');
    mkdirSync(parent);
    for (const [i, name] of ['my proj', "it's", 'two\nlines', '$HOME;`x`', 'plain'].entries()) {
      const r = isola(['init', name, '--code', `p${i}`], parent);
      assert.equal(r.code, 0, r.out + r.err);
      const cd = /^Next: (cd [\s\S]*?) && isola check/m.exec(r.out)?.[1];
      assert.ok(cd, r.out);
      if (name === 'plain') assert.equal(cd, 'cd plain', 'quoted only when needed');
      const sh = spawnSync('sh', ['-c', `${cd} && pwd`], { cwd: parent, encoding: 'utf8' });
      assert.equal(sh.status, 0, `${cd}\n${sh.stderr}`);
      assert.equal(sh.stdout, `${path.join(parent, name)}\n`, cd);
    }
  });

  it('isola help lists init', () => {
    assert.match(isola(['help'], tmp).out, /^  init \[DIR\]/m);
  });

  it('a .gitignore or .github that links outside the folder is refused: nothing written there, nor in the folder', () => {
    const outside = path.join(tmp, 'elsewhere');
    mkdirSync(path.join(outside, 'workflows'), { recursive: true });
    writeFileSync(path.join(outside, 'ignore'), 'theirs\n');
    for (const [name, target, link] of [['.gitignore', path.join(outside, 'ignore'), '.gitignore'], ['.github', outside, '.github']] as const) {
      const dir = path.join(tmp, `linked-${name.slice(1)}`);
      mkdirSync(dir);
      symlinkSync(target, path.join(dir, link));
      const r = isola(['init', dir, '--code', 'sales'], tmp);
      assert.equal(r.code, 1, r.out + r.err);
      assert.match(r.err, new RegExp(`^isola init: refused, nothing written: ${name.replace('.', '\\.')}\\S* leads outside the folder \\(to .*elsewhere`));
      assert.deepEqual(readdirSync(dir), [link], 'nothing written in the folder');
    }
    assert.equal(readFileSync(path.join(outside, 'ignore'), 'utf8'), 'theirs\n');
    assert.deepEqual(readdirSync(path.join(outside, 'workflows')), []);
  });

  // The workflow's install step, run here in bash as GitHub would run it: Isola comes from the
  // package the team names, pinned, and never from a registry by name (an unclaimed name there
  // would run a stranger's code with the pipeline's token).
  describe('the CI workflow installs Isola from the package the team keeps', { skip: process.platform === 'win32' && 'bash' }, () => {
    let script: string;
    let pkg: string;
    let sha: string;
    before(() => {
      const dir = path.join(tmp, 'workflow');
      mkdirSync(dir);
      assert.equal(isola(['init', '--code', 'wf'], dir).code, 0);
      const ci = readFileSync(path.join(dir, '.github/workflows/isola.yml'), 'utf8');
      assert.doesNotMatch(ci, /npx|npm (install|i|exec) (-g |--global )?isola|yarn|pnpm/, 'nothing fetches Isola by name');
      const block = /- name: Install Isola\n\s+run: \|\n((?: {10}.*\n)+)/.exec(ci);
      assert.ok(block, ci);
      script = block[1].replace(/^ {10}/gm, '');
      // A stand-in for Isola's npm package: the layout `npm pack` writes, with a bin.
      const src = path.join(tmp, 'fake-pkg');
      mkdirSync(path.join(src, 'package'), { recursive: true });
      writeFileSync(path.join(src, 'package/package.json'), JSON.stringify({ name: 'isola', version: VERSION, bin: { isola: 'cli.js' } }));
      writeFileSync(path.join(src, 'package/cli.js'), '#!/usr/bin/env node\nconsole.log("isola from the team package")\n');
      pkg = path.join(dir, 'isola.tgz');
      assert.equal(spawnSync('tar', ['czf', pkg, '-C', src, 'package']).status, 0);
      sha = createHash('sha256').update(readFileSync(pkg)).digest('hex');
    });
    const run = (env: Record<string, string>) => {
      const runner = mkdtempSync(path.join(tmp, 'runner-'));
      const githubPath = path.join(runner, 'github_path');
      writeFileSync(githubPath, '');
      const r = spawnSync('bash', ['-c', script], { cwd: path.join(tmp, 'workflow'), encoding: 'utf8', env: { PATH: process.env.PATH, HOME: runner, npm_config_cache: path.join(runner, 'npm-cache'), RUNNER_TEMP: runner, GITHUB_PATH: githubPath, ...env } });
      const bin = path.join(runner, 'isola/bin/isola');
      return { code: r.status, out: r.stdout + r.stderr, installed: existsSync(bin), bin, githubPath: readFileSync(githubPath, 'utf8') };
    };

    it('a package in the repository, with its SHA-256: installed and put on the PATH', () => {
      const r = run({ ISOLA_PACKAGE: 'isola.tgz', ISOLA_PACKAGE_SHA256: sha });
      assert.equal(r.code, 0, r.out);
      assert.ok(r.installed, r.out);
      assert.equal(spawnSync(r.bin, { encoding: 'utf8' }).stdout, 'isola from the team package\n');
      assert.match(r.githubPath, /isola\/bin\n$/);
    });

    it('no package named, a hash that differs, a download without a hash or over plain http: refused, nothing installed', () => {
      for (const [env, reason] of [
        [{}, /set the repository variable ISOLA_PACKAGE/],
        [{ ISOLA_PACKAGE: 'isola.tgz', ISOLA_PACKAGE_SHA256: sha.replace(/^./, (c) => (c === '0' ? '1' : '0')) }, /is not the package ISOLA_PACKAGE_SHA256 names/],
        [{ ISOLA_PACKAGE: 'https://example.invalid/isola.tgz' }, /set ISOLA_PACKAGE_SHA256/],
        [{ ISOLA_PACKAGE: 'http://example.invalid/isola.tgz', ISOLA_PACKAGE_SHA256: sha }, /a path in this repository or an https address/],
      ] as const) {
        const r = run(env);
        assert.equal(r.code, 1, r.out);
        assert.match(r.out, reason);
        assert.equal(r.installed, false);
        assert.equal(r.githubPath, '');
      }
    });
  });
});
