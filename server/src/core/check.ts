import { locatePaths, type NodeLocation } from './json/locate';
import { JsonPath, pathKey } from './json/path';
import { LineIndex, Range } from './json/positions';
import { rawOffsetInStringToken } from './json/strings';
import type { Project } from './manifest/project';
import { forgetReferenceEdit, modelOrigin, referenceEditOf } from './manifest/carryModel';
import { lineIndexOf, locateInManifest, mayHoldDirective } from './manifest/locationMemo';
import type { Manifest, Package } from './manifest/types';
import { RULES } from './rules';
import { schemaAfterItemEdit } from './rules/man002-schema';
import type { Finding, Rule, RuleCode, Severity } from './rules/rule';
import { applySuppressions } from './suppressions';
import { english, Translator } from './l10n';

/** A finding with its range in its file: what every front end (CLI, LSP, SARIF) shows. */
export interface Diagnostic {
  /** Project-relative path with forward slashes. */
  file: string;
  range: Range;
  severity: Severity;
  code: RuleCode;
  message: string;
  package?: string;
  data?: Record<string, unknown>;
}

/** Counts of a check. */
export interface CheckSummary {
  errors: number;
  warnings: number;
  infos: number;
  /** Manifests checked. */
  files: number;
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  summary: CheckSummary;
}

/** Runs every rule on one manifest and places its findings (they may point into its script files too). */
export function diagnoseManifest(project: Project, m: Manifest, rules: readonly Rule[] = RULES, t: Translator = english): Diagnostic[] {
  return placeFindings(project, rerunOrReuse(project, m, rules, t), [m], t);
}

/**
 * The last rule run of a line of manifest versions (see `modelOrigin`): the project it ran in, as
 * the tokens of its manifests (nothing of the snapshot itself is kept alive), the version's link
 * states, and what each rule found.
 */
interface RuleRun {
  root: string;
  catalog: Project['catalog'];
  focus: object | undefined;
  manifests: readonly object[];
  links: LinkState[];
  rules: readonly Rule[];
  t: Translator;
  byRule: Finding[][];
}

const lastRuns = new WeakMap<object, RuleRun>();
const projectTokens = new WeakMap<Project, readonly object[]>();

/** Rules that read no reference: an edit of a reference's text leaves their findings as they were. */
const REFERENCE_BLIND: ReadonlySet<RuleCode> = new Set(['ISO001', 'ISO005', 'ISO008', 'MAN001', 'MAN003', 'MAN005']);
/**
 * Rules that find at most one thing per reference, at its path, from that reference and the
 * project alone: after an edit of one reference they run for that reference only.
 */
const PER_REFERENCE: ReadonlySet<RuleCode> = new Set(['ISO002', 'ISO003', 'ISO004', 'ISO006', 'ISO007', 'ISO009']);

/**
 * The rules' findings for a manifest, reused from the last run when nothing they read can have
 * changed: this version's model was carried from that run's version (an edit of a title, a
 * description or a comment, which no rule reads), its linked files are in the same state, and
 * every manifest of the project is the same or a carried version of it. Otherwise the rules run.
 * An editor's keystrokes in a title then cost no rule run; the findings are placed again, since
 * ranges move. After an edit of one reference's text (`referenceEditOf`) in an otherwise equal
 * project, the rules that read references run for that reference alone, the schema checks the
 * element that holds it, and the others keep their findings.
 */
function rerunOrReuse(project: Project, m: Manifest, rules: readonly Rule[], t: Translator): Finding[] {
  const token = modelOrigin(m);
  let manifests = projectTokens.get(project);
  if (!manifests) projectTokens.set(project, (manifests = project.manifests.map(modelOrigin)));
  const focus = project.focus && modelOrigin(project.focus);
  const links = m.links.map(linkState);
  // Whether a run saw this project, with this manifest's token as `self` then.
  const sameAs = (run: RuleRun | undefined, self: object): run is RuleRun => !!run && run.rules === rules && run.t === t &&
    m.syntaxErrors.length === 0 && run.root === project.root && run.catalog === project.catalog &&
    run.focus === (focus === token ? self : focus) && sameItems(run.manifests, manifests!, token, self) && sameLinkStates(run.links, links);
  const last = lastRuns.get(token);
  let byRule: Finding[][];
  if (sameAs(last, token)) byRule = last.byRule;
  else {
    const edit = referenceEditOf(token);
    const before = edit && lastRuns.get(edit.from);
    byRule = edit && sameAs(before, edit.from) ? afterReferenceEdit(project, m, rules, t, before.byRule, edit.path) : runRules(project, m, rules, t);
  }
  forgetReferenceEdit(token);
  lastRuns.set(token, { root: project.root, catalog: project.catalog, focus, manifests, links, rules, t, byRule });
  return byRule.length === 1 ? byRule[0] : byRule.flat();
}

