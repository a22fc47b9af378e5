import * as path from 'node:path';
import { CheckResult, checkProject, Diagnostic } from '../../server/src/core/check';
import { firstBadLine } from '../../server/src/core/manifest/dataScan';
import { FileHost, isManifestPath } from '../../server/src/core/manifest/host';
import { loadProject, Project } from '../../server/src/core/manifest/project';

/** The root every in-memory project lives under. */
export const ROOT = '/project';

/** A file host over a map of project-relative paths to texts. */
export function memoryHost(files: Record<string, string>, root = ROOT): FileHost {
  const abs = new Map(Object.entries(files).map(([rel, text]) => [path.resolve(root, rel), text]));
  return {
    readFile: async (p) => abs.get(p),
    exists: async (p) => abs.has(p),
    scanData: async (p) => {
      const text = abs.get(p);
      return text === undefined ? undefined : firstBadLine(text.split(/\r\n|\r|\n/));
    },
    findManifests: async (dir) => [...abs.keys()].filter((p) => isManifestPath(p) && p.startsWith(dir + path.sep)).sort(),
  };
}

/** Loads an in-memory project. Values that are objects are written as JSON. */
export async function project(files: Record<string, string | object>): Promise<Project> {
  const texts: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) texts[k] = typeof v === 'string' ? v : JSON.stringify(v, null, 2);
  return loadProject(ROOT, memoryHost(texts));
}

/** Loads and checks an in-memory project. */
export async function check(files: Record<string, string | object>): Promise<CheckResult> {
  return checkProject(await project(files));
}

/** Diagnostics of one rule code. */
export function only(result: CheckResult, code: string): Diagnostic[] {
  return result.diagnostics.filter((d) => d.code === code);
}

/** The text a diagnostic's range covers, read from the given file text. */
export function covered(text: string, d: Diagnostic): string {
  const lines = text.split(/\r?\n/);
  const { start, end } = d.range;
  if (start.line === end.line) return lines[start.line].slice(start.character, end.character);
  return [lines[start.line].slice(start.character), ...lines.slice(start.line + 1, end.line), lines[end.line].slice(0, end.character)].join('\n');
}
