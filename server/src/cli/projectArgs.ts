import { opendirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { english, Translator } from '../core/l10n';
import type { Project } from '../core/manifest/project';
import { MANIFEST_KINDS, Package } from '../core/manifest/types';
import { UsageError } from './usage';

/**
 * Fails with a one-line reason (in `t`'s language) unless `dir` is a readable folder; a file
 * given for it (a manifest) is answered with its folder, the DIR that was meant. Synchronous:
 * it runs first in every `check` and `graph`, and the promise API of `fs` alone took a few
 * milliseconds to load, a tenth of what the check of an empty folder adds to Node's start.
 */
export async function assertFolder(dir: string, t: Translator = english): Promise<void> {
  try {
    const stat = statSync(dir);
    // Before opening it, which fails with a bare ENOTDIR for a file.
    if (stat.isFile()) throw new UsageError(t.t('cli.fileNotFolder', { dir, parent: path.dirname(dir) }));
    if (!stat.isDirectory()) throw new UsageError(t.t('cli.notFolder', { dir }));
    // Opening it is what listing it needs (a folder without read permission fails here).
    opendirSync(dir).closeSync();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(t.t('cli.cannotReadFolder', { dir, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message }));
  }
}

/**
 * Picks the package named on the command line (`--package CODE`, optionally `--kind KIND`); the
 * refusals in `t`'s language (kinds and codes as written on the command line).
 */
export function pickPackage(project: Project, code: string | undefined, kind: string | undefined, t: Translator = english): Package {
  const list = (ps: Package[]) => ps.map((p) => `${p.kind} ${p.code}`).join(', ') || t.t('cli.none');
  if (!code) throw new UsageError(t.t('cli.packageRequired', { packages: list(project.packages) }));
  if (kind && !MANIFEST_KINDS.includes(kind as Package['kind'])) throw new UsageError(t.t('cli.unknownKind', { kind, kinds: MANIFEST_KINDS.join(', ') }));
  const found = project.packages.filter((p) => p.code === code && (!kind || p.kind === kind));
  if (found.length === 0) throw new UsageError(t.t('cli.noPackage', { code, ofKind: kind ? t.t('cli.noPackage.ofKind', { kind }) : '', root: project.root, packages: list(project.packages) }));
  if (found.length > 1) throw new UsageError(t.t('cli.packageAmbiguous', { code, packages: list(found) }));
  return found[0];
}

/** `a.b` relative to cwd when that is shorter, for messages. */
export function shown(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return rel && !rel.startsWith('..') ? rel : abs;
}