/**
 * The findings after one reference's text changed, from those before: rules that read no
 * reference keep theirs; per-reference rules drop what they found at that reference and run on
 * it alone; the schema's validates the element of a root list that holds the reference (or the
 * whole manifest); any other rule runs again.
 */
function afterReferenceEdit(project: Project, m: Manifest, rules: readonly Rule[], t: Translator, before: Finding[][], path: JsonPath): Finding[][] {
  const ctx = { project, pkg: project.packageOf(m), t };
  // The carried model keeps each reference's path array, so the edited one is found by identity.
  const ref = m.references.find((r) => r.path === path);
  if (!ref) return runRules(project, m, rules, t);
  const alone: Manifest = { ...m, references: [ref] };
  return rules.map((rule, i) => {
    if (REFERENCE_BLIND.has(rule.code)) return before[i];
    if (rule.code === 'MAN002') return schemaAfterItemEdit(m, ctx, before[i], path) ?? rule.check(m, ctx);
    if (!PER_REFERENCE.has(rule.code)) return rule.check(m, ctx);
    const kept = before[i].filter((f) => !('path' in f.anchor) || f.anchor.path !== path);
    const found = rule.check(alone, ctx);
    return found.length > 0 ? kept.concat(found) : kept;
  });
}

/** Each rule's findings on one manifest, in rule order. */
function runRules(project: Project, m: Manifest, rules: readonly Rule[], t: Translator): Finding[][] {
  const ctx = { project, pkg: project.packageOf(m), t };
  return rules.map((rule) => rule.check(m, ctx));
}

/** What the rules read of a linked file besides its path: whether it is there, its text, and why it is refused. */
type LinkState = [exists: boolean, text: string | undefined, outside: string | undefined, dataProblem: string | undefined];

function linkState(l: Manifest['links'][number]): LinkState {
  return [l.exists, l.text, l.outside && `${l.outside.reason}\u0000${l.outside.target}`, l.dataProblem && `${l.dataProblem.line}\u0000${l.dataProblem.reason}`];
}

function sameLinkStates(a: LinkState[], b: LinkState[]): boolean {
  return a.length === b.length && a.every((x, i) => x[0] === b[i][0] && x[1] === b[i][1] && x[2] === b[i][2] && x[3] === b[i][3]);
}

/** Whether `a` equals `b` with `token` read as `self` (the same manifest's token in an earlier run). */
function sameItems(a: readonly object[], b: readonly object[], token: object, self: object): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== (b[i] === token ? self : b[i])) return false;
  return true;
}

/** Runs every rule on one manifest (in the package it belongs to); `t` is the messages' language. */
export function checkManifest(project: Project, m: Manifest, rules: readonly Rule[] = RULES, t: Translator = english): Finding[] {
  const ctx = { project, pkg: project.packageOf(m), t };
  const out: Finding[] = [];
  for (const rule of rules) out.push(...rule.check(m, ctx));
  return out;
}

/** Checks every manifest of a project and places each finding in its file. */
export function checkProject(project: Project, rules: readonly Rule[] = RULES, t: Translator = english): CheckResult {
  const findings: Finding[] = [];
  for (const m of project.manifests) findings.push(...checkManifest(project, m, rules, t));
  // A folder that could not be listed stands in for its manifests but is not one.
  const files = project.manifests.reduce((n, m) => (m.unlisted === undefined ? n + 1 : n), 0);
  return summarize(placeFindings(project, findings, project.manifests, t, ONCE), files);
}

/**
 * Checks one package on its own: the manifests it holds, each in that package, as a build of it
 * would. A unit that a larger package holds (a workspace of a solution) is checked alone, with the
 * findings it would have if it were delivered by itself.
 */
export function checkPackage(project: Project, pkg: Package, rules: readonly Rule[] = RULES, t: Translator = english): CheckResult {
  const { view, manifests } = packageView(project, pkg);
  // A folder that could not be listed may hold manifests of the package: it fails the check, as the build.
  const unlisted = view.manifests.filter((m) => m.unlisted !== undefined);
  const checked = unlisted.length > 0 ? manifests.concat(unlisted) : manifests;
  const findings: Finding[] = [];
  for (const m of checked) findings.push(...checkManifest(view, m, rules, t));
  return summarize(placeFindings(view, findings, checked, t), manifests.length);
}

/**
 * The view a package is checked in (see `Project.checkedIn`) and the manifests checked in it: its
 * members, and the app manifests its workspaces carry. The reference graph reads the same ones.
 */
