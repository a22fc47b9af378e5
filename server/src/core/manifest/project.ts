import { compareCodes } from '../compare';
import * as path from 'node:path';
import { Catalog, defaultCatalog } from '../catalog/catalog';
import { buildManifest } from './build';
import { FileHost, isManifestPath, noteReadProblems } from './host';
import { linkedPathVerdict, RealPaths } from './linkedPath';
import { EntityIndex } from './index';
import { hasOwnCard } from '../packaging/format';
import { caseTwins, type CaseTwin } from '../packaging/caseTwins';
import { foldedPath } from '../unpack/names';
import { computePackages, PackageMap } from './packages';
import { resolveReference, Resolution } from './resolve';
import type { EntityDecl, EntityKind, LinkedFile, Manifest, ManifestKind, Package, Reference } from './types';

/** A top-level entity as "did you mean" offers it. */
export interface SuggestionCandidate {
  /** `namespace.code` */
  name: string;
  namespace: string;
  code: string;
}

interface SuggestionCandidates {
  all?: SuggestionCandidate[];
  byNamespace: Map<string, SuggestionCandidate[]>;
}

/** Codes of manifests that must be unique among each other: workspaces and modules share the namespace codes. */
export type CodeFamily = 'namespace' | 'solution' | 'configuration';

/** The family a manifest kind's code belongs to; app manifests have none (their code is an entity's). */
export function codeFamily(kind: ManifestKind): CodeFamily | undefined {
  if (kind === 'workspace' || kind === 'module') return 'namespace';
  return kind === 'app' ? undefined : kind;
}

/** Options for loading a project. */
export interface LoadOptions {
  catalog?: Catalog;
}

/**
 * A loaded project: its manifests, the entity index, packages and resolved references.
 * Built from data; `loadProject` fills it from a file host.
 */
export class Project {
  /**
   * Folders under the root where the listing found an unpack's journal: an unpack killed among
   * its renames, which a check or build must finish before it reads the project (set by `loadProject`).
   */
  unpackJournals?: readonly string[];
  readonly index: EntityIndex;
  readonly packageMap: PackageMap;
  private readonly solutionCodes: Set<string>;
  // Each manifest's resolutions in the order of its references: a map keyed by every reference
  // (57,000 at 100k entities) cost more to fill than resolving them. The map holds the rest.
  private readonly resolved = new Map<Manifest, (Resolution | undefined)[]>();
  private readonly resolutions = new Map<Reference, Resolution>();
  private lastResolved?: Manifest;
  private lastList?: (Resolution | undefined)[];

  constructor(
    readonly root: string,
    readonly manifests: Manifest[],
    readonly catalog: Catalog = defaultCatalog(),
    /** A unit checked in its own package rather than the larger one that holds it (see `focusedOn`). */
    readonly focus?: Manifest,
  ) {
    this.index = new EntityIndex(manifests);
    this.packageMap = computePackages(manifests, focus);
    this.solutionCodes = new Set(manifests.filter((m) => m.kind === 'solution').map((m) => m.code!));
  }

  get packages(): Package[] {
    return this.packageMap.packages;
  }

  /**
   * The same project with one unit (a workspace, module, app or solution) checked as its own
   * package, as it is when built alone: its references may reach only what that package holds.
   */
  focusedOn(unit: Manifest): Project {
    if (unit === this.focus) return this;
    this.views ??= new Map();
    let view = this.views.get(unit);
    if (!view) this.views.set(unit, (view = new Project(this.root, this.manifests, this.catalog, unit)));
    return view;
  }

  private views?: Map<Manifest, Project>;

  /**
   * The project a manifest is checked in when the units whose codes are in `alone` are checked on
   * their own (the editor's `isola.check.alone`): the view focused on the manifest's unit (an app
   * manifest's unit is its namespace's workspace or module), or this project.
   */
  viewFor(m: Manifest, alone: ReadonlySet<string>): Project {
    if (alone.size === 0 || !m.kind) return this;
    let unit: Manifest | undefined;
    if (m.kind === 'app' && m.namespace && alone.has(m.namespace)) unit = this.firstWithCode('namespace', m.namespace);
    else if (m.code && alone.has(m.code) && m.kind !== 'configuration') unit = m;
    return unit ? this.focusedOn(unit) : this;
  }

