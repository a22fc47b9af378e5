import { findNodeAtOffset, parseTree } from 'jsonc-parser';
import { editBetween, FixProvider, manifestByFile } from './fix';
import { LineIndex } from '../json/positions';

/**
 * MAN002 on a property name written twice in one object: remove the occurrence every reader
 * ignores. What the manifest means stays the same; only the text stops showing a value that
 * does not count. Commas go as jsonc-parser's own removal takes them: the one before the
 * property, or the one after it when it comes first.
 */
export const fixMan002: FixProvider = (project, d, t) => {
  const m = manifestByFile(project, d.file);
  if (!m || d.data?.repeatedKey !== true) return [];
  const at = new LineIndex(m.text).offsetAt(d.range.start);
  const name = findNodeAtOffset(parseTree(m.text, [], { allowTrailingComma: true }) ?? { type: 'null', offset: 0, length: 0 }, at + 1);
  const property = name?.parent;
  const object = property?.parent;
  if (!property || property.type !== 'property' || name !== property.children?.[0] || object?.type !== 'object' || !object.children) return [];
  const i = object.children.indexOf(property);
  const prev = object.children[i - 1];
  const next = object.children[i + 1];
  const end = property.offset + property.length;
  const [from, to] = prev ? [prev.offset + prev.length, end] : next ? [property.offset, next.offset] : [property.offset, end];
  const text = m.text.slice(0, from) + m.text.slice(to);
  const key = typeof name.value === 'string' ? name.value : '';
  return [{ title: t.t('fix.man002.repeatedKey', { key }), isPreferred: true, edits: new Map([[m.file, editBetween(m.text, text)]]) }];
};
