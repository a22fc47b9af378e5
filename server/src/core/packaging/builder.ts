import { createWriteStream, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { ZipFile } from 'yazl';
import { checkManifest, Diagnostic, placeFindings } from '../check';
import type { Project } from '../manifest/project';
import type { Package } from '../manifest/types';
import { sha256 } from './canonical';
import { designContent, packageManifests, readAttachments } from './cards';
import { writeDataChunks } from './dataChunks';
import { dataSources, orderByReferences } from './dataOrder';
import {
  DataOption, DataSet, Descriptor, DESCRIPTOR, EntryInfo, FORMAT_VERSION, History, PACKAGE_FORMAT, STEP_OF, STEPS,
} from './format';
import { historyOf, updateHistory } from './history';

/** A build that cannot go ahead: isolation errors stand, or the options ask for something that is not there. */
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
  createdBy?: string;
  tool: { name: string; version: string };
  now?: Date;
  signal?: AbortSignal;
  /** Progress over the bytes to pack (design files, then data). */
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface BuildResult {
  file: string;
  size: number;
  descriptor: Descriptor;
  /** The project's history after the build (write it back to `isola.history.json`). */
  history: History;
  /** Entities whose content changed since their last recorded hash. */
  changed: string[];
}

/** Errors that block export of a package: every member manifest's error findings. */
export function packageErrors(project: Project, pkg: Package): Diagnostic[] {
  const manifests = pkg.kind === 'app' ? [pkg.root] : project.manifests.filter((m) => project.packageOf(m) === pkg || pkg.members.includes(m));
  const findings = manifests.flatMap((m) => checkManifest(project, m).filter((f) => f.severity === 'error'));
  return placeFindings(project, findings, []);
}

/**
 * Builds a package (spec §4) with bounded memory: cards and attachments are small buffers, data
 * records stream from their JSONL files through chunk entries. The zip is written to a temporary
 * file next to `out` and renamed only when complete, so a failed or cancelled build leaves nothing.
 */
export async function buildPackage(o: BuildOptions): Promise<BuildResult> {
  const errors = packageErrors(o.project, o.pkg);
  if (errors.length) throw new BuildRefused(`${o.pkg.kind} \`${o.pkg.code}\` has ${errors.length} isolation error(s); fix them before building`, errors);
  const now = (o.now ?? new Date()).toISOString();
  const design = o.design ?? 'all';

  const manifests = packageManifests(o.project, o.pkg);
  const { files, hash } = await readAttachments(manifests);
  const { cards, attachments } = designContent(o.project, o.pkg, hash);

  const sources = dataSources(manifests);
  let chosen = o.data === 'all' ? sources.map((s) => s.app) : Array.isArray(o.data) ? o.data : [];
  const known = new Set(sources.map((s) => s.app));
  const missing = chosen.filter((a) => !known.has(a));
  if (missing.length) throw new BuildRefused(`no data file for ${missing.join(', ')} in ${o.pkg.kind} \`${o.pkg.code}\` (apps with data: ${[...known].join(', ') || 'none'})`);
  chosen = orderByReferences(o.project, chosen);

  const tmp = `${o.out}.partial-${process.pid}-${Date.now()}`;
  await fs.mkdir(path.dirname(o.out), { recursive: true });
  const zip = new ZipFile();
  const output = createWriteStream(tmp);
  const written = new Promise<void>((resolve, reject) => {
    output.on('close', resolve);
    output.on('error', reject);
    zip.outputStream.on('error', reject);
  });
  zip.outputStream.pipe(output);
  const entries: EntryInfo[] = [];
  const mtime = new Date(now);
  const addBuffer = (name: string, data: Buffer) => {
    entries.push({ path: name, sha256: sha256(data), size: data.length });
    // Deflated when the writer reaches the entry, one at a time: `zip.addBuffer` starts a deflate
    // (with its ~200 KB of zlib state) for every entry at once, gigabytes for tens of thousands of cards.
    zip.addReadStreamLazy(name, { mtime, compress: data.length > 64, size: data.length }, (cb) => cb(null, new PassThrough().end(data) as PassThrough));
  };

  const dataBytes = (await Promise.all(chosen.map((a) => fs.stat(sources.find((s) => s.app === a)!.absPath).then((s) => s.size)))).reduce((x, y) => x + y, 0);
  let done = 0;
  const progress = (n: number, what: string) => {
    done += n;
    o.onProgress?.(done, dataBytes, what);
  };
  try {
    const shipped = design === 'all' ? cards : [];
    for (const c of shipped) addBuffer(`${STEP_OF[c.type]}/${c.id}.card.json`, Buffer.from(JSON.stringify(c, null, 2) + '\n'));
    if (design === 'all') for (const a of attachments) addBuffer(a.path, files.get(a.absPath)!);

    const data: DataSet[] = [];
    for (const app of chosen) {
      const src = sources.find((s) => s.app === app)!;
      const sink = { addStream: (name: string, stream: PassThrough) => zip.addReadStream(stream, name, { mtime }) };
      const r = await writeDataChunks(app, src.absPath, sink, (n) => progress(n, app), o.signal);
      entries.push(...r.entries);
      data.push({ app, records: r.records, chunks: r.entries.map((e) => e.path) });
    }

    // A design-less package (data only) records and carries no design history.
    const updated = design === 'all' ? updateHistory(o.history, cards, now) : { history: o.history, changed: [] };
    const descriptor: Descriptor = {
      format: PACKAGE_FORMAT,
      formatVersion: FORMAT_VERSION,
      kind: o.pkg.kind,
      code: o.pkg.code,
      title: o.title ?? o.pkg.root.title,
      comment: o.comment,
      version: str((o.pkg.root.value as Record<string, unknown>).version),
      platform: str((o.pkg.root.value as Record<string, unknown>).platform),
      languages: strings((o.pkg.root.value as Record<string, unknown>).languages),
      options: {
        design,
        data: o.data === 'all' ? 'all' : Array.isArray(o.data) ? o.data : 'none',
        ...(chosen.length ? { dataOrder: chosen, dataOrderNote: 'Isola orders data so that records referenced by app fields are imported before the records that reference them.' } : {}),
      },
      createdAt: now,
      createdBy: o.createdBy ?? os.userInfo().username,
      source: `${os.hostname()}:${o.project.root}`,
      tool: o.tool,
      steps: STEPS.map((step) => ({ step, cards: shipped.filter((c) => STEP_OF[c.type] === step).length })),
      data,
      entries: [...entries],
      history: historyOf(updated.history, shipped),
    };
    zip.addBuffer(Buffer.from(JSON.stringify(descriptor, null, 2) + '\n'), DESCRIPTOR, { mtime });
    zip.end();
    await written;
    if (o.signal?.aborted) throw o.signal.reason ?? new Error('cancelled');
    await fs.rename(tmp, o.out);
    const size = (await fs.stat(o.out)).size;
    return { file: o.out, size, descriptor, history: updated.history, changed: updated.changed };
  } catch (e) {
    zip.outputStream.unpipe(output);
    output.destroy();
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}
