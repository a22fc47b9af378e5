/**
 * Shared by the two e2e runners (runServer.ts, runElectron.ts); runs in plain Node, never in
 * the extension host.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository root (this file is compiled to out/test/vscode/common.js). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * The workspace the tests open: copies of examples/broken and examples/payments.
 * It sits in a dot-folder because `tsc -p .` compiles every *.ts under test/ except dot-folders,
 * and the examples' scripts/*.ts are low-code scripts, not project code.
 */
export const FIXTURE_WORKSPACE = path.join(REPO_ROOT, 'test', 'vscode', 'fixtures', 'workspace');

/** The mocha entry point, compiled by `tsc -p .`. */
export const SUITE_INDEX = path.join(REPO_ROOT, 'out', 'test', 'vscode', 'suite', 'index.js');

/** User settings for a quiet, offline, deterministic workbench. */
export const USER_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'npm.autoDetect': 'off',
  'typescript.disableAutomaticTypeAcquisition': true,
  'files.autoSave': 'off',
};

export function writeUserSettings(settingsFile: string): void {
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify(USER_SETTINGS, null, 2) + '\n');
}

/** Copies the workspace fixture to `dest` so that tests may modify its files. */
export function copyWorkspace(source: string, dest: string): string {
  fs.cpSync(source, dest, { recursive: true });
  return dest;
}

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The `N passed, N failed[, N skipped]` line printed by the suite's reporter. */
const SUMMARY_RE = /^(?:\w+:\s*)?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/;

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  line: string;
}

/** Remembers the last summary line seen in a stream of output. */
export class SummaryTracker {
  last: Summary | undefined;
  private partial = '';

  /** Feed complete lines (or any chunks, when `chunked` is true). */
  feed(text: string, chunked = false): void {
    let lines: string[];
    if (chunked) {
      const all = (this.partial + text).split(/\r?\n/);
      this.partial = all.pop() ?? '';
      lines = all;
    } else {
      lines = text.split(/\r?\n/);
    }
    for (const line of lines) {
      // eslint-disable-next-line no-control-regex
      const plain = line.replace(/\x1b\[[0-9;]*m/g, '').trim();
      const m = SUMMARY_RE.exec(plain);
      if (m) {
        this.last = { passed: +m[1], failed: +m[2], skipped: m[3] ? +m[3] : 0, line: plain };
      }
    }
  }

  flush(): void {
    if (this.partial) {
      const rest = this.partial;
      this.partial = '';
      this.feed(rest);
    }
  }

  /**
   * The line to print last. Without a summary from the suite (it never ran, or the run was
   * cut short) a failed run counts as one failure so that the closing line agrees with the exit code.
   */
  closingLine(exitCode: number): string {
    if (this.last) {
      return this.last.line;
    }
    return `0 passed, ${exitCode === 0 ? 0 : 1} failed`;
  }
}

/** Minimal `--name value` / `--flag` parser. */
export function parseArgs(argv: string[], known: { values: string[]; flags: string[] }): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--/, '');
    if (!arg.startsWith('--')) {
      throw new Error(`unexpected argument: ${arg}`);
    }
    if (known.flags.includes(name)) {
      out[name] = true;
    } else if (known.values.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) {
        throw new Error(`--${name} needs a value`);
      }
      out[name] = value;
    } else {
      throw new Error(`unknown option: --${name}`);
    }
  }
  return out;
}

/** The extension's entry point from its package.json `main`, if it declares one and it is missing. */
export function missingExtensionMain(extensionPath: string): string | undefined {
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as { main?: string };
  if (!manifest.main) {
    return undefined;
  }
  const main = path.resolve(extensionPath, manifest.main);
  return fs.existsSync(main) || fs.existsSync(main + '.js') ? undefined : main;
}
