import { Finding, finding, Rule } from './rule';
import { packageLabel } from './words';

/** ISO002: the org chart travels only with a configuration. */
export const iso002: Rule = {
  code: 'ISO002',
  severity: 'error',
  title: 'Org-chart reference',
  description: 'An `orgUnit` reference (lane, permission, notification) outside a configuration: the org chart is exported only with the whole configuration.',
  check(m, ctx) {
    const pkg = ctx.pkg;
    if (!pkg || pkg.kind === 'configuration') return [];
    const out: Finding[] = [];
    for (const ref of m.references) {
      if (ref.kind !== 'orgUnit') continue;
      out.push(finding(this, m, ctx, { path: ref.path },
        ctx.t.t('iso002', { unit: ref.text, pkgGen: packageLabel(pkg, ctx.t, 'gen') }),
        { unit: ref.text }));
    }
    return out;
  },
};
