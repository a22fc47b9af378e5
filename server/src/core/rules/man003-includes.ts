import { isManifestPath } from '../manifest/host';
import { SOLUTION_MEMBER_KINDS } from '../manifest/kinds';
import { outsideText } from '../manifest/linkedPath';
import type { LinkedFile } from '../manifest/types';
import { Finding, finding, Rule } from './rule';

/**
 * MAN003: includes (and other named files) that lead outside the project, do not exist, are not
 * manifests, or form a cycle.
 */
export const man003: Rule = {
  code: 'MAN003',
  severity: 'error',
  title: 'Broken include or file',
  description: 'An `includes` path or a script, template or data file that is absolute or leads outside the project, an include that does not exist or is not a manifest, an include cycle, a script, template or data file that does not exist, or a data file with a line that is not a record (a JSON object with an `id`).',
  check(m, ctx) {
    const out: Finding[] = [];
    const { includeTarget, cycleLinks } = ctx.project.packageMap;
    for (const l of m.links) {
      const at = { path: l.path };
      if (l.outside) {
        out.push(finding(this, m, ctx, at, `${ROLE_NAMES[l.role]} \`${l.spec}\` ${outsideText(m.root, l.outside)}`));
      } else if (l.role === 'include') {
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
        out.push(finding(this, m, ctx, at, `${ROLE_NAMES[l.role]} \`${l.spec}\` does not exist${lookedFor(l)}`));
      } else if (l.dataProblem) {
        const { line, reason } = l.dataProblem;
        out.push(finding(this, m, ctx, at, `Data file \`${l.spec}\` line ${line}: ${reason}; \`isola build\` refuses the package until the record is fixed`));
      }
    }
    return out;
  },
};

/** How a message names each kind of linked path. */
const ROLE_NAMES: Record<LinkedFile['role'], string> = { include: 'Include', script: 'Script file', template: 'Template file', data: 'Data file' };

/** Where the path was looked for, when that differs from what the manifest says. */
function lookedFor(l: LinkedFile): string {
  return l.file === l.spec ? '' : ` (looked for ${l.file})`;
}
