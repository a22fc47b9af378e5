import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';

/**
 * The embedded `local` environment, run as `isola env serve` in a child process on loopback: the
 * database and every import stay off the extension host, and the editor talks to it like any
 * other environment, with a token made for this session and passed in the child's environment.
 */
export class LocalService implements vscode.Disposable {
  private child: ChildProcess | undefined;
  private starting: Promise<{ url: string; token: string }> | undefined;
  /** A start was asked for and its child is not spawned yet (it waits for `stopping`). */
  private launching = false;
  /** Resolves when a service that did not start in time has exited: until then it holds the database's lock. */
  private stopping: Promise<void> = Promise.resolve();

  constructor(private readonly extensionPath: string, private readonly output: vscode.LogOutputChannel) {}

  /** Starts the service on first use; later calls get the same one. */
  ensure(dataDir: string): Promise<{ url: string; token: string }> {
    if (this.starting && (this.launching || (this.child && this.child.exitCode === null))) return this.starting;
    this.launching = true;
    this.starting = this.stopping.then(() => this.start(dataDir)).finally(() => (this.launching = false));
    this.starting.catch(() => (this.starting = undefined));
    return this.starting;
  }

  private start(dataDir: string): Promise<{ url: string; token: string }> {
    const token = `isola_${randomBytes(24).toString('base64url')}`;
    const cli = path.join(this.extensionPath, 'dist', 'cli.js');
    const child = spawn(process.execPath, [cli, 'env', 'serve', '--data', dataDir, '--port', '0', '--name', 'local'], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ISOLA_ADMIN_TOKEN: token, ISOLA_ADMIN_USER: 'vscode' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let out = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // Stopped rather than left running (on a busy machine it may start later): it would keep
        // the database's lock, and every later start would fail on "open in another process".
        this.stopping = new Promise((done) => child.once('exit', () => done()));
        child.kill('SIGTERM');
        reject(new Error(`the local environment did not start within 60 s:\n${out}`));
      }, 60_000);
      child.stdout!.on('data', (b: Buffer) => {
        const text = b.toString();
        out += text;
        for (const line of text.split('\n')) if (line.trim()) this.output.info(`[local environment] ${line.replace(/isola_[A-Za-z0-9_-]+/g, 'isola_…')}`);
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve({ url: m[1], token });
        }
      });
      child.stderr!.on('data', (b: Buffer) => {
        out += b.toString();
        this.output.warn(`[local environment] ${b.toString().trimEnd()}`);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (this.child === child) this.child = undefined;
        reject(new Error(`the local environment stopped (exit ${code}): ${out.trim().split('\n').pop() ?? ''}`));
      });
    });
  }

  dispose(): void {
    this.child?.kill('SIGTERM');
  }
}
