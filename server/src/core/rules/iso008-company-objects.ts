import { Finding, finding, Rule } from './rule';

/** ISO008: the org chart and global objects may be declared only in a configuration. */
export const iso008: Rule = {
  code: 'ISO008',
  severity: 'error',
  title: 'Company objects outside a configuration',
  description: '`orgChart` or `globals` declared in a manifest that is not a configuration.',
  check(m, ctx) {
    if (!m.kind || m.kind === 'configuration') return [];
    const v = m.value as Record<string, unknown>;
    const out: Finding[] = [];
    for (const key of ['orgChart', 'globals']) {
      if (!(key in v)) continue;
      const what = key === 'orgChart' ? 'the org chart' : 'global objects';
      out.push(finding(this, m, ctx, { path: [key], part: 'key' },
        `\`${key}\` declares ${what} in ${m.kind} \`${m.code}\`, but only a configuration can carry ${key === 'orgChart' ? 'it' : 'them'}: move \`${key}\` to a configuration manifest`,
        { property: key }));
    }
    return out;
  },
};
