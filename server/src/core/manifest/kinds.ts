import type { EntityKind, ManifestKind, RefKind } from './types';

/** Entity lists that sit at the top of each manifest kind, by property name. */
export const TOP_LISTS: Record<ManifestKind, Record<string, EntityKind>> = {
  workspace: {
    apps: 'app', processes: 'process', pages: 'page', widgets: 'widget',
    groups: 'group', counters: 'counter', templates: 'template',
  },
  module: {
    widgets: 'widget', activities: 'activity', apiMethods: 'apiMethod', settings: 'setting',
    events: 'event', processes: 'process', groups: 'group',
  },
  app: {
    processes: 'process', widgets: 'widget', templates: 'template', counters: 'counter', groups: 'group',
  },
  solution: { groups: 'group' },
  configuration: {},
};

/** Lists inside an app's body (app manifest top level, or an inline app of a workspace). */
export const APP_BODY_LISTS: Record<string, EntityKind> = {
  fields: 'field', buttons: 'button', statuses: 'status', forms: 'form', permissions: 'permission',
};

/** Entity kinds whose declarations may carry `scripts`. */
export const SCRIPT_OWNERS: ReadonlySet<EntityKind> = new Set(['process', 'widget', 'activity', 'apiMethod', 'event']);

/** Entity kinds that need no `code` (rows of an app's access matrix). */
export const CODE_OPTIONAL: ReadonlySet<EntityKind> = new Set(['permission']);

/**
 * A lookup table keyed by names that come from manifests and packages: without a prototype, so
 * that `constructor`, `toString` or `__proto__` as a property name finds nothing.
 */
function table<T>(entries: Record<string, T>): Readonly<Record<string, T | undefined>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** Property names whose string values are references, and the kind each names. */
export const REF_PROPERTIES = table<RefKind>({
  app: 'app', process: 'process', group: 'group', page: 'page', widget: 'widget',
  template: 'template', counter: 'counter', activity: 'activity', apiMethod: 'apiMethod', orgUnit: 'orgUnit',
});

/** Array properties whose string items are references of one kind. */
export const REF_LIST_PROPERTIES = table<RefKind>({ uses: 'widget' });

/** Manifest kinds a solution may include. */
export const SOLUTION_MEMBER_KINDS: ReadonlySet<ManifestKind> = new Set(['workspace', 'module']);

/** Words users read for each entity kind. */
export const ENTITY_NOUN: Record<EntityKind, string> = {
  app: 'app', field: 'field', button: 'button', status: 'status', form: 'form', permission: 'permission',
  process: 'process', page: 'page', widget: 'widget', group: 'group', counter: 'counter', template: 'template',
  activity: 'activity', apiMethod: 'API method', setting: 'setting', event: 'event handler', orgUnit: 'org-chart unit',
  script: 'script',
};

/** Manifest kinds that define a namespace of their own. */
export function definesNamespace(kind: ManifestKind): boolean {
  return kind === 'workspace' || kind === 'module';
}
