import type { Catalog } from '../catalog/catalog';
import { ORG_NAMESPACE, GLOBAL_NAMESPACE, RefKind } from '../manifest/types';
import { findGlobalUses } from '../manifest/scriptScan';
import { en } from '../l10n/en';
import { nestedPageCodes, type Card } from '../packaging/format';
import { cardRef, forEachCardReference, type CardRef } from './cardRefs';
import { writeScope, type WriteScope } from './writeScope';

/** A package as an import sees it, after any rename. */
export interface PackageScope {
  kind: string;
  code: string;
  cards: readonly Card[];
  /** What the package writes, and which of it falls outside its kind and code (worked out from the cards when absent). */
  writes?: WriteScope;
  /** Script and template sources by their path in the package. */
  attachments: Map<string, Buffer>;
}

/** Isolation findings and unresolvable references of a package, each one line with its rule code. */
export interface IsolationReport {
  isolation: string[];
  references: string[];
  /** References into namespaces the caller may not read, which were not looked up (absent: none). */
  unread?: string[];
}

/**
 * Whether the target holds an entity: by id, and (when `kind` is given) of the type a reference
 * of that kind names, so that `app: "ns.approvers"` does not resolve to a group.
 */
export type InEnvironment = (id: string, kind?: RefKind) => boolean;

/** One finding of the receiving side's check, with the reference behind it when there is one. */
export interface IsolationFinding {
  /**
   * `ISO001` to `ISO004` break isolation; `unresolved` is a reference that resolves nowhere in the
   * target; `unread`, one into a namespace the caller may not read, not looked up.
   */
  code: 'ISO001' | 'ISO002' | 'ISO003' | 'ISO004' | 'unresolved' | 'unread';
  line: string;
  ref?: CardRef;
  /** A reference outside the package's scope (its ISO004 is a finding of its own). */
  outside?: boolean;
}

/**
 * Checks a package's cards again on the receiving side (spec §5: never trust the client): the
 * isolation rules that can be decided from cards alone (ISO001 to ISO004), and whether every
 * reference resolves in the target, counting the package's own cards, the built-in catalog and
 * what the environment already holds.
 */
export function checkPackageIsolation(scope: PackageScope, catalog: Catalog, inEnvironment: InEnvironment): IsolationReport {
  return reportOf(isolationFindings(scope, catalog, inEnvironment));
}

/** Findings as the plan's two checks list them: isolation, and references that resolve nowhere. */
export function reportOf(found: IsolationFinding[]): IsolationReport {
  const unread = found.filter((f) => f.code === 'unread').map((f) => f.line);
  return {
    isolation: found.filter((f) => f.code !== 'unresolved' && f.code !== 'unread').map((f) => f.line),
    references: found.filter((f) => f.code === 'unresolved').map((f) => f.line),
    ...(unread.length ? { unread } : {}),
  };
}

/**
 * The findings behind `checkPackageIsolation`, each with its reference, for callers that explain
 * the way out (an export names the solution that would make a workspace whole). A reference
 * outside the package's scope is an ISO004 and, when the target lacks what it names, also
 * `unresolved`: a plan must not say every reference resolves while some point into nothing.
 */
export function isolationFindings(scope: PackageScope, catalog: Catalog, inEnvironment: InEnvironment): IsolationFinding[] {
  // Entries outside the package's own namespaces come first: nothing else matters until they go.
  const writes = scope.writes ?? writeScope(scope.kind, scope.code, scope.cards, []);
  const out: IsolationFinding[] = writes.outside.map((line) => ({ code: 'ISO004', line: `ISO004 ${line}` }));
  const config = scope.kind === 'configuration';
  const types = new Map<string, string>();
  for (const c of scope.cards) types.set(c.id, c.type);
  // Nested menu pages are pages one can link to, carried inside their top page's card: the
  // package holds them as surely as its cards (a card of that id, if any, keeps its own type).
  for (const c of scope.cards) {
    if (c.type !== 'page') continue;
    for (const code of nestedPageCodes(c.body)) if (!types.has(`${c.namespace}.${code}`)) types.set(`${c.namespace}.${code}`, 'page');
  }
  const j: Judging = {
    scope, catalog, inEnvironment, out, config, types,
    // In scope is what the package's kind and code define, never what its cards claim.
    allowed: writes.allowed,
    appId: scope.kind === 'app' ? scope.cards.find((c) => c.type === 'app' && c.code === scope.code)?.id : undefined,
    fine: new Map(), fineNs: undefined, fineHere: new Map(),
  };
  for (const card of scope.cards) {
    if (!config && Array.isArray(card.body.scripts)) scriptFindings(card, card.body.scripts as unknown[], scope.attachments, out);
    forEachCardReference(card, visitRef, j);
  }
  return out;
}

/** What judging a package's references needs, and the references found fine so far. */
interface Judging {
  scope: PackageScope;
  catalog: Catalog;
  inEnvironment: InEnvironment;
  out: IsolationFinding[];
  config: boolean;
  /** The package's cards' types by id, and its nested menu pages as pages. */
  types: Map<string, string>;
  allowed: ReadonlySet<string> | 'any';
  appId: string | undefined;
  unitCodes?: Set<string>;
  /** By namespace, then text: the kind of a reference with that text that had no finding. */
  fine: Map<string, Map<string, RefKind>>;
  fineNs: string | undefined;
  fineHere: Map<string, RefKind>;
}

