import * as vscode from 'vscode';

/**
 * The moments of the "Get started with Isola" walkthrough (package.json
 * `contributes.walkthroughs`). Each one is a context key `isola.walkthrough.<moment>` that the
 * walkthrough's steps complete on (`onContext:`), set when the thing really happened, not when a
 * command was merely invoked:
 *
 * - `hasProject`: the workspace holds a `*.isola.json` manifest (found at start, created by
 *   "Create Project" or any other way);
 * - `sawIsolationError`: the language server published an ISO diagnostic (an isolation violation);
 * - `fixedIsolationError`: a manifest that had one has none any more;
 * - `built`: "Build Package" wrote a package (a refused build does not count);
 * - `imported`: an import job finished with status succeeded (into `local` or any environment);
 * - `retrieved`: "Retrieve from Environment" unpacked (or found nothing to change).
 */
export type WalkthroughMoment = 'hasProject' | 'sawIsolationError' | 'fixedIsolationError' | 'built' | 'imported' | 'retrieved';

/** How many times each moment happened in this window. */
const times = new Map<WalkthroughMoment, number>();

/** Marks a moment reached: sets its context key the first time (keys stay set for the session) and counts it. */
export function reached(moment: WalkthroughMoment): void {
  const n = times.get(moment) ?? 0;
  times.set(moment, n + 1);
  if (n === 0) void vscode.commands.executeCommand('setContext', `isola.walkthrough.${moment}`, true);
}

/**
 * How many times `moment` happened in this window. Context keys cannot be read back through the
 * API, so the end-to-end tests read this (exported by the extension) to see that an action, and
 * not merely an earlier one, completed its step.
 */
export function timesReached(moment: WalkthroughMoment): number {
  return times.get(moment) ?? 0;
}

/** True for an error of Isola's isolation rules (ISO001…) as the language server publishes them; ISO warnings do not count. */
function isIsolationError(d: vscode.Diagnostic): boolean {
  const code = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
  return d.source === 'isola' && d.severity === vscode.DiagnosticSeverity.Error && /^ISO\d+$/.test(String(code));
}

/**
 * Watches what the walkthrough's steps wait for that no command reports: manifests in the
 * workspace, and isolation diagnostics appearing and then disappearing from a manifest.
 */
export function registerWalkthroughProgress(): vscode.Disposable {
  const withIsolationError = new Set<string>();
  const onDiagnostics = (uris: readonly vscode.Uri[]) => {
    for (const uri of uris) {
      const key = uri.toString();
      if (vscode.languages.getDiagnostics(uri).some(isIsolationError)) {
        withIsolationError.add(key);
        reached('sawIsolationError');
      } else if (withIsolationError.delete(key)) {
        reached('fixedIsolationError');
      }
    }
  };
  void vscode.workspace.findFiles('**/*.isola.json', '**/node_modules/**', 1).then((found) => {
    if (found.length) reached('hasProject');
  });
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.isola.json', false, true, true);
  return vscode.Disposable.from(
    watcher,
    watcher.onDidCreate(() => reached('hasProject')),
    vscode.languages.onDidChangeDiagnostics((e) => onDiagnostics(e.uris)),
  );
}
