/**
 * Runs the e2e mocha suite (test/vscode/suite) in the VS Code server shipped inside the npm
 * package code-server (installed by test/vscode/setup.sh), with headless Debian Chromium as the
 * workbench, driven by playwright-core. For machines that cannot download desktop VS Code; see
 * shared/notes/vscode-e2e.md. The same suite runs in desktop VS Code with runElectron.ts.
 *
 *   node out/test/vscode/runServer.js [--extension-development-path DIR]
 *       [--extension-tests-path FILE] [--workspace DIR] [--timeout SECONDS] [--keep] [--verbose]
 *
 * Exits with the code the extension host reported (0: all tests passed; 1: failing tests, a
 * test module that threw, a timeout or a broken setup). The last line printed is always
 * `N passed, N failed`.
 *
 * Environment: ISOLA_E2E_HOME (where setup.sh installed code-server; default ~/.cache/isola-e2e),
 * ISOLA_E2E_CHROMIUM (default /usr/bin/chromium), ISOLA_E2E_TIMEOUT (seconds, default 480),
 * ISOLA_E2E_GREP (passed to mocha's grep in the extension host), ISOLA_E2E_VERBOSE=1,
 * ISOLA_E2E_LOCALE (VS Code's display language, e.g. `ru`; see docs/localization.md).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import { BrowserContext, Page } from 'playwright-core';
import {
  REPO_ROOT,
  SUITE_INDEX,
  SetupError,
  SummaryTracker,
  VscodeServer,
  chromiumExecutable,
  copyWorkspace,
  delay,
  e2eLocale,
  launchChromium,
  makeTempDir,
  missingExtensionMain,
  parseArgs,
  remoteUri,
  tail,
  vscodeServerMain,
  writeUserSettings,
  runMain,
  stopOnSignals,
} from './common';

/** Workbench log lines that say nothing about the tests; shown with --verbose only. */
const WORKBENCH_NOISE = [
  /^Resolving connection token /,
  /^Resolved connection token /,
  /^Creating a socket /,
  /^ChatSessionStore: /,
  /^Ignoring fetching additional builtin extensions /,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\] registration /,
];

function log(message: string): void {
  console.log(`[e2e] ${message}`);
}

interface Options {
  extensionPath: string;
  testsPath: string;
  /** A folder to open instead of the examples. */
  workspace?: string;
  timeoutMs: number;
  keep: boolean;
  verbose: boolean;
}

function readOptions(): Options {
  const args = parseArgs(process.argv.slice(2), {
    values: ['extension-development-path', 'extension-tests-path', 'workspace', 'timeout'],
    flags: ['keep', 'verbose'],
  });
  const str = (name: string): string | undefined => (typeof args[name] === 'string' ? (args[name] as string) : undefined);
  const timeoutSeconds = Number(str('timeout') ?? process.env.ISOLA_E2E_TIMEOUT ?? 480);
  if (!(timeoutSeconds > 0)) {
    throw new SetupError(`bad timeout: ${timeoutSeconds}`);
  }
  return {
    extensionPath: path.resolve(str('extension-development-path') ?? REPO_ROOT),
    testsPath: path.resolve(str('extension-tests-path') ?? SUITE_INDEX),
    workspace: str('workspace') ? path.resolve(str('workspace')!) : undefined,
    timeoutMs: timeoutSeconds * 1000,
    keep: args.keep === true,
    verbose: args.verbose === true || process.env.ISOLA_E2E_VERBOSE === '1',
  };
}

class Run {
  private server: VscodeServer | undefined;
  private context: BrowserContext | undefined;
  private page: Page | undefined;
  private cleanedUp = false;
  readonly summary = new SummaryTracker();
  readonly tmp = makeTempDir('isola-e2e-');
  readonly serverLog = path.join(this.tmp, 'server.log');

  constructor(private readonly opts: Options) {}

  async execute(): Promise<number> {
    const { opts } = this;
    vscodeServerMain(); // a SetupError when setup.sh has not run
    chromiumExecutable(); // likewise
    const missingMain = missingExtensionMain(opts.extensionPath);
    if (missingMain) {
      throw new SetupError(`the extension's entry point ${missingMain} does not exist: run \`npm run build\` first.`);
    }
    if (!fs.existsSync(opts.testsPath)) {
      throw new SetupError(`the test entry point ${opts.testsPath} does not exist: run \`tsc -p .\` first.`);
    }
    if (opts.workspace && !fs.existsSync(opts.workspace)) {
      throw new SetupError(`workspace ${opts.workspace} does not exist.`);
    }

    const serverData = path.join(this.tmp, 'server-data');
    const extensionsDir = path.join(this.tmp, 'extensions');
    const workspace = copyWorkspace(opts.workspace, path.join(this.tmp, 'workspace'));
    fs.mkdirSync(extensionsDir, { recursive: true });
    writeUserSettings(path.join(serverData, 'data', 'User', 'settings.json'));

    const started = Date.now();
    const server = await VscodeServer.start({ cwd: this.tmp, serverData, extensionsDir, logFile: this.serverLog, locale: e2eLocale() });
    this.server = server;
    const authority = server.authority;
    await server.ready();
    log(`VS Code server up on port ${server.port} in ${Date.now() - started} ms (temp dir ${this.tmp})`);

    const exitCode = new Promise<number>((resolve) => {
      this.startBrowser(authority, workspace, resolve).catch((err) => {
        console.error(`[e2e] browser failed: ${err instanceof Error ? err.stack : String(err)}`);
        resolve(1);
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.error(`[e2e] TIMEOUT: no result after ${opts.timeoutMs / 1000} s`);
        resolve(1);
      }, opts.timeoutMs);
    });
    let finished = false;
    const serverDied = server.exited.then(() => {
      if (!finished) console.error('[e2e] the VS Code server exited before the tests finished');
      return 1;
    });
    const code = await Promise.race([exitCode, timedOut, serverDied]);
    finished = true;
    clearTimeout(timer);
    if (code !== 0) {
      await this.screenshot();
    }
    return code;
  }

