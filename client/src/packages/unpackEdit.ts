import { isUtf8 } from 'node:buffer';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { entitiesWord, filesWord, notesWord } from '../words';
import { PlannedUnpackFile, PlanUnpackRequest, PlanUnpackResult, SettleUnpackHistoryRequest } from '../../../server/src/protocol';

/**
 * A changed file up to this size whose old and new content are text is changed by a text edit
 * (a diff in the preview, undone with the rest). Larger ones, and binary files (template
 * documents), are replaced whole: deleted and created with their new bytes in the same edit,
 * because a create that overwrites would be undone by deleting the file.
 */
const TEXT_EDIT_LIMIT = 8 * 1024 * 1024;

/** What an unpack in the editor did; commands return it to their callers (keybindings, tasks, tests). */
export interface UnpackOutcome {
  package?: { kind: string; code: string; version?: string };
  /** The files that the package creates or changes (unchanged ones left out). */
  files: PlannedUnpackFile[];
  notes: string[];
  /** The files were the same already: no edit was made. */
  nothingToChange?: boolean;
  /** Applied (after the preview, when it was shown). False when discarded, refused or cancelled. */
  applied: boolean;
  /** Applied: the files that now have the package's content (the preview may have left some out). */
  taken?: string[];
  refused?: string;
  /** Refused for a reason `force` overrides: the message offers "Unpack Anyway…" (answered after the command returns). */
  forceable?: boolean;
}

export interface UnpackInto {
  /** The package file. */
  file: string;
  /** The folder to unpack into: a workspace folder. */
  dir: vscode.Uri;
  /** How the messages name what comes in, e.g. `workspace invoices from local`. */
  what: string;
  /** false applies without the refactor preview (for scripts and tests); users always get the preview. */
  confirm: boolean;
  force?: boolean;
  /**
   * Called when a refusal's message offers to unpack anyway: the package file must stay until
   * `answered` settles (with the forced unpack's outcome, or undefined when it is not taken).
   * Retrieve deletes its downloaded package only then; without this, it would be gone.
   */
  keepFileUntil?: (answered: Promise<UnpackOutcome | undefined>) => void;
}

/**
 * Plans the unpack in the language server (nothing is written into the folder there), then
 * applies the planned files as ONE workspace edit: every entry needs confirmation, so VS Code
 * shows its refactor preview (a diff per file, checkboxes) before anything is written, and the
 * whole edit is undone as one step. Files the package leaves as they are get no entry; when
 * nothing changes, it says so instead of showing an empty preview. A refusal `force` overrides
 * offers "Unpack Anyway…" in its message (offerForce).
 */
