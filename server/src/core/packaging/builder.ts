import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import { checkManifest, Diagnostic, placeFindings } from '../check';
import { linkedPathVerdict, OutsidePath, outsideText } from '../manifest/linkedPath';
import { declaredLanguages, highestPlatform, languageSource } from '../manifest/packageInputs';
import { english, Translator } from '../l10n';
import { blockingWords } from '../report/words';
import { packageLabel } from '../rules/words';
import type { Project } from '../manifest/project';
import type { LinkedFile, Manifest, Package } from '../manifest/types';
import { designContent, packageManifests, readAttachments } from './cards';
import { DataRecordError } from './dataChunks';
import { dataSources, orderByReferences } from './dataOrder';
import { DataOption, Descriptor, FORMAT_VERSION, History, PACKAGE_FORMAT } from './format';
import { historyOf, updateHistory } from './history';
import { HistoryFileError, HistoryWriteError, lockHistory, readHistoryFile, StagedHistory, stageHistoryFile } from './historyFile';
import type { HeldLock } from '../ownedFile';
import { writePackage } from './writer';
import { refuseNotAFile } from '../exclusiveWrite';

/** A build that cannot go ahead: error findings stand (isolation or manifest), or the options ask for something that is not there. */
export class BuildRefused extends Error {
  constructor(message: string, readonly diagnostics: Diagnostic[] = []) {
    super(message);
  }
}

