import { ENTITY_NOUN } from '../manifest/kinds';
import { ORG_NAMESPACE } from '../manifest/types';
import { Finding, finding, Rule } from './rule';

/** MAN001: codes are unique within their kind in a namespace (or within their parent, for nested entities). */
export const man001: Rule = {
  code: 'MAN001',
  severity: 'error',
  title: 'Duplicate code',
  description: 'Two entities of the same kind share a code in one namespace; references and imports could not tell them apart.',
  check(m, ctx) {
    const out: Finding[] = [];
    for (const e of m.entities) {
      if (e.code.startsWith('#')) continue; // permissions without a code
      const same = ctx.project.index.same(e);
      if (same.length < 2 || same[0] === e) continue;
      const first = same[0];
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
