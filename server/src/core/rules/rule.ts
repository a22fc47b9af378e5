import type { JsonPath } from '../json/path';
import type { Project } from '../manifest/project';
import type { Manifest, Package } from '../manifest/types';
import type { Translator } from '../l10n';

export type Severity = 'error' | 'warning' | 'info';

export type RuleCode =
  | 'ISO001' | 'ISO002' | 'ISO003' | 'ISO004' | 'ISO005' | 'ISO006' | 'ISO007' | 'ISO008' | 'ISO009'
  | 'MAN001' | 'MAN002' | 'MAN003' | 'MAN005'
  /** Suppression comments that are unused, unknown, or aim at errors (reported by the check, not a rule). */
  | 'MAN004';

/**
 * Where a finding points. A path into the manifest's JSON (the value, or the property key),
 * optionally narrowed to characters inside a string value; or a plain offset, for syntax errors
 * and for script files.
 */
export type Anchor =
  | { path: JsonPath; part?: 'key' | 'value'; inString?: { index: number; length: number } }
  | { offset: number; length: number };

/** One problem a rule found. `file` is project-relative; the range is computed from `anchor` later. */
export interface Finding {
  code: RuleCode;
  severity: Severity;
  message: string;
  file: string;
  anchor: Anchor;
  /** Code of the package the manifest was checked in. */
  package?: string;
  /** Facts a quick fix needs (the missing namespace, the suggested code...). */
  data?: Record<string, unknown>;
}

/** What a rule may look at besides the manifest itself. */
export interface RuleContext {
  project: Project;
  /** The smallest package containing the manifest; undefined when the manifest could not be modelled. */
  pkg: Package | undefined;
  /** The language of the findings' messages (English unless a front end asks for another). */
  t: Translator;
}

/** One isolation or manifest rule. Rules are pure: they read the model and return findings. */
export interface Rule {
  code: RuleCode;
  severity: Severity;
  /** A short name, for SARIF and documentation. */
  title: string;
  /** What the rule checks and why, one or two sentences. */
  description: string;
  check(m: Manifest, ctx: RuleContext): Finding[];
}

/** Builds a finding of a rule on a manifest. */
export function finding(rule: Rule, m: Manifest, ctx: RuleContext, anchor: Anchor, message: string, data?: Record<string, unknown>, file = m.file): Finding {
  return { code: rule.code, severity: rule.severity, message, file, anchor, package: ctx.pkg?.code, data };
}
