/**
 * Runs the e2e mocha suite (test/vscode/suite) in desktop VS Code downloaded by
 * @vscode/test-electron. Needs a machine that can download VS Code (and a display, e.g.
 * `xvfb-run -a npm run test:vscode:electron` on Linux); where that is impossible use runServer.ts.
 *
 *   node out/test/vscode/runElectron.js [--extension-development-path DIR]
 *       [--extension-tests-path FILE] [--workspace DIR] [--vscode-version VERSION]
 *
 * Environment: ISOLA_E2E_VSCODE_VERSION (default: stable), ISOLA_E2E_VSCODE_EXECUTABLE (use this
 * VS Code instead of downloading one), ISOLA_E2E_HOME (download cache: $ISOLA_E2E_HOME/vscode-test,
 * default ~/.cache/isola-e2e/vscode-test, outside the repository), ISOLA_E2E_GREP (mocha grep),
 * ISOLA_E2E_LOCALE (display language, e.g. `ru`: `--locale` and a stand-in language pack).
 * The last line printed is `N passed, N failed`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runTests } from '@vscode/test-electron';
import {
  REPO_ROOT,
  SUITE_INDEX,
  SummaryTracker,
  copyWorkspace,
  e2eLocale,
  e2eHome,
  makeTempDir,
  missingExtensionMain,
  parseArgs,
  writeStandInLanguagePack,
  writeUserSettings,
  runMain,
} from './common';

/** Copies everything written to stdout/stderr into `tracker` (VS Code's output is piped there). */
function teeOutput(tracker: SummaryTracker): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
      if (stream === process.stdout) {
        tracker.feed(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'), true);
      }
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}

async function main(): Promise<number> {
  const summary = new SummaryTracker();
  let code = 1;
  let tmp: string | undefined;
  try {
    const args = parseArgs(process.argv.slice(2), {
      values: ['extension-development-path', 'extension-tests-path', 'workspace', 'vscode-version'],
      flags: [],
    });
    const str = (name: string): string | undefined => (typeof args[name] === 'string' ? (args[name] as string) : undefined);
    const extensionDevelopmentPath = path.resolve(str('extension-development-path') ?? REPO_ROOT);
    const extensionTestsPath = path.resolve(str('extension-tests-path') ?? SUITE_INDEX);
    const missingMain = missingExtensionMain(extensionDevelopmentPath);
    if (missingMain) {
      throw new Error(`the extension's entry point ${missingMain} does not exist: run \`npm run build\` first.`);
    }

    tmp = makeTempDir('isola-e2e-electron-');
    const workspace = copyWorkspace(str('workspace') ? path.resolve(str('workspace')!) : undefined, path.join(tmp, 'workspace'));
    const userDataDir = path.join(tmp, 'user-data');
    const extensionsDir = path.join(tmp, 'extensions');
    fs.mkdirSync(extensionsDir, { recursive: true });
    writeUserSettings(path.join(userDataDir, 'User', 'settings.json'));
    // Desktop VS Code reads the same languagepacks.json from its user data folder (not measured here: no desktop VS Code on this machine).
    const locale = e2eLocale();
    if (locale) writeStandInLanguagePack(userDataDir, locale);

    teeOutput(summary);
    code = await runTests({
      cachePath: path.join(e2eHome(), 'vscode-test'),
      vscodeExecutablePath: process.env.ISOLA_E2E_VSCODE_EXECUTABLE || undefined,
      version: str('vscode-version') ?? process.env.ISOLA_E2E_VSCODE_VERSION,
      extensionDevelopmentPath,
      extensionTestsPath,
      launchArgs: [
        workspace,
        `--user-data-dir=${userDataDir}`,
        `--extensions-dir=${extensionsDir}`,
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-workspace-trust',
        ...(locale ? [`--locale=${locale}`] : []),
      ],
    });
  } catch (err) {
    // runTests rejects when VS Code exits non-zero (failing tests) as well as when it cannot start.
    console.error(`[e2e] ${err instanceof Error ? err.message : String(err)}`);
    code = 1;
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
  summary.flush();
  if (code === 0 && summary.last && summary.last.failed > 0) code = 1;
  console.log(summary.closingLine(code));
  return code;
}

runMain(main);
