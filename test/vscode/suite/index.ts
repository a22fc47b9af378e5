/**
 * Mocha entry point run inside the VS Code extension host, both by @vscode/test-electron
 * (test/vscode/runElectron.ts) and by the VS Code server in code-server (test/vscode/runServer.ts).
 * VS Code calls `run()`; a resolved promise means every test passed (exit 0), a rejected one
 * means failing tests or a test module that threw while loading (exit 1).
 *
 * Loads every `*.test.js` in this folder (and below). The reporter is mocha's spec reporter
 * followed by one closing line `N passed, N failed` (`, N skipped` when some were skipped),
 * which the runners re-print as the last line of the run.
 *
 * Environment (passed through the server / VS Code to the extension host):
 *   ISOLA_E2E_GREP   only run tests whose full title matches this regular expression.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha = require('mocha');

export function summaryLine(passed: number, failed: number, skipped: number): string {
  return `${passed} passed, ${failed} failed` + (skipped > 0 ? `, ${skipped} skipped` : '');
}

/** Spec output, then the `N passed, N failed` line once the run ends. */
class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    // Registered after Spec's own EVENT_RUN_END listener, so this prints after its epilogue.
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const stats = this.stats;
      console.log(summaryLine(stats.passes, stats.failures, stats.pending));
    });
  }
}

function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...findTestFiles(full));
    } else if (entry.isFile() && entry.name.endsWith('.test.js')) {
      found.push(full);
    }
  }
  return found.sort();
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    timeout: 60_000,
    color: false,
    reporter: SpecWithSummary,
    grep: process.env.ISOLA_E2E_GREP || undefined,
  });

  const files = findTestFiles(__dirname);
  if (files.length === 0) {
    console.error(`No *.test.js files found in ${__dirname}`);
    console.log(summaryLine(0, 1, 0));
    return Promise.reject(new Error('no test files'));
  }
  for (const file of files) {
    mocha.addFile(file);
  }

  return new Promise<void>((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) {
          reject(new Error(`${failures} test(s) failed.`));
        } else {
          resolve();
        }
      });
    } catch (err) {
      // A test module threw while being loaded: no test ran.
      // The extension host prints the stack when run() rejects.
      console.error(`Error while loading the tests: ${err instanceof Error ? err.message : String(err)}`);
      console.log(summaryLine(0, 1, 0));
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
