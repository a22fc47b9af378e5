import * as path from 'node:path';
import { JsonSyntaxError, parseJson, stripBom } from '../json/parse';
import { childPath, type JsonPath } from '../json/path';
import { plainlyUnder } from './linkedPath';
import {
  APP_BODY_LISTS, CODE_OPTIONAL, REF_LIST_PROPERTIES, REF_PROPERTIES, SCRIPT_OWNERS, TOP_LISTS,
} from './kinds';
import {
  EntityDecl, EntityKind, GLOBAL_NAMESPACE, LinkedFile, Manifest, MANIFEST_KINDS, ManifestKind, ORG_NAMESPACE,
  ScriptDecl,
} from './types';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Project-relative, forward-slash path of an absolute path. */
export function relativeFile(root: string, absPath: string): string {
  // A path plainly under the root (no `.`, `..` or doubled separators to resolve) is its tail;
  // `path.relative` resolves both paths first, which was a few percent of loading many manifests.
  if (plainlyUnder(root, absPath)) {
    const tail = absPath.slice(root.length + 1);
    return path.sep === '/' ? tail : tail.split(path.sep).join('/');
  }
  return path.relative(root, absPath).split(path.sep).join('/');
}

/**
 * Builds the model of one manifest from its text: entities, references, scripts and the
 * files it names. Pure: reads nothing; linked files are resolved but not opened.
 */
export function buildManifest(root: string, absPath: string, rawText: string): Manifest {
  const text = stripBom(rawText);
  const { value, errors, repeated } = parseJson(text);
  const m = modelManifest(root, absPath, text, value, errors);
  if (repeated) m.repeatedKeys = repeated;
  return m;
}

/** Builds the model of one manifest from its text (without a BOM) and the value already parsed from it. */
export function modelManifest(root: string, absPath: string, text: string, value: unknown, errors: JsonSyntaxError[]): Manifest {
  const m: Manifest = {
    root,
    file: relativeFile(root, absPath),
    absPath,
    text,
    value,
    syntaxErrors: errors,
    entities: [],
    references: [],
    scripts: [],
    links: [],
  };
  if (!isObj(value)) return m;
  const kind = value.kind;
  const code = value.code;
  if (typeof kind !== 'string' || !MANIFEST_KINDS.includes(kind as ManifestKind) || typeof code !== 'string') return m;
  m.kind = kind as ManifestKind;
  m.code = code;
  m.title = typeof value.title === 'string' ? value.title : undefined;
  new ManifestBuilder(root, m, value).build();
  return m;
}

/** Sub-pages of a page. */
const PAGE_LISTS: Record<string, EntityKind> = { pages: 'page' };
/** Company-level objects of a configuration. */
const GLOBAL_LISTS: Record<string, EntityKind> = { groups: 'group', widgets: 'widget' };

// The entries of each constant table of lists (only constants come here, so the map stays small), made once: `Object.entries` allocated an array of
// pairs for every list container of every manifest.
const listEntries = new Map<Record<string, EntityKind>, [string, EntityKind][]>();

function entriesOf(lists: Record<string, EntityKind>): [string, EntityKind][] {
  let entries = listEntries.get(lists);
  if (!entries) listEntries.set(lists, (entries = Object.entries(lists)));
  return entries;
}

// Up to this many entities, the reference walk finds an object's entity by comparing bodies.
const FEW_ENTITIES = 12;

class ManifestBuilder {
  // The manifest's folder, made when it names a file (most manifests name none).
  private dir?: string;
  // The entity whose body each object is, for the reference walk: a map only in manifests of
  // many entities; a few are searched directly (no map, and no identity hash, for each small manifest).
  private entityOf?: Map<Obj, EntityDecl>;

  constructor(private readonly root: string, private readonly m: Manifest, private readonly value: Obj) {}

  build(): void {
    const { m, value } = this;
    const kind = m.kind!;
    if (kind === 'workspace' || kind === 'module') m.namespace = m.code;
    if (kind === 'app' && typeof value.namespace === 'string') m.namespace = value.namespace;

    if (kind === 'solution' || kind === 'configuration') this.collectIncludes();

    // Entities first, so the reference walk knows which object belongs to which entity.
    const ns = kind === 'solution' ? m.code! : m.namespace ?? '';
    let appEntity: EntityDecl | undefined;
    if (kind === 'app' && m.namespace) {
      appEntity = this.declare('app', value, [], ns, undefined);
      if (appEntity) this.collectLists(value, [], APP_BODY_LISTS, ns, appEntity);
    }
    this.collectLists(value, [], TOP_LISTS[kind], ns, undefined);
    if (kind === 'configuration') {
      this.collectUnits(value.orgChart, ['orgChart']);
      const globals = value.globals;
      if (isObj(globals)) this.collectLists(globals, ['globals'], GLOBAL_LISTS, GLOBAL_NAMESPACE, undefined);
    }
    if (isObj(value.data)) {
      for (const [app, file] of Object.entries(value.data)) {
        if (typeof file === 'string') this.link(file, ['data', app], 'data');
      }
    }
    this.walk(value, [], undefined);
  }

  private collectIncludes(): void {
    const includes = this.value.includes;
    if (!Array.isArray(includes)) return;
    includes.forEach((spec, i) => {
      if (typeof spec === 'string') this.link(spec, ['includes', i], 'include');
    });
  }

  private link(spec: string, at: JsonPath, role: LinkedFile['role']): LinkedFile {
    const absPath = path.resolve((this.dir ??= path.dirname(this.m.absPath)), spec);
    const l: LinkedFile = { spec, absPath, file: relativeFile(this.root, absPath), path: at, role, exists: false };
    this.m.links.push(l);
    return l;
  }

