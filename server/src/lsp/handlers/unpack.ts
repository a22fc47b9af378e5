import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PackageError } from '../../core/packaging/reader';
import { UnpackBusy, UnpackRefused, UnpackUnfinished } from '../../core/unpack/errors';
import { finishedWords } from '../../core/unpack/finishedWords';
import { unpackPackage } from '../../core/unpack/unpack';
import { randomUUID } from 'node:crypto';
import type { History } from '../../core/packaging/format';
import { HistoryFileError, HistoryWriteError } from '../../core/packaging/historyFile';
import { mergeUnpackedHistory } from '../../core/unpack/history';
import { PlanUnpackRequest, SettleUnpackHistoryRequest } from '../../protocol';
import type { HandlerContext } from '../context';

/**
 * Plans unpacks for the editor's "Retrieve from Environment" and "Unpack Package into
 * Workspace" in the server process, so reading the zip, laying out the manifests and editing
 * their text never run on the extension host. The new contents go to a staging folder the
 * client reads once and deletes; the workspace itself is written only by the client's edit.
 */
export function registerUnpack(ctx: HandlerContext): void {
  // Package histories of plans the client has not settled yet; the oldest go past a few (a
  // client that never settles, say after a crash of its own, leaves them behind).
  const pending = new Map<string, { folder: string; entries: History }>();
  const keep = (folder: string, entries: History) => {
    const token = randomUUID();
    pending.set(token, { folder, entries });
    for (const old of pending.keys()) if (pending.size > MAX_PENDING) pending.delete(old);
    return token;
  };
  ctx.connection.onRequest(PlanUnpackRequest, async ({ file, dir, force }, token) => {
    const stage = await fs.mkdtemp(path.join(os.tmpdir(), 'isola-unpack-stage-'));
    const drop = () => fs.rm(stage, { recursive: true, force: true });
    try {
      const r = await unpackPackage({ file, dir, force, dryRun: true, stage });
      // Cancelled while it ran: nobody will read the staged files.
      if (token.isCancellationRequested) {
        await drop();
        return { refused: 'cancelled' };
      }
      // An earlier unpack into the folder, killed among its renames, was finished first: said with the notes.
      const finished = (r.finished ?? []).flatMap((f) => finishedWords(f, ctx.translator, (a) => a));
      const files = r.history ? r.files.map((f) => (f.file === r.history!.file ? { ...f, history: true } : f)) : r.files;
      const historyToken = r.history ? keep(path.join(dir, ...r.history.folder.split('/')), r.history.entries) : undefined;
      return { plan: { package: r.package, files, notes: [...finished, ...r.notes], stage, ...(historyToken ? { historyToken } : {}) } };
    } catch (e) {
      await drop();
      // Refusals `force` overrides are marked, so the editor can offer to unpack anyway.
      if (e instanceof UnpackRefused) return e.forceable ? { refused: e.message, forceable: true } : { refused: e.message };
      if (e instanceof PackageError) return { refused: `${path.basename(file)}: ${e.message}` };
      if (e instanceof UnpackBusy || e instanceof UnpackUnfinished) return { refused: e.message };
      throw e;
    }
  });

  // The history is merged as it is when the user has applied the edit, under its lock: merged
  // when the plan was made, it would drop versions a build added while the preview was open.
  ctx.connection.onRequest(SettleUnpackHistoryRequest, async ({ token, merge }) => {
    const p = pending.get(token);
    pending.delete(token);
    // A drop of a plan the server no longer knows (it restarted meanwhile) is no failure.
    if (!p) return merge ? { merged: false, refused: 'the plan is no longer known to the server; unpack again' } : { merged: false };
    if (!merge) return { merged: false };
    try {
      await mergeUnpackedHistory(p.folder, p.entries);
      return { merged: true };
    } catch (e) {
      if (e instanceof HistoryFileError || e instanceof HistoryWriteError) return { merged: false, refused: e.message };
      throw e;
    }
  });
}

/** Unsettled plans whose package history the server keeps. */
const MAX_PENDING = 8;
