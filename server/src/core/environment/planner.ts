import { mayWrite } from './access';
import type { Catalog } from '../catalog/catalog';
import { FORMAT_VERSION, type Card, type History } from '../packaging/format';
import type { Sql } from './db/database';
import { reportOf } from './isolation';
import { contentDigest, isolationAgainst, languagesCheck, letterCaseCheck, markOlder, nestedAtTop, nestedInKept, repeatCheck } from './planChecks';
import { recordsCheck } from './recordLinks';
import { recordIdsCheck } from './recordIds';
import { keptOf, Merges, pagesPlaced, refineAction, type PagePlaces } from './merge';
import { mergedCaseLines } from './caseClashes';
import { bodySchemaProblems } from './bodySchema';
import { heldPlaces, orderCheck } from './siblingLinks';
import { keptSiblingMoves, type KeptMove } from './keptSiblings';
import type { PackageView } from './packageView';
import { earlierImport, getEntities, holdsEntities, getRevision, getSettings, historyOf, planRows, recordCounts } from './store';
import { newId } from './users';
import type { Caller, EnvEntity, ImportCheck, ImportPlan, Job, PlanAction, PlanEntity } from './types';
import type { MessageKey } from '../l10n';
import { checkSaying, said, type Said, type SaidArgs } from './said';
import { entriesOf } from '../packaging/history';

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

/** What decides one entity's action (spec §5 "Update"); `reason` is English, `said` the same sentence as a catalog entry. */
export function actionFor(env: EnvEntity | undefined, card: { hash: string; deleted: boolean }, history: { hash: string }[] | undefined): Decision {
  if (!env) return { action: 'create' };
  if (env.hash === card.hash) {
    if (env.deleted === card.deleted) return { action: 'unchanged' };
    if (card.deleted) {
      // Restored here before a restore dropped the body's `deleted: true`: the body still says
      // what the flag no longer does, the hash alone does not show the change.
      if (env.changedHere && env.body?.deleted === true) return decided('conflict', 'plan.reason.restoredHere', { by: env.updatedBy, at: env.updatedAt });
      return decided('update', 'plan.reason.markedDeleted');
    }
    // Deleted here but not in the package: an import that carried the deletion is undone by a
    // package that restores the entity; a deletion made in the environment itself is a change
    // the package does not know of (the deleted flag is not part of the hash).
    if (env.changedHere) return decided('conflict', 'plan.reason.deletedHere', { by: env.updatedBy, at: env.updatedAt });
    return decided('update', 'plan.reason.restored');
  }
  if (history?.some((h) => h.hash === env.hash)) {
    // A newer version of what someone deleted in the environment itself: the deletion is a change
    // the package does not know of, whatever the package changed (the flag is not in the hash).
    if (env.deleted && !card.deleted && env.changedHere) return decided('conflict', 'plan.reason.deletedHere', { by: env.updatedBy, at: env.updatedAt });
    return decided('update', 'plan.reason.inHistory');
  }
  // Deleted there by a user, whose body now says so (a new hash): told as the deletion it is.
  if (env.deleted && !card.deleted && env.changedHere) return decided('conflict', 'plan.reason.deletedHere', { by: env.updatedBy, at: env.updatedAt });
  return decided('conflict', 'plan.reason.changedHere', { by: env.updatedBy, at: env.updatedAt });
}

/**
 * `actionFor`, and for a conflict by hashes alone, what the environment's history of the entity
 * says of the hash it holds (`envHistory`): an entry may say which version that hash carries
 * (`of`): an export's hash carries the entity's version with what an update kept and the exporting
 * environment's own properties added (exportCards.ts), a copy's (`as`) the original version it was
 * made from (rename.ts). When the package's history holds that version, the package updates it,
 * keeping what was added, and says so. A deletion made in the environment stays a conflict, as in
 * `actionFor`; a change of the design there moves the hash to one no entry marks.
 */
export function actionOf(env: EnvEntity | undefined, card: Card, history: History, envHistory?: History): Decision {
  const own = entriesOf(history, card.id);
  const d = actionFor(env, card, own);
  if (d.action === 'update' && env && own && envHistory && wentBackHere(env, card, own, envHistory)) return decided('conflict', 'plan.reason.restoredHere', { by: env.updatedBy, at: env.updatedAt });
  if (d.action !== 'conflict' || !env || !envHistory || !own || (env.deleted && !card.deleted && env.changedHere)) return d;
  const theirs = entriesOf(envHistory, card.id) ?? [];
  let at = theirs.length - 1;
  while (at >= 0 && theirs[at].hash !== env.hash) at--;
  const of = at >= 0 ? theirs[at].of : undefined;
  if (of === undefined || !own.some((h) => h.hash === of)) return d;
  return decided('update', 'plan.reason.carried', { by: env.updatedBy, at: env.updatedAt });
}

/**
 * Whether an update that deletes the entity would undo a restore made in the environment: one
 * that dropped the body's `deleted: true` (environment.ts `changeEntity`) and so took the hash
 * back to a version the package's history holds before the deletion. Only the environment's
 * history shows it: the version before the current one comes later in the package's history.
 */
