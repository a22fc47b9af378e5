import * as path from 'node:path';
import { compareCodes } from '../compare';
import { TOP_LISTS } from '../manifest/kinds';
import { GLOBAL_NAMESPACE, ManifestKind, ORG_NAMESPACE } from '../manifest/types';
import type { Card, Descriptor } from '../packaging/format';
import { UnpackRefused } from './errors';
import { nameOfCode } from './names';
import { defaultManifestFile, extOf, FileNamer, includeSpec, PlannedFile, stringAt } from './layout';
import { fileRef } from '../packaging/fileRefs';
import { getOwn, setOwn } from '../json/own';
import { linkedOrder, Sibling } from './linkedOrder';
import { isUnitCode } from '../packaging/cardCheck';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A manifest already in the unpack folder, modelled enough to be found and edited. */
export interface ExistingManifest {
  /** Relative to the unpack folder, forward slashes. */
  file: string;
  kind: ManifestKind;
  code: string;
  /** An app manifest's namespace. */
  namespace?: string;
  value: Obj;
  /** The files it names (scripts, templates, data, includes), relative to the unpack folder. */
  links?: string[];
}

/** One manifest the package becomes: where it goes and the value it must have. */
export interface ManifestDraft {
  file: string;
  kind: ManifestKind;
  code: string;
  value: Obj;
  /** The manifest already there for this unit, edited in place. */
  existing?: ExistingManifest;
  /** Lists of `value` whose order the package gives whole (menu pages, org-chart siblings): an edit in place takes it. */
  ordered?: Set<unknown[]>;
}

/** Everything an unpack writes, before anything is written. */
export interface UnpackLayout {
  manifests: ManifestDraft[];
  files: PlannedFile[];
  /** What could not be laid out exactly as the package has it, in a sentence each. */
  notes: string[];
}

const UNIT_TYPES = new Set(['workspace', 'module', 'solution', 'configuration']);

/**
 * The manifest property that lists each card type, wherever that type is declared. Without a
 * prototype: the type comes from the package, and a card typed `constructor` must find nothing.
 */
const LIST_OF: Readonly<Record<string, string | undefined>> = Object.assign(Object.create(null) as Record<string, string>, {
  app: 'apps', process: 'processes', page: 'pages', widget: 'widgets', group: 'groups', counter: 'counters',
  template: 'templates', activity: 'activities', apiMethod: 'apiMethods', setting: 'settings', event: 'events',
});


/** An element of a list of coded objects by its code. */
export function byCode(list: unknown, code: string): Obj | undefined {
  return Array.isArray(list) ? (list.find((x) => isObj(x) && x.code === code) as Obj | undefined) : undefined;
}

/**
 * The inverse of the builder's `designContent`: turns a package's cards into manifests, one per
 * unit, laid out the way a person would (a folder per namespace, scripts and templates next to
 * their manifest, data as JSONL), or into the manifests the folder already has for those units.
 * Pure: reads and writes nothing; the files are planned, not written.
 */
export function cardsToManifests(descriptor: Descriptor, cards: Card[], existing: ExistingManifest[] = []): UnpackLayout {
  return new Unpacker(descriptor, cards, existing).run();
}

class Unpacker {
  private readonly namer = new FileNamer();
  private readonly drafts: ManifestDraft[] = [];
  private readonly notes: string[] = [];
  private readonly claimed = new Set<string>();
  private readonly byId = new Map<string, Card>();
  /** The package's index by path, built on the first file a card names. */
  private entries?: Map<string, Descriptor['entries'][number]>;
  /** Org-chart units of each configuration, with the parent and predecessor their card names, nested once all are read. */
  private readonly units = new Map<ManifestDraft, (Sibling & { parent?: string })[]>();
  /** Each manifest's list of top-level menu pages, with the predecessor each card names, ordered once all are read. */
  private readonly pages = new Map<unknown[], { m: ManifestDraft; ns: string; items: Sibling[] }>();
  /** Lists of siblings whose cards name none they follow (an older package): one note says so for all. */
  private readonly unlinked: string[] = [];
  /** The lists of the manifests already in the folder, indexed by code once: a search per card was quadratic (2,000 apps: 0.9 s). */
  private readonly homeIndex = new Map<unknown[], Map<string, Obj>>();
  /** The app of an app package: the package's root manifest. */
  private readonly root?: Card;
  /** The root's manifest, once drafted. */
  private rootDraft?: ManifestDraft;

