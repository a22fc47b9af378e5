import { CancellationToken, LSPErrorCodes, ResponseError } from 'vscode-languageserver';

/**
 * Runs a request handler after yielding to the event loop (so queued edits are applied first),
 * checks cancellation before and after, and turns exceptions into a logged safe default.
 */
export function runSafe<T>(
  log: (message: string) => void,
  token: CancellationToken,
  fallback: T,
  what: string,
  fn: () => T | Promise<T>,
): Promise<T | ResponseError<void>> {
  return new Promise((resolve) => {
    setImmediate(async () => {
      if (token.isCancellationRequested) return resolve(cancelled());
      try {
        const result = await fn();
        resolve(token.isCancellationRequested ? cancelled() : result);
      } catch (e) {
        log(`${what} failed: ${(e as Error).stack ?? e}`);
        resolve(fallback);
      }
    });
  });
}

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'Request cancelled');
}
