import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver';
import { Diagnostic, diagnoseManifest } from '../core/check';
import type { FileHost } from '../core/manifest/host';
import { isWithin } from '../core/manifest/linkedPath';
import type { Project } from '../core/manifest/project';
import type { Manifest } from '../core/manifest/types';
import { english, Translator } from '../core/l10n';
import { DiagnosticStore } from './diagnosticStore';
import { absOf, toLspDiagnostic, toUri } from './convert';
import { LinkAliases } from './linkAliases';
import { ProjectChange, ProjectState } from './projectState';
import { CheckSettings, checkSettingsFor, sameCheck, ServerSettings } from './settings';

/** How many manifests to check before yielding to the event loop (so requests and edits get in). */
const CHUNK = 25;

/** A pending text to read from disk when the update runs, so that a later event (a deletion) always wins. */
const ON_DISK = Symbol('on disk');

/**
 * The server's view of the open workspace: one `ProjectState` per root, the diagnostics, and
 * the scheduling that keeps the editor responsive: edits are debounced per batch, the edited
 * manifests are re-checked and published first, and the manifests they affect follow in small
 * chunks that a newer edit interrupts (their pending set carries over, so nothing is lost).
 */
export class IsolaWorkspace {
  private readonly states = new Map<string, ProjectState>();
  private readonly store = new DiagnosticStore();
  private readonly pendingTexts = new Map<string, string | undefined | typeof ON_DISK>();
  private readonly pendingOthers = new Set<string>();
  private readonly dirty = new Map<string, Set<string>>(); // root -> manifest abs paths awaiting a re-check
  /**
   * Roots added for opened manifests that no other root holds (outside every workspace folder, or
   * in a folder the search for manifests passes over): they last while one of their files is open.
   */
  private readonly looseRoots = new Set<string>();
  /** Loads of roots added for manifests outside every workspace folder, not yet awaited. */
  private loading: Promise<void>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private ready: Promise<void> = Promise.resolve();
  /** The language of the diagnostics: the client's display language, from `initialize`. */
  translator: Translator = english;

  constructor(
    private readonly connection: Connection,
    private readonly host: FileHost,
    private settings: ServerSettings,
    /** Open symbolic links to manifests, shared with the host that serves their text (see `overlayHost`). */
    private readonly aliases = new LinkAliases(),
  ) {}

  /** Loads every root and publishes first diagnostics for all manifests. */
  async open(roots: readonly string[]): Promise<void> {
    return this.then(() => this.load(roots));
  }

  /** Runs a change of the roots after those before it; updates wait for it (see `flush`). */
  private then(task: () => Promise<void>): Promise<void> {
    // One that failed (logged by its caller) does not stop those after it.
    this.ready = this.ready.catch(() => undefined).then(task);
    return this.ready;
  }

  private async load(roots: readonly string[]): Promise<void> {
    for (const root of roots) {
      const state = new ProjectState(root, this.host, this.check(root).catalog);
      this.states.set(root, state);
      await state.load();
      this.markDirty(state, state.project.manifests);
    }
    await this.drain(this.generation);
  }

