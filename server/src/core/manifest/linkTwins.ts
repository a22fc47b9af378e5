import * as path from 'node:path';

/**
 * The listing without the symbolic links (inside the project) that name a manifest the listing
 * holds already: under its own name, or through an earlier link. Read under both names, one file
 * would declare everything twice (MAN001 on each of its codes) and join a package twice.
 * `links` maps each such link to its real path; every other entry of `found` is a plain file (or
 * a folder, or a link elsewhere), whose real path is its path under `realRoot` (no folder walked
 * into is a link).
 */
export function withoutLinkTwins(found: string[], root: string, realRoot: string, links: ReadonlyMap<string, string>): string[] {
  if (!links.size) return found;
  const seen = new Set<string>();
  for (const p of found) if (!links.has(p)) seen.add(path.join(realRoot, path.relative(root, p)));
  return found.filter((p) => {
    const target = links.get(p);
    if (target === undefined) return true;
    if (seen.has(target)) return false;
    seen.add(target);
    return true;
  });
}