/** What to build and how. */
export interface BuildOptions {
  project: Project;
  pkg: Package;
  /** Absolute path of the package file to write. */
  out: string;
  title?: string;
  comment?: string;
  design?: 'all' | 'none';
  data?: DataOption;
  /** The project's history (`isola.history.json`), updated by the build. */
  history: History;
  /**
   * The folder whose `isola.history.json` gets the updated history: once the package is complete,
   * the history is locked (`lockHistory`), read again, given this build's versions, written beside
   * its file, and renamed in after the package, so a history that cannot be written refuses the
   * build (`HistoryWriteError`) with neither file replaced, and builds of one project at the same
   * time each keep the others' versions. Without it, nothing is written but the package (the
   * caller records the history).
   */
  historyDir?: string;
  createdBy?: string;
  tool: { name: string; version: string };
  now?: Date;
  signal?: AbortSignal;
  /** The language of the findings a refusal carries (English when absent). */
  t?: Translator;
  /** Progress over the bytes to pack (design files, then data). */
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface BuildResult {
  file: string;
  size: number;
  descriptor: Descriptor;
  /** The project's history after the build (written to `historyFile` when `historyDir` was given). */
  history: History;
  /** The history file written, when `historyDir` was given. */
  historyFile?: string;
  /** Entities whose content changed since their last recorded hash. */
  changed: string[];
}

/** Errors that block export of a package: every member manifest's error findings, in `t`'s language. */
export function packageErrors(project: Project, pkg: Package, t: Translator = english): Diagnostic[] {
  // A unit that a larger package holds is checked as it is built here: alone, in its own package.
  const view = project.checkedIn(pkg);
  const own = view.packageOf(pkg.root) ?? pkg;
  const manifests = pkg.kind === 'app' ? [pkg.root] : view.manifests.filter((m) => view.packageOf(m) === own || own.members.includes(m));
  // A folder that could not be listed may hold manifests of the package (a member, an app its
  // workspace carries, a namespace it references): no build goes ahead without them.
  for (const m of view.manifests) if (m.unlisted !== undefined) manifests.push(m);
  // Every finding is placed before the errors are taken: a suppression comment aimed at a warning
  // is used by that warning, and would be reported unused (and block the build) without it.
  const findings = manifests.flatMap((m) => checkManifest(view, m, undefined, t));
  return placeFindings(view, findings, [], t).filter((d) => d.severity === 'error');
}

/**
 * Builds a package (spec §4) with bounded memory: cards and attachments are small buffers, data
 * records stream from their JSONL files through chunk entries. The zip is written to a temporary
 * file next to `out` and renamed only when complete, so a failed or cancelled build leaves nothing.
 */
export async function buildPackage(o: BuildOptions): Promise<BuildResult> {
  const errors = packageErrors(o.project, o.pkg, o.t);
  if (errors.length) {
    const t = o.t ?? english;
    throw new BuildRefused(t.t('build.refused', { pkg: packageLabel(o.pkg, t), blocking: blockingWords(errors.map((e) => e.code), t), n: errors.length }), errors);
  }
  // Before any file is read: the writer refuses it too, and looks again before it replaces `out`.
  await refuseNotAFile(o.out);
  const now = (o.now ?? new Date()).toISOString();
  const design = o.design ?? 'all';

  const manifests = packageManifests(o.project, o.pkg);
  const { files, hash, refused, unreadable } = await readAttachments(manifests);
  // The check above reports such paths as MAN003; this holds even for a model that was never checked.
  if (refused.length) throw outsideRefusal(refused[0].manifest, refused[0].link, refused[0].outside);
  // A file that changed since the check: the package would carry no copy of it.
  if (unreadable.length) {
    const { manifest: m, link: l, reason } = unreadable[0];
    throw new BuildRefused(`${m.file}: ${l.role} file \`${l.spec}\` cannot be read: ${reason}`);
  }
  refuseOutsideIncludes(manifests);
  const { cards, attachments } = designContent(o.project, o.pkg, hash);

  const sources = dataSources(manifests);
  let chosen = o.data === 'all' ? sources.map((s) => s.app) : Array.isArray(o.data) ? o.data : [];
  const known = new Set(sources.map((s) => s.app));
  const missing = chosen.filter((a) => !known.has(a));
  if (missing.length) throw new BuildRefused(`no data file for ${missing.join(', ')} in ${o.pkg.kind} \`${o.pkg.code}\` (apps with data: ${[...known].join(', ') || 'none'})`);
  chosen = orderByReferences(o.project, chosen);
  const dataFiles = chosen.map((app) => dataFile(manifests, sources.find((s) => s.app === app)!.absPath));

  const dataBytes = (await Promise.all(dataFiles.map((d) => fs.stat(d.realPath).then((s) => s.size, (e: NodeJS.ErrnoException) => {
    throw new BuildRefused(`cannot read data file ${d.link.file}: ${e.code ?? e.message}`);
  })))).reduce((x, y) => x + y, 0);
  let done = 0;
  const shipped = design === 'all' ? cards : [];
  // A design-less package (data only) records and carries no design history.
  const updated = design === 'all' ? updateHistory(o.history, cards, now) : { history: o.history, changed: [] };
  const root = o.pkg.root.value as Record<string, unknown>;
  let recorded = updated;
  let lock: HeldLock | undefined;
  let history: StagedHistory | undefined;
  const historyDir = o.historyDir;
  const { size, descriptor } = await writePackage({
    out: o.out,
    cards: shipped,
    files: design === 'all' ? attachments.map((a) => ({ path: a.path, data: files.get(a.absPath)! })) : [],
    data: chosen.map((app, i) => ({ app, source: dataFiles[i].realPath })),
    signal: o.signal,
    // `o.history` was read before the build began: another build may have recorded versions since.
    beforeRename: historyDir === undefined ? undefined : async () => {
      lock = await lockHistory(historyDir, NOTHING_WRITTEN);
      const current = await readHistoryFile(historyDir).catch((e) => {
        throw e instanceof HistoryFileError ? new HistoryWriteError(`${e.message}; ${NOTHING_WRITTEN}`) : e;
      });
      recorded = design === 'all' ? updateHistory(current, cards, now) : { history: current, changed: [] };
      history = await stageHistoryFile(historyDir, recorded.history, NOTHING_WRITTEN);
    },
    onData: (n, app) => {
      done += n;
      o.onProgress?.(done, dataBytes, app);
    },
    descriptor: {
      format: PACKAGE_FORMAT,
      formatVersion: FORMAT_VERSION,
      kind: o.pkg.kind,
      code: o.pkg.code,
      title: o.title ?? o.pkg.root.title,
      comment: o.comment,
      version: str(root.version),
      // What the environment checks: the highest platform any carried manifest needs, and the
      // members' languages (MAN005 has refused members that disagree), not only the root's.
      platform: highestPlatform(manifests),
      languages: packageLanguages(manifests, o.pkg),
      options: {
        design,
        data: o.data === 'all' ? 'all' : Array.isArray(o.data) ? o.data : 'none',
        ...(chosen.length ? { dataOrder: chosen, dataOrderNote: 'Isola orders data so that records referenced by app fields are imported before the records that reference them.' } : {}),
      },
      createdAt: now,
      createdBy: o.createdBy ?? os.userInfo().username,
      source: `${os.hostname()}:${o.project.root}`,
      tool: o.tool,
      // The versions known when the build began: another build's new ones are of other entities,
      // or of a version of these that this package does not carry.
      history: historyOf(updated.history, shipped),
    },
  }).catch((e) => {
    // A bad record is the project's mistake, not the builder's: one line naming the file and line.
    if (e instanceof DataRecordError) throw new BuildRefused(projectRelative(e.message, dataFiles));
    throw e;
  }).catch(async (e) => {
    await history?.discard();
    await lock?.release();
    throw e;
  });
  try {
    await history?.commit();
  } finally {
    await lock?.release();
  }
  return { file: o.out, size, descriptor, history: recorded.history, historyFile: history?.file, changed: recorded.changed };
}

const NOTHING_WRITTEN = 'no package was written, and the history is as it was';

/** The refusal for a linked path outside the project: which manifest, which path, and why. */
function outsideRefusal(m: Manifest, l: LinkedFile, outside: OutsidePath): BuildRefused {
  return new BuildRefused(`${m.file}: ${l.role} ${l.role === 'include' ? '' : 'file '}\`${l.spec}\` ${outsideText(m.root, outside)}`);
}

/** Refuses a package whose manifests include one outside the project (its cards would carry what was read from there). */
function refuseOutsideIncludes(manifests: Manifest[]): void {
  for (const m of manifests) {
    for (const l of m.links) {
      if (l.role !== 'include') continue;
      const v = linkedPathVerdict(m.root, l.spec, l.absPath);
      if (!v.inside) throw outsideRefusal(m, l, v);
    }
  }
}

/** A data file about to be read: judged inside the project, with the real path to read. */
function dataFile(manifests: Manifest[], absPath: string): { link: LinkedFile; realPath: string } {
  for (const m of manifests) {
    for (const link of m.links) {
      if (link.role !== 'data' || link.absPath !== absPath) continue;
      const v = linkedPathVerdict(m.root, link.spec, absPath);
      if (!v.inside) throw outsideRefusal(m, link, v);
      return { link, realPath: v.realPath };
    }
  }
  throw new BuildRefused(`no manifest of the package names data file ${absPath}`);
}

/** A data error's message with the file as the project names it, rather than its real absolute path. */
function projectRelative(message: string, files: { link: LinkedFile; realPath: string }[]): string {
  const f = files.find((d) => message.startsWith(`${d.realPath}:`));
  return f ? `data file ${f.link.file}${message.slice(f.realPath.length)}` : message;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The package's languages: the root's, else those of the first carried manifest that declares some. */
function packageLanguages(manifests: Manifest[], pkg: Package): string[] | undefined {
  const source = languageSource([pkg.root, ...pkg.members, ...manifests]);
  return source && declaredLanguages(source);
}
