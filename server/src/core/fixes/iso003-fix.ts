import { addEdits, FixProvider, jsonEdits, manifestByFile } from './fix';
import type { FileEdits } from '../language/navigation';

/** ISO003: create the group in this package and point the reference at it. */
export const fixIso003: FixProvider = (project, d) => {
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
  return [{ title: exists ? `Use group \`${code}\` of this package` : `Create group \`${code}\` in ${m.kind} \`${m.code}\` and use it`, isPreferred: true, edits }];
};