  constructor(private readonly d: Descriptor, private readonly cards: Card[], private readonly existing: ExistingManifest[]) {
    this.cards = [...cards].sort((a, b) => compareCodes(a.id, b.id));
    for (const c of this.cards) this.byId.set(`${c.type} ${c.id}`, c);
    this.root = d.kind === 'app' ? this.cards.find((c) => c.type === 'app' && c.code === d.code) : undefined;
  }

  run(): UnpackLayout {
    const units = this.cards.filter((c) => UNIT_TYPES.has(c.type));
    for (const c of units) {
      const kind = c.type as ManifestKind;
      const top = kind === 'solution' || kind === 'configuration';
      this.draft(kind, c.code, top ? defaultManifestFile.top(c.code) : defaultManifestFile.namespace(c.code), this.unitValue(c));
    }
    for (const c of this.cards.filter((x) => x.type === 'app' && this.isAppManifest(x))) {
      this.appManifest(c, c === this.root ? defaultManifestFile.top(c.code) : defaultManifestFile.app(c.namespace, c.code));
    }
    for (const c of this.cards) {
      if (UNIT_TYPES.has(c.type) || this.claimed.has(`${c.type} ${c.id}`)) continue;
      this.place(c);
    }
    for (const set of this.d.data) if (!this.claimed.has(`data ${set.app}`)) this.data(set.app);
    for (const [list, { m, ns, items }] of this.pages) this.order(m, list, items, `the menu pages of namespace ${ns}`);
    for (const m of this.drafts) this.link(m);
    for (const m of this.drafts) if (!m.existing) m.value = inPersonOrder(m.value);
    if (this.unlinked.length) {
      const n = this.unlinked.length;
      const which = n > 3 ? `${this.unlinked.slice(0, 3).join(', ')} and ${n - 3} more lists` : this.unlinked.join(', ');
      this.notes.push(`the package does not give the order of ${which}: their cards name no sibling they follow (cards built before they carried it); a new manifest lists them by code, one already in the folder keeps its own order`);
    }
    // Every manifest's file, and what the folder's other units have, are nobody else's to take:
    // a script or data file of this package that would land there gets a name of its own.
    const edited = new Set(this.drafts.map((m) => m.existing));
    const others = this.existing.filter((e) => !edited.has(e));
    const files = this.namer.assign([...this.drafts.map((m) => m.file), ...others.flatMap((e) => [e.file, ...(e.links ?? [])])]);
    return { manifests: this.drafts, files, notes: [...this.notes, ...this.namer.notes] };
  }

  private draft(kind: ManifestKind, code: string, file: string, value: Obj, namespace?: string): ManifestDraft {
    const existing = this.existing.find((e) => e.kind === kind && e.code === code && (kind !== 'app' || e.namespace === namespace));
    const m: ManifestDraft = { file: existing?.file ?? file, kind, code, value, existing };
    this.drafts.push(m);
    return m;
  }

  private find(kind: ManifestKind, code: string): ManifestDraft | undefined {
    return this.drafts.find((m) => m.kind === kind && m.code === code);
  }

  /** A unit card's body as its manifest: `members` become `includes` later (link). */
  private unitValue(c: Card): Obj {
    const value: Obj = { kind: c.type, code: c.code };
    for (const [k, v] of Object.entries(structuredClone(c.body))) if (k !== 'members') setOwn(value, k, v);
    value.kind = c.type;
    value.code = c.code;
    return value;
  }

