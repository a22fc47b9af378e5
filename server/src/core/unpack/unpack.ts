import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { nodeFileHost } from '../manifest/host';
import { loadProject } from '../manifest/project';
import { HISTORY_FILE } from '../packaging/history';
import type { History } from '../packaging/format';
import { CONFIG_FILE } from '../packaging/projectFolder';
import { HistoryFileError, readHistoryFile } from '../packaging/historyFile';
import { PackageReader } from '../packaging/reader';
import { cardsToManifests, ExistingManifest } from './cardsToManifests';
import { UnpackBusy, UnpackInterrupted, UnpackRefused, UnpackUnfinished } from './errors';
import { EditNotPlaced, editToValue, formatManifest } from './inPlace';
import { mergeHistory } from './history';
import { mergeManifest } from './merge';
import { foldedPath, joinInside, unsafeRelativePath } from './names';
import { removeStalePartialsBeside } from '../exclusiveWrite';
import { sameDataFile } from './dataFile';
import { Content, Planned, writeAll, writeInPlace } from './write';
import { Finished, finishInterruptedUnpacks } from './journal';
import { judgeUnreadable, unreadableUnits } from './unreadable';

/** What an unpack does to one file. */
export interface UnpackedFile {
  /** Relative to the unpack folder, forward slashes. */
  file: string;
  status: 'created' | 'changed' | 'unchanged';
  /** Manifests: the entities whose content changed (or were added or removed). */
  entities?: number;
}

/** The outcome of an unpack, written or (dry run) only planned. */
export interface UnpackResult {
  package: { kind: string; code: string; version?: string };
  files: UnpackedFile[];
  notes: string[];
  written: boolean;
  /** Interrupted unpacks into the folder (or one above it) finished before this one was planned. */
  finished?: Finished[];
  /**
   * With `stage`: the history file the unpack changes (relative) and the package's own history.
   * What is staged for it is the merge as planned; an editor that applies the other files itself
   * merges this into the history as it is then, under its lock (`mergeUnpackedHistory`), since a
   * build may have added versions while the user looked at the changes.
   */
  history?: { file: string; folder: string; entries: History };
}

export interface UnpackOptions {
  /** The package file. */
  file: string;
  /** The folder to unpack into (created when missing). */
  dir: string;
  dryRun?: boolean;
  /**
   * Replace files that are not Isola's, or whose edits cannot be placed, and write a unit's
   * manifest beside an unreadable one of that unit (with a note), instead of refusing.
   */
  force?: boolean;
  /**
   * With `dryRun`: a folder to write the new content of every created or changed file into, at
   * the same relative path, instead of into `dir`. An editor applies them itself (as one edit the
   * user confirms and can undo), so it needs the contents, not only the statuses.
   */
  stage?: string;
  /**
   * Stops the unpack (Ctrl+C): it throws `UnpackInterrupted`, having replaced nothing. Every file
   * is written to a temporary file first and the renames come last, all at once: a signal then
   * waits for them, so the folder holds either none of the package or all of it.
   */
  signal?: AbortSignal;
}

/**
 * Unpacks a package into manifests (issue 11): reads and verifies the whole package, lays it out
 * (cardsToManifests), merges into the manifests the folder already has and edits their text in
 * place, and judges every path; only then writes, each file through a temporary file and a
 * rename. Anything refused (an unsafe or clashing name, a file that is not Isola's, a manifest of
 * a unit the package carries that cannot be read) refuses the whole unpack before the first byte
 * is written. A refusal `force` overrides is said only when nothing else refuses (its
 * `forceable` set), so the same unpack with `force` then goes ahead.
 */
