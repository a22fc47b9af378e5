import type { Catalog } from '../catalog/catalog';
import { FORMAT_VERSION, type Card, type History } from '../packaging/format';
import type { Sql } from './db/database';
import { reportOf } from './isolation';
import { contentDigest, isolationAgainst, languagesCheck, markOlder, repeatCheck } from './planChecks';
import { recordsCheck } from './recordLinks';
import { keptOf, Merges, refineAction } from './merge';
import type { PackageView } from './packageView';
import { earlierImport, getEntities, holdsEntities, getRevision, getSettings, historyOf, listedIn, recordCounts } from './store';
import { newId } from './users';
import type { Caller, EnvEntity, ImportCheck, ImportPlan, Job, PlanAction, PlanEntity } from './types';

/** Compares dotted versions numerically (`2024.10` > `2024.4`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** What decides one entity's action (spec §5 "Update"). */
export function actionFor(env: EnvEntity | undefined, card: { hash: string; deleted: boolean }, history: { hash: string }[] | undefined): { action: PlanAction; reason?: string } {
  if (!env) return { action: 'create' };
  if (env.hash === card.hash) {
    if (env.deleted === card.deleted) return { action: 'unchanged' };
    if (card.deleted) return { action: 'update', reason: 'marked deleted in the package' };
    // Deleted here but not in the package: an import that carried the deletion is undone by a
    // package that restores the entity; a deletion made in the environment itself is a change
    // the package does not know of (the deleted flag is not part of the hash).
    if (env.changedHere) return { action: 'conflict', reason: `deleted in the environment (by ${env.updatedBy} at ${env.updatedAt}); the package has it`, };
    return { action: 'update', reason: 'restored from the recycle bin by the package' };
  }
  if (history?.some((h) => h.hash === env.hash)) return { action: 'update', reason: 'the environment has an earlier version from the package\'s history' };
  return { action: 'conflict', reason: `changed in the environment (last by ${env.updatedBy} at ${env.updatedAt}); its version is not in the package's history` };
}

/** One card's row of the plan: what importing it does, and why. */
function planEntity(c: Card, env: EnvEntity | undefined, history: History): PlanEntity {
  // One merge for both the action and what is kept.
  const merges = new Merges();
  // The package's history of the card matters only when the environment has it.
  const { action, reason } = env ? refineAction(actionFor(env, c, history[c.id]), env, c, merges) : CREATE;
  // Assigned key by key, in the order the rows have always had: spreads of optional parts cost
  // more than the rest of a row.
  const e: PlanEntity = { id: c.id, type: c.type, namespace: c.namespace } as PlanEntity;
  if (typeof c.body.title === 'string' && c.body.title) e.title = c.body.title;
  e.action = action;
  if (env) e.envHash = env.hash;
  e.packageHash = c.hash;
  e.deleted = c.deleted;
  if (reason) e.reason = reason;
  if (env) {
    const kept = keptOf(c, env, merges);
    if (kept.length) e.kept = kept;
  }
  return e;
}

const CREATE: { action: PlanAction; reason?: string } = Object.freeze({ action: 'create' });

/** Inputs a plan needs besides the package. */
export interface PlanContext {
  db: Sql;
  catalog: Catalog;
  caller: Caller;
  packageId: string;
  sha256: string;
  /** Import jobs not finished yet. */
  running: Job[];
  now: string;
}

/**
 * Checks a package against the environment and says, per entity, what an import would do. Reads
 * only: nothing changes until the caller confirms the plan.
 */