  /** The project in which a package is checked: this one, or the view focused on its unit. */
  checkedIn(pkg: Package): Project {
    return this.packageOf(pkg.root) === pkg ? this : this.focusedOn(pkg.root);
  }

  /** The smallest package that contains a manifest (undefined for manifests that could not be modelled). */
  packageOf(m: Manifest): Package | undefined {
    return this.packageMap.packageOf.get(m);
  }

  resolve(ref: Reference): Resolution {
    const m = ref.manifest;
    const at = ref.at;
    if (at !== undefined && m.references[at] === ref) {
      // Rules resolve a manifest's references one after another: its list is kept at hand.
      let list = m === this.lastResolved ? this.lastList : this.resolved.get(m);
      if (!list) this.resolved.set(m, (list = new Array<Resolution | undefined>(m.references.length)));
      this.lastResolved = m;
      this.lastList = list;
      return (list[at] ??= resolveReference(ref, this.packageOf(m)!, this.index, this.catalog, this.solutionCodes));
    }
    let r = this.resolutions.get(ref);
    if (!r) this.resolutions.set(ref, (r = resolveReference(ref, this.packageOf(m)!, this.index, this.catalog, this.solutionCodes)));
    return r;
  }

  private candidates?: Map<string, SuggestionCandidates>;
  private duplicateOf?: Map<EntityDecl, EntityDecl>;

  /**
   * Top-level entities of one kind, for "did you mean" suggestions, in index order: all of them,
   * or those of one namespace. Built once per kind and project snapshot, so an unknown reference
   * in a known namespace costs a scan of that namespace, not of the whole project.
   */
  suggestionCandidates(kind: string, namespace?: string): readonly SuggestionCandidate[] {
    this.candidates ??= new Map();
    let c = this.candidates.get(kind);
    if (!c) this.candidates.set(kind, (c = { byNamespace: new Map() }));
    if (namespace !== undefined) return this.candidatesIn(c, kind, namespace);
    // Namespace by namespace, from the index's maps: a scan of every entity for each kind asked
    // about was most of what the first unknown reference of a large project cost.
    if (!c.all) {
      c.all = [];
      for (const ns of this.index.scopes()) for (const item of this.candidatesIn(c, kind, ns)) c.all.push(item);
    }
    return c.all;
  }

  private candidatesIn(c: SuggestionCandidates, kind: string, namespace: string): SuggestionCandidate[] {
    let list = c.byNamespace.get(namespace);
    if (!list) {
      list = [];
      for (const same of this.index.ofKind(namespace, kind as EntityKind)) {
        for (const e of same) list.push({ name: `${e.namespace}.${e.code}`, namespace: e.namespace, code: e.code });
      }
      c.byNamespace.set(namespace, list);
    }
    return list;
  }

  private byCode?: Map<CodeFamily, Map<string, Manifest>>;

  /**
   * The first manifest, in path order, that declares this code in a family: a namespace
   * (workspace or module), a solution or a configuration. Later ones are MAN001 duplicates.
   */
  firstWithCode(family: CodeFamily, code: string): Manifest | undefined {
    if (!this.byCode) {
      this.byCode = new Map();
      for (const m of this.manifests) {
        const f = m.kind && codeFamily(m.kind);
        if (!f) continue;
        let codes = this.byCode.get(f);
        if (!codes) this.byCode.set(f, (codes = new Map()));
        if (!codes.has(m.code!)) codes.set(m.code!, m);
      }
    }
    return this.byCode.get(family)?.get(code);
  }

  /** Whether a solution manifest has this code (its groups form a namespace of that name). */
  isSolutionCode(code: string): boolean {
    return this.solutionCodes.has(code);
  }

  private solutionLookups?: { byCode: Map<string, Package>; holding: Map<string, Package> };

  /** The first solution package (in package order) with this code. */
  solutionPackage(code: string): Package | undefined {
    return this.solutionMaps().byCode.get(code);
  }

