import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { nodeFileHost } from '../core/manifest/host';
import { loadProject } from '../core/manifest/project';
import { BuildRefused, buildPackage } from '../core/packaging/builder';
import { dataSources } from '../core/packaging/dataOrder';
import { packageManifests } from '../core/packaging/cards';
import type { DataOption } from '../core/packaging/format';
import { HistoryFileError, HistoryWriteError, readHistoryFile } from '../core/packaging/historyFile';
import { CONFIG_FILE, foreignWarning, packageProjectFolder } from '../core/packaging/projectFolder';
import { replacedBy, replacedWords } from '../core/packaging/replaced';
import { HISTORY_FILE } from '../core/packaging/history';
import type { Translator } from '../core/l10n';
import pkgJson from '../../../package.json';
import { journalNear } from '../core/unpack/journalName';
import { formatFindings, translatorOf } from './lang';
import { checkOut, OutRefused, outUsage, writeFailure } from './outFile';
import { assertFolder, pickPackage, shown } from './projectArgs';
import { ExitCode, Io, UsageError } from './usage';

/** `isola build [DIR] --package CODE [--kind K] [--out FILE] [--force] [--title T] [--comment C] [--data none|all|APP,...] [--design all|none]` */
export async function runBuild(args: string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      package: { type: 'string' }, kind: { type: 'string' }, out: { type: 'string' }, title: { type: 'string' },
      comment: { type: 'string' }, data: { type: 'string', default: 'none' }, design: { type: 'string', default: 'all' },
      force: { type: 'boolean', default: false },
    },
  });
  const t = translatorOf(io);
  if (positionals.length > 1) throw new UsageError(t.t('cli.build.oneFolder', { folders: positionals.join(' ') }));
  if (values.design !== 'all' && values.design !== 'none') throw new UsageError(t.t('cli.build.design', { value: String(values.design) }));
  const dir = path.resolve(io.cwd, positionals[0] ?? '.');
  await assertFolder(dir, t);
  // Loaded only when there is an unpack to finish: most checks and builds have none.
  const unfinished = journalNear(dir) ? await (require('./finishUnpacks') as typeof import('./finishUnpacks')).finishUnpacks(dir, io, 'build') : undefined;
  if (unfinished !== undefined) return unfinished;
  // Data files are not scanned ahead: the build reads them anyway, and refuses at the first bad
  // record with its file and line (a scan would read every data file twice, even with --data none).
  const host = { ...nodeFileHost, scanData: undefined };
  let project = await loadProject(dir, host);
  if (project.unpackJournals) {
    const r = await (require('./finishUnpacks') as typeof import('./finishUnpacks')).finishUnpacksBelow(project, () => loadProject(dir, host), io, 'build');
    if (typeof r === 'number') return r;
    project = r;
  }
  const pkg = pickPackage(project, values.package, values.kind, t);
  const data = dataOption(values.data!, dataSources(packageManifests(project, pkg)).map((s) => s.app), t);
  // The package's project folder, not DIR: the language server records the same history.
  const historyDir = packageProjectFolder(project, pkg, (f) => io.err(`isola: warning: ${foreignWarning(f)}\n`));
  const history = await readHistoryFile(historyDir).catch((e) => {
    throw e instanceof HistoryFileError ? new UsageError(e.message) : e;
  });
  const version = (pkg.root.value as { version?: unknown }).version;
  const out = path.resolve(io.cwd, values.out ?? `${pkg.code}${typeof version === 'string' ? `-${version}` : ''}.isolapkg`);

  // Ctrl+C or a kill ends the build through its signal, so the writer removes its partial file
  // (a process that just died would leave `*.isolapkg.partial-*` behind).
  const interrupt = new AbortController();
  const stop = () => interrupt.abort(new BuildInterrupted());
  process.once('SIGINT', stop).once('SIGTERM', stop);
  try {
    // Read before the build writes over it: a rebuild of the same version is worth a word.
    const before = await checkOut(out, shown(io.cwd, out), { force: values.force!, inputs: projectInputs(project, historyDir), t });
    const r = await buildPackage({
      project, pkg, out, title: values.title, comment: values.comment, design: values.design, data, history, historyDir,
      tool: { name: 'isola', version: pkgJson.version }, signal: interrupt.signal, t,
    });
    // The history went with the package: written beside its place first, renamed in after it.
    const historyPath = r.historyFile!;
    const cards = r.descriptor.steps.reduce((n, s) => n + s.cards, 0);
    const records = r.descriptor.data.reduce((n, d) => n + d.records, 0);
    io.out(`${t.t('cli.build.built', {
      file: shown(io.cwd, r.file), kind: t.noun(pkg.kind), code: pkg.code, cards, steps: r.descriptor.steps.filter((s) => s.cards).length,
      records, entries: r.descriptor.entries.length + 1, size: formatBytes(r.size),
    })}\n`);
    const replaced = replacedBy(before, r.descriptor);
    if (replaced) io.out(`${replacedWords(shown(io.cwd, r.file), r.descriptor, replaced)}\n`);
    io.out(`${t.t('cli.build.history', { changed: r.changed.length, cards, file: shown(io.cwd, historyPath) })}\n`);
    return 0;
  } catch (e) {
    if (interrupt.signal.aborted) {
      io.err(`isola build: ${t.t('cli.build.interrupted')}\n`);
      return 1;
    }
    if (e instanceof OutRefused || e instanceof HistoryWriteError) {
      io.err(`isola build: ${e.message}\n`);
      return 1;
    }
    const failure = writeFailure(e, out, shown(io.cwd, out), t);
    if (failure) {
      io.err(`isola build: ${failure}\n`);
      return 1;
    }
    if (!(e instanceof BuildRefused)) throw outUsage(e, out, shown(io.cwd, out), t);
    if (e.diagnostics.length) {
      // In the user's language: the builder checked with `t`.
      const { diagnostics } = e;
      io.out(formatFindings({ diagnostics, summary: { errors: diagnostics.length, warnings: 0, infos: 0, files: pkg.members.length } }, t));
    }
    io.err(`isola build: ${t.t('cli.build.refused', { reason: e.message })}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop).off('SIGTERM', stop);
  }
}

/** Every file the build reads: its `--out` may never be one of them, even with `--force`. */
function projectInputs(project: Awaited<ReturnType<typeof loadProject>>, historyDir: string): string[] {
  const files = [path.join(historyDir, HISTORY_FILE), path.join(historyDir, CONFIG_FILE)];
  for (const m of project.manifests) files.push(m.absPath, ...m.links.map((l) => l.absPath));
  return files;
}

/** The reason a build's signal gives when the user interrupts it. */
class BuildInterrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

/** `none`, `all`, or a comma list of apps (`app` or `namespace.app`), matched against the apps that have data. */
function dataOption(value: string, available: string[], t: Translator): DataOption {
  if (value === 'none' || value === 'all') return value;
  return value.split(',').map((s) => s.trim()).filter(Boolean).map((a) => {
    if (available.includes(a)) return a;
    const matches = available.filter((x) => x.endsWith(`.${a}`));
    if (matches.length === 1) return matches[0];
    throw new UsageError(matches.length ? t.t('cli.build.dataAmbiguous', { app: a, matches: matches.join(', ') })
      : t.t('cli.build.noData', { app: a, apps: available.join(', ') || t.t('cli.none') }));
  });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
