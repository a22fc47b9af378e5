/**
 * Shared by the e2e runners (runServer.ts, runElectron.ts) and the UI test (ui.ts); runs in plain
 * Node, never in the extension host.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { chromium, BrowserContext } from 'playwright-core';

/** The repository root (this file is compiled to out/test/vscode/common.js). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The examples the tests open, side by side in one workspace folder (copied fresh for every run). */
export const WORKSPACE_EXAMPLES = ['broken', 'invoices', 'payments'];

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

/** Writes USER_SETTINGS, with `extra` on top, as the user settings.json of a test workbench. */
export function writeUserSettings(settingsFile: string, extra: Record<string, unknown> = {}): void {
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify({ ...USER_SETTINGS, ...extra }, null, 2) + '\n');
}

/**
 * Makes a fresh workspace at `dest` that tests may change: a copy of `source`, or by default of
 * WORKSPACE_EXAMPLES from examples/ (the tests follow the examples rather than keep copies).
 */
export function copyWorkspace(source: string | undefined, dest: string): string {
  if (source) fs.cpSync(source, dest, { recursive: true });
  else for (const e of WORKSPACE_EXAMPLES) fs.cpSync(path.join(REPO_ROOT, 'examples', e), path.join(dest, e), { recursive: true });
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

// --- The VS Code server of code-server and headless Chromium (runServer.ts, ui.ts) ---------------

/** A broken or missing setup (as opposed to failing tests). */
export class SetupError extends Error {}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The last `lines` lines of a log file ('' when it cannot be read). */
export function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Where test/vscode/setup.sh installs code-server: ISOLA_E2E_HOME, default ~/.cache/isola-e2e. */
export function e2eHome(): string {
  return process.env.ISOLA_E2E_HOME || path.join(os.homedir(), '.cache', 'isola-e2e');
}

/** code-server's copy of VS Code (lib/vscode), with out/server-main.js. */
export function vscodeServerDir(): string {
  return path.join(e2eHome(), 'code-server', 'node_modules', 'code-server', 'lib', 'vscode');
}

/** out/server-main.js of the VS Code server; a SetupError when setup.sh has not run. */
export function vscodeServerMain(): string {
  const serverMain = path.join(vscodeServerDir(), 'out', 'server-main.js');
  if (!fs.existsSync(serverMain)) {
    throw new SetupError(`VS Code server not found at ${serverMain}: run \`bash test/vscode/setup.sh\` first.`);
  }
  return serverMain;
}

/** Debian's Chromium (ISOLA_E2E_CHROMIUM); a SetupError when it is missing. */
export function chromiumExecutable(): string {
  const chromiumPath = process.env.ISOLA_E2E_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(chromiumPath)) {
    throw new SetupError(`Chromium not found at ${chromiumPath}: run \`bash test/vscode/setup.sh\` first.`);
  }
  return chromiumPath;
}

/** Headless flags that work as root in a container without a GPU or network. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The display language of a test workbench: ISOLA_E2E_LOCALE (e.g. `ru`), undefined for the
 * default (English). See docs/localization.md for what it changes and how it was measured.
 */
export function e2eLocale(): string | undefined {
  return process.env.ISOLA_E2E_LOCALE || undefined;
}

/**
 * Makes `locale` available as VS Code's display language in a test server without a language
 * pack (there is no marketplace here): a stand-in pack registered in the server's
 * languagepacks.json that declares the locale and translates none of VS Code's own strings. The
 * server then serves the workbench nls.messages.js with `_VSCODE_NLS_LANGUAGE` = locale (the
 * workbench stays in English), and the extension host runs with `vscode.env.language` = locale,
 * so extensions get their own package.nls.LOCALE.json and l10n bundle as with a real pack.
 * `userDataDir` is the server's user data folder (SERVER_DATA/data).
 */
export function writeStandInLanguagePack(userDataDir: string, locale: string): void {
  const translations = path.join(userDataDir, 'stand-in-language-pack', `main.${locale}.i18n.json`);
  fs.mkdirSync(path.dirname(translations), { recursive: true });
  fs.writeFileSync(translations, JSON.stringify({ contents: {} }));
  const packs = { [locale]: { hash: `isola-e2e-stand-in-${locale}`, label: locale, extensions: [{ extensionIdentifier: { id: `isola-e2e.stand-in-${locale}` }, version: '0.0.0' }], translations: { vscode: translations } } };
  fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify(packs, null, 2));
}

/**
 * Headless Chromium with a new, empty profile of its own (signals are left to the caller).
 * `locale` sets the browser's language (navigator.language, Accept-Language): the web workbench
 * takes VS Code's display language (`vscode.env.language`) from it, and the extension host then
 * picks package.nls.LOCALE.json and l10n/bundle.l10n.LOCALE.json.
 */
