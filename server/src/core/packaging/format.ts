import { extname } from 'node:path';
import type { EntityDecl, EntityKind, ManifestKind } from '../manifest/types';

/** `format` of every Isola package descriptor. */
export const PACKAGE_FORMAT = 'isola-package';
/** The format version this build writes and the highest it reads. */
export const FORMAT_VERSION = 1;
export const DESCRIPTOR = 'meta_data.json';
export const PACKAGE_EXTENSION = '.isolapkg';

/**
 * Import steps, in the order an import applies them (ELMA365's order): each is one folder of the
 * package. Later steps may reference what earlier steps created, never the other way round.
 */
export const STEPS = [
  'templates', 'widgets', 'groups', 'menu', 'processes', 'orgchart', 'counters', 'apps',
  'permissions', 'settings', 'modules', 'solutions', 'events',
] as const;
export type Step = (typeof STEPS)[number];

/** Card types: entity kinds plus the package units themselves. */
export type CardType = EntityKind | 'permissions' | 'workspace' | 'module' | 'solution' | 'configuration';

/** The step folder each card type is imported in. */
export const STEP_OF: Record<CardType, Step | undefined> = {
  template: 'templates', widget: 'widgets', form: 'widgets', group: 'groups', page: 'menu',
  process: 'processes', activity: 'processes', orgUnit: 'orgchart', counter: 'counters', app: 'apps',
  permissions: 'permissions', permission: 'permissions', setting: 'settings', workspace: 'menu', module: 'modules', apiMethod: 'modules',
  solution: 'solutions', configuration: 'solutions', event: 'events',
  // Carried inside their parent's card (fields, buttons and statuses in the app; scripts in their owner).
  field: undefined, button: undefined, status: undefined, script: undefined,
};

/**
 * Whether a declared entity gets a card of its own, with the id `namespace.code` (nested ones
 * travel inside their parent's card: fields in the app, scripts in their owner, nested menu pages
 * in their top page).
 */
export function hasOwnCard(e: EntityDecl): boolean {
  if (e.parent || !topLevelHasOwnCard(e.kind)) return false;
  return !(e.kind === 'page' && e.path.filter((p) => p === 'pages').length > 1);
}

/** Whether an entity of a kind declared at the top level of a manifest gets a card of its own. */
export function topLevelHasOwnCard(kind: EntityKind): boolean {
  return STEP_OF[kind] !== undefined && kind !== 'permission';
}

/**
 * The entry a script's source or a template's document is carried as: named by the entity's id,
 * with the extension of the file it was read from (`scripts/sales.approve.notify.ts`).
 */
export function attachmentEntryName(dir: 'scripts' | 'templates/files', id: string, file: string): string {
  return `${dir}/${id}${extname(file)}`;
}

/**
 * Codes of the nested menu pages a page's body carries, at any depth. They are pages of the
 * namespace like the top ones (a manifest declares them as `namespace.code`, and `page: "sub"`
 * may link to one), only carried in their top page's card instead of one of their own: whatever
 * resolves references in a package or an environment must find them there.
 */
export function nestedPageCodes(body: Record<string, unknown>, into: string[] = []): string[] {
  const pages = body.pages;
  if (!Array.isArray(pages)) return into;
  for (const p of pages) {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) continue;
    const page = p as Record<string, unknown>;
    if (typeof page.code === 'string') into.push(page.code);
    nestedPageCodes(page, into);
  }
  return into;
}

/** One design entity as the package carries it: `<step>/<id>.card.json`. */
export interface Card {
  id: string;
  type: CardType;
  namespace: string;
  code: string;
  deleted: boolean;
  /** sha256 of the canonical body (script and template contents included through their hashes). */
  hash: string;
  body: Record<string, unknown>;
}

/** One entry of the descriptor's index. */
export interface EntryInfo {
  path: string;
  sha256: string;
  size: number;
}

/** Data records chosen for export: none, all, or the listed apps (`namespace.app`). */
export type DataOption = 'none' | 'all' | string[];

export interface PackageOptions {
  design: 'all' | 'none';
  data: DataOption;
  /** The order data records are written and imported in: referenced apps first. */
  dataOrder?: string[];
  /** Why the order is what it is (for the person reading the descriptor). */
  dataOrderNote?: string;
}

/** One content hash an entity has had, with when it got it. */
export interface HistoryEntry {
  hash: string;
  at: string;
  /**
   * Set by an export whose card hashes otherwise than the entity's version (exportCards.ts): the
   * version (hash) this one carries, with only what an update keeps and the target's own
   * properties added. An environment holding this hash holds that version of the design.
   */
  of?: string;
}

/** For every design entity, the ordered hashes it has had (oldest first). */
export type History = Record<string, HistoryEntry[]>;

/** Counts of data records per app, and where they are. */
export interface DataSet {
  app: string;
  records: number;
  chunks: string[];
}

/** `meta_data.json`. */
export interface Descriptor {
  format: typeof PACKAGE_FORMAT;
  formatVersion: number;
  kind: ManifestKind;
  code: string;
  title?: string;
  comment?: string;
  version?: string;
  platform?: string;
  languages?: string[];
  options: PackageOptions;
  createdAt: string;
  createdBy: string;
  /** Where it was built (a project folder on a host) or exported (an environment). */
  source: string;
  tool: { name: string; version: string };
  steps: { step: Step; cards: number }[];
  data: DataSet[];
  entries: EntryInfo[];
  history: History;
}

/** Limits a reader enforces; a package over any of them is refused. */
export interface ReadLimits {
  /** Largest uncompressed entry. */
  maxEntryBytes: number;
  /** Largest total uncompressed size. */
  maxTotalBytes: number;
  /** Most entries. */
  maxEntries: number;
  /** Highest uncompressed/compressed ratio of one entry (zip bombs reach thousands). */
  maxRatio: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxEntryBytes: 1024 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024 * 1024,
  maxEntries: 1_000_000,
  maxRatio: 200,
};

/** Entries smaller than this may compress very well (blank cards) without being bombs. */
export const RATIO_MIN_BYTES = 1024 * 1024;

/**
 * Whether an entry of `size` bytes held in `compressedSize` expands like a zip bomb: a reader
 * refuses it (entryList.ts), so the writer stores such an entry instead of deflating it (entryPack.ts).
 */
export function expandsLikeABomb(size: number, compressedSize: number, maxRatio = DEFAULT_LIMITS.maxRatio): boolean {
  return size >= RATIO_MIN_BYTES && size > maxRatio * Math.max(compressedSize, 1);
}

/** Data records per chunk, and bytes per chunk: a million records stay about a hundred entries. */
export const CHUNK_RECORDS = 10_000;
export const CHUNK_BYTES = 32 * 1024 * 1024;

/**
 * The descriptor is parsed whole, so what it holds bounds the memory an upload can make the
 * service spend before any right is checked. Its bytes grow with the history every card carries
 * (about 140 bytes a version, never trimmed): 20,000 cards with 32 versions each write 97 MB.
 */
export const MAX_DESCRIPTOR_BYTES = 256 * 1024 * 1024;