  /** The first solution package (in package order) whose scope holds this namespace. */
  solutionHolding(namespace: string): Package | undefined {
    return this.solutionMaps().holding.get(namespace);
  }

  private solutionMaps(): { byCode: Map<string, Package>; holding: Map<string, Package> } {
    if (!this.solutionLookups) {
      // One pass over the packages, keeping the first of each: what a `find` over them in order returned.
      const byCode = new Map<string, Package>();
      const holding = new Map<string, Package>();
      for (const p of this.packages) {
        if (p.kind !== 'solution') continue;
        if (!byCode.has(p.code)) byCode.set(p.code, p);
        for (const ns of p.namespaces) if (!holding.has(ns)) holding.set(ns, p);
      }
      this.solutionLookups = { byCode, holding };
    }
    return this.solutionLookups;
  }

  private byFile?: Map<string, Manifest>;

  /** The manifest at a project-relative path. */
  manifestAt(file: string): Manifest | undefined {
    this.byFile ??= new Map(this.manifests.map((m) => [m.file, m]));
    return this.byFile.get(file);
  }

  private texts?: Map<string, string>;

  /** Texts of the files findings may point into (manifests and their script files), by project-relative path. */
  fileTexts(): Map<string, string> {
    if (!this.texts) {
      this.texts = new Map();
      for (const m of this.manifests) {
        this.texts.set(m.file, m.text);
        for (const l of m.links) if (l.text !== undefined) this.texts.set(l.file, l.text);
      }
    }
    return this.texts;
  }

  private sameIdOf?: Map<EntityDecl, EntityDecl>;

  /** For every top-level declaration whose card id an earlier one of another kind has (see `EntityIndex.sameIds`): that one. */
  sameIds(): Map<EntityDecl, EntityDecl> {
    return (this.sameIdOf ??= this.index.sameIds(hasOwnCard));
  }

  private caseTwinOf?: Map<EntityDecl, CaseTwin>;

  /** For every entity whose package entry differs from an earlier one's only in letter case: that one (see `caseTwins`). */
  caseTwins(): Map<EntityDecl, CaseTwin> {
    return (this.caseTwinOf ??= caseTwins(this.manifests));
  }

  private linkTwinOf?: Map<LinkedFile, { first: LinkedFile; by: Manifest }>;

  /**
   * For every script, template or data file a manifest names whose path differs from that of one
   * named earlier only in letter case: that one, and the manifest naming it. Case-insensitive file
   * systems hold one file for both, and an unpack refuses to write such a pair (as `foldedPath`
   * compares them).
   */
  linkCaseTwins(): Map<LinkedFile, { first: LinkedFile; by: Manifest }> {
    if (!this.linkTwinOf) {
      this.linkTwinOf = new Map();
      const seen = new Map<string, { first: LinkedFile; by: Manifest }>();
      for (const m of this.manifests) {
        for (const l of m.links) {
          if (l.role === 'include' || l.outside) continue;
          const key = foldedPath(l.file);
          const had = seen.get(key);
          if (!had) seen.set(key, { first: l, by: m });
          else if (had.first.file !== l.file) this.linkTwinOf.set(l, had);
        }
      }
    }
    return this.linkTwinOf;
  }

  /** For every top-level declaration whose code repeats an earlier one of the same kind and namespace: that earlier one. */
  duplicates(): Map<EntityDecl, EntityDecl> {
    if (!this.duplicateOf) {
      this.duplicateOf = new Map();
      for (const list of this.index.duplicateGroups()) {
        for (let i = 1; i < list.length; i++) this.duplicateOf.set(list[i], list[0]);
      }
    }
    return this.duplicateOf;
  }

}

/**
 * Loads every manifest under `root`, follows `includes` that stay inside it, checks which
 * linked files exist and reads script files (they are scanned for `Global.`). A manifest the host
 * could not read cleanly carries why among its syntax errors (see `noteReadProblems`). `root` is the
 * project root every path in a manifest must stay inside (see `linkedPathVerdict`).
 */
