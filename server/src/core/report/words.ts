/** `1 entity`, `2 entities`: a count with its noun in the right number (`many` defaults to `one` + s). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Rule families by code prefix, in the order they are named. */
const FAMILIES: { prefix: string; one: string; many: string }[] = [
  { prefix: 'ISO', one: 'isolation error', many: 'isolation errors' },
  { prefix: 'MAN', one: 'manifest error', many: 'manifest errors' },
];

/**
 * The findings that block a build or an export, by family with their codes: "2 isolation errors
 * (ISO004, ISO006) and 1 manifest error (MAN002)". A malformed manifest or a missing include is
 * no isolation error, and a user who is told so looks in the wrong place. `codes` has one entry
 * per finding.
 */
export function blockingWords(codes: readonly string[]): string {
  const parts: string[] = [];
  const families = [...FAMILIES, { prefix: '', one: 'error', many: 'errors' }];
  const left = [...codes];
  for (const f of families) {
    const mine = left.filter((c) => c.startsWith(f.prefix));
    if (!mine.length) continue;
    for (const c of mine) left.splice(left.indexOf(c), 1);
    parts.push(`${plural(mine.length, f.one, f.many)} (${[...new Set(mine)].sort().join(', ')})`);
  }
  if (parts.length === 0) return 'no errors';
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}
