import { Finding, finding, Rule } from './rule';
import { packageLabel } from './words';

/** ISO003: global objects (global groups, widgets) travel only with a configuration. */
export const iso003: Rule = {
  code: 'ISO003',
  severity: 'error',
  title: 'Global object reference',
  description: 'A `global.<code>` reference outside a configuration: company-level objects are not part of any smaller package.',
  check(m, ctx) {
    const pkg = ctx.pkg;
    if (!pkg || pkg.kind === 'configuration') return [];
    const out: Finding[] = [];
    for (const ref of m.references) {
      if (ref.kind === 'orgUnit') continue;
      const r = ctx.project.resolve(ref);
      if (r.form !== 'global') continue;
      const noun = ctx.t.noun(ref.kind);
      out.push(finding(this, m, ctx, { path: ref.path },
        ctx.t.t('iso003', { noun, text: ref.text, code: r.code, pkgGen: packageLabel(pkg, ctx.t, 'gen') }),
        { kind: ref.kind, code: r.code }));
    }
    return out;
  },
};
