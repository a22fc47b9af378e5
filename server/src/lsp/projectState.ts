import { compareCodes } from '../core/compare';
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import type { Catalog } from '../core/catalog/catalog';
import { buildManifest } from '../core/manifest/build';
import { modelOrigin, referenceEditOf } from '../core/manifest/carryModel';
import { rebuildAfterEdit } from '../core/manifest/edit';
import { FileHost, isManifestPath, isProjectManifestPath, noteReadProblems } from '../core/manifest/host';
import { isWithin, linkedPathVerdict } from '../core/manifest/linkedPath';
import { declaredLanguages } from '../core/manifest/packageInputs';
import { codeFamily, loadProject, Project, resolveLinks } from '../core/manifest/project';
import { GLOBAL_NAMESPACE, Manifest, Reference } from '../core/manifest/types';

/** What an update did: the manifests to re-check first, and the others whose findings may change. */
export interface ProjectChange {
  /** Manifests whose own text or linked files changed. */
  changed: Manifest[];
  /** Project-relative files that are no longer manifests (deleted): their diagnostics go. */
  removed: string[];
  /** Other manifests whose findings may depend on the change. */
  affected: Manifest[];
}

/**
 * One project root as the language server sees it: manifests keyed by absolute path, and an
 * immutable `Project` snapshot rebuilt after every update (cheap next to parsing). Manifests are
 * rebuilt only when their own text changes, so each is parsed once per version.
 */
export class ProjectState {
  private manifests = new Map<string, Manifest>();
  /**
   * Loaded manifests that the search for the project's manifests passes over (in `out`, `dist`,
   * `node_modules` or a dot-folder): they belong only while a manifest of the project includes
   * them, as in `loadProject`. Usually none.
   */
  private readonly included = new Set<string>();
  project: Project;

  constructor(readonly root: string, private readonly host: FileHost, private readonly catalog: Catalog) {
    this.project = new Project(root, [], catalog);
  }

  async load(): Promise<Project> {
    // With the read problems of manifests on disk, as in `isola check` and `isola build` (see `loadProject`).
    this.project = await loadProject(this.root, this.host, { catalog: this.catalog });
    this.manifests = new Map(this.project.manifests.map((m) => [m.absPath, m]));
    this.included.clear();
    // A folder that could not be listed stands in for its manifests (see `Manifest.unlisted`): nothing includes it.
    for (const [abs, m] of this.manifests) if (!isProjectManifestPath(this.root, abs) && m.unlisted === undefined) this.included.add(abs);
    return this.project;
  }

  /**
   * Whether a path belongs to this root. A manifest does when it is loaded, when the search for
   * the project's manifests finds it (as `isola check` of the root does), or when a manifest of
   * the project includes it; one in a folder the search passes over (`out`, `dist`,
   * `node_modules`, a dot-folder) and that nothing includes does not, even under the root. Any
   * other file does when it is under the root.
   */
  owns(absPath: string): boolean {
    if (this.manifests.has(absPath)) return true;
    if (!isManifestPath(absPath)) return isUnder(this.root, absPath);
    return isProjectManifestPath(this.root, absPath) || this.project.manifests.some((m) => m.links.some((l) => l.role === 'include' && l.absPath === absPath && !l.outside));
  }

  manifest(absPath: string): Manifest | undefined {
    return this.manifests.get(absPath);
  }

  /**
   * The manifest of this root that a symbolic link at `absPath` leads to, when the root holds that
   * file under another path (its own, or a link listed before), as `withoutLinkTwins` judges the
   * listing of `isola check`; undefined for anything else (a manifest of its own, a plain file, a
   * link that leads out of the root or to nothing).
   */
  linkTwinOf(absPath: string): string | undefined {
    if (this.manifests.has(absPath)) return undefined;
    const real = realPathOf(absPath);
    if (real === undefined) return undefined;
    const realRoot = realPathOf(this.root) ?? this.root;
    if (!isWithin(realRoot, real)) return undefined;
    const plainPath = path.join(this.root, path.relative(realRoot, real));
    // No link on the way below the root: the file is itself.
    if (plainPath === absPath) return undefined;
    if (this.manifests.has(plainPath)) return plainPath;
    // A file the project reads through another link (its own path is in a folder the search passes over).
    for (const other of this.manifests.keys()) if (other !== absPath && realPathOf(other) === real) return other;
    return undefined;
  }

