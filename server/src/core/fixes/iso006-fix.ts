import type { FixProvider } from './fix';

/** ISO006: "did you mean": replace the reference with each close candidate. */
export const fixIso006: FixProvider = (_project, d, t) => {
  const suggestions = Array.isArray(d.data?.suggestions) ? (d.data!.suggestions as string[]) : [];
  return suggestions.map((s, i) => ({
    title: t.t('fix.iso006', { value: s }),
    isPreferred: i === 0,
    edits: new Map([[d.file, [{ range: d.range, newText: s }]]]),
  }));
};
