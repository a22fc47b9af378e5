import type { Range } from '../json/positions';
import { english, Translator } from '../l10n';
import type { Project } from '../manifest/project';
import type { EntityDecl, LinkedFile, Manifest, Package, Reference } from '../manifest/types';
import { ReferenceVerdict, referenceVerdict } from '../manifest/verdict';
import { namespaceLabel } from '../rules/iso004-out-of-scope';
import { capital, kindLabel, packageLabel } from '../rules/words';
import { locationsOf } from '../language/locations';
import { codeSpanText as code, markdownText } from '../language/markdown';
import { valueRange } from './sites';

/** One step of the way from a package's root manifest to what a reference names. */
export interface ExplanationStep {
  /** `package` root, an `include`, an app manifest a workspace `carries`, an `entity`, the `reference`, its `target`. */
  role: 'package' | 'include' | 'carries' | 'entity' | 'reference' | 'target';
  /** Markdown-ish words: names in backquotes. */
  text: string;
  /** Project-relative file and zero-based range the step points at, when it has one. */
  file?: string;
  range?: Range;
}

/** Why a reference is classed as it is: the path from the package's root to its target. */
export interface Explanation {
  verdict: ReferenceVerdict;
  package: Package;
  steps: ExplanationStep[];
  /** One sentence saying what the path means. */
  conclusion: string;
}

/**
 * Explains a reference as the check sees it in `view` (the project, or the view of a unit
 * checked alone): which includes bring its manifest into the package, which entity holds it,
 * and where its target lives; for ISO009, which include brings the target's namespace in. The
 * steps' words and the conclusion are in `t`'s language. Manifests' text in backquotes never ends
 * them early; with `markdown` (for a hover), text outside them (a title, a file name) shows as written.
 */
export function explainReference(view: Project, ref: Reference, l: Translator = english, markdown = false): Explanation | undefined {
  const text = markdown ? markdownText : (s: string) => s;
  const pkg = view.packageOf(ref.manifest);
  if (!pkg) return undefined;
  const r = view.resolve(ref);
  const verdict = referenceVerdict(r);
  const steps: ExplanationStep[] = [{ role: 'package', text: packageLabel(pkg, l), file: pkg.root.file, range: valueRange(pkg.root, ['code']) }];
  steps.push(...wayTo(view, pkg, ref.manifest, l, text));
  const chain: EntityDecl[] = [];
  for (let e = ref.owner; e; e = e.parent) chain.unshift(e);
  for (const e of chain) steps.push({ role: 'entity', text: kindLabel(e.kind, e.code, l), file: e.manifest.file, range: locationsOf(e.manifest).code(e) });
  const property = typeof ref.path[ref.path.length - 1] === 'number' ? ref.path[ref.path.length - 2] : ref.path[ref.path.length - 1];
  steps.push({ role: 'reference', text: `\`${code(String(property))}\`: \`${code(ref.text)}\``, file: ref.manifest.file, range: locationsOf(ref.manifest).reference(ref) });
  const t = r.targets[0];
  const noun = l.noun(ref.kind);
  if (t) {
    const whereGen = t.namespace.startsWith('#') ? l.t('explain.orgChart') : t.namespace === 'global' ? l.t('explain.globals') : namespaceLabel(view, t.namespace, l, 'gen');
    steps.push({ role: 'target', text: l.t('explain.target', { noun, code: code(t.code), whereGen }), file: t.manifest.file, range: locationsOf(t.manifest).code(t) });
  } else if (r.builtin) {
    steps.push({ role: 'target', text: l.t('explain.builtin', { noun, code: code(r.builtin.code), ns: code(r.builtin.namespace), title: text(r.builtinNamespace!.title) }) });
  } else {
    steps.push({ role: 'target', text: l.t('explain.undeclared', { noun, code: code(r.code) }) });
  }
  const pkgGen = packageLabel(pkg, l, 'gen');
  let conclusion: string;
  switch (verdict.code) {
    case 'ISO004': {
      const scope = [...pkg.namespaces].filter((n) => !n.startsWith('#') && n !== 'global').map((n) => `\`${code(n)}\``);
      const how = pkg.kind === 'app' ? l.t('explain.carriesApp', { code: code(pkg.code) })
        : l.t('explain.carriesNamespaces', { n: scope.length, list: scope.join(', ') });
      conclusion = l.t('explain.iso004', { pkgGen, how });
      break;
    }
    case 'ISO009': {
      const through = t && wayTo(view, pkg, t.manifest, l, text).pop();
      if (through) steps.push({ ...through, text: l.t('explain.also', { pkg: packageLabel(pkg, l), step: through.text }) });
      conclusion = l.t('explain.iso009', { pkgGen, own: kindLabel(String(ref.manifest.kind), ref.manifest.code, l) });
      break;
    }
    default:
      conclusion = verdict.class === 'inside' ? l.t('explain.inside', { pkgGen })
        : verdict.class === 'builtin' ? (verdict.code ? l.t('explain.licensed', { code: verdict.code }) : l.t('explain.everywhere'))
          : verdict.class === 'unknown' ? l.t('explain.nowhere', { verdict: verdict.code ? `: ${verdict.code}` : '' })
            : l.t('explain.cannotCarry', { pkg: capital(packageLabel(pkg, l)), verdict: verdict.code ? `: ${verdict.code}` : '' });
  }
  return { verdict, package: pkg, steps, conclusion };
}

