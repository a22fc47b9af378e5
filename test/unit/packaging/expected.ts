/**
 * What a package built from some manifests must carry, derived straight from the manifest
 * files (parsed here with jsonc-parser, not with Isola's own model), following spec §4: one card
 * per design entity, nested entities inside their parent's body, an app's permissions in a
 * card of their own, script and template files carried next to the cards.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, ParseError } from 'jsonc-parser';
import { sha256 } from './hostile';

type Obj = Record<string, unknown>;

/** Entity lists at the top of each manifest kind, and the kind of their items. */
const LISTS: Record<string, Record<string, string>> = {
  workspace: { apps: 'app', processes: 'process', pages: 'page', widgets: 'widget', groups: 'group', counters: 'counter', templates: 'template' },
  module: { widgets: 'widget', activities: 'activity', apiMethods: 'apiMethod', settings: 'setting', events: 'event', processes: 'process', groups: 'group' },
  solution: { groups: 'group' },
  configuration: {},
};
/** Lists that leave a manifest's own card (they become cards, or are the package structure). */
const SPLIT = new Set([...Object.values(LISTS).flatMap((l) => Object.keys(l)), 'permissions', 'orgChart', 'globals', 'data', 'includes', '$schema']);

/** The import step (package folder) of each card type. */
export const STEP_OF_TYPE: Record<string, string> = {
  template: 'templates', widget: 'widgets', group: 'groups', page: 'menu', workspace: 'menu', process: 'processes', activity: 'processes',
  orgUnit: 'orgchart', counter: 'counters', app: 'apps', permissions: 'permissions', setting: 'settings', module: 'modules',
  apiMethod: 'modules', solution: 'solutions', configuration: 'solutions', event: 'events',
};

export interface ExpectedCard {
  id: string;
  type: string;
  namespace: string;
  code: string;
  body: Obj;
}

/** A file the package carries: its path inside the package and the source it comes from. */
export interface ExpectedFile {
  path: string;
  absPath: string;
}

export interface Expected {
  cards: ExpectedCard[];
  files: ExpectedFile[];
  /** `namespace.app` → data file. */
  data: Record<string, string>;
}

export function readManifest(absPath: string): Obj {
  const errors: ParseError[] = [];
  const v = parse(readFileSync(absPath, 'utf8'), errors, { allowTrailingComma: true });
  if (errors.length) throw new Error(`${absPath} is not valid JSONC`);
  return v as Obj;
}

const omit = (o: Obj, drop: Set<string>): Obj => Object.fromEntries(Object.entries(o).filter(([k]) => !drop.has(k)));

/** The cards, files and data of a package whose root manifest is `rootManifest` (members followed through `includes`). */
export function expectedContent(rootManifest: string): Expected {
  const out: Expected = { cards: [], files: [], data: {} };
  const seen = new Set<string>();
  const visit = (abs: string) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    const m = readManifest(abs);
    const dir = path.dirname(abs);
    const kind = String(m.kind);
    if (!(kind in LISTS)) throw new Error(`expectedContent does not model ${kind} manifests`);
    const ns = String(m.code);
    const includes = ((m.includes as string[] | undefined) ?? []).map((p) => path.resolve(dir, p));

    const body = omit(m, SPLIT);
    if (kind === 'solution' || kind === 'configuration') body.members = includes.map((p) => readManifest(p)).map((x) => ({ kind: x.kind, code: x.code }));
    out.cards.push({ id: ns, type: kind, namespace: ns, code: ns, body });

    const file = (folder: string, name: string, spec: string) => {
      const absPath = path.resolve(dir, spec);
      const bytes = readFileSync(absPath);
      const p = `${folder}/${name}${path.extname(absPath)}`;
      out.files.push({ path: p, absPath });
      return { file: p, sha256: sha256(bytes), size: bytes.length };
    };
    const entity = (type: string, namespace: string, e: Obj, parent?: string, after?: string) => {
      const id = `${namespace}.${e.code}`;
      // Org-chart units name their parent instead of holding their subtree.
      const b = type === 'app' ? omit(e, new Set(['permissions'])) : type === 'orgUnit' ? omit(e, new Set(['children'])) : { ...e };
      if (type === 'orgUnit') delete b.parent;
      if (parent) b.parent = parent;
      // Top-level pages and org-chart units name the sibling before them in their list.
      if (type === 'page' || type === 'orgUnit') {
        delete b.after;
        if (after) b.after = after;
      }
      if (Array.isArray(e.scripts)) {
        b.scripts = (e.scripts as Obj[]).map((s) => (typeof s.file === 'string' ? { ...s, file: file('scripts', `${id}.${s.code}`, s.file) } : s));
      }
      if (type === 'template' && typeof e.file === 'string') b.file = file('templates/files', id, e.file);
      out.cards.push({ id, type, namespace, code: String(e.code), body: b });
      if (type === 'app' && Array.isArray(e.permissions) && e.permissions.length) {
        out.cards.push({ id: `${id}.permissions`, type: 'permissions', namespace, code: String(e.code), body: { app: id, permissions: e.permissions } });
      }
    };
    for (const [list, type] of Object.entries(LISTS[kind])) {
      ((m[list] as Obj[] | undefined) ?? []).forEach((e, i, all) => entity(type, ns, e, undefined, i > 0 ? String(all[i - 1].code) : undefined));
    }
    if (kind === 'configuration') {
      const units = (list: unknown, parent?: string) => {
        ((list as Obj[] | undefined) ?? []).forEach((u, i, all) => {
          entity('orgUnit', '#orgchart', u, parent, i > 0 ? String(all[i - 1].code) : undefined);
          units(u.children, String(u.code));
        });
      };
      // One root unit (the company's head) or a list of roots.
      units(m.orgChart !== undefined && !Array.isArray(m.orgChart) ? [m.orgChart] : m.orgChart);
      const globals = (m.globals ?? {}) as Obj;
      for (const g of (globals.groups as Obj[] | undefined) ?? []) entity('group', 'global', g);
      for (const w of (globals.widgets as Obj[] | undefined) ?? []) entity('widget', 'global', w);
    }
    for (const [app, spec] of Object.entries((m.data ?? {}) as Record<string, string>)) out.data[`${ns}.${app}`] = path.resolve(dir, spec);
    includes.forEach(visit);
  };
  visit(rootManifest);
  out.cards.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}
