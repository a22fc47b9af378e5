import { english, type Translator } from '../l10n';
import type { MessageKey } from '../l10n/en';

/** `1 entity`, `2 entities`: a count with its noun in the right number (`many` defaults to `one` + s). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Rule families by code prefix, in the order they are named; the rest are plain errors. */
const FAMILIES: { prefix: string; key: MessageKey }[] = [
  { prefix: 'ISO', key: 'build.blocking.iso' },
  { prefix: 'MAN', key: 'build.blocking.man' },
  { prefix: '', key: 'build.blocking.other' },
];

/**
 * The findings that block a build or an export, by family with their codes, in `t`'s language:
 * "2 isolation errors (ISO004, ISO006) and 1 manifest error (MAN002)". A malformed manifest or a
 * missing include is no isolation error, and a user who is told so looks in the wrong place.
 * `codes` has one entry per finding.
 */
export function blockingWords(codes: readonly string[], t: Translator = english): string {
  const parts: string[] = [];
  const left = [...codes];
  for (const f of FAMILIES) {
    const mine = left.filter((c) => c.startsWith(f.prefix));
    if (!mine.length) continue;
    for (const c of mine) left.splice(left.indexOf(c), 1);
    parts.push(`${t.t(f.key, { n: mine.length })} (${[...new Set(mine)].sort().join(', ')})`);
  }
  if (parts.length === 0) return t.t('build.blocking.none');
  return parts.length === 1 ? parts[0] : t.t('build.blocking.and', { list: parts.slice(0, -1).join(', '), last: parts[parts.length - 1] });
}
