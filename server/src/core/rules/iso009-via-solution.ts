import { Finding, finding, Rule } from './rule';
import { namespaceLabel } from './iso004-out-of-scope';
import { referenceVerdict } from '../manifest/verdict';

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
      const own = m.namespace ? namespaceLabel(ctx.project, m.namespace) : `${m.kind} \`${m.code}\``;
      out.push(finding(this, m, ctx, { path: ref.path },
        `\`${ref.text}\` resolves only because solution \`${r.viaSolution.code}\` includes both ${own} and ${namespaceLabel(ctx.project, r.namespace)}; ${own} alone cannot be exported`,
        { solution: r.viaSolution.code }));
    }
    return out;
  },
};
