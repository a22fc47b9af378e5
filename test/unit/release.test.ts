import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yauzl from 'yauzl';

// What Isola ships: the extension (.vsix) holds what runs and its docs, nothing else, and runs
// its CLI; the CLI's npm package installs offline into an empty folder and works there.

const REPO = path.resolve(__dirname, '../../..');
const PACK = path.join(REPO, 'server/tools/pack.mjs');
const ROOT_PKG = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Record<string, any>;

/** Starts a language server bundle with `--stdio`, waits for each answer before the next message: initialize, shutdown, exit. */
function talkLsp(bundle: string): Promise<{ code: number | null; out: string }> {
  const message = (id: number | undefined, method: string, params: unknown) => {
    const body = JSON.stringify({ jsonrpc: '2.0', ...(id === undefined ? {} : { id }), method, params });
    return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, '--stdio']);
    const timer = setTimeout(() => child.kill(), 60_000);
    let out = '';
    let step = 1;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (step === 1 && out.includes('"id":1,')) {
        step = 2;
        child.stdin.write(message(2, 'shutdown', null));
      } else if (step === 2 && out.includes('"id":2,')) {
        step = 3;
        child.stdin.write(message(undefined, 'exit', null));
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    child.stdin.write(message(1, 'initialize', { processId: null, rootUri: null, capabilities: {} }));
  });
}

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, out: r.stdout, err: r.stderr, all: `${r.stdout}\n${r.stderr}${r.error ? `\n${r.error.message}` : ''}` };
}