export async function unpackPackage(o: UnpackOptions): Promise<UnpackResult> {
  const reader = await PackageReader.open(o.file);
  try {
    await reader.verify(undefined, undefined, o.signal);
    const d = reader.descriptor;
    const cards = (await reader.cards()).map((c) => c.card);
    const dir = path.resolve(o.dir);
    // An earlier unpack killed among its renames left the folder half old, half new: it is
    // finished first (its temporary files are complete), so this one is planned against a whole project.
    const finished = await finishInterruptedUnpacks(dir, { drop: !o.dryRun });
    // The folder, or the nearest part of its path that exists, must be a folder (not a file beneath which nothing can be made).
    for (let at = dir; ; at = path.dirname(at)) {
      const st = await fs.stat(at).catch(() => undefined);
      if (st && !st.isDirectory()) throw new UnpackRefused(at === dir ? `${o.dir} is not a folder` : `${o.dir}: ${at} is not a folder`);
      if (st || path.dirname(at) === at) break;
    }
    // Data files are not scanned for bad lines (nothing here reads those findings): at 1M records
    // that scan read and parsed 1.2 GB before the unpack compared a byte.
    const project = await dirExists(dir) ? await loadProject(dir, { ...nodeFileHost, scanData: undefined }) : undefined;
    const existing: ExistingManifest[] = [];
    for (const m of project?.manifests ?? []) {
      if (!m.kind || m.code === undefined || typeof m.value !== 'object' || m.value === null || m.syntaxErrors.length) continue;
      existing.push({ file: m.file, kind: m.kind, code: m.code, namespace: m.namespace, value: m.value as Record<string, unknown>, links: m.links.map((l) => l.file) });
    }
    const texts = new Map((project?.manifests ?? []).map((m) => [m.file, m]));
    // The first refusal `force` overrides waits while the rest is judged: one that `force` does
    // not override is said first, so a refusal marked forceable is the only kind this unpack meets.
    let overridable: UnpackRefused | undefined;
    const unlessForced = (message: string) => {
      if (!o.force) overridable ??= new UnpackRefused(message, { forceable: true });
    };

    const layout = cardsToManifests(d, cards, existing);
    // Files this unpack may replace: those the manifests it edits in place name (another unit's are not its own).
    const linked = new Set([...layout.manifests.flatMap((m) => (m.existing ? m.existing.links ?? [] : [])), ...layout.files.filter((f) => f.adopted).map((f) => f.file)]);
    const plan: Planned[] = [];
    for (const m of layout.manifests) {
      const had = m.existing ? texts.get(m.existing.file) : undefined;
      if (had && m.existing) {
        const { value, changed, notes } = mergeManifest(m.kind, m.existing.value, m.value, m.ordered);
        for (const note of notes) layout.notes.push(`${m.file}: ${note}`);
        let text: string;
        try {
          text = editToValue(had.text, m.existing.value, value);
        } catch (e) {
          if (!(e instanceof EditNotPlaced)) throw new UnpackRefused(`${m.file}: the changes cannot be placed in its text (${e instanceof Error ? e.message : String(e)})`);
          // Forced: the edit that drops only the comments in its way, when there is one; else the whole file anew.
          unlessForced(`${m.file}: the changes cannot be placed in its text${e.why ? `: ${e.why}` : ''}; --force ${e.dropping !== undefined ? 'writes the changes and drops those comments' : 'rewrites it'}`);
          text = e.dropping ?? formatManifest(value);
        }
        // The model's text has no byte order mark (editors hide it); a file that starts with one keeps it.
        const same = text === had.text;
        if (!same && (await startsWithBom(had.absPath))) text = `\uFEFF${text}`;
        plan.push({ file: m.file, content: { text }, status: same ? 'unchanged' : 'changed', entities: changed });
        // Files are never deleted: one the manifest stops naming is left for the person to judge.
        const still = namedFiles(m.file, value);
        for (const l of had.links) {
          if (l.role !== 'include' && !still.has(l.file)) layout.notes.push(`${l.file} is no longer named by ${m.file} (the package lacks its ${l.role === 'data' ? 'data' : 'owner'}); delete it if it is not needed`);
        }
      } else {
        const value = m.value;
        plan.push({ file: m.file, newManifest: `${m.kind} ${m.code}`, content: { text: formatManifest(value) }, status: 'created', entities: countEntities(value) });
      }
    }
    for (const f of layout.files) {
      const src = f.source;
      const content: Content = 'entry' in src ? { bytes: await reader.read(src.entry) } : 'app' in src ? { chunks: d.data.find((x) => x.app === src.app)!.chunks } : { empty: true };
      plan.push({ file: f.file, content, status: 'created' });
    }
    if (Object.keys(d.history).length) {
      const root = layout.manifests.find((m) => m.kind === d.kind && m.code === d.code);
      const at = historyFolder(dir, root ? path.posix.dirname(root.file) : '.');
      const before = await readHistoryFile(path.join(dir, at)).catch((e) => {
        throw e instanceof HistoryFileError ? new UnpackRefused(e.message) : e;
      });
      plan.push({
        file: at === '.' ? HISTORY_FILE : `${at}/${HISTORY_FILE}`, content: { text: JSON.stringify(mergeHistory(before, d.history), null, 2) + '\n' }, status: 'created',
        history: { folder: at, entries: d.history },
      });
    }

    // A unit whose manifest here cannot be read would get a second one: refused unless --force.
    try {
      layout.notes.push(...judgeUnreadable(unreadableUnits(project?.manifests ?? [], layout.manifests), !!o.force));
    } catch (e) {
      if (!(e instanceof UnpackRefused && e.forceable)) throw e;
      overridable ??= e;
    }
    await judge(reader, dir, plan, linked, new Set(existing.map((m) => m.file)), unlessForced, o.signal);
    if (overridable) throw overridable;
    const into = o.dryRun ? (o.stage === undefined ? undefined : path.resolve(o.stage)) : dir;
    const writing = plan.filter((p) => p.status !== 'unchanged');
    if (into !== undefined) {
      // Temporary files an unpack killed mid-write (SIGKILL) left beside these files; a live one's stay.
      await removeStalePartialsBeside(plan.map((p) => path.join(into, ...p.file.split('/'))));
      if (into === dir) await writeInPlace(reader, dir, writing, [d.kind, d.code, d.version].filter(Boolean).join(' '), o.signal);
      else await writeAll(reader, into, writing, o.signal);
    }
    return {
      package: { kind: d.kind, code: d.code, version: d.version },
      files: plan.map((p) => ({ file: p.file, status: p.status, ...(p.entities !== undefined && p.status !== 'unchanged' ? { entities: p.entities } : {}) })),
      notes: layout.notes,
      written: !o.dryRun,
      ...(finished.length ? { finished } : {}),
      ...historyOf(o.stage !== undefined ? writing : []),
    };
  } catch (e) {
    // Renames begun are finished or left to the journal, never "nothing was written".
    throw o.signal?.aborted && !(e instanceof UnpackUnfinished || e instanceof UnpackBusy) ? new UnpackInterrupted() : e;
  } finally {
    reader.close();
  }
}