  /** Manifests that name a file (script, template, data, include). */
  linking(absPath: string): Manifest[] {
    return this.project.manifests.filter((m) => m.links.some((l) => l.absPath === absPath));
  }

  /**
   * Applies new texts of manifests (undefined = deleted) and changes to other files; returns
   * what to re-check. Linked files are re-read for the manifests that name them.
   */
  async update(manifestTexts: Map<string, string | undefined>, otherFiles: Iterable<string> = []): Promise<ProjectChange> {
    const before = this.project;
    const changed = new Map<string, Manifest>();
    const removed: string[] = [];
    const oldVersions: Manifest[] = [];
    for (const [abs, text] of manifestTexts) {
      const old = this.manifests.get(abs);
      if (old) oldVersions.push(old);
      if (text === undefined) {
        if (old) {
          this.forget(abs);
          removed.push(old.file);
        }
        continue;
      }
      // An edit inside one string or comment (most keystrokes) skips parsing the whole file again.
      const m = (old && rebuildAfterEdit(this.root, old, text)) || buildManifest(this.root, abs, text);
      this.put(m);
      changed.set(abs, m);
    }
    // Manifests outside the search that an include now names come, those none names any more go.
    const { came, went } = await this.followIncludes(manifestTexts, oldVersions, changed);
    for (const m of went) {
      removed.push(m.file);
      if (!oldVersions.includes(m)) oldVersions.push(m);
    }
    // A change to a linked file (script text, a template appearing) re-models the manifests naming it.
    const others = new Set([...otherFiles, ...manifestTexts.keys(), ...came, ...went.map((m) => m.absPath)]);
    // A manifest that was there and still is only changed its text: what includes it does not
    // change (an include's existence is whether its target is loaded), so it is not re-modelled on
    // every keystroke in the included manifest; one that appeared or went is another matter.
    const relinked = new Set(others);
    for (const [abs, text] of manifestTexts) if ((text === undefined) === !oldVersions.some((o) => o.absPath === abs)) relinked.delete(abs);
    for (const m of this.manifests.values()) {
      if (changed.has(m.absPath)) continue;
      if (m.links.some((l) => relinked.has(l.absPath))) {
        const fresh = buildManifest(this.root, m.absPath, m.text);
        this.manifests.set(m.absPath, fresh);
        changed.set(m.absPath, fresh);
        oldVersions.push(m);
      }
    }
    // Manifests on disk that could not be read cleanly say so, as in `isola check`.
    noteReadProblems(changed.values(), this.host);
    const isLoaded = (abs: string) => this.manifests.has(abs) && isManifestPath(abs);
    // Links of the previous version are still valid unless their file is among the changed ones.
    const previous = new Map(oldVersions.map((m) => [m.absPath, m]));
    await Promise.all([...changed.values()].map((m) => {
      const known = new Map((previous.get(m.absPath)?.links ?? []).filter((l) => !others.has(l.absPath)).map((l) => [l.absPath, l]));
      return resolveLinks(m, this.host, isLoaded, known);
    }));
    this.project = new Project(this.root, [...this.manifests.values()].sort((a, b) => compareCodes(a.file, b.file)), this.catalog);
    const fresh = [...changed.values()];
    return { changed: fresh, removed, affected: this.affectedBy(before, oldVersions, fresh) };
  }

  private put(m: Manifest): void {
    this.manifests.set(m.absPath, m);
    if (!isProjectManifestPath(this.root, m.absPath)) this.included.add(m.absPath);
  }

  private forget(abs: string): void {
    this.manifests.delete(abs);
    this.included.delete(abs);
  }

