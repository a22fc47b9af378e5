import type { JsonPath } from '../json/path';
import type { EntityDecl, LinkedFile, Manifest, ScriptDecl } from './types';

/**
 * String values the model reads only as a title, or not at all, by the key that holds them.
 * Editing one changes no entity, reference, script or linked file: the previous version's model
 * can be carried over instead of walking the whole value again (most keystrokes type a title, a
 * description or a comment).
 */
const TITLE_ONLY_KEYS: ReadonlySet<string> = new Set(['title', 'description']);

/**
 * Whether a string at `path` is one the model reads only as a title (or not at all). Not under
 * the top-level `data` map, whose keys are app codes and whose values are file names.
 */
export function titleOnlyPath(path: JsonPath): boolean {
  const key = path[path.length - 1];
  return typeof key === 'string' && TITLE_ONLY_KEYS.has(key) && !path.includes('data');
}

// Versions whose model was carried share one token with the version they were carried from.
const origins = new WeakMap<Manifest, object>();

/** What changed from one token to the next when a version was carried over an edit of one reference. */
export interface ReferenceEdit {
  /** The token of the version the model was carried from. */
  from: object;
  /** The path of the edited reference (the same array in both versions' references). */
  path: JsonPath;
}

// Tokens started by an edit of one reference's text, and the token they were carried from.
const referenceEdits = new WeakMap<object, ReferenceEdit>();

/**
 * The reference edit that started a version's token (see `carryModel` with `edited.reference`):
 * the model equals the previous token's but for that one reference's text. Undefined otherwise.
 */
export function referenceEditOf(token: object): ReferenceEdit | undefined {
  return referenceEdits.get(token);
}

/**
 * Forgets how a token was started once what it was needed for is done (the rules have run for
 * it), so a line of edited versions does not keep every earlier token alive.
 */
export function forgetReferenceEdit(token: object): void {
  referenceEdits.delete(token);
}

/**
 * Whether the string at `path` is read by the model as one reference and nothing else: a
 * reference's own path (a reference property, or an item of a reference list, not under the
 * `data` map), so the key that holds it is none of those entities, scripts and links read.
 */
export function isReferencePath(m: Manifest, path: JsonPath): boolean {
  return referenceAt(m, path) !== undefined;
}

function referenceAt(m: Manifest, path: JsonPath): Manifest['references'][number] | undefined {
  const last = path[path.length - 1];
  for (const r of m.references) if (r.path.length === path.length && r.path[r.path.length - 1] === last && samePath(r.path, path)) return r;
  return undefined;
}

function samePath(a: JsonPath, b: JsonPath): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A token shared by a manifest version and every version whose model was carried from it (see
 * `carryModel`): versions with the same token differ at most in titles, descriptions and comments.
 * A fresh build starts a token of its own. A plain object, so no version is kept alive by it.
 */
export function modelOrigin(m: Manifest): object {
  let token = origins.get(m);
  if (!token) origins.set(m, (token = {}));
  return token;
}

/**
 * The next version of a manifest whose value differs from the old one's at most in one string at
 * `edited.path` that `titleOnlyPath` allows, or that `isReferencePath` allows when `edited.reference`
 * is set (or not at all: an edit inside a comment). The old
 * model is copied onto the new manifest without walking the value: the same entities, references,
 * scripts and links (links unresolved, as a fresh build leaves them), each pointing at the new
 * version. Entities whose body lies on the edited path get the new value's copy of it, and the one
 * whose `title` was edited the new title, the edited reference its new text. Equals what `modelManifest` builds for the new value
 * (tested on random edits); undefined when the old model cannot be carried (the caller builds).
 */
export function carryModel(old: Manifest, text: string, value: unknown, edited?: { path: JsonPath; text: string; reference?: boolean }): Manifest | undefined {
  const m: Manifest = {
    root: old.root, file: old.file, absPath: old.absPath, text, value, syntaxErrors: [],
    entities: [], references: [], scripts: [], links: [],
  };
  if (old.kind === undefined) {
    if (old.entities.length > 0) return undefined;
    origins.set(m, modelOrigin(old));
    return m;
  }
  m.kind = old.kind;
  m.code = old.code;
  const editedRef = edited?.reference ? referenceAt(old, edited.path) : undefined;
  if (edited?.reference && !editedRef) return undefined;
  const titleAt = edited && !edited.reference && edited.path[edited.path.length - 1] === 'title' ? edited.path.length - 1 : -1;
  m.title = titleAt === 0 ? edited!.text : old.title;
  if (old.namespace !== undefined) m.namespace = old.namespace;

  // Parents come before their children, and owners before their scripts and references.
  const entityOf = new Map<EntityDecl, EntityDecl>();
  const mapped = (e: EntityDecl | undefined): EntityDecl | undefined | null => {
    if (!e) return undefined;
    return entityOf.get(e) ?? null;
  };
  for (const e of old.entities) {
    const parent = mapped(e.parent);
    if (parent === null) return undefined;
    const onPath = edited !== undefined && isPrefix(e.path, edited.path);
    const ne: EntityDecl = {
      kind: e.kind, code: e.code, namespace: e.namespace, id: e.id, parent,
      title: onPath && e.path.length === titleAt ? edited!.text : e.title,
      deleted: e.deleted, manifest: m, path: e.path,
      body: onPath ? (valueAt(value, e.path) as Record<string, unknown>) : e.body,
    };
    entityOf.set(e, ne);
    m.entities.push(ne);
  }
  const linkOf = new Map<LinkedFile, LinkedFile>();
  for (const l of old.links) {
    const nl: LinkedFile = { spec: l.spec, absPath: l.absPath, file: l.file, path: l.path, role: l.role, exists: false };
    linkOf.set(l, nl);
    m.links.push(nl);
  }
  for (const s of old.scripts) {
    const entity = entityOf.get(s.entity);
    if (!entity) return undefined;
    const decl: ScriptDecl = { entity, global: s.global, imports: s.imports };
    if (s.source !== undefined) decl.source = s.source;
    if (s.file) {
      const file = linkOf.get(s.file);
      if (!file) return undefined;
      decl.file = file;
    }
    m.scripts.push(decl);
  }
  for (const r of old.references) {
    const owner = mapped(r.owner);
    if (owner === null) return undefined;
    m.references.push({ kind: r.kind, text: r === editedRef ? edited!.text : r.text, path: r.path, manifest: m, owner, at: m.references.length });
  }
  // A reference's new text may change findings: the version starts a token of its own, which
  // remembers the one it came from and the reference that changed.
  if (editedRef) referenceEdits.set(modelOrigin(m), { from: modelOrigin(old), path: editedRef.path });
  else origins.set(m, modelOrigin(old));
  return m;
}

function isPrefix(prefix: JsonPath, path: JsonPath): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== path[i]) return false;
  return true;
}

function valueAt(root: unknown, path: JsonPath): unknown {
  let v = root;
  for (const seg of path) v = (v as Record<string | number, unknown>)[seg];
  return v;
}
