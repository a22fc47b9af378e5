import type { Project } from '../manifest/project';
import type { Resolution } from '../manifest/resolve';
import type { Translator } from '../l10n';
import { GLOBAL_NAMESPACE } from '../manifest/types';
import { Finding, finding, Rule, RuleContext } from './rule';
import { closest } from './words';

/** ISO006: a reference whose target exists nowhere. */
export const iso006: Rule = {
  code: 'ISO006',
  severity: 'error',
  title: 'Unknown reference',
  description: 'A reference whose target exists neither in the project nor in the built-in catalog.',
  check(m, ctx) {
    const pkg = ctx.pkg;
    if (!pkg) return [];
    const out: Finding[] = [];
    for (const ref of m.references) {
      // Outside a configuration, org-chart and global references are ISO002/ISO003 whatever they name.
      if (pkg.kind !== 'configuration' && (ref.kind === 'orgUnit' || ref.text.startsWith(GLOBAL_NAMESPACE + '.'))) continue;
      const r = ctx.project.resolve(ref);
      if (r.targets.length > 0 || r.builtin) continue;
      const { t } = ctx;
      const noun = t.noun(ref.kind);
      // While typing, a reference is often empty for a moment: say what belongs there, not that `` exists nowhere.
      if (ref.text.trim() === '') {
        const form = t.t(ref.kind === 'orgUnit' ? 'iso006.form.orgUnit' : 'iso006.form.other');
        // English wants an article; Russian has none.
        const aNoun = t.locale === 'en' ? `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}` : noun;
        out.push(finding(this, m, ctx, { path: ref.path }, t.t('iso006.empty', { noun, aNoun, form })));
        continue;
      }
      const suggestions = suggest(r, ctx);
      const where = r.form === 'qualified' && !r.namespaceKnown
        ? t.t('iso006.nowhere', { ns: r.namespace })
        : t.t('iso006.missing', { nounGen: t.noun(ref.kind, 'gen'), code: r.code, inScope: scopeWords(r, t) });
      const hint = suggestions.length ? t.t('didYouMean', { list: suggestions.map((s) => `\`${s}\``).join(', ') }) : '';
      out.push(finding(this, m, ctx, { path: ref.path }, t.t('iso006', { noun, text: ref.text, where, hint }), { suggestions }));
    }
    return out;
  },
};

/** Where the target was looked for: "in namespace `crm`", "в разделе `crm`". */
function scopeWords(r: Resolution, t: Translator): string {
  if (r.form === 'orgUnit') return t.t('iso006.in.orgUnit');
  if (r.form === 'global') return t.t('iso006.in.global');
  if (r.builtinNamespace) return t.t('iso006.in.builtin', { ns: r.namespace, title: r.builtinNamespace.title });
  return t.t('iso006.in.namespace', { ns: r.namespace });
}

/** Suggestions already computed per project, by everything they depend on: a typo is often copied to many manifests. */
const memo = new WeakMap<Project, Map<string, string[]>>();

/** Candidates written the way the user would write them from this manifest. */
function suggest(r: Resolution, ctx: RuleContext): string[] {
  const here = r.ref.manifest.namespace ?? r.namespace;
  // A known namespace narrows the guess to it (and keeps the cost to one namespace's entities).
  const within = r.namespaceKnown && r.form !== 'orgUnit' ? r.namespace : undefined;
  const key = `${r.ref.kind}\u0000${r.form}\u0000${within ?? '\u0001'}\u0000${r.form === 'local' ? here : ''}\u0000${r.ref.text}`;
  let known = memo.get(ctx.project);
  if (!known) memo.set(ctx.project, (known = new Map()));
  const hit = known.get(key);
  if (hit) return hit.slice();
  const names: string[] = [];
  for (const c of ctx.project.suggestionCandidates(r.ref.kind, within)) {
    if (r.form === 'orgUnit') names.push(c.code);
    else if (c.namespace === here && r.form === 'local') names.push(c.code);
    else names.push(c.name);
  }
  for (const b of ctx.project.catalog.entitiesOfKind(r.ref.kind)) if (within === undefined || b.namespace === within) names.push(`${b.namespace}.${b.code}`);
  const found = closest(r.ref.text, names);
  known.set(key, found);
  return found.slice();
}
