import { spawn } from 'node:child_process';

/**
 * Keeps one core busy with a child process that spins, as a build, a test run or a second
 * editor does on a developer's machine; returns the function that stops it. Used by the
 * benchmarks' loaded modes, so "loaded" means the same thing on every run.
 */
export function keepOneCoreBusy(): () => void {
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  return () => {
    child.kill('SIGKILL');
  };
}
