import { GLOBAL_NAMESPACE, ORG_NAMESPACE } from '../manifest/types';
import type { Card, Descriptor, History } from '../packaging/format';
import { PackageError, PackageReader, type OpenedPackage } from '../packaging/reader';
import { missingFile } from '../packaging/fileRefs';
import { promises as fs } from 'node:fs';
import { Rename, renameCards, renamedFilePath, renameFor, renameHistory, renameId } from './rename';
import { writeScope, type WriteScope } from './writeScope';

/** A package opened for import: its cards, sources and history, under the code it is imported as. */
export interface PackageView {
  reader: PackageReader;
  descriptor: Descriptor;
  /** Cards in import-step order (renamed when imported `as` another code). */
  cards: Card[];
  attachments: Map<string, Buffer>;
  history: History;
  /** Data apps as imported (renamed) → as named in the package. */
  dataApps: Map<string, string>;
  /** Namespaces the import writes: those of its cards' ids and of its data apps (`scope.namespaces`). */
  namespaces: string[];
  /** What the import writes and what of it falls outside the package's kind and code. */
  scope: WriteScope;
  rename?: Rename;
  /**
   * Every card of the package, when `cards` holds only the part chosen for import
   * (importChoice.ts): what the package may write is decided on the whole package.
   */
  packageCards?: Card[];
}

/** How a package is opened. */
export interface OpenOptions {
  /** Check every design entry against the index first (progress over its bytes). */
  verify?: (done: number, total: number) => void;
  /** The file's sha256, when known: its verified design part is then read once and remembered. */
  sha256?: string;
  /** The file's bytes, when the caller read them whole already (and hashed them: `sha256`). */
  bytes?: Buffer;
}

/**
 * Design parts already read and verified, by sha256, size and modification time of the file (a
 * package registered in place may be rebuilt under the same name), with the opened package when it
 * is held in memory. Upload, plan and import of one package read its central directory and its
 * cards once instead of three times; for 10,000 cards that is seconds each.
 */
const designCache = new Map<string, { cards: Card[]; attachments: Map<string, Buffer>; opened?: OpenedPackage }>();
const DESIGNS_KEPT = 2;

/**
 * Opens a package file and reads its design part (cards and attachments); data stays in the zip
 * and its chunks are checked as they are read. Every card and attachment is checked against the
 * index as it is read (with `verify`, in one pass over all design entries).
 */
export async function openPackageView(file: string, as: string | undefined, now: string, o: OpenOptions = {}): Promise<PackageView> {
  const st = o.sha256 ? await fs.stat(file) : undefined;
  const key = st ? `${o.sha256}:${st.size}:${st.mtimeMs}` : undefined;
  let design = key ? designCache.get(key) : undefined;
  // A package held in memory is not read again: its central directory and descriptor neither.
  // Cards start to inflate while the descriptor is checked, unless verify() is to read them all.
  const reader = design?.opened ? await PackageReader.reopen(file, design.opened) : await PackageReader.open(file, undefined, { bytes: o.bytes, cardsAhead: !o.verify });
  try {
    if (!design) {
      if (o.verify) await reader.verify(o.verify, (name) => !name.startsWith('data/'));
      const attachments = new Map<string, Buffer>();
      for (const name of reader.entries.keys()) {
        if (name.startsWith('scripts/') || name.startsWith('templates/files/')) attachments.set(name, await reader.read(name));
      }
      const cards = (await reader.cards()).map((c) => c.card);
      // Each attachment was checked against the index as it was read: its hash there is its content's.
      const carried = new Map(reader.descriptor.entries.filter((e) => attachments.has(e.path)).map((e) => [e.path, e.sha256]));
      const missing = missingFile(cards, carried);
      if (missing) throw new PackageError(`card ${missing.card} names ${missing.ref.file} (sha256 ${missing.ref.sha256}), which the package does not carry with that content`);
      design = { cards, attachments, opened: reader.opened };
      if (key) {
        designCache.set(key, design);
        if (designCache.size > DESIGNS_KEPT) designCache.delete(designCache.keys().next().value!);
      }
    }
    const descriptor = reader.descriptor;
    let cards = design.cards;
    let attachments = design.attachments;
    let history = descriptor.history;
    let rename: Rename | undefined;
    const dataApps = new Map(descriptor.data.map((d) => [d.app, d.app]));
    if (as !== undefined && as !== descriptor.code) {
      rename = renameFor(descriptor.kind, descriptor.code, cards, as);
      const originals = cards;
      cards = renameCards(rename, cards);
      history = renameHistory(rename, history, cards, now, originals);
      dataApps.clear();
      for (const d of descriptor.data) dataApps.set(renameId(rename, d.app), d.app);
      // The renamed cards name their files under the copy's ids (renameCards); the cached map stays as read.
      attachments = new Map(attachments);
      for (const [p, b] of design.attachments) attachments.set(renamedFilePath(rename, p), b);
    }
    const scope = writeScope(descriptor.kind, rename ? rename.to : descriptor.code, cards, dataApps.keys());
    return { reader, descriptor, cards, attachments, history, dataApps, namespaces: scope.namespaces, scope, rename };
  } catch (e) {
    reader.close();
    throw e;
  }
}

/** Namespaces only an environment administrator may write: the org chart and global objects. */
export function isCompanyLevel(ns: string): boolean {
  return ns === GLOBAL_NAMESPACE || ns === ORG_NAMESPACE;
}
