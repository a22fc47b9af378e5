import { Finding, finding, Rule } from './rule';
import { kindLabel } from './words';

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
      out.push(finding(this, m, ctx, { path: [key], part: 'key' },
        ctx.t.t(key === 'orgChart' ? 'iso008.orgChart' : 'iso008.globals', { ownerGen: kindLabel(m.kind, m.code, ctx.t, 'gen') }),
        { property: key }));
    }
    return out;
  },
};
