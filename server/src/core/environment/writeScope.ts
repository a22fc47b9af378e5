import type { Card } from '../packaging/format';
import { isUnitCode } from '../packaging/cardCheck';

/**
 * The namespace an entity id or a data app id belongs to: its first segment (`invoices.invoice`
 * → `invoices`; a unit's id is its code). Rights, the package's scope and the namespace an entity
 * is stored under all come from this one function, so they cannot disagree.
 */
export function namespaceOfId(id: string): string {
  const dot = id.indexOf('.');
  return dot < 0 ? id : id.slice(0, dot);
}

/** What an import of a package would write, worked out from the ids it writes. */
export interface WriteScope {
  /** Namespaces the package is about: those of every card's id and every data app, a unit's own code, and a solution's members; sorted. */
  namespaces: string[];
  /** Namespaces the package's kind and code allow it to write; `any` for a configuration. */
  allowed: ReadonlySet<string> | 'any';
  /** Entries that would write outside `allowed`, one line each (empty when the package keeps to its scope). */
  outside: string[];
}

const MEMBER_KINDS = new Set(['workspace', 'module']);
const UNIT_TYPES = new Set(['workspace', 'module', 'solution', 'configuration']);

/**
 * Why a package of this kind and code may not carry a unit's card (a workspace, module, solution
 * or configuration) that lies inside its namespaces, or undefined when it may. A unit's card is
 * what its own export and its unit checks read (a configuration's gives the configuration
 * export its code, title, version and platform; a solution's its members), so a package carries
 * its own unit and, for a solution, its member workspaces and modules: a workspace package with
 * a `configuration` card of its own namespace would otherwise make the namespace's owner the
 * author of the administrator's configuration. A configuration card comes only with a
 * configuration package, which needs the administrator; that package carries any unit.
 */
function unitProblem(kind: string, code: string, c: Card, allowed: ReadonlySet<string>): string | undefined {
  if (c.type === 'configuration') return 'is the environment\'s configuration, which only a configuration package (the administrator\'s) writes';
  // Its own unit, of whatever type: an export of a solution's namespace is a workspace package with the solution's card.
  if (kind !== 'app' && c.id === code) return undefined;
  if (kind === 'solution' && MEMBER_KINDS.has(c.type) && allowed.has(c.id)) return undefined;
  if (kind === 'app') return 'is a unit\'s card, and an app package carries none';
  return `is a unit's card other than the ${kind}'s own${kind === 'solution' ? ' and its member workspaces\' and modules\'' : ''}`;
}

/**
 * The namespaces a package may write, from its kind and code alone (not from what its cards
 * claim): a workspace or module writes its own namespace; an app package the app's namespace; a
 * solution its own code (its groups) and the workspaces and modules its card lists as members;
 * a configuration anything, the org chart and global objects included. A member is taken only
 * when its code can be a workspace's or module's: a solution card listing `#orgchart`, `global` or
 * a built-in namespace (`_clients`) as a "workspace" gains no right to write there.
 */
export function allowedNamespaces(kind: string, code: string, cards: readonly Card[]): ReadonlySet<string> | 'any' {
  if (kind === 'configuration') return 'any';
  if (kind === 'workspace' || kind === 'module') return new Set([code]);
  if (kind === 'app') {
    const app = cards.find((c) => c.type === 'app' && c.code === code);
    return new Set(app ? [namespaceOfId(app.id)] : []);
  }
  if (kind === 'solution') {
    const unit = cards.find((c) => c.type === 'solution' && c.id === code);
    return new Set([code, ...solutionMembers(unit?.body)]);
  }
  return new Set();
}

/** The codes of the workspaces and modules a solution's body lists as members (see `allowedNamespaces`). */
export function solutionMembers(body: Record<string, unknown> | undefined): string[] {
  const members = Array.isArray(body?.members) ? (body.members as { kind?: unknown; code?: unknown }[]) : [];
  return members.filter((m) => MEMBER_KINDS.has(m?.kind as string) && isUnitCode(m.code)).map((m) => m.code as string);
}

/**
 * What importing these cards and data apps writes, and which of them a package of this kind and
 * code has no business writing (spec §3: the package's kind is its isolation level): entries
 * outside its namespaces, and unit cards inside them that are not its to carry (`unitProblem`).
 */
export function writeScope(kind: string, code: string, cards: readonly Card[], dataApps: Iterable<string>): WriteScope {
  const allowed = allowedNamespaces(kind, code, cards);
  const namespaces = new Set<string>();
  const outside: string[] = [];
  const where = kind === 'app' ? `app package \`${code}\`${allowed !== 'any' && allowed.size ? ` (namespace ${[...allowed].map((n) => `\`${n}\``).join('')})` : ' (which has no card for the app itself)'}` : `${kind} \`${code}\``;
  // What is written is spelled only for an entry outside: a package's 10,000 cards are inside.
  const take = (what: string, whatId: string, id: string, unit?: Card) => {
    const ns = namespaceOfId(id);
    namespaces.add(ns);
    if (allowed === 'any') return;
    if (!allowed.has(ns)) outside.push(`${what} ${whatId} writes into \`${ns}\`, outside ${where}`);
    else if (unit) {
      const problem = unitProblem(kind, code, unit, allowed);
      if (problem) outside.push(`${what} ${whatId} ${problem}: ${where} may not write it`);
    }
  };
  // A unit's own namespace is what its package is about, even with no card of it chosen (a
  // data-only import) or none at all: rights are then decided on it, not on an empty list. A
  // solution is about every member it names too: its card is what lets its references reach
  // them, so whoever brings it needs the rights on all of them, whatever its cards write.
  if (kind === 'workspace' || kind === 'module') namespaces.add(code);
  if (kind === 'solution' && allowed !== 'any') for (const ns of allowed) namespaces.add(ns);
  for (const c of cards) take(c.type, c.id, c.id, UNIT_TYPES.has(c.type) ? c : undefined);
  for (const app of dataApps) take('data of', app, app);
  return { namespaces: [...namespaces].sort(), allowed, outside };
}
