import type { Range } from '../json/positions';
import { ENTITY_NOUN } from '../manifest/kinds';
import type { Project } from '../manifest/project';
import type { EntityDecl, LinkedFile, Manifest, Package, Reference } from '../manifest/types';
import { ReferenceVerdict, referenceVerdict } from '../manifest/verdict';
import { namespaceLabel } from '../rules/iso004-out-of-scope';
import { packageLabel } from '../rules/words';
import { locationsOf } from '../language/locations';
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
 * and where its target lives; for ISO009, which include brings the target's namespace in.
 */
export function explainReference(view: Project, ref: Reference): Explanation | undefined {
  const pkg = view.packageOf(ref.manifest);
  if (!pkg) return undefined;
  const r = view.resolve(ref);
  const verdict = referenceVerdict(r);
  const steps: ExplanationStep[] = [{ role: 'package', text: packageLabel(pkg), file: pkg.root.file, range: valueRange(pkg.root, ['code']) }];
  steps.push(...wayTo(view, pkg, ref.manifest));
  const chain: EntityDecl[] = [];
  for (let e = ref.owner; e; e = e.parent) chain.unshift(e);
  for (const e of chain) steps.push({ role: 'entity', text: entityWords(e), file: e.manifest.file, range: locationsOf(e.manifest).code(e) });
  const property = typeof ref.path[ref.path.length - 1] === 'number' ? ref.path[ref.path.length - 2] : ref.path[ref.path.length - 1];
  steps.push({ role: 'reference', text: `\`${String(property)}\`: \`${ref.text}\``, file: ref.manifest.file, range: locationsOf(ref.manifest).reference(ref) });
  const t = r.targets[0];
  const noun = ENTITY_NOUN[ref.kind];
  if (t) {
    const where = t.namespace.startsWith('#') ? 'the org chart' : t.namespace === 'global' ? 'the global objects' : namespaceLabel(view, t.namespace);
    steps.push({ role: 'target', text: `${noun} \`${t.code}\` of ${where}`, file: t.manifest.file, range: locationsOf(t.manifest).code(t) });
  } else if (r.builtin) {
    steps.push({ role: 'target', text: `built-in ${noun} \`${r.builtin.code}\` of \`${r.builtin.namespace}\` (${r.builtinNamespace!.title})` });
  } else {
    steps.push({ role: 'target', text: `${noun} \`${r.code}\`, declared nowhere` });
  }
  let conclusion: string;
  switch (verdict.code) {
    case 'ISO004': {
      const scope = [...pkg.namespaces].filter((n) => !n.startsWith('#') && n !== 'global').map((n) => `\`${n}\``);
      const how = pkg.kind === 'app' ? `, which carries only app \`${pkg.code}\``
        : `, which carries ${scope.length === 1 ? 'namespace' : 'namespaces'} ${scope.join(', ')}`;
      conclusion = `The target is outside ${packageLabel(pkg)}${how}: ISO004.`;
      break;
    }
    case 'ISO009': {
      const through = t && wayTo(view, pkg, t.manifest).pop();
      if (through) steps.push({ ...through, text: `and ${packageLabel(pkg)} also ${through.text}` });
      conclusion = `The target is inside ${packageLabel(pkg)} only because it includes both namespaces; ${ref.manifest.kind} \`${ref.manifest.code}\` alone cannot carry it: ISO009.`;
      break;
    }
    default:
      conclusion = verdict.class === 'inside' ? `The target is inside ${packageLabel(pkg)}.`
        : verdict.class === 'builtin' ? (verdict.code ? `The target is built in, but licensed: an environment without the licence lacks it: ${verdict.code}.` : 'Every environment has the target.')
          : `${verdict.class === 'unknown' ? 'The target exists nowhere' : `${capital(packageLabel(pkg))} cannot carry the target`}${verdict.code ? `: ${verdict.code}` : ''}.`;
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
function wayTo(view: Project, pkg: Package, target: Manifest): ExplanationStep[] {
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
      tail.push({ role: 'carries', text: `carries app manifest ${target.file} (namespace \`${target.namespace}\`)`, file: target.file, range: valueRange(target, ['code']) });
    }
  }
  const steps: ExplanationStep[] = [];
  for (let m = end; came.has(m); m = came.get(m)!.from) {
    const { from, link } = came.get(m)!;
    steps.unshift({ role: 'include', text: `includes ${m.kind} \`${m.code}\` (\`${link.spec}\`)`, file: from.file, range: valueRange(from, link.path) });
  }
  return [...steps, ...tail];
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function entityWords(e: EntityDecl): string {
  return `${ENTITY_NOUN[e.kind]} \`${e.code}\``;
}

/** Where a step points, `file:line:column` (one-based), or nothing. */
export function stepPlace(s: ExplanationStep): string {
  return s.file ? `${s.file}${s.range ? `:${s.range.start.line + 1}:${s.range.start.character + 1}` : ''}` : '';
}

/** The explanation as plain text lines, one step a line, for the command line. */
export function explanationText(x: Explanation): string {
  const lines = x.steps.map((s, i) => `  ${i === 0 ? ' ' : '→'} ${s.text}${s.file ? `  (${stepPlace(s)})` : ''}`);
  return `Path from ${packageLabel(x.package)}:\n${lines.join('\n')}\n${x.conclusion}\n`;
}

/** The explanation as Markdown, for a hover. */
export function explanationMarkdown(x: Explanation): string {
  const lines = x.steps.map((s, i) => `${i + 1}. ${s.text}${s.file ? ` — \`${stepPlace(s)}\`` : ''}`);
  return `**Path from ${packageLabel(x.package)}**\n\n${lines.join('\n')}\n\n${x.conclusion}`;
}
