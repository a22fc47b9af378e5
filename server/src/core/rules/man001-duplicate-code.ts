import { ENTITY_NOUN } from '../manifest/kinds';
import { ORG_NAMESPACE } from '../manifest/types';
import { nestedDuplicates } from '../manifest/index';
import { codeFamily } from '../manifest/project';
import { Finding, finding, Rule } from './rule';

/** MAN001: codes are unique within their kind in a namespace (or within their parent, for nested entities). */
export const man001: Rule = {
  code: 'MAN001',
  severity: 'error',
  title: 'Duplicate code',
  description: 'Two entities of the same kind share a code in one namespace; references and imports could not tell them apart.',
  check(m, ctx) {
    const out: Finding[] = [];
    // Two manifests that define the same namespace (or solution/configuration code) would merge silently.
    // From a per-project map: a search of all manifests per manifest made large projects quadratic.
    const family = m.kind && codeFamily(m.kind);
    if (family) {
      const first = ctx.project.firstWithCode(family, m.code!);
      if (first && first !== m) {
        out.push(finding(this, m, ctx, { path: ['code'] },
          `Duplicate ${m.kind} code \`${m.code}\`: ${first.file} already declares ${first.kind} \`${m.code}\`; each ${m.kind === 'workspace' || m.kind === 'module' ? 'namespace' : m.kind} needs its own code`,
          { firstFile: first.file }));
      }
    }
    const duplicates = ctx.project.duplicates();
    const nested = nestedDuplicates(m);
    for (const e of m.entities) {
      const first = e.parent ? nested.get(e) : duplicates.get(e);
      if (!first || e.code.startsWith('#')) continue; // permissions without a code are not duplicates
      const scope = e.parent ? `${ENTITY_NOUN[e.parent.kind]} \`${e.parent.code}\`` : e.namespace === ORG_NAMESPACE ? 'the org chart' : `namespace \`${e.namespace}\``;
      const firstAt = first.manifest === m ? 'earlier in this file' : `in ${first.manifest.file}`;
      // An app manifest's own code is its top-level `code`, at the root path.
      out.push(finding(this, m, ctx, { path: [...e.path, 'code'] },
        `Duplicate ${ENTITY_NOUN[e.kind]} code \`${e.code}\` in ${scope} (first declared ${firstAt}): codes must be unique within their kind`,
        { firstFile: first.manifest.file }));
    }
    return out;
  },
};