/** Every entry of a zip file, with its bytes. */
function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const entries = new Map<string, Buffer>();
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return reject(err2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(e.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('release packages', () => {
  let tmp: string;
  before(() => {
    assert.ok(existsSync(path.join(REPO, 'dist/cli.js')), 'dist/ is built by `npm run build` before the tests');
    tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-release-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('the repository has what a published package needs: licence, changelog, icon, repository', () => {
    assert.match(readFileSync(path.join(REPO, 'LICENSE'), 'utf8'), /^MIT License/);
    assert.equal(ROOT_PKG.license, 'MIT');
    assert.match(readFileSync(path.join(REPO, 'CHANGELOG.md'), 'utf8'), new RegExp(`^## ${ROOT_PKG.version.replace(/\./g, '\\.')}$`, 'm'));
    assert.ok(existsSync(path.join(REPO, ROOT_PKG.icon)), ROOT_PKG.icon);
    assert.match(ROOT_PKG.repository?.url ?? '', /^https:\/\//);
    assert.ok(ROOT_PKG.categories?.length && ROOT_PKG.keywords?.length);
    assert.match(ROOT_PKG.scripts['package:vsix'], /server\/tools\/pack\.mjs vsix/);
    assert.doesNotMatch(ROOT_PKG.scripts['package:vsix'], /skip-license/);
  });

  it('the .vsix: packaged without warnings; bundles, schemas, grammar, media and docs only; its CLI runs', async () => {
    const vsix = path.join(tmp, 'isola.vsix');
    const r = run(process.execPath, [PACK, 'vsix', '--out', vsix], REPO);
    assert.equal(r.code, 0, r.all);
    assert.doesNotMatch(r.all, /WARN/i);
    const entries = await unzip(vsix);
    const names = [...entries.keys()].filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length)).sort();
    const allowed = /^(package\.json|readme\.md|LICENSE\.txt|changelog\.md|dist\/[a-z]+\.js|dist\/(commands|webview)\/[a-z]+\.(js|css)|dist\/commands\/manifest(Validator|Verdict)\.generated\.js|dist\/pglite\/[a-z]+\.(wasm|data)|schemas\/[a-z]+\.schema\.json|syntaxes\/[A-Za-z.-]+\.json|client\/media\/[a-z-]+\.(png|svg)|client\/media\/walkthrough\/[a-z-]+\.md|package\.nls(\.[a-z]+)?\.json|l10n\/bundle\.l10n\.[a-z]+\.json)$/;
    assert.deepEqual(names.filter((n) => !allowed.test(n)), [], 'nothing but what runs and the docs');
    for (const must of ['package.json', 'readme.md', 'LICENSE.txt', 'changelog.md', 'dist/extension.js', 'dist/commands/lsp.js', 'dist/cli.js', 'dist/pglite/pglite.wasm', 'dist/webview/graph.js', 'dist/webview/graph.css', 'schemas/manifest.schema.json', 'package.nls.json', 'package.nls.ru.json', 'l10n/bundle.l10n.ru.json']) {
      assert.ok(names.includes(must), `${must} is in the vsix`);
    }
    // Every file the manifest names is there: the entry point, the icon, grammar, language configuration and icons.
    const pkg = JSON.parse(entries.get('extension/package.json')!.toString('utf8')) as Record<string, any>;
    const named = [pkg.main, pkg.icon, ...pkg.contributes.grammars.map((g: any) => g.path), ...pkg.contributes.languages.flatMap((l: any) => [l.configuration, l.icon?.light, l.icon?.dark]),
      ...pkg.contributes.viewsContainers.activitybar.map((v: any) => v.icon),
      ...pkg.contributes.walkthroughs.flatMap((w: any) => w.steps.map((s: any) => s.media.markdown ?? s.media.image))].filter(Boolean);
    for (const n of named) assert.ok(names.includes(path.posix.normalize(n)), `${n}, named in package.json, is in the vsix`);

    // The extension runs its own CLI (the local environment): it must run from the vsix alone.
    const ext = path.join(tmp, 'vsix');
    for (const [name, bytes] of entries) {
      if (!name.startsWith('extension/') || name.endsWith('/')) continue;
      mkdirSync(path.dirname(path.join(ext, name)), { recursive: true });
      writeFileSync(path.join(ext, name), bytes);
    }
    const check = run(process.execPath, [path.join(ext, 'extension/dist/cli.js'), 'check', path.join(REPO, 'examples/invoices')], tmp);
    assert.equal(check.code, 0, check.all);
    assert.match(check.out, /0 errors/);

    // The language server as VS Code's client starts it: the bundle run as a module of its own,
    // the transport from its command line. It answers `initialize`, then ends on `shutdown` and `exit`.
    const lsp = await talkLsp(path.join(ext, 'extension/dist/commands/lsp.js'));
    assert.equal(lsp.code, 0, lsp.out);
    assert.match(lsp.out, /"id":1,"result":\{"capabilities":\{/);
    assert.match(lsp.out, /"completionProvider"/);
  });

  it('the npm package: the CLI with no dependencies, installed offline into an empty folder, inits, checks, builds and imports', () => {
    const r = run(process.execPath, [PACK, 'npm', '--out', tmp], REPO);
    assert.equal(r.code, 0, r.all);
    const tgz = path.join(tmp, `isola-${ROOT_PKG.version}.tgz`);
    assert.ok(existsSync(tgz), r.all);
    const list = run('tar', ['tzf', tgz], tmp);
    assert.equal(list.code, 0, list.all);
    const names = list.out.split('\n').filter(Boolean).map((n) => n.replace(/^package\//, '')).sort();
    const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/cli\.js|dist\/commands\/[a-z]+\.js|dist\/commands\/manifest(Validator|Verdict)\.generated\.js|dist\/pglite\/[a-z]+\.(wasm|data)|schemas\/[a-z]+\.schema\.json)$/;
    assert.deepEqual(names.filter((n) => !allowed.test(n)), [], 'the CLI, its WebAssembly, the schemas and the docs only');
    for (const must of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/cli.js', 'dist/pglite/pglite.wasm']) assert.ok(names.includes(must), must);
    const pkg = JSON.parse(run('tar', ['xzfO', tgz, 'package/package.json'], tmp).out) as Record<string, any>;
    assert.equal(pkg.name, 'isola');
    assert.equal(pkg.version, ROOT_PKG.version);
    assert.equal(pkg.license, 'MIT');
    assert.deepEqual(pkg.bin, { isola: 'dist/cli.js' });
    assert.equal(pkg.dependencies, undefined, 'everything the CLI runs is bundled in dist/');
    assert.equal(pkg.scripts, undefined, 'installing runs nothing');

    const project = path.join(tmp, 'project');
    mkdirSync(project);
    const install = run('npm', ['install', '--offline', '--no-audit', '--no-fund', tgz], project);
    assert.equal(install.code, 0, install.all);
    const isola = path.join(project, 'node_modules/.bin/isola');
    assert.ok(existsSync(isola), install.all);
    for (const args of [['init', '--code', 'smoke'], ['check'], ['build', '--package', 'smoke'], ['import', 'smoke-0.1.0.isolapkg', '--env', 'local']]) {
      const step = run(isola, args, project);
      assert.equal(step.code, 0, `isola ${args.join(' ')}: ${step.all}`);
    }
    assert.match(run(isola, ['--version'], project).out, new RegExp(`^${ROOT_PKG.version.replace(/\./g, '\\.')}$`, 'm'));
  });
});
