import { addEdits, editBetween, FixProvider, manifestByFile, withJsonValue } from './fix';
import { LineIndex } from '../json/positions';
import { codeTakenBy, FileEdits } from '../language/navigation';
import { kindLabel } from '../rules/words';
import { contextNamespace, packageCarries } from '../manifest/resolve';
import type { Project } from '../manifest/project';
import { foldedName } from '../packaging/entryNames';
import { hasOwnCard } from '../packaging/format';

/** ISO003: create the group in this package and point the reference at it. */
export const fixIso003: FixProvider = (project, d, t) => {
  const m = manifestByFile(project, d.file);
  const code = d.data?.code;
  if (!m || d.data?.kind !== 'group' || typeof code !== 'string' || !m.kind || m.kind === 'configuration') return [];
  const edits: FileEdits = new Map();
  // The reference becomes the bare code, which resolves in the manifest's namespace. A group there
  // the package does not carry (an app package carries its one app) would trade this finding for
  // an ISO004, and one more of that code would be a MAN001: no fix then.
  const ns = contextNamespace(m);
  const declared = project.index.find(ns, 'group', code);
  const pkg = project.packageOf(m);
  if (declared.length > 0 && (!pkg || !packageCarries(pkg, declared[0]))) return [];
  const exists = declared.length > 0 || m.entities.some((e) => e.kind === 'group' && !e.parent && e.code === code);
  // A new group must not take the card id of another entity of the namespace, nor differ from
  // another group's code only in letter case (the package's card files would clash): both MAN001.
  if (!exists && (codeTakenBy(project, ns, 'group', code) || caseTwinOf(project, ns, code))) return [];
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

/** A group of the namespace whose code differs from `code` only in letter case. */
function caseTwinOf(project: Project, ns: string, code: string): boolean {
  const folded = foldedName(code);
  return project.index.inNamespace(ns).some((x) => x.kind === 'group' && hasOwnCard(x) && x.code !== code && foldedName(x.code) === folded);
}
