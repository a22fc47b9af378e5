import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Project } from '../core/manifest/project';
import { MANIFEST_KINDS, Package } from '../core/manifest/types';
import { UsageError } from './usage';

/** Fails with a one-line reason unless `dir` is a readable folder. */
export async function assertFolder(dir: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(dir);
    await fs.readdir(dir);
  } catch (e) {
    throw new UsageError(`cannot read folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!stat.isDirectory()) throw new UsageError(`${dir} is not a folder`);
}

/** Picks the package named on the command line (`--package CODE`, optionally `--kind KIND`). */
export function pickPackage(project: Project, code: string | undefined, kind: string | undefined): Package {
  const list = (ps: Package[]) => ps.map((p) => `${p.kind} ${p.code}`).join(', ') || 'none';
  if (!code) throw new UsageError(`--package CODE is required; packages here: ${list(project.packages)}`);
  if (kind && !MANIFEST_KINDS.includes(kind as Package['kind'])) throw new UsageError(`unknown kind "${kind}": use ${MANIFEST_KINDS.join(', ')}`);
  const found = project.packages.filter((p) => p.code === code && (!kind || p.kind === kind));
  if (found.length === 0) throw new UsageError(`no package "${code}"${kind ? ` of kind ${kind}` : ''} in ${project.root}; packages here: ${list(project.packages)}`);
  if (found.length > 1) throw new UsageError(`"${code}" names ${list(found)}: add --kind`);
  return found[0];
}

/** `a.b` relative to cwd when that is shorter, for messages. */
export function shown(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return rel && !rel.startsWith('..') ? rel : abs;
}