function wentBackHere(env: EnvEntity, card: Card, own: History[string], envHistory: History): boolean {
  if (!mayHaveBeenRestored(env, card)) return false;
  const theirs = entriesOf(envHistory, card.id) ?? [];
  if (theirs.length < 2 || theirs[theirs.length - 1].hash !== env.hash) return false;
  const before = theirs[theirs.length - 2].hash;
  const at = (h: string) => own.map((x) => x.hash).lastIndexOf(h);
  return at(before) > at(env.hash);
}

/**
 * Whether the plan or the import needs the environment's history to decide on this card: a
 * conflict by hashes alone (`actionOf`), or an update that deletes what a user here may have restored.
 */
export function needsEnvHistory(action: PlanAction, env: EnvEntity | undefined, card: Card): boolean {
  return action === 'conflict' || (action === 'update' && !!env && mayHaveBeenRestored(env, card));
}

const mayHaveBeenRestored = (env: EnvEntity, card: Card) => card.deleted && !env.deleted && !!env.changedHere;

/** An action and, when it needs one, why. */
export interface Decision {
  action: PlanAction;
  reason?: string;
  said?: Said;
}

function decided(action: PlanAction, key: MessageKey, args?: SaidArgs): Decision {
  const s = said(key, args);
  return { action, reason: s.text, said: s.said };
}

/** One card's row of the plan: what importing it does, and why. */
function planEntity(c: Card, env: EnvEntity | undefined, history: History, placed: PagePlaces, envHistory?: History): PlanEntity {
  // One merge for both the action and what is kept.
  const merges = new Merges(placed);
  // The package's history of the card matters only when the environment has it.
  const { action, reason, said: why } = env ? refineAction(actionOf(env, c, history, envHistory), env, c, merges) : CREATE;
  // Assigned key by key, in the order the rows have always had: spreads of optional parts cost
  // more than the rest of a row.
  const e: PlanEntity = { id: c.id, type: c.type, namespace: c.namespace } as PlanEntity;
  if (typeof c.body.title === 'string' && c.body.title) e.title = c.body.title;
  e.action = action;
  if (env) e.envHash = env.hash;
  e.packageHash = c.hash;
  e.deleted = c.deleted;
  if (reason) {
    e.reason = reason;
    if (why) e.said = why;
  }
  if (env) {
    const kept = keptOf(c, env, merges);
    if (kept.length) e.kept = kept;
    const { moved, moves } = merges.of(c, env);
    if (moved) e.moved = moved;
    if (moves) e.moves = moves;
  }
  return e;
}

const CREATE: Decision = Object.freeze({ action: 'create' });

/** The reason of every `kept` row, said once. */
const NOT_IN_PACKAGE = (() => {
  const s = said('plan.reason.notInPackage');
  return { reason: s.text, said: s.said };
})();