  private async startBrowser(
    authority: string,
    workspace: string,
    onExit: (code: number) => void,
  ): Promise<void> {
    const { opts } = this;
    // launchPersistentContext gives Chromium a new, empty --user-data-dir of our own.
    this.context = await launchChromium(path.join(this.tmp, 'chromium-profile'));
    const page = this.context.pages()[0] ?? (await this.context.newPage());
    this.page = page;

    let reported = false;
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const text = Array.isArray(args) ? util.format(...args) : typeof args === 'string' ? args : util.format(args);
      this.summary.feed(text);
      if (!opts.verbose && WORKBENCH_NOISE.some((re) => re.test(text))) {
        return;
      }
      if (type === 'error' || type === 'warn') {
        process.stderr.write(text.endsWith('\n') ? text : text + '\n');
      } else {
        process.stdout.write(text.endsWith('\n') ? text : text + '\n');
      }
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      if (!reported) {
        reported = true;
        log(`extension host reported exit code ${code}`);
        onExit(typeof code === 'number' ? code : 1);
      }
    });
    page.on('pageerror', (err) => {
      if (opts.verbose) console.error(`[e2e] page error: ${err.message}`);
    });
    if (opts.verbose) {
      page.on('console', (msg) => console.log(`[browser ${msg.type()}] ${msg.text()}`));
    }
    page.on('crash', () => {
      console.error('[e2e] the workbench page crashed');
      if (!reported) {
        reported = true;
        onExit(1);
      }
    });

    const payload = [
      ['extensionDevelopmentPath', remoteUri(authority, opts.extensionPath)],
      ['extensionTestsPath', remoteUri(authority, opts.testsPath)],
      ['skipWelcome', 'true'],
    ];
    const query = new URLSearchParams({ folder: workspace, payload: JSON.stringify(payload) });
    const url = `http://${authority}/?${query.toString()}`;
    log(`opening the workbench: ${opts.extensionPath} / ${path.relative(opts.extensionPath, opts.testsPath)} in ${workspace}`);
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  }

  private async screenshot(): Promise<void> {
    if (!this.page || this.page.isClosed()) return;
    const file = path.join(this.tmp, 'failure.png');
    try {
      await this.page.screenshot({ path: file, timeout: 10_000 });
      log(`screenshot: ${file}`);
    } catch {
      // the page may be gone
    }
  }

  /** Closes Chromium and kills the server's process group. Safe to call twice. */
  async cleanup(keepTemp: boolean): Promise<void> {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    if (this.context) {
      await Promise.race([this.context.close().catch(() => undefined), delay(10_000)]);
    }
    await this.killServer();
    if (keepTemp) {
      log(`kept ${this.tmp} (server log: ${this.serverLog})`);
    } else {
      fs.rmSync(this.tmp, { recursive: true, force: true });
    }
  }

  private async killServer(): Promise<void> {
    await this.server?.stop();
  }

  /** Synchronous last resort for process 'exit'. */
  killServerNow(): void {
    this.server?.killNow();
  }
}

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = readOptions();
  } catch (err) {
    console.error(`[e2e] ${err instanceof Error ? err.message : String(err)}`);
    console.log('0 passed, 1 failed');
    return 1;
  }
  const run = new Run(opts);
  stopOnSignals('e2e', { cleanup: () => run.cleanup(opts.keep), killNow: () => run.killServerNow(), closingLine: () => run.summary.closingLine(1) });

  const started = Date.now();
  let code: number;
  try {
    code = await run.execute();
  } catch (err) {
    console.error(`[e2e] ${err instanceof SetupError ? err.message : err instanceof Error ? err.stack : String(err)}`);
    code = 1;
  }
  run.summary.flush();
  if (code !== 0 && opts.verbose) {
    console.error(`[e2e] server log (last lines):\n${tail(run.serverLog, 40)}`);
  }
  await run.cleanup(opts.keep || code !== 0);
  // Exit 0 with failures counted would be a contradiction: trust the stricter of the two.
  if (code === 0 && run.summary.last && run.summary.last.failed > 0) {
    code = 1;
  }
  log(`finished in ${((Date.now() - started) / 1000).toFixed(1)} s, exit code ${code}`);
  console.log(run.summary.closingLine(code));
  return code;
}

runMain(main);
