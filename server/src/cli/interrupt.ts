import type { ExitCode } from './usage';

/**
 * SIGINT and SIGTERM while a command talks to an environment (import, export, retrieve): the
 * first is caught, aborts `signal` and runs the `onSignal` action (cancelling the command's job),
 * so the command can end by itself, say what happened and remove what it wrote; its exit status
 * is then 130 (143 for SIGTERM). A second one ends the process at once with that status, still
 * through `process.exit`, so the 'exit' listeners remove temporary files (a death by the signal
 * would leave them).
 */
export class Interrupt {
  caught: NodeJS.Signals | undefined;
  private readonly abort = new AbortController();
  private action: (() => void) | undefined;
  private readonly stop = (signal: NodeJS.Signals) => {
    if (this.caught) process.exit(this.exitCode());
    this.caught = signal;
    this.abort.abort(new Error('interrupted'));
    this.action?.();
  };

  constructor() {
    process.on('SIGINT', this.stop).on('SIGTERM', this.stop);
  }

  /** Aborted by the first signal: for work that can stop halfway and clean up (a download). */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Runs `action` on the first signal, or at once when it came already. */
  onSignal(action: () => void): void {
    this.action = action;
    if (this.caught) action();
  }

  exitCode(): ExitCode {
    return this.caught === 'SIGTERM' ? 143 : 130;
  }

  off(): void {
    process.off('SIGINT', this.stop).off('SIGTERM', this.stop);
  }
}
