/**
 * Runs `check` (loadProject + checkProject) for the manifest fuzz tests in a worker thread, so
 * a check that spins forever can be stopped (terminating the worker) and reported as a hang
 * instead of stopping the whole test run. This file is both sides: CheckRunner in the test's
 * thread, the checking loop in the worker.
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { Hang, STEP_MS } from './settings';

export interface CheckAnswer {
  ok: boolean;
  /** When ok: counts; else the error thrown. */
  summary?: { errors: number; warnings: number; infos: number; files: number };
  malformed?: string;
  /** Files outside the project that the check read (it must read none: docs/manifest-language.md, Paths). */
  outside?: string[];
  name?: string;
  message?: string;
  stack?: string;
}

/** Runs check in a worker; a check that does not answer in time is a Hang (the worker is replaced). */
export class CheckRunner {
  private worker = this.spawn();

  private spawn(): Worker {
    const w = new Worker(path.join(__dirname, 'checkWorker.js'));
    w.unref();
    return w;
  }

  run(root: string, ms = STEP_MS): Promise<CheckAnswer> {
    const w = this.worker;
    return new Promise<CheckAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        void w.terminate();
        this.worker = this.spawn();
        reject(new Hang(`hang: check of ${root} did not finish in ${ms} ms`));
      }, ms);
      const onMessage = (a: CheckAnswer) => {
        cleanup();
        resolve(a);
      };
      const onError = (e: Error) => {
        cleanup();
        this.worker = this.spawn();
        resolve({ ok: false, name: 'uncaught in the worker', message: e.message, stack: e.stack });
      };
      const cleanup = () => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
      };
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage(root);
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { checkProject } = require('../../server/src/core/check') as typeof import('../../server/src/core/check');
  const { nodeFileHost } = require('../../server/src/core/manifest/host') as typeof import('../../server/src/core/manifest/host');
  const { loadProject } = require('../../server/src/core/manifest/project') as typeof import('../../server/src/core/manifest/project');
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  port.on('message', async (root: string) => {
    let answer: CheckAnswer;
    // The files the check reads, through the real host, to see that none lies outside the project.
    const reads: string[] = [];
    const host = { ...nodeFileHost, readFile: (p: string) => (reads.push(p), nodeFileHost.readFile(p)) };
    try {
      const { diagnostics, summary } = checkProject(await loadProject(root, host));
      const top = real(root);
      const outside = [...new Set(reads)].filter((p) => {
        const r = real(p);
        return r !== top && !r.startsWith(top + path.sep);
      });
      // Findings are what every front end shows: each needs a message and a range inside the file.
      const bad = diagnostics.find((d) => typeof d.message !== 'string' || !d.message || d.range.start.line < 0 || d.range.start.character < 0 ||
        d.range.end.line < d.range.start.line);
      answer = { ok: true, summary, ...(bad ? { malformed: JSON.stringify(bad).slice(0, 500) } : {}), ...(outside.length ? { outside } : {}) };
    } catch (e) {
      answer = { ok: false, name: (e as Error)?.constructor?.name, message: String((e as Error)?.message ?? e), stack: (e as Error)?.stack };
    }
    port.postMessage(answer);
  });
}
