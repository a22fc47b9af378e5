import { compareCodes } from '../compare';
import { TOP_LISTS } from '../manifest/kinds';
import { linkedPathVerdict, OutsidePath } from '../manifest/linkedPath';
import { readRegularFile } from '../manifest/regularFile';
import type { Project } from '../manifest/project';
import type { EntityDecl, LinkedFile, Manifest, Package } from '../manifest/types';
import { canonicalJson, sha256 } from './canonical';
import { carriedBody } from './carry';
import { attachmentEntryName, Card, CardType, hasOwnCard } from './format';
import { setOwn } from '../json/own';

/** A file the package carries next to the cards: a script source or a template document. */
export interface Attachment {
  /** Path inside the package. */
  path: string;
  /** Absolute path of the source file. */
  absPath: string;
  sha256: string;
  size: number;
}

/** Everything design-related a package carries, computed from the project without touching the disk. */
export interface DesignContent {
  cards: Card[];
  attachments: Attachment[];
  /** Manifests whose entities the package carries. */
  manifests: Manifest[];
}

type Obj = Record<string, unknown>;

/** Lists that become cards of their own, and so leave their parent's body. */
const SPLIT_LISTS = new Set([...Object.values(TOP_LISTS).flatMap((l) => Object.keys(l)), 'permissions', 'orgChart', 'globals', 'data', 'includes']);

/** A linked file that was not read because its path leads outside the project. */
export interface RefusedPath {
  manifest: Manifest;
  link: LinkedFile;
  outside: OutsidePath;
}

/** A script or template that is there but could not be read whole (see `readRegularFile`). */
export interface UnreadableFile {
  manifest: Manifest;
  link: LinkedFile;
  reason: string;
}

/**
 * Script and template files of some manifests, read once: their hash and their bytes come from
 * the same read. Every path is judged first, whatever the model says: one that leads outside the
 * project root is never read, and is listed in `refused` instead. One that is there but cannot be
 * read whole (too large, not a regular file, not permitted) is listed in `unreadable`.
 */
export async function readAttachments(manifests: Manifest[]): Promise<{
  files: Map<string, Buffer>;
  hash: (absPath: string) => { sha256: string; size: number } | undefined;
  refused: RefusedPath[];
  unreadable: UnreadableFile[];
}> {
  const files = new Map<string, Buffer>();
  const refused: RefusedPath[] = [];
  const unreadable: UnreadableFile[] = [];
  for (const m of manifests) {
    for (const l of m.links) {
      if (l.role !== 'script' && l.role !== 'template') continue;
      const v = linkedPathVerdict(m.root, l.spec, l.absPath);
      if (!v.inside) {
        refused.push({ manifest: m, link: l, outside: { reason: v.reason, target: v.target } });
        continue;
      }
      if (files.has(l.absPath)) continue;
      // The real path that was judged is the one read, so a link is followed only where it was seen to lead.
      // Judged by its size before it is read: a file too large is refused, never read.
      const read = readRegularFile(v.realPath);
      if (read && 'bytes' in read) files.set(l.absPath, read.bytes);
      else if (read) unreadable.push({ manifest: m, link: l, reason: read.reason });
    }
  }
  return {
    files,
    refused,
    unreadable,
    hash: (abs) => {
      const b = files.get(abs);
      return b && { sha256: sha256(b), size: b.length };
    },
  };
}

/** The manifests a package carries: its members, plus app manifests of the namespaces it carries. */
export function packageManifests(project: Project, pkg: Package): Manifest[] {
  const set = new Set(pkg.members);
  if (pkg.kind !== 'app') {
    for (const m of project.manifests) if (m.kind === 'app' && m.namespace && pkg.namespaces.has(m.namespace)) set.add(m);
  }
  return [...set].sort((a, b) => compareCodes(a.file, b.file));
}

/**
 * Turns a package's manifests into cards: one per design entity (fields, buttons, statuses and
 * forms stay in their app's card; scripts in their owner's, with the source as an attachment;
 * an app's permissions form one card), plus one card per package unit. Script and template
 * contents enter the hash through their sha256, so editing a script changes its owner's hash.
 */
export function designContent(project: Project, pkg: Package, fileHash: (absPath: string) => { sha256: string; size: number } | undefined): DesignContent {
  const manifests = packageManifests(project, pkg);
  const cards: Card[] = [];
  const attachments: Attachment[] = [];
  const attach = (dir: 'scripts' | 'templates/files', id: string, absPath: string): Obj | undefined => {
    const h = fileHash(absPath);
    if (!h) return undefined;
    const p = attachmentEntryName(dir, id, absPath);
    attachments.push({ path: p, absPath, ...h });
    return { file: p, sha256: h.sha256, size: h.size };
  };
  const card = (type: CardType, id: string, namespace: string, code: string, deleted: boolean, body: Obj) => {
    cards.push({ id, type, namespace, code, deleted, hash: sha256(canonicalJson(body)), body });
  };

  for (const m of manifests) {
    const follows = followedSiblings(m);
    if (m.kind && m.kind !== 'app') {
      const body = strip(m.value as Obj, SPLIT_LISTS);
      if (m.kind === 'solution' || m.kind === 'configuration') {
        body.members = m.links.filter((l) => l.role === 'include').map((l) => project.manifests.find((x) => x.absPath === l.absPath)).filter((x): x is Manifest => !!x?.kind).map((x) => ({ kind: x.kind, code: x.code }));
      }
      // A unit's own `deleted: true` is its card's flag, as an entity's is.
      card(m.kind, m.code!, m.namespace ?? m.code!, m.code!, body.deleted === true, body);
    }
    for (const e of m.entities) {
      if (!hasOwnCard(e)) continue;
      // Deleted sub-entities and setting values stay home (carry.ts); a deleted entity is carried.
      const body = carriedBody(e.kind, entityBody(e, attach, follows.get(e)));
      card(e.kind, e.id, e.namespace, e.code, e.deleted, body);
      if (e.kind === 'app' && Array.isArray(e.body.permissions) && e.body.permissions.length) {
        // As every card's body: without the permissions marked deleted (carry.ts), as an export writes it.
        card('permissions', `${e.id}.permissions`, e.namespace, e.code, false, carriedBody('permissions', { app: e.id, permissions: e.body.permissions }));
      }
    }
  }
  cards.sort((a, b) => compareCodes(a.id, b.id));
  return { cards, attachments, manifests };
}