export async function loadProject(root: string, host: FileHost, options: LoadOptions = {}): Promise<Project> {
  const absRoot = path.resolve(root);
  const byAbs = new Map<string, Manifest>();
  const listing = await host.findManifests(absRoot);
  // Links are judged right after the listing: what it saw as plain folders and files needs no lstat.
  const realPaths = new RealPaths(host.listedPlain?.(listing));
  const load = async (files: string[]) => {
    const texts = await mapLimit(files, 32, (f) => host.readFile(f));
    const added: Manifest[] = [];
    files.forEach((f, i) => {
      const text = texts[i];
      if (text === undefined || byAbs.has(f)) return;
      const m = buildManifest(absRoot, f, text);
      byAbs.set(f, m);
      added.push(m);
    });
    return added;
  };

  let frontier = await load(listing);
  while (frontier.length > 0) {
    const next = new Set<string>();
    for (const m of frontier) {
      for (const l of m.links) {
        // An include outside the project is never read: MAN003 reports it (resolveLinks marks it).
        if (l.role === 'include' && isManifestPath(l.absPath) && !byAbs.has(l.absPath) && linkedPathVerdict(absRoot, l.spec, l.absPath, realPaths).inside) next.add(l.absPath);
      }
    }
    frontier = await load([...next]);
  }

  const manifests = [...byAbs.values()].sort((a, b) => compareCodes(a.file, b.file));
  // What kept a manifest from being read cleanly (not UTF-8, not a regular file) is part of the
  // model from the start: every front end that loads a project (check, build, the language server,
  // an unpack into a folder) sees the same MAN002, and none can build past it by forgetting a step.
  noteReadProblems(manifests, host);
  // Most manifests name no file: they need no trip through a promise each.
  const linking = manifests.filter((m) => m.links.length > 0);
  await mapLimit(linking, 32, (m) => resolveLinks(m, host, (abs) => byAbs.has(abs), undefined, realPaths));
  const project = new Project(absRoot, manifests, options.catalog);
  const journals = host.listedJournals?.(listing);
  if (journals) project.unpackJournals = journals;
  return project;
}

/**
 * Settles a manifest's linked files: a path that leads outside the project root (`m.root`) is
 * marked `outside` and never touched; includes exist when they loaded as manifests; scripts are
 * read (they are scanned for `Global.`); templates and data are only checked for existence (and
 * whether a template can be read whole, by its size), data files are scanned line by line.
 */
export async function resolveLinks(
  m: Manifest,
  host: FileHost,
  isLoaded: (absPath: string) => boolean,
  known?: ReadonlyMap<string, LinkedFile>,
  realPaths?: RealPaths,
): Promise<void> {
  await Promise.all(m.links.map(async (l) => {
    const prior = known?.get(l.absPath);
    // Judged again unless the same words named the same file before (then nothing on disk moved
    // that the editor told us of; the builder judges every path again before reading it anyway).
    if (prior && prior.spec === l.spec) l.outside = prior.outside;
    else {
      const verdict = linkedPathVerdict(m.root, l.spec, l.absPath, realPaths);
      if (!verdict.inside) l.outside = { reason: verdict.reason, target: verdict.target };
    }
    if (l.outside) {
      l.exists = false;
      return;
    }
    if (l.role === 'include') l.exists = isLoaded(l.absPath);
    else if (prior && prior.role === l.role) {
      // Unchanged since the previous version of this manifest: no need to touch the disk again.
      l.exists = prior.exists;
      l.text = prior.text;
      l.unreadable = prior.unreadable;
      l.dataProblem = prior.dataProblem;
    }
    else if (l.role === 'script') {
      l.text = await host.readFile(l.absPath);
      l.exists = l.text !== undefined;
      // Something there that gave no text (a folder, a file too large to read) is not "missing".
      l.unreadable = l.exists ? undefined : await host.unreadable?.(l.absPath);
    } else {
      l.exists = await host.exists(l.absPath);
      // A template is read whole by the build: one it could not read is reported now.
      if (l.exists && l.role === 'template') l.unreadable = await host.unreadable?.(l.absPath);
      // A bad record is reported by the check, not first met halfway through a build.
      if (l.exists && l.role === 'data' && host.scanData) l.dataProblem = await host.scanData(l.absPath);
    }
  }));
}

/** Maps with at most `limit` promises in flight, keeping order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
