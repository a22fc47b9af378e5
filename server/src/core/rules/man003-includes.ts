import { isManifestPath } from '../manifest/host';
import { SOLUTION_MEMBER_KINDS } from '../manifest/kinds';
import type { LinkedFile } from '../manifest/types';
import { Finding, finding, Rule } from './rule';

/** MAN003: includes (and other named files) that do not exist, are not manifests, or form a cycle. */
export const man003: Rule = {
  code: 'MAN003',
  severity: 'error',
  title: 'Broken include or file',
  description: 'An `includes` path that does not exist or is not a manifest, an include cycle, or a script, template or data file that does not exist.',
  check(m, ctx) {
    const out: Finding[] = [];
    const { includeTarget, cycleLinks } = ctx.project.packageMap;
    for (const l of m.links) {
      const at = { path: l.path };
      if (l.role === 'include') {
        if (!isManifestPath(l.absPath)) {
          out.push(finding(this, m, ctx, at, `Include \`${l.spec}\` is not a manifest: includes name \`*.isola.json\` files`));
        } else if (!l.exists) {
          out.push(finding(this, m, ctx, at, `Include \`${l.spec}\` does not exist${lookedFor(l)}`));
        } else if (cycleLinks.has(l)) {
          out.push(finding(this, m, ctx, at, `Include \`${l.spec}\` closes an include cycle back to ${includeTarget.get(l)?.file ?? l.file}: remove one of the includes`));
        } else {
          const t = includeTarget.get(l);
          if (t && m.kind === 'solution' && !SOLUTION_MEMBER_KINDS.has(t.kind!)) {
            out.push(finding(this, m, ctx, at, `Include \`${l.spec}\` is ${t.kind === 'app' ? 'an' : 'a'} ${t.kind}: a solution includes only workspaces and modules`));
          }
        }
      } else if (!l.exists) {
        out.push(finding(this, m, ctx, at, `${l.role === 'data' ? 'Data' : l.role === 'script' ? 'Script' : 'Template'} file \`${l.spec}\` does not exist${lookedFor(l)}`));
      }
    }
    return out;
  },
};

/** Where the path was looked for, when that differs from what the manifest says. */
function lookedFor(l: LinkedFile): string {
  return l.file === l.spec ? '' : ` (looked for ${l.file})`;
}