function historyOf(writing: Planned[]): Pick<UnpackResult, 'history'> {
  const h = writing.find((p) => p.history);
  return h?.history ? { history: { file: h.file, ...h.history } } : {};
}

/**
 * Every planned path judged before anything is written: portable, inside the folder, no clashes,
 * no file that is not Isola's. A file that is not Isola's goes to `unlessForced` (which lets it be
 * with `force`) and the judging goes on; anything else refuses at once.
 */
async function judge(reader: PackageReader, dir: string, plan: Planned[], linked: Set<string>, manifests: Set<string>, unlessForced: (message: string) => void, signal?: AbortSignal): Promise<void> {
  const folded = new Map<string, string>();
  const realDir = await fs.realpath(dir).catch(() => undefined);
  // One listing and one real path per folder: thousands of files share a few folders.
  const listings = new Map<string, Promise<{ real: string; names: string[] }>>();
  const listing = (folder: string) => {
    if (!listings.has(folder)) listings.set(folder, Promise.all([fs.realpath(folder), fs.readdir(folder)]).then(([real, names]) => ({ real, names })));
    return listings.get(folder)!;
  };
  for (const p of plan) {
    const why = unsafeRelativePath(p.file);
    if (why) throw new UnpackRefused(`the package would write ${JSON.stringify(p.file)}, which ${why}`);
    const f = foldedPath(p.file);
    const other = folded.get(f);
    if (other !== undefined && other !== p.file) throw new UnpackRefused(`the package would write ${p.file} and ${other}, which differ only in letter case`);
    if (other !== undefined) throw new UnpackRefused(`the package would write ${p.file} twice, with different contents`);
    folded.set(f, p.file);
  }
  for (const p of plan) {
    signal?.throwIfAborted();
    const abs = path.join(dir, ...p.file.split('/'));
    // The deepest folder that exists must be inside the unpack folder once links are followed.
    let parent = path.dirname(abs);
    while (parent.length > dir.length && !(await dirExists(parent))) parent = path.dirname(parent);
    if (realDir && (await dirExists(parent))) {
      const { real, names } = await listing(parent);
      if (real !== realDir && !real.startsWith(realDir + path.sep)) throw new UnpackRefused(`${p.file}: its folder leads outside ${dir} through a symbolic link`);
      // The first name below the deepest folder that exists: a new folder may clash as well as a file.
      const base = path.relative(parent, abs).split(path.sep)[0];
      const clash = names.find((n) => n !== base && foldedPath(n) === foldedPath(base));
      if (clash) throw new UnpackRefused(`${p.file}: the folder already has ${clash}, which differs only in letter case`);
      // A file (or a link) where a folder must be made: refused now, not found halfway through the writes.
      const below = path.join(parent, base);
      if (below !== abs && names.includes(base)) {
        throw new UnpackRefused(`${p.file}: ${path.relative(dir, below).split(path.sep).join('/')} is not a folder; the unpack would need one there`);
      }
    }
    const st = await fs.lstat(abs).catch(() => undefined);
    if (!st) continue;
    if (!st.isFile()) throw new UnpackRefused(`${p.file} is ${st.isSymbolicLink() ? 'a symbolic link' : st.isDirectory() ? 'a folder' : 'not a regular file'}; the unpack does not write through it`);
    // A file is Isola's when it is the manifest edited in place, a manifest of the folder names it, or it is the history.
    const isolas = manifests.has(p.file) || linked.has(p.file) || path.posix.basename(p.file) === HISTORY_FILE;
    // The data file of an app the package carries no records for: written empty only where it
    // is missing; the records of one the folder's manifests name stay as they are.
    if ('empty' in p.content && isolas) {
      p.status = 'unchanged';
      continue;
    }
    const same = await sameContent(reader, abs, p.content);
    if (p.status === 'created') p.status = same ? 'unchanged' : 'changed';
    if (same) continue;
    if (p.newManifest) {
      const what = manifests.has(p.file) ? 'the manifest of another unit' : 'not a manifest Isola can read';
      unlessForced(`${p.file} exists and is ${what}, not of ${p.newManifest}; --force replaces it`);
    } else if (!isolas) unlessForced(`${p.file} exists and is not a file of this folder's manifests; --force replaces it`);
  }
}