export function launchChromium(
  profileDir: string,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
  deviceScaleFactor = 1,
  locale: string | undefined = e2eLocale(),
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    ...(locale ? { locale } : {}),
    executablePath: chromiumExecutable(),
    headless: true,
    args: CHROMIUM_FLAGS,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    viewport,
    deviceScaleFactor,
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** `vscode-remote://127.0.0.1:P/abs/path` with each path segment encoded. */
export function remoteUri(authority: string, absPath: string): string {
  const encoded = absPath.split('/').map(encodeURIComponent).join('/');
  return `vscode-remote://${authority}${encoded}`;
}

export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** The server's environment: no extension gallery look-ups. */
function serverEnv(): NodeJS.ProcessEnv {
  return { ...process.env, EXTENSIONS_GALLERY: '{}' };
}

/**
 * Installs a packaged extension into `extensionsDir` the way `code --install-extension` does:
 * `node server-main.js --extensions-dir E --install-extension file.vsix`. Returns the time taken.
 */
export function installExtension(vsix: string, extensionsDir: string, serverData: string): number {
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [vscodeServerMain(), '--extensions-dir', extensionsDir, '--server-data-dir', serverData, '--install-extension', vsix],
    { env: serverEnv(), encoding: 'utf8', timeout: 120_000 },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new SetupError(`installing ${vsix} failed (exit ${String(result.status ?? result.signal)}):\n${output}`);
  }
  return Date.now() - started;
}

export interface VscodeServerOptions {
  /** Working directory and home of its log. */
  cwd: string;
  serverData: string;
  extensionsDir: string;
  logFile: string;
  /** VS Code's display language (`--locale`); see writeStandInLanguagePack. */
  locale?: string;
}

/**
 * The VS Code server (`node lib/vscode/out/server-main.js`) on a free port of 127.0.0.1, in a
 * process group of its own: it keeps running after the tests (a disconnected extension host
 * waits 3 h), so `stop()` kills the whole group.
 */
export class VscodeServer {
  readonly authority: string;
  /** Resolves when the server process exits. */
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly logFile: string,
  ) {
    this.authority = `127.0.0.1:${port}`;
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  }

  /** Starts the server; `ready()` waits until it answers. */
  static async start(opts: VscodeServerOptions): Promise<VscodeServer> {
    const serverMain = vscodeServerMain();
    const port = await freePort();
    const logFd = fs.openSync(opts.logFile, 'w');
    const args = [
      serverMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--telemetry-level', 'off',
      '--disable-workspace-trust',
      '--server-data-dir', opts.serverData,
      '--extensions-dir', opts.extensionsDir,
      ...(opts.locale ? ['--locale', opts.locale] : []),
    ];
    if (opts.locale) writeStandInLanguagePack(path.join(opts.serverData, 'data'), opts.locale);
    const child = spawn(process.execPath, args, {
      cwd: opts.cwd,
      // Its own process group, so that the server, its extension host and their helpers go together.
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: serverEnv(),
    });
    fs.closeSync(logFd);
    child.on('error', (err) => console.error(`[e2e] VS Code server: ${err.message}`));
    return new VscodeServer(child, port, opts.logFile);
  }

  /** Waits until `GET /version` answers (about 1 s); a SetupError when the server exits or hangs. */
  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      if (exited) {
        throw new SetupError(`the VS Code server exited at start:\n${tail(this.logFile, 40)}`);
      }
      try {
        const res = await fetch(`http://${this.authority}/version`);
        if (res.ok) {
          await res.text();
          return;
        }
      } catch {
        // not listening yet
      }
      await delay(200);
    }
    throw new SetupError(`the VS Code server did not answer /version within ${timeoutMs / 1000} s:\n${tail(this.logFile, 40)}`);
  }

  /** SIGTERM to the group, then SIGKILL: the group may outlive its leader (extension host, pty host, file watcher). */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (!pid) return;
    killGroup(pid, 'SIGTERM');
    await Promise.race([this.exited, delay(5_000)]);
    killGroup(pid, 'SIGKILL');
  }

  /** Synchronous last resort for process 'exit'. */
  killNow(): void {
    if (this.child.pid) killGroup(this.child.pid, 'SIGKILL');
  }
}

/**
 * Stops a run cleanly on SIGINT, SIGTERM or SIGHUP (cleans up, prints the closing line, exits 130)
 * and kills the server synchronously if the process exits any other way.
 */
export function stopOnSignals(tag: string, run: { cleanup(): Promise<void>; killNow(): void; closingLine(): string }): void {
  process.on('exit', () => run.killNow());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`[${tag}] ${signal}: stopping`);
      void run.cleanup().finally(() => {
        console.log(run.closingLine());
        process.exit(130);
      });
    });
  }
}

/** Runs a runner's main and exits with its code; an error that escapes it is a failed run, closing line included. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      console.log('0 passed, 1 failed');
      process.exit(1);
    },
  );
}
