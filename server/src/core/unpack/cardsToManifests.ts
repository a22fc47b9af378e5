import { compareCodes } from '../compare';
import { TOP_LISTS } from '../manifest/kinds';
import { GLOBAL_NAMESPACE, ManifestKind, ORG_NAMESPACE } from '../manifest/types';
import type { Card, Descriptor } from '../packaging/format';
import { UnpackRefused } from './errors';
import { nameOfCode } from './names';
import { defaultManifestFile, FileNamer, stringAt } from './layout';
import { getOwn, setOwn } from '../json/own';
import type { Sibling } from './linkedOrder';
import { isUnitCode } from '../packaging/cardCheck';
import { EntityFiles } from './entityFiles';
import { linkIncludes } from './includes';
import type { ExistingManifest, ManifestDraft, UnpackLayout } from './manifestDrafts';
import { byCode, inPersonOrder, isObj, LIST_OF, Obj } from './manifestLists';
import { findUnit, OrgCharts } from './orgChart';
import { SiblingOrder } from './siblingOrder';

export type { ExistingManifest, ManifestDraft, UnpackLayout } from './manifestDrafts';
export { byCode } from './manifestLists';

const UNIT_TYPES = new Set(['workspace', 'module', 'solution', 'configuration']);

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
  private readonly entityFiles: EntityFiles;
  private readonly siblings = new SiblingOrder(this.notes);
  private readonly orgCharts = new OrgCharts(this.notes, this.siblings);
  /** Each manifest's list of top-level menu pages, with the predecessor each card names, ordered once all are read. */
  private readonly pages = new Map<unknown[], { m: ManifestDraft; ns: string; items: Sibling[] }>();
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
    this.entityFiles = new EntityFiles(d, this.namer, this.notes);
  }

  run(): UnpackLayout {
    const units = this.cards.filter((c) => UNIT_TYPES.has(c.type));
    for (const c of units) {
      const kind = c.type as ManifestKind;
      const top = kind === 'solution' || kind === 'configuration';
      const m = this.draft(kind, c.code, top ? defaultManifestFile.top(c.code) : defaultManifestFile.namespace(c.code), this.unitValue(c));
      if (!m.existing) this.refuseUnitCodeTaken(kind, c.code);
    }
    for (const c of this.cards.filter((x) => x.type === 'app' && this.isAppManifest(x))) {
      this.appManifest(c, c === this.root ? defaultManifestFile.top(c.code) : defaultManifestFile.app(c.namespace, c.code));
    }
    for (const c of this.cards) {
      if (UNIT_TYPES.has(c.type) || this.claimed.has(`${c.type} ${c.id}`)) continue;
      this.place(c);
    }
    for (const set of this.d.data) if (!this.claimed.has(`data ${set.app}`)) this.data(set.app);
    for (const [list, { m, ns, items }] of this.pages) this.siblings.order(m, list, items, `the menu pages of namespace ${ns}`);
    const scope = { cards: this.cards, drafts: this.drafts, existing: this.existing, notes: this.notes };
    for (const m of this.drafts) {
      const orgChart = this.orgCharts.nest(m);
      if (orgChart) m.value.orgChart = orgChart;
      linkIncludes(scope, m);
    }
    for (const m of this.drafts) if (!m.existing) m.value = inPersonOrder(m.value);
    this.siblings.noteUnlinked();
    // Every manifest's file, and what the folder's other units have, are nobody else's to take:
    // a script or data file of this package that would land there gets a name of its own.
    const edited = new Set(this.drafts.map((m) => m.existing));
    const others = this.existing.filter((e) => !edited.has(e));
    const files = this.namer.assign([...this.drafts.map((m) => m.file), ...others.flatMap((e) => [e.file, ...(e.links ?? [])])]);
    return { manifests: this.drafts, files, notes: [...this.notes, ...this.namer.notes] };
  }

  private draft(kind: ManifestKind, code: string, file: string, value: Obj, namespace?: string): ManifestDraft {
    const same = this.existing.filter((e) => e.kind === kind && e.code === code && (kind !== 'app' || e.namespace === namespace));
    // Editing one of two would leave the other as it was, and which one is no one's choice.
    if (same.length > 1) throw new UnpackRefused(`${same[0].file} and ${same[1].file} both declare ${kind} ${namespace ? `${namespace}.` : ''}${code} (isola check says MAN001): keep one of them, then unpack`);
    const existing = same[0];
    const m: ManifestDraft = { file: existing?.file ?? file, kind, code, value, existing };
    this.drafts.push(m);
    return m;
  }

  private find(kind: ManifestKind, code: string): ManifestDraft | undefined {
    return this.drafts.find((m) => m.kind === kind && m.code === code);
  }

  /** A unit card's body as its manifest: `members` become `includes` later (`linkIncludes`). */
  private unitValue(c: Card): Obj {
    const value: Obj = { kind: c.type, code: c.code };
    for (const [k, v] of Object.entries(structuredClone(c.body))) if (k !== 'members') setOwn(value, k, v);
    value.kind = c.type;
    value.code = c.code;
    writeFlag(value, c);
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

  /**
   * Refuses to write a manifest of a unit whose code a manifest of the folder already gives a unit
   * of another kind (a module `invoices` beside the package's workspace `invoices`): units share one
   * set of codes (a namespace, and a card's id), so the folder would declare that code twice, and
   * that manifest is not the package's to rewrite.
   */
  private refuseUnitCodeTaken(kind: ManifestKind, code: string): void {
    const written = new Set(this.drafts.map((m) => m.existing));
    const e = this.existing.find((x) => !written.has(x) && UNIT_TYPES.has(x.kind) && x.kind !== kind && x.code === code);
    if (!e) return;
    throw new UnpackRefused(`${e.file} declares ${e.kind} ${code} already, which this ${this.d.kind} package does not carry: a manifest of its ${kind} ${code} beside it would declare the code ${code} a second time. Unpack into another folder, or export and unpack ${e.kind} ${code} instead`);
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
    writeFlag(out, c);
    if (m) this.entityFiles.name(m, out, c, hint, hintFromPackage);
    return out;
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

  /** An org-chart unit goes to the configuration's org chart, nested under its parent once all are read (orgChart.ts). */
  private orgUnit(c: Card): void {
    const conf = this.configuration(`org-chart unit ${c.code}`);
    this.orgCharts.add(conf, this.entity(c, conf, findUnit(conf.existing?.value.orgChart, c.code)), c);
  }
}

/** Says in a manifest's value what its card's flag says: `deleted: true` when the card is deleted, no `deleted: true` when it is not. */
function writeFlag(value: Obj, c: Card): void {
  if (c.deleted) value.deleted = true;
  else if (value.deleted === true) delete value.deleted;
}
