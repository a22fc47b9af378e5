import * as vscode from 'vscode';

/**
 * Counted nouns of the client's messages in the display language. English has two forms; Russian
 * has three (1 карточка, 2 карточки, 5 карточек) and vscode.l10n has no plural rules, so the
 * Russian bundle says the many-form as "карточек: 5", which reads right for every number.
 * Each noun is its own pair of literal messages so that the bundle and its test can find them.
 */
const count = (n: number, one: string, many: string): string => (n === 1 ? one : many);

export const cardsWord = (n: number) => count(n, vscode.l10n.t('1 card'), vscode.l10n.t('{0} cards', n));
export const dataRecordsWord = (n: number) => count(n, vscode.l10n.t('1 data record'), vscode.l10n.t('{0} data records', n));
export const recordsWord = (n: number) => count(n, vscode.l10n.t('1 record'), vscode.l10n.t('{0} records', n));
export const entitiesWord = (n: number) => count(n, vscode.l10n.t('1 entity'), vscode.l10n.t('{0} entities', n));
export const designEntitiesWord = (n: number) => count(n, vscode.l10n.t('1 design entity'), vscode.l10n.t('{0} design entities', n));
export const warningsWord = (n: number) => count(n, vscode.l10n.t('1 warning'), vscode.l10n.t('{0} warnings', n));
export const notesWord = (n: number) => count(n, vscode.l10n.t('1 note'), vscode.l10n.t('{0} notes', n));
export const conflictsWord = (n: number) => count(n, vscode.l10n.t('1 conflict'), vscode.l10n.t('{0} conflicts', n));
export const filesWord = (n: number) => count(n, vscode.l10n.t('1 file'), vscode.l10n.t('{0} files', n));
