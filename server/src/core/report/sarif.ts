import type { CheckResult } from '../check';
import { RULES } from '../rules';
import type { Rule } from '../rules/rule';

/** MAN004 is reported by the check itself (suppression comments), not by a rule, but needs a descriptor. */
const MAN004: Pick<Rule, 'code' | 'severity' | 'title' | 'description'> = {
  code: 'MAN004', severity: 'warning', title: 'Suppression comment',
  description: 'An `isola-disable-next-line` comment that is unused, names an unknown code, or aims at an error (errors block export and cannot be suppressed).',
};
const DESCRIPTORS = [...RULES, MAN004];

/** Tool identity written into SARIF logs. */
export interface ToolInfo {
  name: string;
  version: string;
  informationUri: string;
}

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * A project-relative path (forward slashes) as a relative URI reference: each segment encoded,
 * so `#` and `?` in a name stay part of the path instead of starting a fragment or a query.
 */
export function relativeUri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: one run, every rule described once, results
 * with 1-based lines and columns relative to `%SRCROOT%` (the checked folder).
 */
export function formatSarif(result: CheckResult, tool: ToolInfo): string {
  const ruleIndex = new Map(DESCRIPTORS.map((r, i) => [r.code, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: tool.informationUri,
            rules: DESCRIPTORS.map((r) => ({
              id: r.code,
              name: r.title.replace(/(^|[\s-])(\w)/g, (_m, _s, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, ''),
              shortDescription: { text: r.title },
              fullDescription: { text: r.description },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { tags: [r.code.startsWith('ISO') ? 'isolation' : 'manifest'] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The checked project folder' } } },
        results: result.diagnostics.map((d) => ({
          ruleId: d.code,
          ruleIndex: ruleIndex.get(d.code),
          level: LEVEL[d.severity],
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relativeUri(d.file), uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: d.range.start.line + 1,
                  startColumn: d.range.start.character + 1,
                  endLine: d.range.end.line + 1,
                  endColumn: d.range.end.character + 1,
                },
              },
            },
          ],
          partialFingerprints: { isolaFinding: fingerprint(`${d.code}|${d.file}|${d.message}`) },
          properties: d.package ? { package: d.package } : undefined,
        })),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** A stable hash, so code scanning tracks a finding across commits even when lines move. */
function fingerprint(s: string): string {
  // Required here, not imported: `isola check` in text or JSON should not load node:crypto at start-up.
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(s).digest('hex').slice(0, 32);
}
