/**
 * The real command line for the fuzz suite: `node dist/cli.js` run as a user or a CI job runs
 * it, killed when it runs too long; and the local environment of a project read between runs.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Environment } from '../../server/src/core/environment/environment';
import { snapshot } from './pipelines';
import { REPO } from './pkgzip';

export const CLI = path.join(REPO, 'dist', 'cli.js');

/** Runs the CLI; a run past `ms` is killed and reported as a hang. */
export function isola(args: string[], cwd: string, ms = 30_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hang: isola ${args.join(' ')} did not finish in ${ms} ms`));
    }, ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** The local environment of a project folder, as text (opened and closed again: the CLI needs its lock). */
export async function localSnapshot(project: string): Promise<Record<string, string>> {
  const env = await Environment.open({ dataDir: path.join(project, '.isola', 'local') });
  try {
    return await snapshot(env);
  } finally {
    await env.close();
  }
}
