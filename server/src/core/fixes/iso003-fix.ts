import { addEdits, editBetween, FixProvider, manifestByFile, withJsonValue } from './fix';
import { LineIndex } from '../json/positions';
import type { FileEdits } from '../language/navigation';
import { kindLabel } from '../rules/words';

/** ISO003: create the group in this package and point the reference at it. */
export const fixIso003: FixProvider = (project, d, t) => {
  const m = manifestByFile(project, d.file);
  const code = d.data?.code;
  if (!m || d.data?.kind !== 'group' || typeof code !== 'string' || !m.kind || m.kind === 'configuration') return [];
  const edits: FileEdits = new Map();
  // Any manifest of the namespace may declare it (an app manifest's workspace, say): another would be a MAN001.
  const exists = m.entities.some((e) => e.kind === 'group' && !e.parent && e.code === code)
    || (m.namespace !== undefined && project.index.find(m.namespace, 'group', code).length > 0);
  // The reference first, then the group, in one edit: the group's formatting may rewrite the line
  // that holds the reference, and two edits over one span break the file.
  const lines = new LineIndex(m.text);
  const from = lines.offsetAt(d.range.start);
  let text = m.text.slice(0, from) + code + m.text.slice(lines.offsetAt(d.range.end));
  if (!exists) {
    const title = code.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
    text = withJsonValue(text, ['groups', -1], { code, title });
  }
  addEdits(edits, m.file, editBetween(m.text, text));
  const title = exists ? t.t('fix.iso003.use', { code }) : t.t('fix.iso003.create', { code, ownerGen: kindLabel(m.kind, m.code, t, 'gen') });
  return [{ title, isPreferred: true, edits }];
};