/** The reason a plan gives for a kept sibling the import re-links. */
function keptMoveSaying(m: KeptMove): { reason: string; said: Said } {
  const s = m.after === undefined ? said('plan.reason.keptMovedFirst') : said('plan.reason.keptMoved', { after: m.after });
  return { reason: s.text, said: s.said };
}

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
  /** Stops the plan between steps and between batches of records (Ctrl+C, a client gone). */
  signal?: AbortSignal;
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
  checks.push(checkSaying('format', true, 'plan.format', { version: d.formatVersion, max: FORMAT_VERSION }));

  const platformOk = !d.platform || compareVersions(d.platform, settings.platform) <= 0;
  checks.push(d.platform
    ? checkSaying('platform', platformOk, platformOk ? 'plan.platform.ok' : 'plan.platform.newer', { need: d.platform, has: settings.platform })
    : checkSaying('platform', true, 'plan.platform.none'));

  checks.push(languagesCheck(d.languages ?? [], settings.languages));

  // The environment's rows of the package's cards (none, on a first import): they answer most of
  // what the isolation check asks, and say what each card's import would do.
  const held = await holdsEntities(ctx.db);
  const read = held ? await planRows(ctx.db, view.cards.map((c) => c.id), view.namespaces) : { rows: new Map<string, EnvEntity>(), others: [] };
  const envRows = read.rows;
  const known = new Map<string, string>();
  for (const [id, e] of envRows) known.set(id, e.type);
  // Only namespaces the caller may read are looked up, as for the records check.
  const iso = reportOf(await isolationAgainst(ctx.db, { kind: d.kind, code: view.rename?.to ?? d.code, cards: view.cards, writes: view.scope, attachments: view.attachments }, ctx.catalog, known, (ns) => mayWrite(ctx.caller, [ns])));
  checks.push(iso.isolation.length
    ? checkSaying('isolation', false, 'plan.isolation.failed', { n: iso.isolation.length }, iso.isolation)
    : checkSaying('isolation', true, 'plan.isolation.ok'));
  checks.push(iso.references.length
    ? checkSaying('references', false, 'plan.references.failed', { n: iso.references.length }, [...iso.references, ...(iso.unread ?? [])])
    : iso.unread
      ? checkSaying('references', true, 'plan.references.unread', { n: iso.unread.length }, iso.unread)
      : checkSaying('references', true, 'plan.references.ok'));

  // An id names one entity whatever its type: a card of another type would turn the environment's
  // entity into something else (an app into a setting, its records left without their app).
  const retyped = view.cards.filter((c) => { const e = envRows.get(c.id); return e !== undefined && e.type !== c.type; });
  // A menu page stands in one place: not left at the top level, nor in a page the package lacks.
  const placed = pagesPlaced(view.cards);
  const pagesAtTop = nestedAtTop(view.cards, read.others);
  const keptPages = placed.size ? read.others.filter((o) => o.type === 'page').map((o) => o.id) : [];
  const pagesInKept = keptPages.length ? nestedInKept(placed, [...(await getEntities(ctx.db, keptPages)).values()]) : [];
  checks.push(retyped.length
    ? checkSaying('types', false, 'plan.types.failed', { n: retyped.length }, [...retyped.map((c) => `${c.id}: ${c.type} in the package, ${envRows.get(c.id)!.type} in the environment`), ...pagesAtTop, ...pagesInKept])
    : pagesAtTop.length
      ? checkSaying('types', false, 'plan.types.pages', { n: pagesAtTop.length }, [...pagesAtTop, ...pagesInKept])
      : pagesInKept.length
        ? checkSaying('types', false, 'plan.types.pagesKept', { n: pagesInKept.length }, pagesInKept)
        : checkSaying('types', true, 'plan.types.ok'));
  // A card the schema refuses is one a retrieve would turn into a manifest that fails MAN002. One
  // whose body the environment holds already (the same hash) writes nothing new: not judged again
  // (a tenth of a second of a 10,000-card plan on a busy machine).
  const unlike = view.cards.flatMap((c) => (c.deleted || envRows.get(c.id)?.hash === c.hash ? [] : bodySchemaProblems(c.type, c.namespace, c.body).map((p) => `${c.id}: ${p}`)));
  checks.push(unlike.length
    ? checkSaying('schema', false, 'plan.schema.failed', { n: unlike.length }, unlike)
    : checkSaying('schema', true, 'plan.schema.ok'));
  // A page's or unit's link to its sibling is the order a retrieve gives back: it must name one.
  // Where the environment's pages and units stand, read once for the check and the kept moves.
  const places = held ? await heldPlaces(ctx.db, view.cards) : new Map();
  checks.push(orderCheck(view.cards, envRows, places));
  // Kept pages and units whose place the package takes follow its siblings instead (keptSiblings.ts).
  const keptMoves = new Map(keptSiblingMoves(places, view.cards).map((m) => [m.id, m]));
  checks.push(letterCaseCheck(view.cards, read.others, mergedCaseLines(view.cards, envRows)));

  const clash = ctx.running.filter((j) => j.kind === 'import' && j.namespaces.some((n) => view.namespaces.includes(n)));
  checks.push(clash.length
    ? checkSaying('running', false, 'plan.running.failed', { id: clash[0].id, namespaces: clash[0].namespaces.join(', '), status: clash[0].status })
    : checkSaying('running', true, 'plan.running.ok'));

  // Said once the entities are known: whether the package is older than what the environment has.
  const repeatAt = checks.length;

  let entities: PlanEntity[] = view.cards.map((c) => planEntity(c, envRows.get(c.id), view.history, placed));
  // A conflict by hashes alone may be a version the environment's history knows, an update may
  // undo a restore made here (actionOf).
  const conflicted = new Set(entities.filter((e, i) => needsEnvHistory(e.action, envRows.get(e.id), view.cards[i])).map((e) => e.id));
  const envHistory = await historyOf(ctx.db, [...conflicted]);
  if (conflicted.size) entities = view.cards.map((c, i) => (conflicted.has(c.id) ? planEntity(c, envRows.get(c.id), view.history, placed, envHistory) : entities[i]));
  markOlder(entities, envRows, envHistory);
  const content = contentDigest(view);
  const earlier = await earlierImport(ctx.db, { sha256: ctx.sha256, content, as: view.rename?.to ?? null });
  checks.splice(repeatAt, 0, repeatCheck({ earlier, entities }));
  ctx.signal?.throwIfAborted();
  checks.push(await recordsCheck(view, ctx.db, ctx.catalog, (ns) => mayWrite(ctx.caller, [ns]), ctx.signal));
  checks.push(await recordIdsCheck(view, ctx.signal));
  const appId = d.kind === 'app' ? view.cards.find((c) => c.type === 'app')?.id : undefined;
  // An environment that held no entity when the plan began has none to keep.
  for (const e of read.others) {
    if (appId && e.app !== appId && e.id !== appId) continue;
    const move = keptMoves.get(e.id);
    const why = move ? keptMoveSaying(move) : NOT_IN_PACKAGE;
    entities.push({ id: e.id, type: e.type, namespace: e.namespace, ...(e.title !== undefined ? { title: e.title } : {}), action: 'kept', envHash: e.hash, deleted: e.deleted, ...why });
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
