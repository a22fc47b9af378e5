/**
 * What an import writes, as the person importing chooses it (Protogrid seed 1.2): all design
 * entities or none; data of no app, every app, or chosen apps. The choice narrows the package
 * view before the import permit is granted, so rights and scope are decided on exactly what will
 * be written and the importer has no other way to write (see importPermit.ts).
 */
import type { Card } from '../packaging/format';
import type { Sql } from './db/database';
import { badRequest } from './errors';
import type { PackageView } from './packageView';
import { getEntities } from './store';
import type { ImportCheck, ImportPlan } from './types';
import { writeScope } from './writeScope';
import { checkSaying } from './said';

/** What to import of a package. */
export interface ImportChoice {
  /** `all` writes every design entity the package carries; `none` writes none (a data-only import). */
  design: 'all' | 'none';
  /** `none`, `all`, or the data apps to import, as named in the package (`namespace.app`). */
  data: 'none' | 'all' | string[];
}

/** An app's data records in a package. */
export interface ChoiceApp {
  /** As named in the package (before any `as`). */
  app: string;
  records: number;
}

/** The choice as a plan states it: what was chosen, what the package offers, what is left out. */
export interface PlanChoice extends ImportChoice {
  /** What the package holds to choose from: its design entities and its data apps. */
  offered: { entities: number; apps: ChoiceApp[] };
  /** What this import does not write although the package holds it. */
  leftOut: { entities: number; apps: ChoiceApp[] };
}

/** Today's behaviour, and the default of every client: everything the package holds. */
export const IMPORT_EVERYTHING: ImportChoice = Object.freeze({ design: 'all', data: 'all' });

/**
 * Reads a choice from untrusted input (an HTTP body, a caller of the engine): absent fields take
 * the defaults; anything else than the documented values is 400 with what is allowed.
 */
export function readChoice(design: unknown, data: unknown): ImportChoice {
  if (design !== undefined && design !== 'all' && design !== 'none') throw badRequest('"design" must be "all" or "none"');
  if (data !== undefined && data !== 'none' && data !== 'all' && !(Array.isArray(data) && data.every((a) => typeof a === 'string' && a.length > 0 && !/[\u0000-\u001f\u007f-\u009f]/.test(a)))) {
    throw badRequest('"data" must be "none", "all" or a list of the package\'s data apps (namespace.app)');
  }
  return { design: (design as ImportChoice['design'] | undefined) ?? IMPORT_EVERYTHING.design, data: (data as ImportChoice['data'] | undefined) ?? IMPORT_EVERYTHING.data };
}

/**
 * The choice with its data apps resolved against the package: full `namespace.app` names, a
 * bare app code accepted when one app of the package has it (as `isola build --data` does), no
 * duplicates; an empty list is `none`. An app the package has no data of is 400, naming the apps
 * it has.
 */
export function resolveChoice(view: PackageView, choice: ImportChoice): ImportChoice {
  if (!Array.isArray(choice.data)) return { ...choice };
  const available = view.descriptor.data.map((d) => d.app);
  const apps = choice.data.map((a) => {
    if (available.includes(a)) return a;
    const matches = available.filter((x) => x.endsWith(`.${a}`));
    if (matches.length === 1) return matches[0];
    const shown = JSON.stringify(a.length > 80 ? `${a.slice(0, 80)}...` : a);
    throw badRequest(matches.length
      ? `"data": ${shown} is ambiguous (${matches.join(', ')}); name one as namespace.app`
      : `"data": the package has no data of app ${shown}; ${available.length ? `its data apps: ${available.join(', ')}` : 'it holds no data'}${view.rename ? ' (name apps as in the package, before "as")' : ''}`);
  });
  const unique = [...new Set(apps)];
  return { design: choice.design, data: unique.length ? unique : 'none' };
}

/** Whether the import writes the data of `app` (named as in the package). */
function chosen(choice: ImportChoice, app: string): boolean {
  return choice.data === 'all' || (Array.isArray(choice.data) && choice.data.includes(app));
}

/**
 * The part of a package view that the choice imports: the cards (all or none; with none, no
 * script or template sources either), the chosen data apps, and the namespaces and scope of
 * exactly those writes. The package's own limits (what its kind and code allow, and which of its
 * cards break them) still come from the whole package: a choice narrows what is written, never
 * what the package is. `choice` must be resolved (resolveChoice). Nothing to import at all is 400.
 */