export async function unpackWithEdit(client: LanguageClient, o: UnpackInto, output: vscode.LogOutputChannel): Promise<UnpackOutcome> {
  const none: UnpackOutcome = { files: [], notes: [], applied: false };
  // The plan is made from the files on disk: unsaved edits would be overwritten by it.
  const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file' && inside(o.dir.fsPath, d.uri.fsPath));
  if (dirty.length) {
    const saveAll = vscode.l10n.t('Save All and Continue');
    const save = await vscode.window.showWarningMessage(dirty.length === 1
      ? vscode.l10n.t('Isola: 1 file in {0} has unsaved changes; {1} is compared with the files on disk.', path.basename(o.dir.fsPath), o.what)
      : vscode.l10n.t('Isola: {0} in {1} have unsaved changes; {2} is compared with the files on disk.', filesWord(dirty.length), path.basename(o.dir.fsPath), o.what), { modal: true }, saveAll);
    if (save !== saveAll) return { ...none, refused: 'unsaved changes' };
    await Promise.all(dirty.map((d) => d.save()));
  }
  const r: PlanUnpackResult | undefined = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Isola: comparing {0} with {1}', o.what, vscode.workspace.asRelativePath(o.dir, true) || path.basename(o.dir.fsPath)), cancellable: true },
    async (_progress, token) => {
      try {
        return await client.sendRequest(PlanUnpackRequest, { file: o.file, dir: o.dir.fsPath, force: o.force }, token);
      } catch (e) {
        if (token.isCancellationRequested) return undefined;
        throw e;
      }
    },
  );
  if (!r) return { ...none, refused: 'cancelled' };
  if (!r.plan) {
    output.error(`Unpack of ${o.what} refused: ${r.refused}`);
    const message = vscode.l10n.t('Isola: {0}: refused, nothing written: {1}', o.what, String(r.refused));
    if (!r.forceable || o.force) {
      void vscode.window.showErrorMessage(message);
      return { ...none, refused: r.refused };
    }
    // The message stays until answered; the command's result (for callers and tests) does not wait for it.
    const answered = offerForce(client, o, String(r.refused), message, output);
    o.keepFileUntil?.(answered);
    return { ...none, refused: r.refused, forceable: true };
  }
  const plan = r.plan;
  // The history is merged by the server once the edit is applied (see settleHistory); settled once, whatever happens.
  let settled = !plan.historyToken;
  const settle = async (merge: boolean): Promise<boolean> => {
    if (settled) return false;
    settled = true;
    const s = await client.sendRequest(SettleUnpackHistoryRequest, { token: plan.historyToken!, merge });
    if (s.refused) {
      output.error(`${o.what}: the history was not merged: ${s.refused}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Isola: {0}: the history was not merged: {1}', o.what, s.refused));
    }
    return s.merged;
  };
  try {
    const files = plan.files.filter((f) => f.status !== 'unchanged');
    const history = files.find((f) => f.history);
    const edited = files.filter((f) => !f.history);
    for (const n of plan.notes) output.warn(`${o.what}: ${n}`);
    const base: UnpackOutcome = { package: plan.package, files, notes: plan.notes, applied: false };
    if (!files.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Isola: Nothing to change: the workspace already matches {0}.', o.what) + noteWords(plan.notes));
      return { ...base, nothingToChange: true };
    }
    let taken: PlannedUnpackFile[] = [];
    if (edited.length) {
      const { edit, texts } = await buildEdit(o.dir, plan.stage, edited, o.confirm);
      // Entries that need confirmation start unticked in the preview: the user takes each change.
      const hint = o.confirm ? vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Isola: tick the changes to take from {0} in the Refactor Preview, then Apply', o.what)}`) : undefined;
      let applied: boolean;
      try {
        applied = await vscode.workspace.applyEdit(edit, { isRefactoring: true });
      } finally {
        hint?.dispose();
      }
      if (!applied) return base;
      // Text edits leave the documents they opened unsaved; the unpack is only done once on disk.
      // They were not dirty before (checked above), so saving writes exactly the edit.
      await Promise.all(vscode.workspace.textDocuments.filter((d) => d.isDirty && texts.has(d.uri.toString())).map((d) => d.save()));
      // The preview lets the user untick files: say what was taken, as the files on disk now have it.
      taken = await takenFiles(o.dir, plan.stage, edited);
      if (!taken.length) return base;
    }
    // The package's versions go into the history only with all of its files: with some left out,
    // the history would vouch for versions the files do not hold, and an import would take an
    // entity changed in the environment for one the project knows (an update, not a conflict).
    if (history) {
      if (taken.length === edited.length) {
        if (await settle(true)) taken.push(history);
      } else {
        await settle(false);
        output.warn(`${o.what}: ${history.file} left as it was: only ${taken.length} of the package's ${edited.length} changed files were taken`);
      }
    }
    if (!taken.length) return base;
    // The message counts the files the user took; the history follows them (in the output's line).
    const took = taken.filter((f) => !f.history);
    const count = (s: string) => took.filter((f) => f.status === s).length;
    const of = took.length < edited.length ? ` ${vscode.l10n.t('({0} of {1} taken)', took.length, filesWord(edited.length))}` : '';
    output.info(`${o.what}: ${taken.map((f) => `${f.status} ${f.file}`).join(', ')}`);
    const said = took.length
      ? vscode.l10n.t('Isola: {0}: {1} changed, {2} created', o.what, count('changed'), count('created')) + `${of}.`
      : vscode.l10n.t('Isola: {0}: only the history changed; isola.history.json now records its versions.', o.what);
    void vscode.window.showInformationMessage(said + noteWords(plan.notes));
    return { ...base, applied: true, taken: taken.map((f) => f.file) };
  } finally {
    await settle(false).catch(() => undefined);
    await fs.rm(plan.stage, { recursive: true, force: true });
  }
}

/**
 * A refusal that `force` overrides: its message offers "Unpack Anyway…", which asks in a modal
 * dialog naming what force does (the refusal's own sentence), then plans again with `force`.
 * The changes go through the refactor preview as always (unless `confirm` is false). Settles
 * with the forced unpack's outcome, or undefined when the offer is not taken.
 */