  /**
   * Whether an app card becomes a manifest of its own rather than an element of its workspace's
   * `apps`: the app of an app package (however the environment it came from declared it), an app
   * the folder already has a manifest of, an app of a namespace the package carries no workspace
   * or module of (only an app manifest can declare it without writing a workspace the package
   * does not carry), and an app card that is a whole manifest (`kind` and `namespace` in its
   * body, as earlier builds wrote an app manifest's card: see `appManifest`). A card says nothing
   * else of how its app was declared, so a namespace package's other apps go inline into its
   * workspace, as the same app declared either way has the same card.
   */
  private isAppManifest(c: Card): boolean {
    if (!isUnitCode(c.namespace)) return false;
    return c === this.root
      || (c.body.kind === 'app' && c.body.namespace === c.namespace)
      || this.existing.some((e) => e.kind === 'app' && e.namespace === c.namespace && e.code === c.code)
      || !(this.find('workspace', c.namespace) ?? this.find('module', c.namespace));
  }

  /**
   * An app manifest: the app card's body, with the processes, widgets, ... it lists claimed from
   * their cards. An app card lists them only when an earlier build wrote it (the manifest whole,
   * project paths and all); otherwise the folder's manifest of the app keeps those it lists, and
   * the app of an app package takes every other card of the package (`place`).
   */
  private appManifest(c: Card, file: string): void {
    const ns = c.namespace;
    this.claimed.add(`app ${c.id}`);
    const value: Obj = { kind: 'app', code: c.code, namespace: ns, ...this.entity(c, undefined, undefined) };
    value.kind = 'app';
    value.namespace = ns;
    const m = this.draft('app', c.code, file, value, ns);
    if (c === this.root) this.rootDraft = m;
    if (!m.existing) this.refuseDeclaredElsewhere('app', ns, c.code);
    const home = m.existing?.value;
    for (const [prop, type] of Object.entries(TOP_LISTS.app)) {
      const list = value[prop];
      if (!Array.isArray(list)) {
        this.claimListed(m, prop, type);
        continue;
      }
      value[prop] = list.flatMap((el) => {
        const card = isObj(el) && typeof el.code === 'string' ? this.byId.get(`${type} ${ns}.${el.code}`) : undefined;
        if (!card) {
          // Only the app card names it: whatever files it names are the package's word alone,
          // and a later build would read them from the folder. Left out.
          this.notes.push(`${m.file}: the package's app card lists ${isObj(el) && typeof el.code === 'string' ? `${type} ${el.code}` : `an element of \`${prop}\``} without a card of its own; left out`);
          return [];
        }
        this.claimed.add(`${type} ${card.id}`);
        // The app card names files by the paths its manifest gave them; the entity's card carries
        // the bytes. The folder's own manifest decides first; the card's names are the package's.
        const own = this.homeByCode(home?.[prop], card.code);
        return [this.entity(card, m, own ?? el, own === undefined)];
      });
    }
    const perms = this.byId.get(`permissions ${c.id}.permissions`);
    if (perms) {
      this.claimed.add(`permissions ${perms.id}`);
      value.permissions = structuredClone(perms.body.permissions);
    }
    const data = value.data;
    if (isObj(data)) {
      // The app's body names its data files: they are written, empty when the package carries no records.
      for (const [app, spec] of Object.entries(data)) {
        if (typeof spec !== 'string') continue;
        const has = this.d.data.some((s) => s.app === `${ns}.${app}`);
        if (has) this.claimed.add(`data ${ns}.${app}`);
        // A name the folder's manifest gives too is the folder's own; any other is the package's.
        const ownData = isObj(home?.data) ? getOwn(home.data as Obj, app) : undefined;
        this.namer.request({ manifestFile: m.file, defaults: [`data/${nameOfCode(app)}.jsonl`], hint: spec, source: has ? { app: `${ns}.${app}` } : { empty: true }, set: (s) => setOwn(data, app, s), what: `the data of app ${app}`, fromPackage: ownData !== spec });
      }
    }
  }

  /**
   * The entities of the folder's manifest of an app that the package carries, claimed from their
   * cards into that manifest's list `prop`, in its order: where an entity is declared is the
   * folder's to say, since a card does not say it.
   */
  private claimListed(m: ManifestDraft, prop: string, type: string): void {
    const listed = m.existing ? getOwn(m.existing.value, prop) : undefined;
    if (!Array.isArray(listed)) return;
    const out: Obj[] = [];
    for (const el of listed) {
      const card = isObj(el) && typeof el.code === 'string' ? this.byId.get(`${type} ${m.value.namespace as string}.${el.code}`) : undefined;
      if (!card || this.claimed.has(`${type} ${card.id}`)) continue;
      this.claimed.add(`${type} ${card.id}`);
      out.push(this.entity(card, m, el as Obj));
    }
    if (out.length) m.value[prop] = out;
  }

  /**
   * Refuses to declare an entity that a manifest of the folder this unpack does not write
   * declares already (a workspace's inline app, its process): the folder would declare it twice,
   * and the manifest that declares it is not the package's to rewrite.
   */
  private refuseDeclaredElsewhere(type: string, ns: string, code: string): void {
    const written = new Set(this.drafts.map((m) => m.existing));
    const prop = LIST_OF[type];
    const e = this.existing.find((x) => !written.has(x) && (x.kind === 'app' ? x.namespace : x.code) === ns
      && (type === 'app' && x.kind === 'app' ? x.code === code : prop !== undefined && !!byCode(getOwn(x.value, prop), code)));
    if (!e) return;
    throw new UnpackRefused(`${e.file} declares ${type} ${ns}.${code} already, as the manifest of ${e.kind} ${e.code}, which this ${this.d.kind} package does not carry: the unpack would declare it a second time. Unpack into another folder, or export and unpack ${e.kind} ${e.code} instead`);
  }

  /** An app's records go next to the manifest that declares the app (or already names its data file), as `data/<app>.jsonl`. */
  private data(app: string): void {
    const [ns, code] = [app.slice(0, app.indexOf('.')), app.slice(app.indexOf('.') + 1)];
    const named = (m: { value: Obj }) => isObj(m.value.data) && typeof getOwn(m.value.data, code) === 'string';
    const inNs = (x: ManifestDraft) => (x.kind === 'app' ? x.value.namespace === ns : (x.kind === 'workspace' || x.kind === 'module') && x.code === ns);
    // The folder's own name for the file first; then an app package's manifest, the namespace's
    // workspace or module, and last the manifest of the app itself.
    const m = this.drafts.find((x) => x.existing && inNs(x) && named(x.existing))
      ?? (this.rootDraft?.value.namespace === ns ? this.rootDraft : undefined)
      ?? this.drafts.find((x) => x.kind !== 'app' && inNs(x))
      ?? this.drafts.find((x) => x.kind === 'app' && inNs(x) && x.code === code);
    if (!m) {
      // A data-only package: the records go to the file a manifest of the folder already names for them.
      const home = this.existing.find((e) => (e.kind === 'app' ? e.namespace : e.code) === ns && isObj(e.value.data) && typeof getOwn(e.value.data, code) === 'string');
      if (home) {
        const spec = getOwn(home.value.data as Obj, code) as string;
        this.namer.request({ manifestFile: home.file, defaults: [`data/${nameOfCode(code)}.jsonl`], hint: spec, source: { app }, set: () => undefined, what: `the data of app ${code}`, adopt: true });
        return;
      }
      this.notes.push(`the records of ${app} were left out: the package has no manifest of namespace ${ns} to name them`);
      return;
    }
    const data = (isObj(m.value.data) ? m.value.data : (m.value.data = {})) as Obj;
    const hint = isObj(m.existing?.value.data) ? stringAt(m.existing!.value.data as Obj, code) : undefined;
    this.namer.request({ manifestFile: m.file, defaults: [`data/${nameOfCode(code)}.jsonl`], hint, source: { app }, set: (s) => setOwn(data, code, s), what: `the data of app ${code}` });
  }

  /** A card's body as the element a manifest lists: its files named, its code and deleted flag its card's. */
  private entity(c: Card, m: ManifestDraft | undefined, hint: Obj | undefined, hintFromPackage = false): Obj {
    const body = structuredClone(c.body);
    const out: Obj = { code: c.code, ...body };
    out.code = c.code;
    if (c.deleted && out.deleted !== true) out.deleted = true;
    if (m) this.files(m, out, c, hint, hintFromPackage);
    return out;
  }

  /**
   * Names the script and template files of an element, keeping the names the manifest already
   * gives them (`hint`: the element as the folder's manifest has it, or as the package's app card
   * names it, `fromPackage`).
   */
  private files(m: ManifestDraft, el: Obj, c: Card, hint: Obj | undefined, fromPackage: boolean): void {
    const ref = fileRef(el.file);
    if (ref && c.type === 'template') {
      this.attach(m, ref, [`templates/${nameOfCode(c.code)}${extOf(ref.file)}`], stringAt(hint, 'file'), `template ${c.code}`, (s) => (el.file = s), fromPackage);
    } else if (c.type === 'template' && typeof el.file === 'string') this.unnamed(m, el, `template ${c.code}`);
    if (Array.isArray(el.scripts)) {
      for (const s of el.scripts) {
        if (!isObj(s)) continue;
        const r = fileRef(s.file);
        if (!r) {
          if (typeof s.file === 'string') this.unnamed(m, s, `script ${String(s.code)} of ${c.type} ${c.code}`);
          continue;
        }
        const code = typeof s.code === 'string' ? s.code : 'script';
        const ext = extOf(r.file);
        const was = stringAt(byCode(hint?.scripts, code), 'file');
        // Named after codes: a device name Windows reserves gets a `_` (`aux.ts` → `aux_.ts`), as does
        // an owner's (`aux.run.ts` is a device name too).
        const [name, owner] = [nameOfCode(code), nameOfCode(c.code)];
        this.attach(m, r, [`scripts/${name}${ext}`, `scripts/${owner}.${code}${ext}`, `scripts/${c.type}.${c.code}.${code}${ext}`], was, `script ${code} of ${c.type} ${c.code}`, (spec) => (s.file = spec), fromPackage);
      }
    }
  }

  /**
   * A card names a file by its path alone, where a package names each file it carries by content:
   * the path is the package's word, and a build of the folder would read whatever lies there. Left out.
   */
  private unnamed(m: ManifestDraft, holder: Obj, what: string): void {
    this.notes.push(`${m.file}: the package names file \`${String(holder.file)}\` for ${what} without carrying it; left out`);
    delete holder.file;
  }

  private attach(m: ManifestDraft, ref: { file: string; sha256: string }, defaults: string[], hint: string | undefined, what: string, set: (spec: string) => void, fromPackage: boolean): void {
    this.entries ??= new Map(this.d.entries.map((e) => [e.path, e]));
    const entry = this.entries.get(ref.file);
    if (!entry) throw new UnpackRefused(`${what} names ${ref.file}, which the package does not carry`);
    if (entry.sha256 !== ref.sha256) throw new UnpackRefused(`${what} names ${ref.file} with sha256 ${ref.sha256.slice(0, 12)}…, but the entry has ${entry.sha256.slice(0, 12)}…`);
    this.namer.request({ manifestFile: m.file, defaults, hint, source: { entry: ref.file, sha256: ref.sha256 }, set, what, fromPackage });
  }

  /** Puts an entity card in the manifest of its namespace (a workspace or module, a solution's groups, the configuration's org chart or globals). */
  private place(c: Card): void {
    if (c.type === 'permissions') return this.permissions(c);
    if (c.namespace === ORG_NAMESPACE) return this.orgUnit(c);
    if (c.namespace === GLOBAL_NAMESPACE) {
      const conf = this.configuration(`global ${c.type} ${c.code}`);
      const globals = (isObj(conf.value.globals) ? conf.value.globals : (conf.value.globals = {})) as Obj;
      return this.push(conf, globals, LIST_OF[c.type] ?? `${c.type}s`, c);
    }
    const owner = this.find('workspace', c.namespace) ?? this.find('module', c.namespace) ?? this.find('solution', c.namespace) ?? this.appHome(c);
    if (!owner) {
      if (!isUnitCode(c.namespace)) throw new UnpackRefused(`entities of namespace ${c.namespace} cannot be unpacked: it is built in or not a namespace code`);
      // A manifest made up for the namespace would be a workspace the package does not carry,
      // and a build of it would overwrite the real one (its version, its languages) on import.
      this.notes.push(`${c.type} ${c.id} was left out: the package carries no workspace or module of namespace ${c.namespace} to declare it`);
      return;
    }
    if (owner.kind === 'app') this.refuseDeclaredElsewhere(c.type, c.namespace, c.code);
    this.push(owner, owner.value, LIST_OF[c.type] ?? `${c.type}s`, c);
  }

  /**
   * The app manifest that declares an entity whose namespace the package carries no workspace or
   * module of: an app package's own, else the app manifest of the namespace that the entity's
   * `app` names, else the first one; only for what an app manifest may declare.
   */
  private appHome(c: Card): ManifestDraft | undefined {
    const prop = LIST_OF[c.type];
    if (prop === undefined || !Object.hasOwn(TOP_LISTS.app, prop)) return undefined;
    if (this.rootDraft?.value.namespace === c.namespace) return this.rootDraft;
    const apps = this.drafts.filter((m) => m.kind === 'app' && m.value.namespace === c.namespace);
    const named = typeof c.body.app === 'string' ? c.body.app.slice(c.body.app.indexOf('.') + 1) : undefined;
    return apps.find((m) => m.code === named) ?? apps[0];
  }

  private push(m: ManifestDraft, container: Obj, prop: string, c: Card): void {
    const list = (Array.isArray(container[prop]) ? container[prop] : (container[prop] = [])) as unknown[];
    const homeContainer = container === m.value ? m.existing?.value : (m.existing?.value.globals as Obj | undefined);
    const el = this.entity(c, m, this.homeByCode(homeContainer?.[prop], c.code));
    list.push(el);
    if (c.type === 'page') {
      // The card's link to the page before it orders the menu; it is no property of the manifest.
      const after = el.after;
      delete el.after;
      if (!this.pages.has(list)) this.pages.set(list, { m, ns: c.namespace, items: [] });
      this.pages.get(list)!.items.push({ el, after: typeof after === 'string' ? after : undefined });
    }
  }

  /** `byCode` on a list of a manifest already in the folder (read, never changed, by the layout). */
  private homeByCode(list: unknown, code: string): Obj | undefined {
    if (!Array.isArray(list)) return undefined;
    let index = this.homeIndex.get(list);
    if (!index) {
      index = new Map();
      // The first element of each code, as `byCode` finds it.
      for (const x of list) if (isObj(x) && typeof x.code === 'string' && !index.has(x.code)) index.set(x.code, x);
      this.homeIndex.set(list, index);
    }
    return index.get(code);
  }

  private configuration(what: string): ManifestDraft {
    const conf = this.drafts.find((m) => m.kind === 'configuration');
    if (!conf) throw new UnpackRefused(`${what} needs a configuration, and the package has no configuration card`);
    return conf;
  }

  private permissions(c: Card): void {
    const app = this.drafts.flatMap((m) => {
      const list = m.kind === 'app' ? [] : m.value.apps;
      const el = Array.isArray(list) ? byCode(list, c.code) : undefined;
      return el && (m.value.code === c.namespace) ? [el] : [];
    })[0];
    if (!app) {
      this.notes.push(`the permissions of app ${c.namespace}.${c.code} were left out: the package has no such app`);
      return;
    }
    app.permissions = structuredClone(c.body.permissions);
  }

  /** Org-chart units name their parent; the manifest nests each under it. */
  private orgUnit(c: Card): void {
    const conf = this.configuration(`org-chart unit ${c.code}`);
    const el = this.entity(c, conf, this.findUnit(conf.existing?.value.orgChart, c.code));
    delete el.parent;
    delete el.after;
    if (!this.units.has(conf)) this.units.set(conf, []);
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    this.units.get(conf)!.push({ el, parent: str(c.body.parent), after: str(c.body.after) });
  }

  private findUnit(list: unknown, code: string): Obj | undefined {
    // One unit alone (one head of the org chart, one child) is written without a list.
    if (isObj(list)) list = [list];
    if (!Array.isArray(list)) return undefined;
    for (const u of list) {
      if (!isObj(u)) continue;
      if (u.code === code) return u;
      const inner = this.findUnit(u.children, code);
      if (inner) return inner;
    }
    return undefined;
  }

  /**
   * The units a configuration's package carries beyond the members its card names, directly or
   * through a member solution: an export of a configuration carries every namespace of the
   * environment, and its manifest must include them all for a build to carry them again.
   */
  private uncovered(members: { kind: string; code: string }[]): { kind: string; code: string }[] {
    const covered = new Set(members.map((x) => `${x.kind} ${x.code}`));
    const coverMembersOf = (solution: string) => {
      const card = this.cards.find((c) => c.type === 'solution' && c.code === solution);
      for (const y of Array.isArray(card?.body.members) ? card!.body.members : []) if (isObj(y)) covered.add(`${String(y.kind)} ${String(y.code)}`);
    };
    for (const x of members) if (x.kind === 'solution') coverMembersOf(x.code);
    // A solution not yet named covers its own members once it is included.
    const solutions = this.drafts.filter((d) => d.kind === 'solution' && !covered.has(`solution ${d.code}`));
    for (const d of solutions) coverMembersOf(d.code!);
    const units = this.drafts.filter((d) => (d.kind === 'workspace' || d.kind === 'module') && !covered.has(`${d.kind} ${d.code}`));
    return [...solutions, ...units].map((d) => ({ kind: d.kind!, code: d.code! })).sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }

  /** Solutions and configurations name their members by kind and code; the manifest includes their files. */
  private link(m: ManifestDraft): void {
    const units = this.units.get(m);
    if (units) m.value.orgChart = this.tree(m, units);
    if (m.kind !== 'solution' && m.kind !== 'configuration') return;
    const card = this.cards.find((c) => c.type === m.kind && c.code === m.code)!;
    const members = Array.isArray(card.body.members) ? card.body.members : [];
    const hints = Array.isArray(m.existing?.value.includes) ? (m.existing!.value.includes as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    const includes: string[] = [];
    const listed = members.filter((x): x is Obj & { kind: string; code: string } => isObj(x) && typeof x.kind === 'string' && typeof x.code === 'string');
    if (m.kind === 'configuration') listed.push(...this.uncovered(listed));
    for (const x of listed) {
      const target = this.find(x.kind as ManifestKind, x.code) ?? this.existing.find((e) => e.kind === x.kind && e.code === x.code);
      const file = target?.file ?? (x.kind === 'solution' || x.kind === 'configuration' || x.kind === 'app' ? defaultManifestFile.top(x.code) : defaultManifestFile.namespace(x.code));
      if (!target) this.notes.push(`${m.kind} ${m.code} includes ${x.kind} ${x.code}, which the package does not carry`);
      const spec = includeSpec(m.file, file);
      const kept = hints.find((h) => path.posix.normalize(path.posix.join(path.posix.dirname(m.file), h)) === file);
      includes.push(kept ?? spec);
    }
    // A configuration may include nothing (a solution may not): one that includes nothing gets
    // no `includes` unless its manifest writes one, or retrieving it would add `"includes": []`.
    if (m.kind === 'configuration' && !includes.length && !(m.existing && Object.hasOwn(m.existing.value, 'includes'))) {
      delete m.value.includes;
      return;
    }
    const value: Obj = {};
    // `includes` right after the top-level properties, where people write it.
    let placed = false;
    for (const [k, v] of Object.entries(m.value)) {
      if (!placed && (k === 'groups' || k === 'orgChart' || k === 'globals')) {
        value.includes = includes;
        placed = true;
      }
      setOwn(value, k, v);
    }
    if (!placed) value.includes = includes;
    m.value = value;
  }

  /**
   * Puts siblings into `list` in the order their cards link them (`after`: the code of the one
   * before; none for the first). Where the links do not give the whole order (a package built
   * before cards carried them, a link to a sibling the package lacks, two siblings that follow one,
   * a cycle) what they say is kept and the rest goes by code, the cards' order; a note says so, and
   * a manifest edited in place keeps its own order instead.
   */
  private order(m: ManifestDraft, list: unknown[], siblings: Sibling[], what: string): void {
    const { els, gaps, unlinked } = linkedOrder(siblings);
    // What the list held before these siblings (a unit card's body may hold such a list) stays first.
    const mine = new Set<unknown>(els);
    const others = list.filter((x) => !mine.has(x));
    list.length = 0;
    for (const x of others) list.push(x);
    for (const x of els) list.push(x);
    if (unlinked) this.unlinked.push(what);
    else if (gaps.length) this.notes.push(`the package does not give the whole order of ${what} (${gaps.join('; ')}): a new manifest lists them by code there, one already in the folder keeps its own order`);
    else if (others.length === 0) (m.ordered ??= new Set()).add(list);
  }

  private tree(m: ManifestDraft, units: (Sibling & { parent?: string })[]): Obj[] {
    const codes = new Set(units.map((u) => u.el.code));
    const byCodeMap = new Map(units.map((u) => [u.el.code as string, u.el]));
    // Siblings by the unit they stand under (undefined: the top), in the cards' order.
    const under = new Map<string | undefined, Sibling[]>();
    for (const u of units) {
      let parent = u.parent;
      if (parent !== undefined && !codes.has(parent)) {
        this.notes.push(`org-chart unit ${u.el.code} names parent ${parent}, which the package does not carry: it becomes a root`);
        parent = undefined;
      }
      if (!under.has(parent)) under.set(parent, []);
      under.get(parent)!.push(u);
    }
    const roots: Obj[] = [];
    for (const [parent, siblings] of under) {
      const p = parent === undefined ? undefined : byCodeMap.get(parent)!;
      const list = p ? ((p.children ??= []) as Obj[]) : roots;
      this.order(m, list, siblings, p ? `the org-chart units under ${parent}` : 'the top units of the org chart');
    }
    // Units whose parents form a cycle are reachable from no root: no tree holds them.
    const seen = new Set<unknown>();
    const walk = (l: Obj[]) => l.forEach((u) => { seen.add(u.code); if (Array.isArray(u.children)) walk(u.children as Obj[]); });
    walk(roots);
    const lost = units.filter((u) => !seen.has(u.el.code));
    if (lost.length) throw new UnpackRefused(`org-chart units ${lost.map((u) => u.el.code).join(', ')} name each other as parents (a cycle): no org chart holds them`);
    return roots;
  }
}

/** Lists in the order people write them (examples/invoices): groups first, then apps and what uses them; data last. */
const LIST_ORDER = ['groups', 'apps', 'processes', 'pages', 'widgets', 'counters', 'templates', 'activities', 'apiMethods', 'settings', 'events', 'includes', 'orgChart', 'globals', 'permissions', 'data'];

function inPersonOrder(v: Obj): Obj {
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (!LIST_ORDER.includes(k)) setOwn(out, k, x);
  for (const k of LIST_ORDER) if (k in v) out[k] = v[k];
  return out;
}
