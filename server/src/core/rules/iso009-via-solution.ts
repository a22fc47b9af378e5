import { Finding, finding, Rule } from './rule';
import { namespaceLabel } from './iso004-out-of-scope';
import { referenceVerdict } from '../manifest/verdict';
import { kindLabel } from './words';

/** ISO009: a cross-namespace reference that only the solution makes whole. */
export const iso009: Rule = {
  code: 'ISO009',
  severity: 'info',
  title: 'Resolved through the solution',
  description: 'A reference to another namespace that resolves only because a solution includes both; the manifest alone cannot be exported.',
  check(m, ctx) {
    if (!ctx.pkg || ctx.pkg.kind !== 'solution') return [];
    const out: Finding[] = [];
    for (const ref of m.references) {
      const r = ctx.project.resolve(ref);
      if (!r.viaSolution || referenceVerdict(r).code !== 'ISO009') continue;
      const { t } = ctx;
      const ownAcc = m.namespace ? namespaceLabel(ctx.project, m.namespace, t, 'acc') : kindLabel(m.kind!, m.code, t, 'acc');
      out.push(finding(this, m, ctx, { path: ref.path },
        t.t('iso009', { text: ref.text, solution: r.viaSolution.code, ownAcc, otherAcc: namespaceLabel(ctx.project, r.namespace, t, 'acc') }),
        { solution: r.viaSolution.code }));
    }
    return out;
  },
};