  /**
   * Settles which manifests outside the search for the project's manifests belong, as
   * `loadProject` does: those that a manifest of the project includes (through others like them,
   * too). A newly included one is read and added to `changed`; one that nothing includes any more
   * goes. Only looked into when a manifest came, went or changed its includes, and there is such
   * a manifest or an include of one (a keystroke costs nothing here).
   */
  private async followIncludes(
    manifestTexts: Map<string, string | undefined>,
    oldVersions: Manifest[],
    changed: Map<string, Manifest>,
  ): Promise<{ came: string[]; went: Manifest[] }> {
    const none = { came: [], went: [] };
    const oldOf = new Map(oldVersions.map((m) => [m.absPath, m]));
    const reshaped = [...manifestTexts.keys()].filter((abs) => {
      const old = oldOf.get(abs);
      const now = this.manifests.get(abs);
      return !old || !now || includesOf(old) !== includesOf(now);
    });
    if (reshaped.length === 0) return none;
    const beyond = (abs: string) => isManifestPath(abs) && !isProjectManifestPath(this.root, abs);
    const includesBeyond = (m: Manifest | undefined) => !!m?.links.some((l) => l.role === 'include' && beyond(l.absPath));
    if (this.included.size === 0 && !reshaped.some((abs) => includesBeyond(this.manifests.get(abs)))) return none;

    const came: string[] = [];
    const reached = new Set<string>();
    const queue = [...this.manifests.values()].filter((m) => !this.included.has(m.absPath));
    for (let i = 0; i < queue.length; i++) {
      for (const l of queue[i].links) {
        if (l.role !== 'include' || reached.has(l.absPath) || !beyond(l.absPath) || !linkedPathVerdict(this.root, l.spec, l.absPath).inside) continue;
        reached.add(l.absPath);
        let m = this.manifests.get(l.absPath);
        if (!m) {
          const text = await this.host.readFile(l.absPath);
          if (text === undefined) continue;
          m = buildManifest(this.root, l.absPath, text);
          this.put(m);
          changed.set(m.absPath, m);
          came.push(m.absPath);
        }
        queue.push(m);
      }
    }
    const went: Manifest[] = [];
    for (const abs of [...this.included]) {
      if (reached.has(abs)) continue;
      went.push(oldOf.get(abs) ?? this.manifests.get(abs)!);
      this.forget(abs);
      changed.delete(abs);
    }
    return { came, went };
  }

  /**
   * Manifests whose findings may change when these manifests changed: only when what they
   * declare (entities, namespace, includes, languages) changed. Then: the manifests of the same
   * namespaces (or codes), those that reference those namespaces, the members of every package
   * that held them, and, when such a package changed shape, those that reference its namespaces.
   */
  private affectedBy(before: Project, olds: Manifest[], news: Manifest[]): Manifest[] {
    const oldByAbs = new Map(olds.map((m) => [m.absPath, m]));
    // A version whose model was carried over from the old one (a title, description, comment or
    // reference edit) declares the same: no signatures to build and compare.
    const shifted = news.filter((m) => {
      const old = oldByAbs.get(m.absPath);
      return !(old && carriedFrom(m, old)) && signature(m) !== signature(old);
    });
    const gone = olds.filter((m) => !this.manifests.has(m.absPath));
    const movers = [...shifted, ...gone, ...shifted.map((m) => oldByAbs.get(m.absPath)).filter((m): m is Manifest => !!m)];
    if (movers.length === 0) return [];
    const newSet = new Set(news.map((m) => m.absPath));
    const current = this.project.manifests.filter((m) => !newSet.has(m.absPath));
    if (movers.some((m) => m.kind === 'configuration')) return current;
    const names = new Set<string>();
    // Codes unique within a family (MAN001): a solution or configuration has no namespace, so the
    // other manifests with its code would not be found through one.
    const codes = new Set<string>();
    for (const m of movers) {
      if (m.namespace) names.add(m.namespace);
      if (m.code) names.add(m.code);
      const key = familyKey(m);
      if (key) codes.add(key);
    }
    // Manifests that came, went, or changed what they include or what they are: the packages that
    // hold them change shape, and with them which solution holds each of their namespaces. What
    // the references into those namespaces say (ISO004's way out, ISO009) depends on that, from
    // anywhere in the project, not only from inside these packages.
    const reshaping = new Set<string>(gone.map((m) => m.absPath));
    for (const m of shifted) {
      const old = oldByAbs.get(m.absPath);
      if (!old || old.kind !== m.kind || old.code !== m.code || includesOf(old) !== includesOf(m)) reshaping.add(m.absPath);
    }
    const moved = new Set(movers.map((m) => m.absPath));
    const touched = new Set<string>();
    for (const p of [before, this.project]) {
      for (const pkg of p.packages) {
        if (!pkg.members.some((x) => moved.has(x.absPath))) continue;
        const reshaped = pkg.members.some((x) => reshaping.has(x.absPath));
        for (const x of pkg.members) {
          touched.add(x.absPath);
          if (reshaped && x.namespace) names.add(x.namespace);
        }
      }
    }
    // ISO006's "did you mean" for a reference into a namespace that exists nowhere (or to a unit of
    // the org chart) is drawn from the entities of its kind in every namespace: a declaration of
    // that kind coming or going anywhere may change it. Only the kinds whose declarations changed.
    const kinds = changedKinds(movers, oldByAbs, this.manifests);
    const { index, catalog } = this.project;
    const guessedEverywhere = (r: Reference): boolean => {
      if (!kinds.has(r.kind)) return false;
      if (r.kind === 'orgUnit') return true;
      const dot = r.text.indexOf('.');
      if (dot < 0) return false;
      const ns = r.text.slice(0, dot);
      return ns !== GLOBAL_NAMESPACE && !index.namespaces.has(ns) && !catalog.namespaces.has(ns) && !this.project.isSolutionCode(ns);
    };
    return current.filter((m) => touched.has(m.absPath) || (m.namespace && names.has(m.namespace)) || codes.has(familyKey(m) ?? '') ||
      m.references.some((r) => names.has(r.text.split('.')[0]) || guessedEverywhere(r)));
  }
}

