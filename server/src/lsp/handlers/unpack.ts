import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PackageError } from '../../core/packaging/reader';
import { UnpackBusy, UnpackRefused, UnpackUnfinished } from '../../core/unpack/errors';
import { finishedWords } from '../../core/unpack/finishedWords';
import { unpackPackage } from '../../core/unpack/unpack';
import { PlanUnpackRequest } from '../../protocol';
import type { HandlerContext } from '../context';

/**
 * Plans unpacks for the editor's "Retrieve from Environment" and "Unpack Package into
 * Workspace" in the server process, so reading the zip, laying out the manifests and editing
 * their text never run on the extension host. The new contents go to a staging folder the
 * client reads once and deletes; the workspace itself is written only by the client's edit.
 */
export function registerUnpack(ctx: HandlerContext): void {
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
      return { plan: { package: r.package, files: r.files, notes: [...finished, ...r.notes], stage } };
    } catch (e) {
      await drop();
      // Refusals `force` overrides are marked, so the editor can offer to unpack anyway.
      if (e instanceof UnpackRefused) return e.forceable ? { refused: e.message, forceable: true } : { refused: e.message };
      if (e instanceof PackageError) return { refused: `${path.basename(file)}: ${e.message}` };
      if (e instanceof UnpackBusy || e instanceof UnpackUnfinished) return { refused: e.message };
      throw e;
    }
  });
}
