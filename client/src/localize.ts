/**
 * How the pure modules (plan and environment words, tested in plain Node) get their messages in
 * the display language: the caller passes `vscode.l10n.t`, tests pass nothing and get English.
 * Their messages are literal English strings (the first argument of each l10n call), so that the bundle test finds them.
 */
export type Localize = (message: string, ...args: Array<string | number>) => string;

/** The English source text with `{0}`, `{1}`… filled in, as vscode.l10n.t does without a bundle. */
export const english: Localize = (message, ...args) => message.replace(/\{(\d+)\}/g, (all, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : all));