  private declare(kind: EntityKind, body: Obj, at: JsonPath, namespace: string, parent: EntityDecl | undefined): EntityDecl | undefined {
    const code = kind === 'app' && at.length === 0 ? this.m.code : body.code;
    if (typeof code !== 'string') {
      if (!CODE_OPTIONAL.has(kind) || !parent) return undefined;
    }
    const c = typeof code === 'string' ? code : `#${at[at.length - 1]}`;
    const e: EntityDecl = {
      kind,
      code: c,
      namespace,
      id: parent ? `${parent.id}.${c}` : `${namespace}.${c}`,
      parent,
      title: typeof body.title === 'string' ? body.title : undefined,
      deleted: body.deleted === true,
      manifest: this.m,
      path: at,
      body,
    };
    this.m.entities.push(e);
    return e;
  }

  private collectLists(container: Obj, at: JsonPath, lists: Record<string, EntityKind>, ns: string, parent: EntityDecl | undefined): void {
    for (const [prop, kind] of entriesOf(lists)) {
      const list = container[prop];
      if (!Array.isArray(list)) continue;
      // A plain loop, not `forEach` with a closure: this runs for every list of every manifest.
      for (let i = 0; i < list.length; i++) {
        const item: unknown = list[i];
        if (!isObj(item)) continue;
        // Every entity and reference keeps its path for as long as the model lives: see `childPath`.
        const itemPath = childPath(at, prop, i);
        const e = this.declare(kind, item, itemPath, ns, parent);
        if (!e) continue;
        if (kind === 'app') this.collectLists(item, itemPath, APP_BODY_LISTS, ns, e);
        if (kind === 'page' && Array.isArray(item.pages)) this.collectLists(item, itemPath, PAGE_LISTS, ns, undefined);
        if (SCRIPT_OWNERS.has(kind)) this.collectScripts(e, item, itemPath);
        if (kind === 'template' && typeof item.file === 'string') this.link(item.file, childPath(itemPath, 'file'), 'template');
      }
    }
  }

  /**
   * Declares the units of an org chart: a list of units, or one unit (the company's head). A
   * `children` that is one object instead of a list is read as that one unit too: the schema
   * reports the shape once, and the units still resolve instead of each reference to them
   * becoming a second finding.
   */
  private collectUnits(units: unknown, at: JsonPath): void {
    if (isObj(units)) {
      this.collectUnit(units, at);
      return;
    }
    if (!Array.isArray(units)) return;
    units.forEach((u, i) => {
      if (isObj(u)) this.collectUnit(u, childPath(at, i));
    });
  }

  private collectUnit(u: Obj, at: JsonPath): void {
    this.declare('orgUnit', u, at, ORG_NAMESPACE, undefined);
    this.collectUnits(u.children, childPath(at, 'children'));
  }

  private collectScripts(owner: EntityDecl, body: Obj, at: JsonPath): void {
    const scripts = body.scripts;
    if (!Array.isArray(scripts)) return;
    scripts.forEach((s, i) => {
      if (!isObj(s)) return;
      const p = childPath(at, 'scripts', i);
      const entity = this.declare('script', s, p, owner.namespace, owner);
      if (!entity) return;
      const decl: ScriptDecl = { entity, global: s.global === true, imports: [] };
      if (typeof s.source === 'string') decl.source = s.source;
      if (typeof s.file === 'string') decl.file = this.link(s.file, childPath(p, 'file'), 'script');
      if (Array.isArray(s.imports)) {
        s.imports.forEach((ns, j) => {
          if (typeof ns === 'string') decl.imports.push({ namespace: ns, path: childPath(p, 'imports', j) });
        });
      }
      this.m.scripts.push(decl);
    });
  }

  private entityFor(node: Obj): EntityDecl | undefined {
    const list = this.m.entities;
    if (list.length <= FEW_ENTITIES) {
      // From the end: the map kept the last entity declared with a body, so does this.
      for (let i = list.length - 1; i >= 0; i--) if (list[i].body === node) return list[i];
      return undefined;
    }
    if (!this.entityOf) {
      this.entityOf = new Map();
      for (const e of list) this.entityOf.set(e.body, e);
    }
    return this.entityOf.get(node);
  }

  /**
   * Collects every reference string, remembering the innermost entity that holds it. The path
   * is one mutable stack, copied only when a reference is recorded, because this walk touches
   * every value of every manifest.
   */
  private walk(node: unknown, stack: (string | number)[], owner: EntityDecl | undefined): void {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        if (typeof item !== 'object' || item === null) continue;
        stack.push(i);
        this.walk(item, stack, owner);
        stack.pop();
      }
      return;
    }
    if (!isObj(node)) return;
    const here = this.entityFor(node) ?? owner;
    const refs = this.m.references;
    for (const key in node) {
      const v = node[key];
      if (typeof v === 'string') {
        const kind = REF_PROPERTIES[key];
        if (kind) refs.push({ kind, text: v, path: childPath(stack, key), manifest: this.m, owner: here, at: refs.length });
      } else if (typeof v === 'object' && v !== null) {
        // The top-level `data` map is keyed by app codes and holds file names, not references.
        if (key === 'data' && stack.length === 0) continue;
        const listKind = REF_LIST_PROPERTIES[key];
        if (listKind && Array.isArray(v)) {
          // A plain loop: a closure here would capture `key`, and V8 would then allocate a context
          // for every property of every object walked (14 MB for 10,000 small manifests).
          for (let i = 0; i < v.length; i++) {
            const item: unknown = v[i];
            if (typeof item === 'string') refs.push({ kind: listKind, text: item, path: childPath(stack, key, i), manifest: this.m, owner: here, at: refs.length });
          }
          continue;
        }
        stack.push(key);
        this.walk(v, stack, here);
        stack.pop();
      }
    }
  }
}
