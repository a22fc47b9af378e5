import { findGlobalUses } from '../manifest/scriptScan';
import { Finding, finding, Rule } from './rule';
import { capital, entityLabel, packageLabel } from './words';

/** ISO001: the Global flag, or `Global.` in a script's source, blocks export outside a configuration. */
export const iso001: Rule = {
  code: 'ISO001',
  severity: 'error',
  title: 'Global script',
  description: 'A script with the Global flag, or one whose source uses `Global.`, reaches objects outside the package; the platform refuses to export it.',
  check(m, ctx) {
    const pkg = ctx.pkg;
    if (!pkg || pkg.kind === 'configuration') return [];
    const out: Finding[] = [];
    const { t } = ctx;
    const way = t.t('iso001.way');
    const pkgGen = packageLabel(pkg, t, 'gen');
    for (const s of m.scripts) {
      const who = capital(entityLabel(s.entity, t));
      if (s.global) {
        out.push(finding(this, m, ctx, { path: [...s.entity.path, 'global'] },
          t.t('iso001.flag', { who, pkgGen, way }),
          { script: s.entity.id }));
      }
      if (s.source !== undefined) {
        for (const use of findGlobalUses(s.source)) {
          out.push(finding(this, m, ctx, { path: [...s.entity.path, 'source'], inString: use },
            t.t('iso001.source', { who, pkgGen, way }), { script: s.entity.id }));
        }
      }
      if (s.file?.text !== undefined) {
        for (const use of findGlobalUses(s.file.text)) {
          out.push(finding(this, m, ctx, { offset: use.index, length: use.length },
            t.t('iso001.file', { who, manifest: m.file, pkgGen, way }),
            { script: s.entity.id, manifest: m.file }, s.file.file));
        }
      }
    }
    return out;
  },
};
