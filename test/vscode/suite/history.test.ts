/// <reference types="mocha" />
/**
 * One history per project (issue 16): the workspace folder holds copies of examples/broken,
 * examples/invoices and examples/payments side by side, as a new user opened them. Building the
 * invoices workspace from VS Code, then with `isola build invoices` from the workspace folder,
 * then from VS Code again (with one entity edited before each build) must record every version
 * in invoices/isola.history.json, the file the CLI uses, and the last package must carry them
 * all; no second history may learn of invoices.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { BuildPackageResult } from '../../../server/src/protocol';
import { openManifest, retitle, runCli, TEST_TIMEOUT_MS, WAIT_MS, withTimeout, workspaceFile, workspaceFolder } from './helpers';

const MANIFEST = 'invoices/invoices.isola.json';
/** The entity whose title each round edits: a group, so its card is the manifest's entry alone. */
const ID = 'invoices.accountants';

interface HistoryEntry {
  hash: string;
  at: string;
}

interface Inspected {
  descriptor: { history: Record<string, HistoryEntry[]> };
  steps: { cards: { id: string; hash: string }[] }[];
}

async function inspect(file: string, cwd: string): Promise<Inspected> {
  return JSON.parse(await runCli(['inspect', file, '--format', 'json'], cwd)) as Inspected;
}

function readHistory(file: string): Record<string, HistoryEntry[]> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, HistoryEntry[]>;
}

suite('One history per project', () => {
  const ws = (): string => workspaceFolder().uri.fsPath;
  let title = 'Accountants';

  suiteSetup(async function () {
    this.timeout(TEST_TIMEOUT_MS);
    await openManifest(MANIFEST);
  });

  suiteTeardown(async () => {
    // Later suites find the manifest as committed.
    if (title !== 'Accountants') await retitle(MANIFEST, 'accountants', title, 'Accountants');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  test('builds from VS Code and from the CLI in turn record every version in the project\'s one history', async function () {
    this.timeout(TEST_TIMEOUT_MS * 2);
    const history = path.join(ws(), 'invoices', 'isola.history.json');
    assert.ok(fs.existsSync(history), `${history}: examples/invoices comes with its history`);
    const before = readHistory(history)[ID]?.length ?? 0;

    const built: string[] = [];
    /** Where VS Code says each of its builds recorded the versions. */
    const said: string[] = [];
    for (const [i, via] of (['VS Code', 'CLI', 'VS Code'] as const).entries()) {
      const next = `Accountants (${i + 1}, ${via})`;
      await retitle(MANIFEST, 'accountants', title, next);
      title = next;
      const out = path.join(ws(), `invoices-history-${i + 1}.isolapkg`);
      if (via === 'VS Code') {
        const uri = vscode.Uri.file(workspaceFile(MANIFEST).fsPath).toString();
        const r = await withTimeout(
          vscode.commands.executeCommand<BuildPackageResult | undefined>('isola.buildPackage', { uri, title: 'Invoices', comment: `round ${i + 1}`, data: 'none', out }),
          WAIT_MS,
          'isola.buildPackage of invoices',
        );
        assert.ok(r?.built, `build ${i + 1} from VS Code: ${JSON.stringify(r)}`);
        said.push(r.built.history);
      } else {
        const printed = await runCli(['build', 'invoices', '--package', 'invoices', '--out', out], ws());
        assert.match(printed, /\(invoices\/isola\.history\.json\)/, printed);
      }
      built.push(out);
    }

    // Each build recorded the version it packed, in build order, in the one history.
    const hashes: string[] = [];
    for (const file of built) hashes.push((await inspect(file, ws())).steps.flatMap((s) => s.cards).find((c) => c.id === ID)!.hash);
    assert.strictEqual(new Set(hashes).size, 3, 'each round changed the entity');
    const recorded = readHistory(history)[ID] ?? [];
    assert.strictEqual(recorded.length, before + 3, `${history} has ${recorded.length - before} new versions of ${ID}, not 3`);
    assert.deepStrictEqual(recorded.slice(-3).map((e) => e.hash), hashes);

    // The last package carries them all, so an environment that imported any of them sees an update, not a conflict.
    const last = await inspect(built[built.length - 1], ws());
    assert.deepStrictEqual(last.descriptor.history[ID].map((e) => e.hash), recorded.map((e) => e.hash));

    // No second history: the workspace folder's (another project's, if any) knows nothing of invoices.
    const outer = path.join(ws(), 'isola.history.json');
    if (fs.existsSync(outer)) {
      const ids = Object.keys(readHistory(outer)).filter((id) => id === 'invoices' || id.startsWith('invoices.'));
      assert.deepStrictEqual(ids, [], `${outer} records invoices too`);
    }
    assert.deepStrictEqual(said, [history, history], 'VS Code names the history it recorded in');
    for (const f of built) fs.rmSync(f, { force: true });
  });
});
