import { addEdits, FixProvider, jsonEdits, manifestByFile } from './fix';
import type { FileEdits } from '../language/navigation';
import { kindLabel } from '../rules/words';

/** ISO003: create the group in this package and point the reference at it. */
export const fixIso003: FixProvider = (project, d, t) => {
  const m = manifestByFile(project, d.file);
  const code = d.data?.code;
  if (!m || d.data?.kind !== 'group' || typeof code !== 'string' || !m.kind || m.kind === 'configuration') return [];
  const edits: FileEdits = new Map();
  const exists = m.entities.some((e) => e.kind === 'group' && !e.parent && e.code === code);
  if (!exists) {
    const title = code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
    addEdits(edits, m.file, jsonEdits(m.text, ['groups', -1], { code, title }));
  }
  addEdits(edits, m.file, [{ range: d.range, newText: code }]);
  const title = exists ? t.t('fix.iso003.use', { code }) : t.t('fix.iso003.create', { code, ownerGen: kindLabel(m.kind, m.code, t, 'gen') });
  return [{ title, isPreferred: true, edits }];
};
