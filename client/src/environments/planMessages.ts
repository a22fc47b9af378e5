import type { ImportChoice } from '../../../server/src/core/environment/importChoice';

/** What the plan's webview sends to the extension: a button pressed, or the import choice changed. */
export type PlanMessage =
  | { command: 'apply' }
  | { command: 'replace' }
  | { command: 'cancel' }
  | { command: 'diff'; id: string }
  | { command: 'choose'; design: ImportChoice['design']; data: ImportChoice['data'] };

/**
 * Whether a message from the webview is one the panel understands. The page is ours, but what it
 * posts is checked as input all the same: a message of another shape is ignored.
 */
export function isPlanMessage(m: unknown): m is PlanMessage {
  if (typeof m !== 'object' || m === null) return false;
  const x = m as Record<string, unknown>;
  switch (x.command) {
    case 'apply': case 'replace': case 'cancel':
      return true;
    case 'diff':
      return typeof x.id === 'string';
    case 'choose':
      return (x.design === 'all' || x.design === 'none')
        && (x.data === 'none' || x.data === 'all' || (Array.isArray(x.data) && x.data.every((a) => typeof a === 'string')));
    default:
      return false;
  }
}
