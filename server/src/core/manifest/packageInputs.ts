import type { Manifest, Package } from './types';

/**
 * What a package's members declare that an import checks against the environment: languages (the
 * same ones in the same order) and the platform version they need. A solution or configuration
 * rarely declares them itself; its members do, and the package must carry them.
 */

/** The `languages` a manifest declares (strings only), or undefined when it declares none. */
export function declaredLanguages(m: Manifest): string[] | undefined {
  const v = (m.value as { languages?: unknown } | undefined)?.languages;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

/**
 * The manifest whose languages are the package's: the root when it declares them, else the first
 * member (in include order) that does. Undefined when no member declares languages.
 */
export function languageSource(manifests: readonly Manifest[]): Manifest | undefined {
  return manifests.find((m) => declaredLanguages(m) !== undefined);
}

const sources = new WeakMap<Package, Manifest | undefined>();

/** `languageSource` of a package's members, computed once per package (rules ask for every member). */
export function packageLanguageSource(pkg: Package): Manifest | undefined {
  if (!sources.has(pkg)) sources.set(pkg, languageSource(pkg.members));
  return sources.get(pkg);
}

/** Whether two language lists are the same languages in the same order. */
export function sameLanguages(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Compares platform versions (`2024.4` < `2024.10` < `2025.1`) part by part, numerically where both parts are numbers. */
export function comparePlatforms(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const d = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
    if (d !== 0) return d;
  }
  return 0;
}

/** The highest `platform` any of the manifests declares: the package needs at least that one. */
export function highestPlatform(manifests: readonly Manifest[]): string | undefined {
  let best: string | undefined;
  for (const m of manifests) {
    const p = (m.value as { platform?: unknown } | undefined)?.platform;
    if (typeof p === 'string' && p && (best === undefined || comparePlatforms(p, best) > 0)) best = p;
  }
  return best;
}
