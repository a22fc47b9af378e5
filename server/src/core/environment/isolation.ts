import type { Catalog } from '../catalog/catalog';
import { ORG_NAMESPACE, GLOBAL_NAMESPACE } from '../manifest/types';
import { findGlobalUses } from '../manifest/scriptScan';
import type { Card } from '../packaging/format';
import { cardReferences } from './cardRefs';
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
}

/**
 * Checks a package's cards again on the receiving side (spec §5: never trust the client): the
 * isolation rules that can be decided from cards alone (ISO001 to ISO004), and whether every
 * reference resolves in the target, counting the package's own cards, the built-in catalog and
 * what the environment already holds.
 */
export function checkPackageIsolation(
  scope: PackageScope,
  catalog: Catalog,
  inEnvironment: (id: string) => boolean,
): IsolationReport {
  // Entries outside the package's own namespaces come first: nothing else matters until they go.
  const writes = scope.writes ?? writeScope(scope.kind, scope.code, scope.cards, []);
  const isolation: string[] = writes.outside.map((line) => `ISO004 ${line}`);
  const references: string[] = [];
  const config = scope.kind === 'configuration';
  const ids = new Set(scope.cards.map((c) => c.id));
  // In scope is what the package's kind and code define, never what its cards claim.
  const allowed = writes.allowed;
  const appId = scope.kind === 'app' ? scope.cards.find((c) => c.type === 'app' && c.code === scope.code)?.id : undefined;

  for (const card of scope.cards) {
    const scripts = Array.isArray(card.body.scripts) ? (card.body.scripts as Record<string, unknown>[]) : [];
    for (const s of scripts) {
      if (config || typeof s !== 'object' || s === null) continue;
      const name = typeof s.code === 'string' ? `${card.id}.${s.code}` : card.id;
      if (s.global === true) isolation.push(`ISO001 script \`${name}\` has the Global flag`);
      const file = typeof s.file === 'object' && s.file !== null ? (s.file as { file?: string }).file : undefined;
      const src = typeof s.source === 'string' ? s.source : file ? scope.attachments.get(file)?.toString('utf8') : undefined;
      if (src && findGlobalUses(src).length) isolation.push(`ISO001 script \`${name}\` uses \`Global.\``);
    }
    for (const r of cardReferences(card)) {
      const where = `${card.id}: ${r.kind} \`${r.text}\``;
      if (r.form === 'orgUnit') {
        if (!config) isolation.push(`ISO002 ${where} is a unit of the org chart, which only a configuration carries`);
        else if (!ids.has(`${ORG_NAMESPACE}.${r.code}`) && !scope.cards.some((c) => c.type === 'orgUnit' && c.code === r.code) && !inEnvironment(`${ORG_NAMESPACE}.${r.code}`)) {
          references.push(`${where} names no unit of the org chart in the package or the environment`);
        }
        continue;
      }
      if (r.form === 'global' && !config) {
        isolation.push(`ISO003 ${where} is a global object, which only a configuration carries`);
        continue;
      }
      const builtinNs = catalog.namespaces.get(r.namespace);
      if (builtinNs) {
        if (!catalog.lookup(r.kind, r.namespace, r.code)) references.push(`${where}: built-in namespace \`${r.namespace}\` has no ${r.kind} \`${r.code}\` in this environment`);
        continue;
      }
      const id = `${r.namespace}.${r.code}`;
      const inPackage = ids.has(id);
      const inScope = appId ? inPackage : allowed === 'any' || allowed.has(r.namespace) || r.namespace === GLOBAL_NAMESPACE;
      if (!inScope) {
        isolation.push(`ISO004 ${where} is outside ${scope.kind} \`${scope.code}\``);
        continue;
      }
      if (!inPackage && !inEnvironment(id)) references.push(`${where} resolves neither in the package nor in the environment`);
    }
  }
  return { isolation, references };
}
