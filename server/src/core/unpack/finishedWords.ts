import * as path from 'node:path';
import type { Translator } from '../l10n';
import type { Finished } from './journal';

/**
 * What finishing an interrupted unpack did, in `t`'s language, one line each: the files put in
 * place, and those left as they were (with what to do when the journal stays). `show` gives a
 * folder or file as the reader should see it (relative to the working folder, forward slashes).
 */
export function finishedWords(f: Finished, t: Translator, show: (abs: string) => string): string[] {
  const dir = show(f.dir);
  const args = { package: f.package, dir, n: f.renamed, journal: show(f.journal) };
  const lines: string[] = [];
  if (f.renamed || !f.missing.length) lines.push(t.t('cli.unpack.finished', args));
  if (f.missing.length) {
    const names = f.missing.map((m) => (dir === '.' ? m : path.posix.join(dir, m)));
    const files = names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} (+${names.length - 5})`;
    lines.push(t.t(f.kept ? 'cli.unpack.unfinished' : 'cli.unpack.unfinishedDropped', { ...args, files }));
  }
  return lines;
}
