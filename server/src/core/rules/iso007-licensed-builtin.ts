import { Finding, finding, Rule } from './rule';

/** ISO007: licensed built-ins may be missing from a target environment. */
export const iso007: Rule = {
  code: 'ISO007',
  severity: 'warning',
  title: 'Licensed built-in',
  description: 'A reference to a licensed built-in namespace (such as `_projects`), which a target environment may not have.',
  check(m, ctx) {
    if (!ctx.pkg) return [];
    const out: Finding[] = [];
    for (const ref of m.references) {
      const r = ctx.project.resolve(ref);
      if (!r.builtinNamespace?.licensed || !r.builtin) continue;
      out.push(finding(this, m, ctx, { path: ref.path },
        ctx.t.t('iso007', { text: ref.text, ns: r.namespace, title: r.builtinNamespace.title }),
        { namespace: r.namespace }));
    }
    return out;
  },
};