/** The reference whose text a finding's range covers, in a manifest. */
export function referenceAt(m: Manifest, range: Range): Reference | undefined {
  const loc = locationsOf(m);
  const same = (a: Range['start'], b: Range['start']) => a.line === b.line && a.character === b.character;
  return m.references.find((ref) => {
    const r = loc.reference(ref);
    return !!r && same(r.start, range.start) && same(r.end, range.end);
  });
}

/** The includes from a package's root to one of its manifests (and the carrying of an app manifest). */
function wayTo(view: Project, pkg: Package, target: Manifest, l: Translator, text: (s: string) => string): ExplanationStep[] {
  if (target === pkg.root) return [];
  const { includeTarget, cycleLinks } = view.packageMap;
  const members = new Set(pkg.members);
  // Breadth first, so the shortest chain of includes is the one named.
  const came = new Map<Manifest, { from: Manifest; link: LinkedFile }>();
  const queue = [pkg.root];
  const seen = new Set(queue);
  for (let i = 0; i < queue.length; i++) {
    const m = queue[i];
    for (const l of m.links) {
      const t = includeTarget.get(l);
      if (!t || seen.has(t) || cycleLinks.has(l) || !members.has(t)) continue;
      seen.add(t);
      came.set(t, { from: m, link: l });
      queue.push(t);
    }
  }
  let end = target;
  const tail: ExplanationStep[] = [];
  if (!seen.has(target) && target.kind === 'app' && target.namespace) {
    // An app manifest that nothing includes travels with the workspace or module of its namespace.
    const owner = view.firstWithCode('namespace', target.namespace);
    if (owner && seen.has(owner)) {
      end = owner;
      tail.push({ role: 'carries', text: l.t('explain.carries', { file: text(target.file), ns: code(target.namespace) }), file: target.file, range: valueRange(target, ['code']) });
    }
  }
  const steps: ExplanationStep[] = [];
  for (let m = end; came.has(m); m = came.get(m)!.from) {
    const { from, link } = came.get(m)!;
    steps.unshift({ role: 'include', text: l.t('explain.include', { kindAcc: l.noun(String(m.kind), 'acc'), code: code(String(m.code)), spec: code(link.spec) }), file: from.file, range: valueRange(from, link.path) });
  }
  return [...steps, ...tail];
}

/** Where a step points, `file:line:column` (one-based), or nothing. */
export function stepPlace(s: ExplanationStep): string {
  return s.file ? `${s.file}${s.range ? `:${s.range.start.line + 1}:${s.range.start.character + 1}` : ''}` : '';
}

/** The explanation as plain text lines, one step a line, for the command line; `t` as the explanation's. */
export function explanationText(x: Explanation, t: Translator = english): string {
  const lines = x.steps.map((s, i) => `  ${i === 0 ? ' ' : '→'} ${s.text}${s.file ? `  (${stepPlace(s)})` : ''}`);
  return `${t.t('explain.path', { pkgGen: packageLabel(x.package, t, 'gen') })}:\n${lines.join('\n')}\n${x.conclusion}\n`;
}

/** The explanation as Markdown, for a hover; `t` as the explanation's. */
export function explanationMarkdown(x: Explanation, t: Translator = english): string {
  const lines = x.steps.map((s, i) => `${i + 1}. ${s.text}${s.file ? ` — \`${code(stepPlace(s))}\`` : ''}`);
  return `**${t.t('explain.path', { pkgGen: packageLabel(x.package, t, 'gen') })}**\n\n${lines.join('\n')}\n\n${x.conclusion}`;
}
