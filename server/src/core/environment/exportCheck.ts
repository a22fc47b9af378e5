import type { Catalog } from '../catalog/catalog';
import { nestedPageCodes, type Card } from '../packaging/format';
import type { CardRef } from './cardRefs';
import type { Sql } from './db/database';
import { EnvError } from './errors';
import type { ExportScope } from './exporter';
import { isolationAgainst, typesOf } from './planChecks';
import { ownFilePaths } from './exportCards';
import { bodySchemaProblems } from './bodySchema';

/** A solution of the environment: its code and the namespaces it includes. */
interface EnvSolution {
  code: string;
  members: string[];
}

/**
 * Isolation findings of what an export is about to write, one line each with its rule code, as
 * `isola build` would give them for the same content (spec §4: a package is not produced while
 * its isolation errors stand): the card-level rules ISO001 to ISO004, and a reference that resolves
 * nowhere in the environment as ISO006. An ISO004 says the way out the way ISO004 and ISO009 do in
 * the editor: the solution that includes both namespaces, or the one to create.
 */
export async function exportFindings(db: Sql, scope: ExportScope, catalog: Catalog, mayRead: (namespace: string) => boolean = () => true): Promise<string[]> {
  // Each path names one content, as in the package (`ownFilePaths`): a script is found by its path.
  const cards: Card[] = ownFilePaths(scope.entities.map((e) => ({ id: e.id, type: e.type, namespace: e.namespace, code: e.code, deleted: e.deleted, hash: e.hash, body: e.body })));
  // The scope's own entities are known; others are read only when a reference asks about them.
  const types = new Map<string, string>(cards.map((c) => [c.id, c.type]));
  // Only namespaces the caller may read are looked up, as in a plan: an ISO006 for a reference
  // into another owner's namespace, against an ISO004 for one that resolves, would tell which of
  // their entities exist. Such a reference stays an ISO004 (it leaves the scope either way).
  const found = await isolationAgainst(db, { kind: scope.kind, code: scope.code, cards, attachments: await scriptSources(db, cards) }, catalog, types, mayRead);
  // What defines each namespace an ISO004 names (a workspace, module or solution), for its way out.
  const named = new Set([...scope.namespaces, ...found.filter((f) => f.code === 'ISO004' && f.ref).map((f) => f.ref!.namespace)].filter((ns) => !types.has(ns) && mayRead(ns)));
  for (const [id, type] of await typesOf(db, named)) types.set(id, type);
  // A reference into nothing is reported once, as ISO006, like the build's check does.
  const nowhere = new Set(found.filter((f) => f.code === 'unresolved' && f.ref).map((f) => f.ref!));
  const solutions = (await solutionsOf(db)).filter((s) => mayRead(s.code));
  // A body the schema refuses (stored before PUT and imports checked bodies) would come back as a
  // manifest that `isola check` refuses: MAN002, as the build says it, with the way to mend it.
  const lines: string[] = cards.flatMap((c) => (c.deleted ? [] : bodySchemaProblems(c.type, c.namespace, c.body)
    .map((p) => `MAN002 ${c.id}: ${p} (change it with PUT /v1/entities/${c.id})`)));
  lines.push(...samePageTwice(cards));
  for (const f of found) {
    if (f.code === 'unread') continue;
    if (f.code === 'unresolved') lines.push(`ISO006 ${f.line}`);
    else if (f.code === 'ISO004' && f.ref) {
      if (!nowhere.has(f.ref)) lines.push(outsideLine(f.ref, scope, solutions, types));
    } else lines.push(f.line);
  }
  return lines;
}

/**
 * Refuses an export whose scope is not isolated (the issue's "export checks isolation"): logs each
 * finding and throws, so the job fails with the findings in its error, its log and
 * `result.details`. There is no way to force it: the package would fail wherever it is imported.
 */