/** Whether a version's model was carried from `old` (it declares the same entities, namespace and includes). */
function carriedFrom(m: Manifest, old: Manifest): boolean {
  const token = modelOrigin(m);
  return token === modelOrigin(old) || referenceEditOf(token)?.from === modelOrigin(old);
}

/** A manifest's code within its family (`solution:sales`), for manifests whose codes must be unique. */
function familyKey(m: Manifest): string | undefined {
  const family = m.kind && codeFamily(m.kind);
  return family && m.code !== undefined ? `${family}:${m.code}` : undefined;
}

/**
 * Kinds of the top-level entities declared by one version of a mover and not the other (all of
 * them for a manifest that came or went).
 */
function changedKinds(movers: Manifest[], oldByAbs: Map<string, Manifest>, current: Map<string, Manifest>): Set<string> {
  const kinds = new Set<string>();
  const keys = (m: Manifest | undefined) => new Set(m ? m.entities.filter((e) => !e.parent).map((e) => `${e.kind}:${e.namespace}:${e.code}`) : []);
  for (const abs of new Set(movers.map((m) => m.absPath))) {
    const before = oldByAbs.get(abs);
    const after = current.get(abs);
    const a = keys(before);
    const b = keys(after);
    for (const m of [before, after]) {
      for (const e of m?.entities ?? []) {
        const key = `${e.kind}:${e.namespace}:${e.code}`;
        if (!e.parent && !(a.has(key) && b.has(key))) kinds.add(e.kind);
      }
    }
  }
  return kinds;
}

/** The files a manifest includes, in order. */
function includesOf(m: Manifest): string {
  return m.links.filter((l) => l.role === 'include').map((l) => l.absPath).join('\u0000');
}

/** What a manifest contributes to other manifests' checks. */
function signature(m: Manifest | undefined): string {
  if (!m) return '';
  const parts = [m.kind ?? '', m.code ?? '', m.namespace ?? ''];
  for (const e of m.entities) if (!e.parent) parts.push(`${e.kind}:${e.namespace}:${e.code}`);
  for (const l of m.links) if (l.role === 'include') parts.push(`inc:${l.absPath}`);
  // The package's languages come from one of its members (MAN005 compares every member with it):
  // reordering them in a solution changes the findings of all its members.
  const languages = declaredLanguages(m);
  if (languages) parts.push(`lang:${JSON.stringify(languages)}`);
  return parts.join('\u0000');
}

function realPathOf(p: string): string | undefined {
  try {
    return realpathSync.native(p);
  } catch {
    return undefined;
  }
}

function isUnder(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
