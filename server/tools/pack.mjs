// Packages what Isola ships, from dist/ as `npm run build` leaves it:
//
//   node server/tools/pack.mjs vsix [--out FILE]   the VS Code extension (default dist/isola.vsix)
//   node server/tools/pack.mjs npm [--out DIR]     the CLI's npm package (default dist/), isola-VERSION.tgz
//
// Both are made in a staging folder that holds only candidates for shipping, never in the
// repository itself: vsce reads every file under its folder before .vscodeignore filters them,
// and a working copy with benchmark scratch (bench/.work) or per-worker compile folders (out-*)
// made it take minutes, with a growing risk of shipping what nobody meant to.
//
// The npm package is not the repository's package.json: that one is the extension's manifest and
// the developers' workspace (scripts such as `prepare`, which builds, and the libraries that
// esbuild bundles into dist/). The CLI's package is generated from it: same name, version,
// description, licence and repository, the `isola` bin, and no dependencies at all, since
// dist/ carries everything the CLI runs (PGlite's WebAssembly included), so it installs offline.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const DOCS = ['README.md', 'LICENSE', 'CHANGELOG.md'];

const [what, flag, value] = process.argv.slice(2);
if (!['vsix', 'npm'].includes(what) || (flag !== undefined && (flag !== '--out' || !value))) {
  console.error('usage: node server/tools/pack.mjs vsix|npm [--out PATH]');
  process.exit(2);
}
if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) {
  console.error('pack: dist/ is not built; run `npm run build` first');
  process.exit(2);
}

const stage = mkdtempSync(path.join(os.tmpdir(), `isola-pack-${what}-`));
try {
  if (what === 'vsix') packVsix(value ? path.resolve(value) : path.join(ROOT, 'dist', 'isola.vsix'));
  else packNpm(value ? path.resolve(value) : path.join(ROOT, 'dist'));
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/** Copies a file or folder of the repository into the staging folder, skipping source maps and earlier packages. */
function copy(rel, filter = () => true) {
  const from = path.join(ROOT, rel);
  if (!existsSync(from)) return;
  cpSync(from, path.join(stage, rel), {
    recursive: true,
    filter: (src) => !/\.(map|vsix|tgz|isolapkg)$/.test(src) && filter(path.relative(ROOT, src).split(path.sep).join('/')),
  });
}

function run(cmd, args, cwd, quiet = false) {
  // stdin closed: vsce asks questions (a missing licence, say) that a build must not wait on.
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
  if (!quiet) process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  if (r.status !== 0) {
    console.error(`pack: ${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(1);
  }
  return r.stdout;
}

/** The extension: everything .vscodeignore may let through is staged, and vsce applies it. */
function packVsix(out) {
  for (const rel of ['package.json', 'package.nls.json', 'package.nls.ru.json', 'l10n', '.vscodeignore', ...DOCS, 'schemas', 'syntaxes', 'client/media']) copy(rel);
  copy('dist');
  mkdirSync(path.dirname(out), { recursive: true });
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], stage);
}

/** The CLI: its bundles, PGlite's files, the schemas (for `$schema` paths into node_modules) and the docs. */
function packNpm(outDir) {
  copy('dist', (rel) => rel === 'dist' || rel === 'dist/cli.js' || /^dist\/(commands|pglite)(\/|$)/.test(rel));
  for (const rel of ['schemas', ...DOCS]) copy(rel);
  const pkg = {
    name: manifest.name,
    version: manifest.version,
    description: 'Isolation checks, packages and environments for low-code manifests: the isola command line (check, build, import, export, unpack, env serve, lsp).',
    license: manifest.license,
    repository: manifest.repository,
    keywords: manifest.keywords,
    bin: { isola: 'dist/cli.js' },
    engines: { node: manifest.engines.node },
    files: ['dist', 'schemas', 'CHANGELOG.md'],
  };
  writeFileSync(path.join(stage, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  mkdirSync(outDir, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const made = run(npm, ['pack', '--silent', '--pack-destination', outDir], stage, true).trim().split('\n').pop();
  console.log(`Packed: ${path.join(outDir, made)}`);
}