export async function refuseUnlessIsolated(db: Sql, scope: ExportScope, catalog: Catalog, log: (line: string) => void, mayRead?: (namespace: string) => boolean): Promise<void> {
  const lines = await exportFindings(db, scope, catalog, mayRead);
  if (!lines.length) return;
  for (const l of lines) log(l);
  const ways = [...new Set(lines.map((l) => /export (solution `[^`]+`) instead/.exec(l)?.[1]).filter(Boolean))];
  throw new EnvError(422,
    `${scope.kind} \`${scope.code}\` is not isolated: ${lines.length} finding(s), which \`isola build\` would refuse too; nothing was exported${ways.length === 1 ? ` (export ${ways[0]} instead)` : ''}: ${lines.join('; ')}`,
    'not-isolated', lines);
}

/**
 * MAN001 lines for a menu page the environment holds twice: nested in a page and also a page of
 * its own, or nested in two places (an environment written before an update left a moved page
 * out of its old section). The project an export gives back would fail MAN001 and not build.
 */
export function samePageTwice(cards: readonly Pick<Card, 'id' | 'type' | 'namespace' | 'body'>[]): string[] {
  const top = new Set(cards.filter((c) => c.type === 'page').map((c) => c.id));
  const first = new Map<string, string>();
  const lines: string[] = [];
  for (const c of cards) {
    if (c.type !== 'page') continue;
    for (const code of nestedPageCodes(c.body)) {
      const id = `${c.namespace}.${code}`;
      const way = `remove it from page ${c.id} (PUT /v1/entities/${c.id} with a body without it)`;
      if (top.has(id)) lines.push(`MAN001 ${c.id}: nested page \`${code}\` is also the top-level page ${id}; a page has one place: ${way}`);
      else if (first.has(id)) lines.push(`MAN001 ${c.id}: nested page \`${code}\` is also nested in page ${first.get(id)!}; a page has one place: ${way}`);
      else first.set(id, c.id);
    }
  }
  return lines;
}

/** Script sources the cards name by file, for the `Global.` scan of ISO001. */
async function scriptSources(db: Sql, cards: Card[]): Promise<Map<string, Buffer>> {
  const wanted = new Map<string, string>();
  for (const c of cards) {
    if (!Array.isArray(c.body.scripts)) continue;
    for (const s of c.body.scripts as { file?: { file?: unknown; sha256?: unknown } }[]) {
      if (typeof s?.file?.file === 'string' && typeof s.file.sha256 === 'string') wanted.set(s.file.file, s.file.sha256);
    }
  }
  const out = new Map<string, Buffer>();
  if (!wanted.size) return out;
  const rows = await db.query<{ sha256: string; content: Uint8Array }>(`SELECT sha256, content FROM files WHERE sha256 = ANY($1::text[])`, [[...new Set(wanted.values())]]);
  const bySha = new Map(rows.map((r) => [r.sha256, Buffer.from(r.content)]));
  for (const [file, sha] of wanted) if (bySha.has(sha)) out.set(file, bySha.get(sha)!);
  return out;
}

async function solutionsOf(db: Sql): Promise<EnvSolution[]> {
  const rows = await db.query<{ code: string; body: { members?: unknown } }>(`SELECT code, body FROM entities WHERE type = 'solution' ORDER BY code`);
  return rows.map((r) => ({
    code: r.code,
    members: Array.isArray(r.body?.members) ? (r.body.members as { code?: unknown }[]).map((m) => m?.code).filter((c): c is string => typeof c === 'string') : [],
  }));
}

/** "workspace `hr`", "module `tax`", "solution `payments`" or "namespace `x`", from what defines the namespace here. */
function label(ns: string, types: ReadonlyMap<string, string>): string {
  const t = types.get(ns);
  return `${t === 'workspace' || t === 'module' || t === 'solution' ? t : 'namespace'} \`${ns}\``;
}

/** The ISO004 line of a reference outside the exported scope, with its way out. */
function outsideLine(r: CardRef, scope: ExportScope, solutions: EnvSolution[], types: ReadonlyMap<string, string>): string {
  const own = `${scope.kind} \`${scope.code}\``;
  const target = label(r.namespace, types);
  return `ISO004 ${r.card.id}: ${r.kind} \`${r.text}\` belongs to ${target}, outside ${own}: ${wayOut(r.namespace, scope, solutions, types)}`;
}

function wayOut(ns: string, scope: ExportScope, solutions: EnvSolution[], types: ReadonlyMap<string, string>): string {
  const own = `${scope.kind} \`${scope.code}\``;
  const target = label(ns, types);
  if (scope.kind === 'solution') return `add ${target} to solution \`${scope.code}\``;
  if (scope.kind === 'app') {
    const home = scope.namespaces[0];
    return ns === home
      ? `an app package carries only app \`${scope.code}\`; export ${label(home, types)} instead, which carries both`
      : `an app package carries only app \`${scope.code}\`; export a solution that includes \`${home}\` and \`${ns}\``;
  }
  const declaring = solutions.find((s) => s.code === ns && s.members.includes(scope.code));
  if (declaring) return `solution \`${ns}\` declares it and includes ${own}, so ${own} alone cannot be exported; export solution \`${ns}\` instead`;
  const both = solutions.find((s) => s.members.includes(scope.code) && s.members.includes(ns));
  if (both) return `it resolves only because solution \`${both.code}\` includes both ${own} and ${target} (ISO009): ${own} alone cannot be exported; export solution \`${both.code}\` instead`;
  const holder = solutions.find((s) => s.members.includes(ns) || s.code === ns);
  if (holder) return `add ${own} to solution \`${holder.code}\`, which already includes ${target}, and export the solution`;
  return `create a solution that includes both ${own} and ${target}, and export it`;
}