export function packageView(project: Project, pkg: Package): { view: Project; pkg: Package; manifests: Manifest[] } {
  const view = project.checkedIn(pkg);
  const own = view.packageOf(pkg.root) ?? pkg;
  const manifests = view.manifests.filter((m) => view.packageOf(m) === own || own.members.includes(m));
  return { view, pkg: own, manifests };
}

function summarize(diagnostics: Diagnostic[], files: number): CheckResult {
  const summary: CheckSummary = { errors: 0, warnings: 0, infos: 0, files };
  for (const d of diagnostics) {
    if (d.severity === 'error') summary.errors++;
    else if (d.severity === 'warning') summary.warnings++;
    else summary.infos++;
  }
  return { diagnostics, summary };
}

/**
 * Turns anchors into ranges: each file with findings is scanned once for all its paths, and
 * gets one line index. Output is sorted by file, then position, then code. The findings about
 * suppression comments (MAN004) are in `t`'s language.
 */
export function placeFindings(project: Project, findings: Finding[], checked: Iterable<Manifest>, t: Translator = english, memo: Memo = REMEMBERED): Diagnostic[] {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  const out: Diagnostic[] = [];
  // Checked manifests without findings may still hold suppression comments, which are then unused.
  for (const m of checked) if (!byFile.has(m.file) && memo.mayHoldDirective(m)) byFile.set(m.file, []);
  for (const [file, list] of byFile) {
    const placed: Diagnostic[] = [];
    const owner = project.manifestAt(file);
    // A manifest's own text; the map of every file's text only for a script file.
    const text = owner ? owner.text : project.fileTexts().get(file) ?? '';
    const paths = list.flatMap((f) => ('path' in f.anchor ? [f.anchor.path] : []));
    const located = !paths.length ? new Map() : owner ? memo.locate(owner, paths) : locatePaths(text, paths, { tolerantOnly: true });
    const lines = owner ? memo.lines(owner) : new LineIndex(text);
    for (const f of list) {
      let offset = 0;
      let length = 0;
      const a = f.anchor;
      if ('offset' in a) {
        offset = a.offset;
        length = a.length;
      } else {
        const loc = located.get(pathKey(a.path));
        if (loc) {
          const isContainer = text[loc.offset] === '{' || text[loc.offset] === '[';
          if ((a.part === 'key' || isContainer) && loc.keyOffset !== undefined) {
            // The key's name without its quotes, as for string values.
            const quoted = text[loc.keyOffset] === '"' && (loc.keyLength ?? 0) >= 2;
            offset = quoted ? loc.keyOffset + 1 : loc.keyOffset;
            length = quoted ? loc.keyLength! - 2 : loc.keyLength ?? 0;
          } else if (isContainer) {
            offset = loc.offset;
            length = 1;
          } else if (a.inString) {
            const token = text.slice(loc.offset, loc.offset + loc.length);
            const start = rawOffsetInStringToken(token, a.inString.index);
            const end = rawOffsetInStringToken(token, a.inString.index + a.inString.length);
            offset = loc.offset + start;
            length = end - start;
          } else if (text[loc.offset] === '"' && loc.length >= 2) {
            // Point at the string's content, as users select it: `_clients._companys`, not the quotes.
            offset = loc.offset + 1;
            length = loc.length - 2;
          } else {
            offset = loc.offset;
            length = loc.length;
          }
        }
      }
      placed.push({
        file, range: lines.rangeOf(offset, length), severity: f.severity, code: f.code, message: f.message,
        package: f.package, data: f.data,
      });
    }
    // A manifest without a directive keeps what was placed (`applySuppressions` would return it as it is).
    out.push(...(owner && memo.mayHoldDirective(owner) ? applySuppressions(file, text, placed, project.packageOf(owner)?.code, t) : placed));
  }
  return out.sort(compareDiagnostics);
}

/** How findings are placed in a manifest's text: what is found there kept for its next edit, or not. */
interface Memo {
  locate(m: Manifest, paths: JsonPath[]): Map<string, NodeLocation>;
  lines(m: Manifest): LineIndex;
  mayHoldDirective(m: Manifest): boolean;
}

/** For the editor: locations, line indexes and directive scans are kept per manifest version, and carried over edits. */
const REMEMBERED: Memo = { locate: locateInManifest, lines: lineIndexOf, mayHoldDirective };

/**
 * For a check of a whole project at once (the CLI): nothing is kept, since no edit follows: no
 * weak map entry per manifest (10,000 directive scans, and a map of locations and a line index
 * for each of the 1,061 manifests with findings, in a project of 10,000 small manifests).
 */
const ONCE: Memo = {
  // What the editor found in a version before is still used.
  locate: (m, paths) => locateInManifest(m, paths, false),
  lines: (m) => lineIndexOf(m, false),
  mayHoldDirective: (m) => mayHoldDirective(m, false),
};

/** The order diagnostics are reported in: file, then position, then code. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 :
    a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
