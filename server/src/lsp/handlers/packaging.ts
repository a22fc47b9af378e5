import * as path from 'node:path';
import { WorkDoneProgress } from 'vscode-languageserver';
import { BuildRefused, buildPackage } from '../../core/packaging/builder';
import { designContent, packageManifests, readAttachments } from '../../core/packaging/cards';
import { DESCRIPTOR } from '../../core/packaging/format';
import { PackageError } from '../../core/packaging/reader';
import { BuildPackageRequest, CurrentCardRequest, InspectPackageRequest, ReadPackageEntryRequest } from '../../protocol';
import { absOf, toPath, toUri } from '../convert';
import { HandlerContext } from '../context';
import { HistoryFileError, HistoryWriteError, readHistoryFile } from '../../core/packaging/historyFile';
import { foreignWarning, packageProjectFolder } from '../../core/packaging/projectFolder';
import { descriptorBefore, replacedBy, replacedWords } from '../../core/packaging/replaced';
import { NotAFileError, writeRefusal } from '../../core/exclusiveWrite';
import { PackageCache } from '../packageFiles';
import { UnpackBusy, UnpackUnfinished } from '../../core/unpack/errors';
import { finishedWords } from '../../core/unpack/finishedWords';
import { finishInterruptedUnpacks } from '../../core/unpack/journal';
import { contentsOf } from '../packageContents';

/**
 * Builds and reads packages in the server process, so zip work never runs on the extension
 * host: build (with work-done progress and cancellation), inspect, read one entry, and the
 * card an entity would have if built now.
 */
export function registerPackaging(ctx: HandlerContext, tool: { name: string; version: string }): void {
  const cache = new PackageCache();

  ctx.connection.onRequest(BuildPackageRequest, async (params, token) => {
    await ctx.started;
    await ctx.workspace.sync();
    const abs = toPath(params.uri);
    const model = abs ? ctx.workspace.projectOf(abs) : undefined;
    const pkg = model?.project.packageOf(model.manifest);
    if (!model || !pkg) return { refused: { message: `${params.uri} is not a package manifest`, findings: [] } };
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort(new Error('Build cancelled')));
    let last = 0;
    const report = (done: number, total: number, what: string) => {
      if (params.workDoneToken === undefined || Date.now() - last < 100) return;
      last = Date.now();
      const percentage = total ? Math.min(100, Math.round((done / total) * 100)) : undefined;
      void ctx.connection.sendProgress(WorkDoneProgress.type, params.workDoneToken, { kind: 'report', message: `data of ${what}`, percentage });
    };
    try {
      // The package's project folder, not the workspace folder: the CLI records the same history.
      const warnings: string[] = [];
      // An unpack killed among its renames is finished first (as the CLI's build does): the model
      // read the half-written project, so the build is refused, saying what was finished.
      const finished = await finishInterruptedUnpacks(model.project.root);
      // And one into a subfolder, which the project's listing found.
      for (const dir of model.project.unpackJournals ?? []) finished.push(...(await finishInterruptedUnpacks(dir)));
      if (finished.length) {
        const lines = finished.flatMap((f) => finishedWords(f, ctx.translator, (a) => a)).join('; ');
        return { refused: { message: finished.some((f) => f.missing.length) ? lines : ctx.translator.t('build.afterUnpack', { finished: lines }), findings: [] } };
      }
      const historyDir = packageProjectFolder(model.project, pkg, (f) => warnings.push(foreignWarning(f)));
      const history = await readHistoryFile(historyDir);
      // Read before the build writes over it: a rebuild of the same version is worth a word.
      const before = await descriptorBefore(params.out);
      const r = await buildPackage({
        project: model.project, pkg, out: params.out, title: params.title, comment: params.comment,
        data: params.data, history, historyDir, tool, signal: abort.signal, onProgress: report, t: ctx.translator,
      });
      // The history went with the package, as in the CLI: a history that cannot be written refuses the build.
      const historyPath = r.historyFile!;
      cache.forget(r.file);
      const cards = r.descriptor.steps.reduce((n, s) => n + s.cards, 0);
      const replaced = replacedBy(before, r.descriptor);
      return {
        built: {
          file: r.file, size: r.size, cards, records: r.descriptor.data.reduce((n, d) => n + d.records, 0), changed: r.changed.length,
          history: historyPath,
          ...(warnings.length ? { warnings } : {}),
          ...(replaced ? { replaced: { same: replaced.same, message: replacedWords(path.basename(r.file), r.descriptor, replaced) } } : {}),
        },
      };
    } catch (e) {
      if (e instanceof BuildRefused) {
        return {
          refused: {
            message: e.message,
            // In the client's language: the builder checked with its translator.
            findings: e.diagnostics.map((d) => ({ uri: toUri(absOf(model.project.root, d.file)), line: d.range.start.line, character: d.range.start.character, code: d.code, message: d.message })),
          },
        };
      }
      // A history that cannot be used (unreadable, not JSON, another user's) stops the build, as in the CLI.
      if (e instanceof HistoryFileError || e instanceof HistoryWriteError) return { refused: { message: e.message, findings: [] } };
      if (e instanceof UnpackBusy || e instanceof UnpackUnfinished) return { refused: { message: e.message, findings: [] } };
      // The save dialog can point at a named pipe or a device: refused by the writer, nothing replaced.
      if (e instanceof NotAFileError) return { refused: { message: e.say(ctx.translator), findings: [] } };
      if (abort.signal.aborted) return { refused: { message: 'Build cancelled; no file was written.', findings: [] } };
      // A full disk, as in the CLI: in words, and the earlier package as it was.
      const reason = writeRefusal(e, params.out);
      if (reason !== undefined) return { refused: { message: ctx.translator.t('cli.out.writeFailed', { reason, file: params.out }), findings: [] } };
      throw e;
    }
  });

  ctx.connection.onRequest(InspectPackageRequest, async ({ file }) => {
    try {
      return { contents: await contentsOf(await cache.open(file)) };
    } catch (e) {
      return { error: e instanceof PackageError ? e.message : `cannot read ${path.basename(file)}: ${(e as Error).message}` };
    }
  });

  ctx.connection.onRequest(ReadPackageEntryRequest, async ({ file, path: entry }) => {
    try {
      const reader = await cache.open(file);
      // The descriptor is not in its own index, so `read` cannot verify it; the reader parsed and checked it on open.
      if (entry === DESCRIPTOR) return { text: JSON.stringify(reader.descriptor, null, 2) + '\n' };
      const data = await reader.read(entry);
      return { text: entry.endsWith('.json') ? JSON.stringify(JSON.parse(data.toString('utf8')), null, 2) + '\n' : data.toString('utf8') };
    } catch (e) {
      return { error: (e as Error).message };
    }
  });

  ctx.connection.onRequest(CurrentCardRequest, async ({ id }) => {
    await ctx.started;
    await ctx.workspace.sync();
    for (const project of ctx.workspace.projects()) {
      for (const pkg of project.packages) {
        if (!designContent(project, pkg, () => undefined).cards.some((c) => c.id === id)) continue;
        // Built exactly as `buildPackage` would, script and template hashes included, so an unchanged entity compares equal.
        const { hash } = await readAttachments(packageManifests(project, pkg));
        const card = designContent(project, pkg, hash).cards.find((c) => c.id === id)!;
        const owner = project.manifests.find((m) => m.entities.some((e) => e.id === id)) ?? pkg.root;
        return { text: JSON.stringify(card, null, 2) + '\n', manifestUri: toUri(absOf(project.root, owner.file)) };
      }
    }
    return {};
  });
}
