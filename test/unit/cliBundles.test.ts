import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const DIST = path.join(REPO, 'dist');
const CLI = path.join(DIST, 'cli.js');

/**
 * The bundles a CLI run loaded (paths relative to dist/), read from `require.cache` at exit by
 * a preloaded script: the start-up of a command is what it loads, so this is what keeps
 * `isola check` from loading the database, HTTP and zip code again.
 */
function loaded(args: string[]): { code: number | null; err: string; bundles: string[]; builtins: string[] } {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-bundles-'));
  const hook = path.join(tmp, 'hook.js');
  writeFileSync(hook, "process.on('exit', () => require('fs').writeSync(2, '\\nLOADED ' + JSON.stringify([Object.keys(require.cache), process.moduleLoadList]) + '\\n'));\n");
  const r = spawnSync(process.execPath, ['-r', hook, CLI, ...args], { cwd: tmp, encoding: 'utf8' });
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  assert.ok(line, r.stderr);
  const [files, moduleLoadList] = JSON.parse(line.slice('LOADED '.length)) as [string[], string[]];
  // Node's own modules, as `NativeModule crypto`: what the bundles required of Node.
  const builtins = moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length));
  const bundles = files.filter((f) => f.startsWith(DIST + path.sep)).map((f) => path.relative(DIST, f).split(path.sep).join('/'));
  return { code: r.status, err: r.stderr, bundles: bundles.sort(), builtins };
}

/** The packages and source folders a bundle was built from, by its source map. */
function sourcesOf(bundle: string): string[] {
  return (JSON.parse(readFileSync(path.join(DIST, `${bundle}.map`), 'utf8')) as { sources: string[] }).sources;
}

describe('CLI bundles: each command loads only its own group', () => {
  before(() => assert.ok(existsSync(CLI), 'dist/cli.js is built by `npm run build` before the tests'));

  it('`isola help` and an unknown command load the dispatcher alone', () => {
    assert.deepEqual(loaded(['help']).bundles, ['cli.js']);
    const r = loaded(['no-such-command']);
    assert.equal(r.code, 2);
    assert.deepEqual(r.bundles, ['cli.js']);
  });

  it('`isola check` of an empty folder loads the dispatcher and the check group only', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'isola-empty-'));
    const r = loaded(['check', empty]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.bundles, ['cli.js', 'commands/check.js']);
    // Neither hashing (SARIF fingerprints), compression nor HTTP at start-up (`net` is Node's own, for a piped stdout).
    assert.deepEqual(r.builtins.filter((m) => /^(crypto|zlib|http|https)$/.test(m)), []);
  });

  it('the check group holds no database, HTTP, zip or language-server code', () => {
    const sources = sourcesOf('commands/check.js');
    assert.ok(sources.some((s) => s.includes('server/src/core/check.ts')), 'the map lists the core sources');
    const foreign = sources.filter((s) =>
      /node_modules\/(@electric-sql|@dagrejs|pg[^/]*|yauzl|yazl|vscode-[^/]+)\//.test(s) || /server\/src\/(env|lsp|core\/environment)\//.test(s));
    assert.deepEqual(foreign, []);
  });

  it('the schema validators load only when a check has manifests to validate, the full one only for an invalid manifest', () => {
    const examples = path.join(REPO, 'examples');
    const valid = loaded(['check', path.join(examples, 'invoices')]);
    assert.equal(valid.code, 0, valid.err);
    assert.deepEqual(valid.bundles, ['cli.js', 'commands/check.js', 'commands/manifestVerdict.generated.js']);
    const broken = loaded(['check', path.join(examples, 'broken')]);
    assert.equal(broken.code, 1, broken.err);
    assert.deepEqual(broken.bundles, ['cli.js', 'commands/check.js', 'commands/manifestValidator.generated.js', 'commands/manifestVerdict.generated.js']);
    assert.ok(!sourcesOf('commands/check.js').some((s) => s.includes('.generated.')), 'the validators are files of their own');
  });

  it('the dispatcher bundles no command code', () => {
    const sources = sourcesOf('cli.js').filter((s) => !/package\.json$|importMetaUrl\.js$/.test(s));
    // locale.ts: `--lang` and LC_ALL/LC_MESSAGES/LANG are read here; help.ts: the help and the unknown
    // command's message in Russian; oneLine.ts: an error's first line shown with its control
    // characters escaped (it may come from a package or an environment); shellQuote.ts: the
    // `--comment=-hotfix` an option's value that starts with a dash is to be written as. The
    // other messages live in the command bundles.
    assert.deepEqual(sources.map((s) => path.basename(s)).sort(), ['help.ts', 'locale.ts', 'main.ts', 'oneLine.ts', 'shellQuote.ts', 'usage.ts']);
  });

  it('every command in `isola help` reaches its own code (a bad option is its usage error, exit 2)', () => {
    const help = spawnSync(process.execPath, [CLI, 'help'], { encoding: 'utf8' }).stdout;
    const commands = [...help.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]).filter((c) => c !== 'help');
    assert.ok(commands.length >= 9 && commands.includes('check') && commands.includes('env'), help);
    for (const c of commands) {
      const r = spawnSync(process.execPath, [CLI, c, '--no-such-option'], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${c}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^isola ${c}: `), c);
      assert.doesNotMatch(r.stderr, /internal error|unknown command/, c);
    }
  });
});
