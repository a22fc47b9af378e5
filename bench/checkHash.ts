import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { checkProject } from '../server/src/core/check';
import { nodeFileHost } from '../server/src/core/manifest/host';
import { loadProject } from '../server/src/core/manifest/project';

/**
 * `--hash`: the SHA-1 of each whole check result (every diagnostic with its range and message,
 * and the summary) of the examples and of the generated projects already under bench/.work, one
 * line each. Run before and after a change meant to keep results the same: the lines must match.
 */
export async function printHashes(root: string, work: string): Promise<void> {
  const examples = path.join(root, 'examples');
  const dirs = [
    ...fs.readdirSync(examples).map((d) => path.join(examples, d)),
    ...(fs.existsSync(work) ? fs.readdirSync(work).filter((d) => /^(check|many|lsp)-\d+$/.test(d)).sort().map((d) => path.join(work, d)) : []),
  ].filter((d) => fs.statSync(d).isDirectory());
  for (const dir of dirs) {
    const project = await loadProject(dir, nodeFileHost);
    const result = checkProject(project);
    const sha = createHash('sha1').update(JSON.stringify(result)).digest('hex').slice(0, 16);
    console.log(`${sha}  ${String(result.diagnostics.length).padStart(6)} diagnostics  ${path.relative(root, dir)}`);
  }
}
