import { ORG_NAMESPACE } from '../manifest/types';
import { nestedDuplicates } from '../manifest/index';
import { codeFamily, type CodeFamily } from '../manifest/project';

const UNIT_FAMILIES: readonly CodeFamily[] = ['namespace', 'solution', 'configuration'];
import { Finding, finding, Rule } from './rule';
import { kindLabel } from './words';

/** MAN001: codes are unique within their kind in a namespace (or within their parent, for nested entities). */
export const man001: Rule = {
  code: 'MAN001',
  severity: 'error',
  title: 'Duplicate code',
  description: 'Two entities of the same kind share a code in one namespace, or two that each get a card share an id; references and imports could not tell them apart. Or two codes differ only in letter case where a package names a file after each (cards, script files): a package keeps one file per name.',
  check(m, ctx) {
    const out: Finding[] = [];
    const { t } = ctx;
    // Two manifests that define the same namespace (or solution/configuration code) would merge silently.
    // From a per-project map: a search of all manifests per manifest made large projects quadratic.
    const family = m.kind && codeFamily(m.kind);
    if (family) {
      const first = ctx.project.firstWithCode(family, m.code!);
      if (first && first !== m) {
        out.push(finding(this, m, ctx, { path: ['code'] },
          t.t('man001.package', {
            kindGen: t.noun(m.kind!, 'gen'), code: m.code!, firstFile: first.file, firstKind: t.noun(first.kind!),
            unitGen: t.noun(m.kind === 'workspace' || m.kind === 'module' ? 'namespace' : m.kind!, 'gen'),
          }),
          { firstFile: first.file }));
      }
    }
    // Every unit's card has its code for id: a solution coded like a workspace would replace it
    // in an environment. Reported on the unit of the later family (namespace, solution, configuration).
    if (family) {
      for (const other of UNIT_FAMILIES.slice(0, UNIT_FAMILIES.indexOf(family))) {
        const first = ctx.project.firstWithCode(other, m.code!);
        if (!first) continue;
        out.push(finding(this, m, ctx, { path: ['code'] },
          t.t('man001.unitId', { kind: t.noun(m.kind!), code: m.code!, firstKind: t.noun(first.kind!), firstFile: first.file }),
          { firstFile: first.file }));
        break;
      }
    }
    const duplicates = ctx.project.duplicates();
    const nested = nestedDuplicates(m);
    for (const e of m.entities) {
      const first = e.parent ? nested.get(e) : duplicates.get(e);
      if (!first || e.code.startsWith('#')) continue; // permissions without a code are not duplicates
      const scopeGen = e.parent ? kindLabel(e.parent.kind, e.parent.code, t, 'gen')
        : e.namespace === ORG_NAMESPACE ? t.t('man001.scope.orgChart') : kindLabel('namespace', e.namespace, t, 'gen');
      const firstAt = first.manifest === m ? t.t('man001.firstAt.here') : t.t('man001.firstAt.file', { file: first.manifest.file });
      // An app manifest's own code is its top-level `code`, at the root path.
      out.push(finding(this, m, ctx, { path: [...e.path, 'code'] },
        t.t('man001.entity', { nounGen: t.noun(e.kind, 'gen'), code: e.code, scopeGen, firstAt }),
        { firstFile: first.manifest.file }));
    }
    const sameIds = ctx.project.sameIds();
    if (sameIds.size) {
      for (const e of m.entities) {
        const first = sameIds.get(e);
        if (!first) continue;
        // The index keeps kinds, not places: the other one may stand before or after this one.
        const firstAt = first.manifest === m ? t.t('man001.firstAt.thisFile') : t.t('man001.firstAt.file', { file: first.manifest.file });
        out.push(finding(this, m, ctx, { path: [...e.path, 'code'] },
          t.t('man001.sameId', { noun: t.noun(e.kind), code: e.code, firstNoun: t.noun(first.kind), scopeGen: kindLabel('namespace', e.namespace, t, 'gen'), firstAt, id: e.id }),
          { firstFile: first.manifest.file }));
      }
    }
    // A package is a zip whose readers fold names as case-insensitive file systems do: an entry
    // that differs from another only in letter case makes the package unreadable.
    const twins = ctx.project.caseTwins();
    if (twins.size) {
      for (const e of m.entities) {
        const twin = twins.get(e);
        if (!twin) continue;
        const { first } = twin;
        // Entities are modelled list by list, not in the order of the text: the other one may stand after this one.
        const firstAt = first.manifest === m ? t.t('man001.firstAt.thisFile') : t.t('man001.firstAt.file', { file: first.manifest.file });
        out.push(finding(this, m, ctx, { path: [...e.path, 'code'] },
          t.t('man001.caseTwin', { noun: t.noun(e.kind), code: e.code, firstNoun: t.noun(first.kind), firstCode: first.code, firstAt, entry: twin.entry, firstEntry: twin.firstEntry }),
          { firstFile: first.manifest.file }));
      }
    }
    return out;
  },
};
