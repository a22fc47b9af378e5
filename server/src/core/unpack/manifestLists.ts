import { setOwn } from '../json/own';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The manifest property that lists each card type, wherever that type is declared. Without a
 * prototype: the type comes from the package, and a card typed `constructor` must find nothing.
 */
export const LIST_OF: Readonly<Record<string, string | undefined>> = Object.assign(Object.create(null) as Record<string, string>, {
  app: 'apps', process: 'processes', page: 'pages', widget: 'widgets', group: 'groups', counter: 'counters',
  template: 'templates', activity: 'activities', apiMethod: 'apiMethods', setting: 'settings', event: 'events',
});


/** An element of a list of coded objects by its code. */
export function byCode(list: unknown, code: string): Obj | undefined {
  return Array.isArray(list) ? (list.find((x) => isObj(x) && x.code === code) as Obj | undefined) : undefined;
}

/** Lists in the order people write them (examples/invoices): groups first, then apps and what uses them; data last. */
const LIST_ORDER = ['groups', 'apps', 'processes', 'pages', 'widgets', 'counters', 'templates', 'activities', 'apiMethods', 'settings', 'events', 'includes', 'orgChart', 'globals', 'permissions', 'data'];

export function inPersonOrder(v: Obj): Obj {
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (!LIST_ORDER.includes(k)) setOwn(out, k, x);
  for (const k of LIST_ORDER) if (k in v) out[k] = v[k];
  return out;
}
