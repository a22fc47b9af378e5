import { Finding, finding, Rule } from './rule';
import { capital, entityLabel, packageLabel } from './words';
import { namespaceLabel } from './iso004-out-of-scope';
import { importVerdict } from '../manifest/verdict';

/** ISO005: a script imports a namespace the package does not carry. */
export const iso005: Rule = {
  code: 'ISO005',
  severity: 'warning',
  title: 'Script import outside the package',
  description: 'A script `imports` a namespace outside the package: export works, but the script may fail in a target that lacks that namespace.',
  check(m, ctx) {
    const pkg = ctx.pkg;
    if (!pkg) return [];
    const out: Finding[] = [];
    const { project } = ctx;
    for (const s of m.scripts) {
      for (const imp of s.imports) {
        const ns = imp.namespace;
        // Built-in, or carried (an app package is imported into its namespace): not ISO005.
        if (importVerdict(pkg, project.catalog, ns).code !== 'ISO005') continue;
        const known = project.index.namespaces.has(ns);
        const { t } = ctx;
        const whatAcc = known ? namespaceLabel(project, ns, t, 'acc') : t.t('iso005.unknown', { ns });
        out.push(finding(this, m, ctx, { path: imp.path },
          t.t('iso005', { who: capital(entityLabel(s.entity, t)), whatAcc, pkgGen: packageLabel(pkg, t, 'gen') }),
          { namespace: ns }));
      }
    }
    return out;
  },
};