  /** Applies pending edits now (requests need the model of the text the user sees, not the debounced one). */
  async sync(): Promise<void> {
    await this.ready;
    if (!this.timer && this.pendingTexts.size === 0 && this.pendingOthers.size === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Applies new settings: every root whose `isola.check` settings changed is loaded and checked again. */
  async configure(settings: ServerSettings): Promise<void> {
    return this.then(() => this.load(this.settle(settings)));
  }

  /**
   * Takes new settings; returns the roots whose `isola.check` settings changed, forgotten, for the
   * caller to load again (a new catalog changes the model; checking a unit alone changes the
   * findings of its manifests, so every manifest of the root is re-checked).
   */
  private settle(settings: ServerSettings): string[] {
    const old = this.settings;
    this.settings = settings;
    const stale = [...this.states.keys()].filter((root) => !sameCheck(checkSettingsFor(old, root), checkSettingsFor(settings, root)));
    for (const root of stale) this.states.delete(root);
    return stale;
  }

  /** The `isola.check` settings a root is checked with: its workspace folder's own (see `checkSettingsFor`). */
  private check(root: string): CheckSettings {
    return checkSettingsFor(this.settings, root);
  }

  async reloadAll(): Promise<void> {
    return this.then(async () => {
      const roots = [...this.states.keys()];
      this.states.clear();
      await this.load(roots);
    });
  }

  /** The root state that holds a path, adding a root for files outside every workspace folder. */
  stateFor(absPath: string): ProjectState | undefined {
    let best: ProjectState | undefined;
    for (const s of this.states.values()) {
      if (s.manifest(absPath)) return s;
      if (s.owns(absPath) && (!best || s.root.length > best.root.length)) best = s;
    }
    return best;
  }

  projectOf(absPath: string): { project: Project; manifest: Manifest } | undefined {
    absPath = this.aliases.targetOf(absPath) ?? absPath;
    const state = this.stateFor(absPath);
    const manifest = state?.manifest(absPath);
    return state && manifest ? { project: state.project, manifest } : undefined;
  }

  /** The project a manifest is checked in: its unit's own view when `isola.check.alone` names it (as its diagnostics). */
  checkedView(project: Project, m: Manifest): Project {
    return project.viewFor(m, new Set(this.check(project.root).alone));
  }

  /** Open symbolic links that stand for a manifest (see `LinkAliases`); usually none. */
  linksTo(absPath: string): string[] {
    return this.aliases.linksTo(absPath);
  }

  projects(): Project[] {
    return [...this.states.values()].map((s) => s.project);
  }

  diagnostics(absPath: string): Diagnostic[] {
    return this.store.get(this.aliases.targetOf(absPath) ?? absPath);
  }

  allDiagnostics(): Iterable<[string, Diagnostic[]]> {
    return this.store.all();
  }

  /**
   * An open manifest's text changed (or a manifest on disk was deleted). An open manifest that no
   * root holds (outside every workspace folder, or in a folder the search for manifests passes
   * over: `node_modules`, `out`, `dist`, a dot-folder) gets a root of its own, its folder, as
   * `isola check` of that folder would check it; it never joins the project around it.
   */
  manifestChanged(absPath: string, text: string | undefined): void {
    if (!this.stateFor(absPath) && text !== undefined) this.addLooseRoot(absPath);
    this.pendingTexts.set(absPath, text);
    this.schedule();
  }

  /** A manifest's text is the one on disk again (closed in the editor, created or changed on disk). */
  manifestOnDisk(absPath: string): void {
    this.pendingTexts.set(absPath, ON_DISK);
    this.schedule();
  }

  /** A non-manifest file changed: scripts, templates, data, or a manifest's include target. */
  fileChanged(absPath: string): void {
    this.pendingOthers.add(absPath);
    this.schedule();
  }

  /**
   * A document closed. When it was the last open file of a root added for a manifest outside every
   * workspace folder, that root goes, with its diagnostics (as the editor clears those of a closed
   * file it does not watch), and true is returned; otherwise the caller goes back to the disk's text.
   */
  closeLoose(absPath: string, openPaths: readonly string[]): boolean {
    const state = this.stateFor(absPath);
    if (!state || !this.looseRoots.has(state.root) || openPaths.some((p) => p !== absPath && state.owns(p))) return false;
    this.drop(state);
    return true;
  }

  /**
   * Workspace folders added and removed after the start. A removed folder goes with its
   * diagnostics; an added one is loaded and checked like those of the start, and a root added for
   * a manifest opened inside it before goes (the caller hands the open documents in again, see
   * `manifestChanged`: those the folder's project does not hold get a root of their own again).
   * `settings`, read for the new list of folders, gives an added folder its own from the start.
   */
  async changeFolders(added: readonly string[], removed: readonly string[], settings?: ServerSettings): Promise<void> {
    return this.then(async () => {
      for (const root of removed) {
        const state = this.states.get(root);
        if (state && !this.looseRoots.has(root)) this.drop(state);
      }
      for (const root of added) {
        for (const loose of [...this.looseRoots]) if (isWithin(root, loose)) this.drop(this.states.get(loose)!);
      }
      const stale = settings ? this.settle(settings) : [];
      await this.load([...new Set([...stale, ...added.filter((root) => !this.states.has(root))])]);
    });
  }

  /** Forgets a root, its pending texts and its diagnostics (cleared in the editor). */
  private drop(state: ProjectState): void {
    this.looseRoots.delete(state.root);
    this.states.delete(state.root);
    this.dirty.delete(state.root);
    for (const abs of [...this.pendingTexts.keys()]) if (state.owns(abs)) this.pendingTexts.delete(abs);
    for (const m of state.project.manifests) this.publish(this.store.remove(m.absPath));
  }

  private addLooseRoot(absPath: string): void {
    // A manifest outside every project is checked with its own folder as the project,
    // as `isola check` of that folder checks it: the folder's other manifests are loaded too (what
    // it includes exists, the solution holding it is known), and are checked like the others.
    const root = path.dirname(absPath);
    const state = new ProjectState(root, this.host, this.check(root).catalog);
    this.states.set(root, state);
    this.looseRoots.add(root);
    // Updates wait for the load (see `flush`): it replaces the state's manifests wholesale.
    this.loading.push(state.load().then(
      () => this.markDirty(state, state.project.manifests),
      (e) => this.connection.console.error(`Isola: loading ${root} failed: ${(e as Error).stack ?? e}`),
    ));
  }

  private schedule(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch((e) => this.connection.console.error(`Isola: update failed: ${(e as Error).stack ?? e}`));
    }, this.settings.delay);
  }