async function offerForce(client: LanguageClient, o: UnpackInto, refused: string, message: string, output: vscode.LogOutputChannel): Promise<UnpackOutcome | undefined> {
  try {
    const anyway = vscode.l10n.t('Unpack Anyway…');
    if ((await vscode.window.showErrorMessage(message, anyway)) !== anyway) return undefined;
    const sure = vscode.l10n.t('Unpack Anyway');
    // What force does, in the refusal's own words; the preview is still ahead.
    const detail = o.confirm ? `${refused}\n\n${vscode.l10n.t('The Refactor Preview then lists every change, unticked: nothing is written until you tick it and Apply.')}` : refused;
    if ((await vscode.window.showWarningMessage(vscode.l10n.t('Isola: unpack {0} anyway?', o.what), { modal: true, detail }, sure)) !== sure) return undefined;
    return await unpackWithEdit(client, { ...o, force: true, keepFileUntil: undefined }, output);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    output.error(`Unpack of ${o.what} with force failed: ${why}`);
    void vscode.window.showErrorMessage(`Isola: ${o.what}: ${why}`);
    return undefined;
  }
}

/** The workspace edit of a plan; `texts` are the documents changed by text edits (to be saved). */
async function buildEdit(dir: vscode.Uri, stage: string, files: PlannedUnpackFile[], confirm: boolean): Promise<{ edit: vscode.WorkspaceEdit; texts: Set<string> }> {
  const edit = new vscode.WorkspaceEdit();
  const texts = new Set<string>();
  const meta = (label: string, f: PlannedUnpackFile): vscode.WorkspaceEditEntryMetadata => ({
    needsConfirmation: confirm,
    label,
    description: f.entities !== undefined ? entitiesWord(f.entities) : undefined,
  });
  for (const f of files) {
    const uri = vscode.Uri.joinPath(dir, ...f.file.split('/'));
    // Staged files are read whole: a workspace edit carries the bytes of the files it creates
    // (data files included), which is also what lets the whole unpack be undone as one step.
    const next = await fs.readFile(path.join(stage, ...f.file.split('/')));
    if (f.status === 'created') {
      edit.createFile(uri, { contents: next }, meta(vscode.l10n.t('Create'), f));
      continue;
    }
    const prev = await fs.readFile(uri.fsPath);
    if (next.length <= TEXT_EDIT_LIMIT && prev.length <= TEXT_EDIT_LIMIT && isText(prev) && isText(next)) {
      const [before, after] = [prev.toString('utf8'), next.toString('utf8')];
      const change = lineChange(before, after);
      edit.replace(uri, change.range, change.text, meta(vscode.l10n.t('Change'), f));
      texts.add(uri.toString());
    } else {
      edit.deleteFile(uri, {}, meta(vscode.l10n.t('Replace'), f));
      edit.createFile(uri, { contents: next }, meta(vscode.l10n.t('Replace'), f));
    }
  }
  return { edit, texts };
}

/** The planned files whose content on disk is now the staged content. */
async function takenFiles(dir: vscode.Uri, stage: string, files: PlannedUnpackFile[]): Promise<PlannedUnpackFile[]> {
  const out: PlannedUnpackFile[] = [];
  for (const f of files) {
    const [mine, now] = await Promise.all([
      fs.readFile(path.join(stage, ...f.file.split('/'))),
      fs.readFile(path.join(dir.fsPath, ...f.file.split('/'))).catch(() => undefined),
    ]);
    if (now?.equals(mine)) out.push(f);
  }
  return out;
}

function isText(b: Buffer): boolean {
  return isUtf8(b) && !b.includes(0);
}

/**
 * The smallest run of whole lines that differs, as one replacement: an open editor keeps its
 * cursor and folds outside it, and the preview's diff is the same as for the whole text.
 */
export function lineChange(before: string, after: string): { range: vscode.Range; text: string } {
  const a = before.split(/(?<=\n)/);
  const b = after.split(/(?<=\n)/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const start = a.slice(0, head).join('').length;
  const end = before.length - a.slice(a.length - tail).join('').length;
  const text = b.slice(head, b.length - tail).join('');
  return { range: new vscode.Range(positionAt(before, start), positionAt(before, end)), text };
}

/** A position as VS Code counts it: CR LF, LF and a lone CR each end a line; characters in UTF-16 units. */
function positionAt(text: string, offset: number): vscode.Position {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 && text.charCodeAt(i + 1) === 10 && i + 1 < offset) continue;
    if (c === 10 || c === 13) {
      line++;
      lineStart = i + 1;
    }
  }
  return new vscode.Position(line, offset - lineStart);
}

function inside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function noteWords(notes: string[]): string {
  return notes.length ? ` ${vscode.l10n.t('{0} in the Isola output.', notesWord(notes.length))}` : '';
}