export async function makePlan(view: PackageView, ctx: PlanContext): Promise<ImportPlan> {
  const d = view.descriptor;
  const settings = await getSettings(ctx.db);
  const revision = await getRevision(ctx.db);
  const checks: ImportCheck[] = [];
  checks.push({ name: 'format', ok: true, message: `format version ${d.formatVersion} (this environment reads up to ${FORMAT_VERSION})` });

  const platformOk = !d.platform || compareVersions(d.platform, settings.platform) <= 0;
  checks.push({ name: 'platform', ok: platformOk, message: d.platform
    ? platformOk ? `needs platform ${d.platform}; the environment runs ${settings.platform}` : `needs platform ${d.platform}, newer than the environment's ${settings.platform}: update the environment first`
    : 'the package names no minimum platform version' });

  checks.push(languagesCheck(d.languages ?? [], settings.languages));

  // The environment's rows of the package's cards (none, on a first import): they answer most of
  // what the isolation check asks, and say what each card's import would do.
  const held = await holdsEntities(ctx.db);
  const envRows = held ? await getEntities(ctx.db, view.cards.map((c) => c.id)) : new Map<string, EnvEntity>();
  const known = new Map<string, string>();
  for (const [id, e] of envRows) known.set(id, e.type);
  const iso = reportOf(await isolationAgainst(ctx.db, { kind: d.kind, code: view.rename?.to ?? d.code, cards: view.cards, writes: view.scope, attachments: view.attachments }, ctx.catalog, known));
  checks.push({ name: 'isolation', ok: !iso.isolation.length, message: iso.isolation.length ? `${iso.isolation.length} isolation error(s): the package is not isolated` : 'the package is isolated', ...(iso.isolation.length ? { details: iso.isolation } : {}) });
  checks.push({ name: 'references', ok: !iso.references.length, message: iso.references.length ? `${iso.references.length} reference(s) resolve neither in the package nor in the environment` : 'every reference resolves in the package, the environment or the built-in catalog', ...(iso.references.length ? { details: iso.references } : {}) });

  const clash = ctx.running.filter((j) => j.kind === 'import' && j.namespaces.some((n) => view.namespaces.includes(n)));
  checks.push({ name: 'running', ok: !clash.length, message: clash.length
    ? `import ${clash[0].id} into ${clash[0].namespaces.join(', ')} is ${clash[0].status}; wait for it to finish`
    : 'no other import into these namespaces is running' });

  // Said once the entities are known: whether the package is older than what the environment has.
  const repeatAt = checks.length;

  const entities: PlanEntity[] = view.cards.map((c) => planEntity(c, envRows.get(c.id), view.history));
  markOlder(entities, envRows, await historyOf(ctx.db, entities.filter((e) => e.action === 'conflict').map((e) => e.id)));
  const content = contentDigest(view);
  const earlier = await earlierImport(ctx.db, { sha256: ctx.sha256, content, as: view.rename?.to ?? null });
  checks.splice(repeatAt, 0, repeatCheck({ earlier, entities }));
  checks.push(await recordsCheck(view, ctx.db, ctx.catalog));
  const appId = d.kind === 'app' ? view.cards.find((c) => c.type === 'app')?.id : undefined;
  // An environment that held no entity when the plan began has none to keep.
  for (const e of held ? await listedIn(ctx.db, view.namespaces, view.cards.map((c) => c.id)) : []) {
    if (appId && e.app !== appId && e.id !== appId) continue;
    entities.push({ id: e.id, type: e.type, namespace: e.namespace, ...(e.title !== undefined ? { title: e.title } : {}), action: 'kept', envHash: e.hash, deleted: e.deleted, reason: 'in the environment but not in the package; an import never deletes' });
  }
  const counts: Record<PlanAction, number> = { create: 0, update: 0, unchanged: 0, conflict: 0, kept: 0 };
  for (const e of entities) counts[e.action]++;

  const apps = [...view.dataApps.keys()];
  const have = await recordCounts(ctx.db, apps);
  const data = apps.map((app) => ({ app, records: d.data.find((x) => x.app === view.dataApps.get(app))?.records ?? 0, existing: have.get(app) ?? 0 }));

  return {
    id: newId('p'),
    package: { id: ctx.packageId, kind: d.kind, code: d.code, ...(d.title ? { title: d.title } : {}), ...(d.version ? { version: d.version } : {}), sha256: ctx.sha256, ...(view.rename ? { importedAs: view.rename.to } : {}), contentSha256: content },
    namespaces: view.namespaces,
    checks,
    ok: checks.every((c) => c.ok),
    entities,
    data,
    counts,
    revision,
    createdAt: ctx.now,
    createdBy: ctx.caller.name,
  };
}