/**
 * Top-level menu pages and org-chart units are cards of their own, and nothing else in a card
 * says where it stands: each names the sibling it follows in the list that declares it (its
 * workspace's `pages`, the org chart's top units, or its parent's `children`), so the order
 * travels, and moving one changes only the hashes of those whose predecessor changed. The first
 * of a list, and a lone head of the org chart, follow nothing. The builder declares a list's
 * entities in the list's order (manifest/build.ts), so one pass finds each one's predecessor.
 */
function followedSiblings(m: Manifest): Map<EntityDecl, string> {
  const out = new Map<EntityDecl, string>();
  const last = new Map<string, string>();
  for (const e of m.entities) {
    if ((e.kind !== 'page' && e.kind !== 'orgUnit') || !hasOwnCard(e)) continue;
    if (typeof e.path[e.path.length - 1] !== 'number') continue;
    const list = `${e.kind} ${e.path.slice(0, -1).join('/')}`;
    const before = last.get(list);
    if (before !== undefined) out.set(e, before);
    last.set(list, e.code);
  }
  return out;
}

/** What leaves an app's card: its permissions, a card of their own. */
const APP_SPLIT = new Set(['permissions']);

/**
 * What leaves the card of an app manifest's own app, so that it is the card the same app gets
 * when a workspace declares it inline: what only says how the app is declared (`kind`,
 * `namespace`: the card's namespace), the lists that are cards of their own (processes, widgets,
 * templates, counters, groups, permissions) and its `data` paths (records travel as data sets).
 * Left in, they made the app's hash follow every change of its processes (a conflict with a
 * change made to the app in an environment) and of where the project keeps its files (a rebuild
 * after an unpack differed). What the manifest says of the app itself (`title`, `version`,
 * `languages`, ...) stays.
 */
const APP_MANIFEST_SPLIT = new Set([...APP_SPLIT, ...Object.keys(TOP_LISTS.app), 'data', 'kind', 'namespace']);

function entityBody(e: EntityDecl, attach: (dir: 'scripts' | 'templates/files', id: string, absPath: string) => Obj | undefined, follows?: string): Obj {
  // Org-chart units are cards of their own: a unit names its parent instead of holding its subtree,
  // so editing one unit changes only that unit's hash.
  const body = strip(e.body, e.kind === 'app' ? (e.path.length === 0 ? APP_MANIFEST_SPLIT : APP_SPLIT) : e.kind === 'orgUnit' ? new Set(['children']) : new Set());
  if (e.kind === 'orgUnit') {
    // The card's own link: a top unit's own `parent` would nest it under that unit in an unpack.
    delete body.parent;
    const parent = e.path.length > 2 ? e.manifest.entities.find((u) => u.kind === 'orgUnit' && u.path.length === e.path.length - 2 && e.path.slice(0, -2).every((p, i) => p === u.path[i])) : undefined;
    if (parent) body.parent = parent.code;
  }
  if (e.kind === 'page' || e.kind === 'orgUnit') {
    // The card's own link (see followedSiblings): a property of that name in the manifest is not carried.
    delete body.after;
    if (follows !== undefined) body.after = follows;
  }
  if (e.kind === 'template' && typeof e.body.file === 'string') {
    const link = e.manifest.links.find((l) => l.role === 'template' && l.path.join('/') === [...e.path, 'file'].join('/'));
    if (link) body.file = attach('templates/files', e.id, link.absPath) ?? body.file;
  }
  if (Array.isArray(e.body.scripts)) {
    body.scripts = (e.body.scripts as unknown[]).map((s, i) => {
      if (typeof s !== 'object' || s === null) return s;
      const script = { ...(s as Obj) };
      // A deleted script is left out of the card, so its source is not carried either.
      if (script.deleted === true) return script;
      const decl = e.manifest.scripts.find((d) => d.entity.parent === e && d.entity.path[d.entity.path.length - 1] === i);
      if (decl?.file) {
        const ref = attach('scripts', decl.entity.id, decl.file.absPath);
        if (ref) script.file = ref;
      }
      return script;
    });
  }
  return body;
}

function strip(v: Obj, drop: Set<string>): Obj {
  const out: Obj = {};
  for (const [k, val] of Object.entries(v)) if (!drop.has(k) && k !== '$schema') setOwn(out, k, val);
  return out;
}

