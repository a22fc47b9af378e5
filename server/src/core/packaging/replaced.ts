import { existsSync } from 'node:fs';
import { canonicalJson } from './canonical';
import type { Descriptor } from './format';
import { PackageReader } from './reader';

/** What a build wrote over: an earlier package at the same path, and whether it held the same content. */
export interface Replaced {
  /** The version the earlier package declared; undefined when it declared none or was not a package. */
  version?: string;
  /** Same kind, code, version, options and entries (cards, files, data): only when, by whom, the title or the comment differ. */
  same: boolean;
  /** The earlier file was not a readable package. */
  unreadable?: boolean;
}

/**
 * The descriptor of the package at `file`, read before a build writes over it: undefined when
 * there is no file, null when there is one that is not a readable package.
 */
export async function descriptorBefore(file: string): Promise<Descriptor | null | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    const reader = await PackageReader.open(file);
    reader.close();
    return reader.descriptor;
  } catch {
    return null;
  }
}

/** How the package just built compares with the one its file replaced (`before` from `descriptorBefore`). */
export function replacedBy(before: Descriptor | null | undefined, built: Descriptor): Replaced | undefined {
  if (before === undefined) return undefined;
  if (before === null) return { same: false, unreadable: true };
  const content = (d: Descriptor) => canonicalJson({
    kind: d.kind, code: d.code, version: d.version ?? null, options: d.options,
    entries: d.entries.map((e) => `${e.path} ${e.sha256}`).sort(),
  });
  return { ...(before.version ? { version: before.version } : {}), same: content(before) === content(built) };
}

/**
 * One sentence on what a build replaced, for the CLI and the editor alike. A package of the same
 * version with other content is the case to flag: whoever imported the earlier file cannot tell
 * the two apart by their names.
 */
export function replacedWords(file: string, built: Descriptor, r: Replaced): string {
  if (r.unreadable) return `It replaced ${file}, which was not a readable package.`;
  if (r.same) return `It replaced ${file}, an earlier build with the same content.`;
  if (r.version === built.version) {
    return `It replaced ${file}, an earlier package of the same version${built.version ? ` ${built.version}` : ''} with different content: ` +
      'raise "version" in the manifest if the earlier one was shared.';
  }
  return `It replaced ${file}, an earlier package${r.version ? ` of version ${r.version}` : ''} with different content.`;
}