  /** Applies pending changes, re-checks and publishes the changed manifests, then their dependents. */
  private async flush(): Promise<void> {
    await this.ready;
    const gen = this.generation;
    // Links are judged against loaded roots (see `linkTarget`): those added for opened manifests too.
    while (this.loading.length) await Promise.all(this.loading.splice(0));
    const pending = [...this.pendingTexts];
    const others = [...this.pendingOthers];
    this.pendingTexts.clear();
    this.pendingOthers.clear();
    const texts = new Map<string, string | undefined>();
    for (const [given, text] of pending) {
      const abs = this.linkTarget(given, text) ?? given;
      if (text !== ON_DISK) texts.set(abs, text);
      else {
        // A file on disk that no root holds (one the search for manifests passes over, in
        // `node_modules`, `out`, `dist` or a dot-folder) is nobody's: only a document opened in the
        // editor gets a root of its own (see `manifestChanged`).
        texts.set(abs, await this.host.readFile(abs));
      }
    }
    const perState = new Map<ProjectState, Map<string, string | undefined>>();
    for (const [abs, text] of texts) {
      const s = this.stateFor(abs);
      if (!s) continue;
      if (!perState.has(s)) perState.set(s, new Map());
      perState.get(s)!.set(abs, text);
    }
    for (const s of [...this.states.values()]) {
      const mine = perState.get(s) ?? new Map();
      const linkedOthers = others.filter((o) => s.linking(o).length > 0 || s.owns(o));
      if (mine.size === 0 && linkedOthers.length === 0) continue;
      const change = await s.update(mine, linkedOthers);
      // A root dropped meanwhile (its folder removed from the workspace) publishes nothing more.
      if (this.states.get(s.root) !== s) continue;
      this.publishNow(s, change);
      this.markDirty(s, change.affected);
    }
    await this.drain(gen);
  }

  /**
   * The manifest a pending text at `abs` is for when `abs` is a symbolic link to a manifest that a
   * root holds under another path, as `isola check` reads it (see `LinkAliases`); undefined when
   * the text is for `abs` itself. An open document's text makes the link an alias of that manifest;
   * the disk's text (the document closed) ends it, and the link's diagnostics go.
   */
  private linkTarget(abs: string, text: string | undefined | typeof ON_DISK): string | undefined {
    const known = this.aliases.targetOf(abs);
    if (known !== undefined) {
      // While its document is open and a root holds the manifest, the link stays that manifest.
      if (text !== ON_DISK && this.stateFor(known)?.manifest(known)) return known;
      this.aliases.delete(abs);
      void this.connection.sendDiagnostics({ uri: toUri(abs), diagnostics: [] });
      if (text === ON_DISK) return known;
    }
    if (text === undefined) return undefined;
    const target = this.stateFor(abs)?.linkTwinOf(abs);
    if (target !== undefined && text !== ON_DISK) this.aliases.set(abs, target);
    return target;
  }

  private publishNow(s: ProjectState, change: ProjectChange): void {
    for (const file of change.removed) this.publish(this.store.remove(absOf(s.root, file)));
    for (const m of change.changed) this.recheck(s, m);
  }

  private markDirty(s: ProjectState, manifests: Manifest[]): void {
    let set = this.dirty.get(s.root);
    if (!set) this.dirty.set(s.root, (set = new Set()));
    for (const m of manifests) set.add(m.absPath);
  }

  /** Re-checks dirty manifests in chunks; stops early when a newer edit is pending. */
  private async drain(gen: number): Promise<void> {
    for (const [root, set] of this.dirty) {
      const s = this.states.get(root);
      if (!s) {
        this.dirty.delete(root);
        continue;
      }
      let n = 0;
      for (const abs of [...set]) {
        if (gen !== this.generation) return;
        set.delete(abs);
        const m = s.manifest(abs);
        if (m) this.recheck(s, m);
        if (++n % CHUNK === 0) await new Promise((r) => setImmediate(r));
      }
    }
  }

  private recheck(s: ProjectState, m: Manifest): void {
    const alone = new Set(this.check(s.root).alone);
    const diagnostics = diagnoseManifest(s.project.viewFor(m, alone), m, undefined, this.translator);
    // Diagnostics come sorted by file: each file's path is resolved once, not once per diagnostic.
    let file: string | undefined;
    let abs = '';
    this.publish(this.store.set(m.absPath, diagnostics, (d) => (d.file === file ? abs : (abs = absOf(s.root, (file = d.file))))));
  }

  private publish(files: Iterable<string>): void {
    for (const abs of files) {
      const diagnostics = this.store.get(abs).map(toLspDiagnostic);
      void this.connection.sendDiagnostics({ uri: toUri(abs), diagnostics });
      // An open link to the manifest shows what the manifest has (see `LinkAliases`).
      for (const link of this.aliases.linksTo(abs)) void this.connection.sendDiagnostics({ uri: toUri(link), diagnostics });
    }
  }
}
