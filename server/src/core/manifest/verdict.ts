import type { RuleCode } from '../rules/rule';
import type { Resolution } from './resolve';
import type { Package } from './types';
import type { Catalog } from '../catalog/catalog';

/**
 * Where a reference leads, seen from the package it is checked in:
 * - `inside`: the package carries the target;
 * - `builtin`: every environment has the target (ISO007 when its namespace is licensed);
 * - `viaSolution`: inside only because a solution includes both namespaces (ISO009);
 * - `breaks`: the package cannot carry the target (ISO002, ISO003, ISO004; ISO005 for a script import);
 * - `unknown`: the target exists nowhere (ISO006).
 */
export type ReferenceClass = 'inside' | 'builtin' | 'viaSolution' | 'breaks' | 'unknown';

/** The class of a reference and the rule code that reports it, if any. */
export interface ReferenceVerdict {
  class: ReferenceClass;
  code?: RuleCode;
}

/**
 * Classifies a resolved reference. The isolation rules and the reference graph both decide from
 * this one function, so a drawn edge and a finding can never disagree about a reference.
 */
export function referenceVerdict(r: Resolution): ReferenceVerdict {
  const config = r.pkg.kind === 'configuration';
  // Outside a configuration, org-chart and global references break isolation whatever they name.
  if (r.ref.kind === 'orgUnit' && !config) return { class: 'breaks', code: 'ISO002' };
  if (r.form === 'global' && !config) return { class: 'breaks', code: 'ISO003' };
  if (r.builtin) return r.builtinNamespace?.licensed ? { class: 'builtin', code: 'ISO007' } : { class: 'builtin' };
  if (r.targets.length === 0) return { class: 'unknown', code: 'ISO006' };
  if (!r.inScope) return { class: 'breaks', code: 'ISO004' };
  if (r.viaSolution) return { class: 'viaSolution', code: 'ISO009' };
  return { class: 'inside' };
}

/**
 * Classifies a script's `imports` entry: a built-in namespace, one the package carries (an app
 * package is imported into its own namespace), or one it does not (ISO005).
 */
export function importVerdict(pkg: Package, catalog: Catalog, ns: string): ReferenceVerdict {
  if (catalog.namespaces.has(ns)) return { class: 'builtin' };
  const inScope = pkg.kind === 'app' ? ns === pkg.root.namespace : pkg.namespaces.has(ns);
  return inScope ? { class: 'inside' } : { class: 'breaks', code: 'ISO005' };
}
