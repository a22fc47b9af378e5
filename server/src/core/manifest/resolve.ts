import type { BuiltinEntity, BuiltinNamespace, Catalog } from '../catalog/catalog';
import type { EntityIndex } from './index';
import { GLOBAL_NAMESPACE, ORG_NAMESPACE, EntityDecl, Manifest, Package, Reference } from './types';

/** What a reference points at, and whether the package it is checked in can carry that. */
export interface Resolution {
  ref: Reference;
  /** `local` = bare code; `qualified` = `namespace.code`; `global` = `global.code`; `orgUnit` = a unit of the org chart. */
  form: 'local' | 'qualified' | 'global' | 'orgUnit';
  namespace: string;
  code: string;
  /** Declarations in the project (more than one when the code is duplicated). */
  targets: EntityDecl[];
  builtin?: BuiltinEntity;
  builtinNamespace?: BuiltinNamespace;
  /** The namespace is known: built-in, declared in the project, or a solution's code. */
  namespaceKnown: boolean;
  /** The package can carry the target: built-in, or inside the package's scope. */
  inScope: boolean;
  /** Set when the target is reachable only because this solution includes both namespaces (ISO009). */
  viaSolution?: Package;
  pkg: Package;
}

/** The namespace a manifest's bare codes resolve in. */
export function contextNamespace(m: Manifest): string {
  if (m.kind === 'solution') return m.code!;
  if (m.kind === 'configuration') return GLOBAL_NAMESPACE;
  return m.namespace ?? '';
}

/**
 * Whether a package carries a declaration of the project: an app package only its own manifest's
 * (its one app), any other package the namespaces it holds.
 */
export function packageCarries(pkg: Package, target: EntityDecl): boolean {
  return pkg.kind === 'app' ? target.manifest === pkg.root : pkg.namespaces.has(target.namespace);
}

/** Resolves one reference against the project's index and the built-in catalog. */
export function resolveReference(
  ref: Reference,
  pkg: Package,
  index: EntityIndex,
  catalog: Catalog,
  solutionCodes: ReadonlySet<string>,
): Resolution {
  const ctx = contextNamespace(ref.manifest);
  const text = ref.text;
  const dot = text.indexOf('.');
  let form: Resolution['form'];
  let namespace: string;
  let code: string;
  if (ref.kind === 'orgUnit') {
    form = 'orgUnit';
    namespace = ORG_NAMESPACE;
    code = text;
  } else if (dot < 0) {
    form = 'local';
    namespace = ctx;
    code = text;
  } else {
    namespace = text.slice(0, dot);
    code = text.slice(dot + 1);
    form = namespace === GLOBAL_NAMESPACE ? 'global' : 'qualified';
  }

  const builtinNamespace = catalog.namespaces.get(namespace);
  const builtin = builtinNamespace ? catalog.lookup(ref.kind, namespace, code) : undefined;
  const targets = builtin ? [] : index.find(namespace, ref.kind, code);
  const namespaceKnown =
    !!builtinNamespace || index.namespaces.has(namespace) || solutionCodes.has(namespace) ||
    namespace === GLOBAL_NAMESPACE || namespace === ORG_NAMESPACE || targets.length > 0;

  let inScope = !!builtin;
  let viaSolution: Package | undefined;
  if (!builtin && targets.length > 0) {
    const t = targets[0];
    inScope = packageCarries(pkg, t);
    // A solution's own groups (`solution.group`) are the documented way to share; only namespaces count here.
    if (inScope && pkg.kind === 'solution' && t.namespace !== ctx && !solutionCodes.has(t.namespace)) viaSolution = pkg;
  }
  return { ref, form, namespace, code, targets, builtin, builtinNamespace, namespaceKnown, inScope, viaSolution, pkg };
}
