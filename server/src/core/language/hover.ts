import { english, Translator } from '../l10n';
import { explainReference, explanationMarkdown } from '../graph/explain';
import { referenceVerdict } from '../manifest/verdict';
import type { Project } from '../manifest/project';
import type { Resolution } from '../manifest/resolve';
import type { EntityDecl } from '../manifest/types';
import { namespaceLabel } from '../rules/iso004-out-of-scope';
import { kindLabel, packageLabel } from '../rules/words';
import { SymbolAt } from './locations';
import { codeSpanText, markdownText } from './markdown';
import { referencesTo } from './navigation';

/** Markdown for a hover over a reference or a declaration, in the translator's language. */
export function hoverMarkdown(project: Project, s: SymbolAt, t: Translator = english): string {
  return s.kind === 'reference' ? referenceHover(project, project.resolve(s.ref), t) : declarationHover(project, s.entity, t);
}

// Titles, file names and reference values come from manifests a contributor writes: see markdown.ts.
function title(t: string | undefined): string {
  return t ? ` — ${markdownText(t)}` : '';
}

function referenceHover(project: Project, r: Resolution, l: Translator): string {
  const noun = l.noun(r.ref.kind);
  const head = `**${noun}** \`${codeSpanText(r.ref.text)}\``;
  const pkgGen = packageLabel(r.pkg, l, 'gen');
  if (r.ref.kind === 'orgUnit' && r.pkg.kind !== 'configuration') {
    return `${head}\n\n${l.t('hover.orgUnit', { pkgGen })}`;
  }
  if (r.form === 'global' && r.pkg.kind !== 'configuration') {
    return `${head}\n\n${l.t('hover.global', { pkgGen })}`;
  }
  if (r.builtin) {
    const ns = r.builtinNamespace!;
    const lic = ns.licensed ? `\n\n${l.t('hover.licensed', { title: markdownText(ns.title) })}` : '';
    return `${head}${title(r.builtin.title)}\n\n${l.t('hover.builtin', { noun, title: markdownText(ns.title), code: codeSpanText(ns.code) })}${lic}`;
  }
  const t = r.targets[0];
  if (!t) return `${head}\n\n${l.t('hover.notFound')}`;
  const where = l.t('hover.declaredIn', { where: namespaceLabel(project, t.namespace, l), file: markdownText(t.manifest.file) });
  let verdict: string;
  if (!r.inScope) verdict = l.t('hover.outside', { pkgGen });
  else if (r.viaSolution) verdict = l.t('hover.viaSolution', { pkgGen });
  else verdict = l.t('hover.inside', { pkgGen });
  const deleted = t.deleted ? `\n\n${l.t('hover.deleted')}` : '';
  // A finding of ISO004 or ISO009 names the way from the package's root to the target.
  const code = referenceVerdict(r).code;
  const x = code === 'ISO004' || code === 'ISO009' ? explainReference(project, r.ref, l, true) : undefined;
  const path = x ? `\n\n${explanationMarkdown(x, l)}` : '';
  return `${head}${title(t.title)}\n\n${where}\n\n${verdict}${deleted}${path}`;
}

function declarationHover(project: Project, e: EntityDecl, l: Translator): string {
  const pkg = project.packageOf(e.manifest);
  const n = referencesTo(project, e).length;
  const lines = [`**${l.noun(e.kind)}** \`${codeSpanText(e.code)}\`${title(e.title)}`];
  const where = e.parent ? kindLabel(e.parent.kind, e.parent.code, l) : namespaceLabel(project, e.namespace, l);
  lines.push(l.t('hover.declaration', { id: codeSpanText(e.id), where }) + (pkg ? l.t('hover.exportedWith', { pkgGen: packageLabel(pkg, l, 'gen') }) : ''));
  if (!e.parent) lines.push(l.t('hover.references', { n }));
  if (e.deleted) lines.push(l.t('hover.declarationDeleted'));
  return lines.join('\n\n');
}
