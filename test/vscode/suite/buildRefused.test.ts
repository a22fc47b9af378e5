/// <reference types="mocha" />
/**
 * "Show Problems" works on a refused build (issue 16), as it does after "Check Workspace": the
 * button of the message is pressed the way the keyboard does it (`notification.acceptPrimaryAction`
 * runs the newest notification's first button), and the extension must then open the Problems
 * panel. The extension host gives this suite and the extension one `vscode` API object, so the
 * command the button runs is seen by wrapping `commands.executeCommand`.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { BuildPackageResult } from '../../../server/src/protocol';
import { openManifest, TEST_TIMEOUT_MS, WAIT_MS, waitUntil, withTimeout, workspaceFile, workspaceFolder } from './helpers';

const PROBLEMS = 'workbench.actions.view.problems';

/** Runs `action`, presses the newest notification's first button until the extension runs PROBLEMS, and says whether it did. */
async function pressShowProblems(action: () => Thenable<unknown>): Promise<boolean> {
  const commands = vscode.commands as { executeCommand: typeof vscode.commands.executeCommand };
  const original = commands.executeCommand;
  let opened = false;
  commands.executeCommand = ((id: string, ...args: unknown[]) => {
    if (id === PROBLEMS) opened = true;
    return original.call(vscode.commands, id, ...args);
  }) as typeof vscode.commands.executeCommand;
  assert.notStrictEqual(vscode.commands.executeCommand, original, 'commands.executeCommand cannot be wrapped here');
  try {
    await vscode.commands.executeCommand('notifications.clearAll');
    await withTimeout(action(), WAIT_MS, 'the command');
    // The message travels to the workbench after the command returns: press until it is there and answered.
    const press = setInterval(() => void original.call(vscode.commands, 'notification.acceptPrimaryAction'), 250);
    try {
      await waitUntil('the Problems panel to be opened by the button', () => opened, [], 10_000).catch(() => undefined);
    } finally {
      clearInterval(press);
    }
    return opened;
  } finally {
    commands.executeCommand = original;
    await original.call(vscode.commands, 'workbench.action.closePanel');
    await original.call(vscode.commands, 'notifications.clearAll');
  }
}

suite('Show Problems', () => {
  suiteSetup(async function () {
    this.timeout(TEST_TIMEOUT_MS);
    await openManifest('broken/sales.isola.json');
  });

  test('after Check Workspace, the button opens the Problems panel', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    assert.ok(await pressShowProblems(() => vscode.commands.executeCommand('isola.checkWorkspace')), 'Show Problems after Check Workspace did nothing');
  });

  test('on a refused build, the button opens the Problems panel', async function () {
    this.timeout(TEST_TIMEOUT_MS);
    const uri = vscode.Uri.file(workspaceFile('broken/sales.isola.json').fsPath).toString();
    let result: BuildPackageResult | undefined;
    const opened = await pressShowProblems(async () => {
      result = await vscode.commands.executeCommand<BuildPackageResult | undefined>('isola.buildPackage', {
        uri, title: 'Sales', comment: '', data: 'none', out: `${workspaceFolder().uri.fsPath}/sales-refused.isolapkg`,
      });
    });
    assert.ok(result?.refused, `the broken workspace was not refused: ${JSON.stringify(result)}`);
    assert.ok(opened, 'Show Problems on the refused build did nothing');
    // Which findings block it, by family and code.
    assert.match(result.refused.message, /^workspace `sales` has \d+ isolation errors \((ISO\d{3}(, )?)+\) and \d+ manifest errors? \((MAN\d{3}(, )?)+\); fix them before building$/);
  });
});