export function narrowView(view: PackageView, choice: ImportChoice): PackageView {
  if (choice.design === 'all' && choice.data === 'all') return view;
  const cards: Card[] = choice.design === 'all' ? view.cards : [];
  const dataApps = new Map([...view.dataApps].filter(([, original]) => chosen(choice, original)));
  if (!cards.length && !dataApps.size && (view.cards.length || view.dataApps.size)) {
    throw badRequest(`nothing to import: the choice (design ${choice.design}, data ${describeData(choice.data)}) leaves out everything the package holds`);
  }
  const code = view.rename?.to ?? view.descriptor.code;
  const whole = writeScope(view.descriptor.kind, code, view.cards, dataApps.keys());
  const written = writeScope(view.descriptor.kind, code, cards, dataApps.keys());
  const scope = { namespaces: written.namespaces, allowed: whole.allowed, outside: whole.outside };
  return {
    ...view,
    cards,
    attachments: choice.design === 'all' ? view.attachments : new Map(),
    dataApps,
    namespaces: scope.namespaces,
    scope,
    packageCards: view.packageCards ?? view.cards,
  };
}

/** What the package offers and what the (resolved) choice leaves out of it. */
export function describeChoice(view: PackageView, choice: ImportChoice): PlanChoice {
  const entities = (view.packageCards ?? view.cards).length;
  const apps = view.descriptor.data.map((d) => ({ app: d.app, records: d.records }));
  return {
    design: choice.design,
    data: choice.data,
    offered: { entities, apps },
    leftOut: { entities: choice.design === 'none' ? entities : 0, apps: apps.filter((a) => !chosen(choice, a.app)) },
  };
}

/**
 * The `data` check: records go into apps, so every app whose records are imported must be
 * imported with them or be in the environment already. Only a data-only import (or a package
 * with data of an app it does not carry) can fail it.
 */
export async function dataAppsCheck(db: Sql, view: PackageView): Promise<ImportCheck> {
  const apps = [...view.dataApps.keys()];
  const carried = new Set(view.cards.filter((c) => c.type === 'app').map((c) => c.id));
  const rest = apps.filter((a) => !carried.has(a));
  const env = await getEntities(db, rest);
  const missing = rest.filter((a) => env.get(a)?.type !== 'app');
  if (missing.length) {
    return checkSaying('data', false, 'plan.data.failed', { n: missing.length }, missing);
  }
  return checkSaying('data', true, apps.length ? (rest.length ? 'plan.data.inEnvironmentOrWith' : 'plan.data.with') : 'plan.data.none');
}

/**
 * The plan with its choice stated and the `data` check added. An import that writes no design
 * entity leaves the environment's design as it is, so the environment's entities are not listed
 * as `kept` (that row says "the package lacks it; an import never deletes", which means nothing
 * to a data-only import); the counts follow the rows.
 */
export function withChoice(plan: ImportPlan, choice: PlanChoice, writesDesign: boolean, data: ImportCheck): ImportPlan {
  const entities = writesDesign ? plan.entities : plan.entities.filter((e) => e.action !== 'kept');
  const dropped = plan.entities.length - entities.length;
  const checks = [...plan.checks, data];
  return { ...plan, checks, ok: plan.ok && data.ok, entities, counts: { ...plan.counts, kept: plan.counts.kept - dropped }, choice };
}

/** One log line saying what the choice left out, or undefined when it left out nothing. */
export function leftOutLine(c: PlanChoice): string | undefined {
  const parts: string[] = [];
  if (c.leftOut.entities) parts.push(`${c.leftOut.entities} design entit${c.leftOut.entities === 1 ? 'y' : 'ies'}`);
  for (const a of c.leftOut.apps) parts.push(`data of ${a.app} (${a.records} record${a.records === 1 ? '' : 's'})`);
  if (!parts.length) return undefined;
  return `left out by the choice (design ${c.design}, data ${describeData(c.data)}): ${parts.join('; ')}`;
}

/** `none`, `all`, or the apps separated by commas. */
export function describeData(data: ImportChoice['data']): string {
  return Array.isArray(data) ? data.join(', ') : data;
}