/**
 * ISO001 of a card's scripts: the Global flag, or a use of the `Global` object in a script's
 * source or file, found as the check of the manifests finds it (`findGlobalUses`). Both the
 * source and the file are read: a card that holds both (which the schema refuses) hides nothing.
 */
function scriptFindings(card: Card, scripts: unknown[], attachments: Map<string, Buffer>, out: IsolationFinding[]): void {
  for (const x of scripts) {
    if (typeof x !== 'object' || x === null) continue;
    const s = x as Record<string, unknown>;
    const name = typeof s.code === 'string' ? `${card.id}.${s.code}` : card.id;
    if (s.global === true) out.push({ code: 'ISO001', line: `ISO001 script \`${name}\` has the Global flag` });
    const file = typeof s.file === 'object' && s.file !== null ? (s.file as { file?: unknown }).file : undefined;
    const sources = [typeof s.source === 'string' ? s.source : undefined, typeof file === 'string' ? attachments.get(file)?.toString('utf8') : undefined];
    const uses = sources.flatMap((src) => (src ? findGlobalUses(src).map((u) => ({ ...u, src })) : []));
    const direct = uses.find((u) => !u.indirect);
    if (direct) out.push({ code: 'ISO001', line: `ISO001 script \`${name}\` uses \`Global.\`` });
    else if (uses.length) {
      const what = uses[0].src.slice(uses[0].index, uses[0].index + uses[0].length);
      // What it goes through, in the check's own words (ISO001 in a manifest says the same).
      const how = uses[0].via ? ` (${en[`iso001.via.${uses[0].via}`]})` : '';
      out.push({ code: 'ISO001', line: `ISO001 script \`${name}\` uses \`${what}\`${how}, which can reach the \`Global\` object without naming it: do without it` });
    }
  }
}

/**
 * A reference's findings depend only on its kind, its text and (for a bare code) the card's
 * namespace: one that had none is not judged again (a package names its apps and groups from
 * many cards), and a reference object is made only for a finding.
 */
function visitRef(j: Judging, card: Card, kind: RefKind, text: string, holder: CardRef['holder'], key: string | number): void {
  if (card.namespace !== j.fineNs) {
    j.fineNs = card.namespace;
    let here = j.fine.get(card.namespace);
    if (!here) j.fine.set(card.namespace, (here = new Map()));
    j.fineHere = here;
  }
  if (j.fineHere.get(text) === kind) return;
  const before = j.out.length;
  judge(j, card, kind, text, holder, key);
  if (j.out.length === before && !j.fineHere.has(text)) j.fineHere.set(text, kind);
}

function judge(j: Judging, card: Card, kind: RefKind, text: string, holder: CardRef['holder'], key: string | number): void {
  const { out, config, types } = j;
  if (kind === 'orgUnit') {
    if (!config) out.push({ code: 'ISO002', line: `ISO002 ${card.id}: ${kind} \`${text}\` is a unit of the org chart, which only a configuration carries`, ref: cardRef(card, kind, text, holder, key) });
    else if (!types.has(`${ORG_NAMESPACE}.${text}`) && !(j.unitCodes ??= orgUnitCodes(j.scope.cards)).has(text) && !j.inEnvironment(`${ORG_NAMESPACE}.${text}`)) {
      out.push({ code: 'unresolved', line: `${card.id}: ${kind} \`${text}\` names no unit of the org chart in the package or the environment`, ref: cardRef(card, kind, text, holder, key) });
    }
    return;
  }
  const dot = text.indexOf('.');
  const namespace = dot < 0 ? card.namespace : text.slice(0, dot);
  if (dot >= 0 && namespace === GLOBAL_NAMESPACE && !config) {
    out.push({ code: 'ISO003', line: `ISO003 ${card.id}: ${kind} \`${text}\` is a global object, which only a configuration carries`, ref: cardRef(card, kind, text, holder, key) });
    return;
  }
  if (j.catalog.namespaces.has(namespace)) {
    const code = dot < 0 ? text : text.slice(dot + 1);
    if (!j.catalog.lookup(kind, namespace, code)) out.push({ code: 'unresolved', line: `${card.id}: ${kind} \`${text}\`: built-in namespace \`${namespace}\` has no ${kind} \`${code}\` in this environment`, ref: cardRef(card, kind, text, holder, key) });
    return;
  }
  // `namespace.code`: the text itself when qualified.
  const id = dot < 0 ? `${namespace}.${text}` : text;
  const inPackage = types.get(id) === kind;
  const inScope = j.appId ? types.has(id) : j.allowed === 'any' || j.allowed.has(namespace) || namespace === GLOBAL_NAMESPACE;
  if (!inScope) out.push({ code: 'ISO004', line: `ISO004 ${card.id}: ${kind} \`${text}\` is outside ${j.scope.kind} \`${j.scope.code}\``, ref: cardRef(card, kind, text, holder, key), outside: true });
  if (inPackage || j.inEnvironment(id, kind)) return;
  const other = types.get(id);
  out.push({ code: 'unresolved', line: `${card.id}: ${kind} \`${text}\` resolves neither in the package nor in the environment${other ? ` (the package's \`${id}\` is a ${other}, not a ${kind})` : ''}`, ref: cardRef(card, kind, text, holder, key), ...(inScope ? {} : { outside: true }) });
}

/** Codes of the package's org chart units. */
function orgUnitCodes(cards: readonly Card[]): Set<string> {
  const codes = new Set<string>();
  for (const c of cards) if (c.type === 'orgUnit') codes.add(c.code);
  return codes;
}
