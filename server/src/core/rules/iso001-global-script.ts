import { findGlobalUses } from '../manifest/scriptScan';
import { Finding, finding, Rule } from './rule';
import { entityLabel, packageLabel } from './words';

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
    const way = 'reach other apps through an App-type context variable, or list the namespaces it needs in `imports`';
    for (const s of m.scripts) {
      const who = entityLabel(s.entity);
      if (s.global) {
        out.push(finding(this, m, ctx, { path: [...s.entity.path, 'global'] },
          `${capital(who)} has the Global flag, which blocks export of ${packageLabel(pkg)}: turn \`global\` off and ${way}`,
          { script: s.entity.id }));
      }
      if (s.source !== undefined) {
        for (const use of findGlobalUses(s.source)) {
          out.push(finding(this, m, ctx, { path: [...s.entity.path, 'source'], inString: use },
            `${capital(who)} uses \`Global.\`, which blocks export of ${packageLabel(pkg)}: ${way}`, { script: s.entity.id }));
        }
      }
      if (s.file?.text !== undefined) {
        for (const use of findGlobalUses(s.file.text)) {
          out.push(finding(this, m, ctx, { offset: use.index, length: use.length },
            `${capital(who)} (declared in ${m.file}) uses \`Global.\`, which blocks export of ${packageLabel(pkg)}: ${way}`,
            { script: s.entity.id, manifest: m.file }, s.file.file));
        }
      }
    }
    return out;
  },
};

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