/** Whether a file starts with a UTF-8 byte order mark. */
async function startsWithBom(abs: string): Promise<boolean> {
  const h = await fs.open(abs, 'r').catch(() => undefined);
  if (!h) return false;
  try {
    const b = Buffer.alloc(3);
    const { bytesRead } = await h.read(b, 0, 3, 0);
    return bytesRead === 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  } finally {
    await h.close();
  }
}

async function sameContent(reader: PackageReader, abs: string, c: Content): Promise<boolean> {
  if ('text' in c) return (await fs.readFile(abs, 'utf8')) === c.text;
  if ('bytes' in c) return (await fs.readFile(abs)).equals(c.bytes);
  if ('empty' in c) return (await fs.stat(abs)).size === 0;
  return sameDataFile(reader, c.chunks, abs);
}

/**
 * Where the package's history is merged: as the builder finds it (projectFolder.ts), the nearest
 * folder from the root manifest's up that holds a history or an `isola.config.json`, but never
 * above the unpack folder; the unpack folder itself when none does.
 */
function historyFolder(dir: string, rootDir: string): string {
  for (let at = rootDir; ; at = path.posix.dirname(at)) {
    if ([HISTORY_FILE, CONFIG_FILE].some((n) => existsSync(path.join(dir, at, n)))) return at;
    if (at === '.' || at === '/' || at === '') return '.';
  }
}

async function dirExists(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/** The files a manifest's value names (`file` of scripts and templates, `data`), relative to the unpack folder. */
function namedFiles(manifestFile: string, value: unknown): Set<string> {
  const dir = path.posix.dirname(manifestFile) === '.' ? '' : path.posix.dirname(manifestFile);
  const out = new Set<string>();
  const add = (spec: unknown) => {
    const f = typeof spec === 'string' ? joinInside(dir, spec) : undefined;
    if (f) out.add(f);
  };
  const walk = (x: unknown, top: boolean) => {
    if (Array.isArray(x)) x.forEach((y) => walk(y, false));
    else if (typeof x === 'object' && x !== null) {
      for (const [k, v] of Object.entries(x)) {
        if (k === 'file') add(v);
        else if (top && k === 'data' && typeof v === 'object' && v !== null) Object.values(v).forEach(add);
        else walk(v, false);
      }
    }
  };
  walk(value, true);
  return out;
}

function countEntities(v: unknown): number {
  let n = 0;
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (typeof x === 'object' && x !== null) {
      if (typeof (x as { code?: unknown }).code === 'string') n++;
      Object.values(x).forEach(walk);
    }
  };
  walk(v);
  return n;
}
