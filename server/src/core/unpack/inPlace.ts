import { applyEdits, findNodeAtLocation, FormattingOptions, JSONPath, modify, Node, parseTree } from 'jsonc-parser';
import { parseJson } from '../json/parse';
import { commentsInTheWay } from './commentsInTheWay';
import { canonicalJsonMaker, sameJson } from '../packaging/canonical';
import { RepeatedProperties, repeatedOnPath, repeatedProperties } from './repeatedProperties';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const coded = (v: unknown): v is Obj => isObj(v) && typeof v.code === 'string';

/**
 * An edit that could not be placed: the text does not come out as the value it must have. `why`
 * says what in the text stands in the way, when that is known. `dropping` is a text that has the
 * value but rewrites the lists or objects that could not be edited member by member, without the
 * comments in them (what `--force` may write), when there is one.
 */
export class EditNotPlaced extends Error {
  constructor(message: string, readonly why?: string, readonly dropping?: string) {
    super(why ?? message);
  }
}

/** How `diff` edits: the text's formatting, and the checks on what an edit may touch. */
interface DiffOptions {
  formattingOptions: FormattingOptions;
  /** Throws `EditNotPlaced` when property `key` of `holder`, about to be edited, is written more than once there. */
  writtenOnce: (holder: Obj, key: string) => void;
  /** Throws `EditNotPlaced` when rewriting the value at `path` would drop comments written inside it. */
  rewritable: (text: string, path: JSONPath) => void;
}

/**
 * Edits a manifest's text until it parses to `to`, touching only what differs from `from` (the
 * value it parses to now): a changed property is replaced where it stands, an entity added to a
 * list is inserted at its place, one that went is removed, and everything else (comments,
 * blank lines, the author's formatting) stays as it was. Lists of coded objects are matched by
 * code, so a changed field is one edit inside its app, not a new list. A change that falls on a
 * property written twice in one object is refused (`EditNotPlaced`, saying which and on what lines).
 */
export function editToValue(text: string, from: unknown, to: unknown): string {
  // A property written twice in one object: jsonc-parser edits the first, `JSON.parse` keeps the
  // last, and the person meant one of them. Found only when an edit falls on such a property.
  let repeated: RepeatedProperties | undefined;
  const writtenOnce = (holder: Obj, key: string) => {
    repeated ??= repeatedProperties(text, from);
    const why = repeatedOnPath(repeated, holder, key);
    if (why) throw new EditNotPlaced('the edit cannot be placed in this text', why);
  };
  const formattingOptions = formattingOf(text);
  const keeping: DiffOptions = { formattingOptions, writtenOnce, rewritable: keepsComments };
  try {
    return placed(text, from, to, keeping);
  } catch (e) {
    if (!(e instanceof CommentsStandInTheWay)) throw e;
    // Comments stood in the way: what the edit gives when they may go, for `--force` to write.
    let dropping: string | undefined;
    try {
      dropping = placed(text, from, to, { formattingOptions, writtenOnce, rewritable: () => undefined });
    } catch {
      dropping = undefined;
    }
    throw new EditNotPlaced(e.message, e.why, dropping);
  }
}

/** `diff`'s text, checked to parse to `to`; else the whole value at the top rewritten, if `o` lets it. */
function placed(text: string, from: unknown, to: unknown, o: DiffOptions): string {
  let out = diff(text, [], from, to, o);
  const parsed = parseJson(out);
  if (parsed.errors.length || !sameJson(parsed.value, to)) {
    // A text jsonc-parser places differently: the whole value at the top is still exact.
    o.rewritable(text, []);
    out = applyEdits(text, modify(text, [], to, o));
    const again = parseJson(out);
    if (again.errors.length || !sameJson(again.value, to)) throw new EditNotPlaced('the edit cannot be placed in this text');
  }
  return out;
}

/** The refusal of a rewrite that would drop comments: the one `editToValue` tries again without them. */
class CommentsStandInTheWay extends EditNotPlaced {}

/** Refuses to rewrite the value at `path` when comments are written inside it (see `commentsInTheWay`). */
function keepsComments(text: string, path: JSONPath): void {
  const node = nodeAt(text, path);
  const why = node && commentsInTheWay(text, node, path);
  if (why) throw new CommentsStandInTheWay('the edit cannot be placed in this text', why);
}

const canonicalJson = canonicalJsonMaker();

/**
 * The key a list element is matched by across versions: `c` and its code for a coded object, `v`
 * and its JSON for a plain value (a group in `members`): what it is. Any other object or list
 * (a permission) has no such name: `j` and its JSON, so one kept as it was keeps its place.
 */
function keyOf(x: unknown): string {
  if (coded(x)) return `c${x.code as string}`;
  return x === null || typeof x !== 'object' ? `v${JSON.stringify(x)}` : `j${canonicalJson(x)}`;
}

/** Each element's key (`keyOf`): repeated keys are matched in order. */
function keysOf(list: unknown[]): string[] {
  return list.map(keyOf);
}

/** The text edited from value `a` to `b` at `path`; `holder` is the object whose property `a` is. */
function diff(text: string, path: JSONPath, a: unknown, b: unknown, o: DiffOptions, holder?: Obj): string {
  if (sameJson(a, b)) return text;
  if (holder) o.writtenOnce(holder, path[path.length - 1] as string);
  const set = (t: string, p: JSONPath, v: unknown, insert = false) => applyEdits(t, modify(t, p, v, { formattingOptions: o.formattingOptions, isArrayInsertion: insert }));
  if (isObj(a) && isObj(b)) {
    for (const k of Object.keys(a)) {
      if (Object.hasOwn(b, k)) continue;
      o.writtenOnce(a, k);
      text = removeMember(text, path, k) ?? set(text, [...path, k], undefined);
    }
    for (const [k, v] of Object.entries(b)) text = Object.hasOwn(a, k) ? diff(text, [...path, k], a[k], v, o, a) : insertProperty(text, path, k, v) ?? set(text, [...path, k], v);
    return text;
  }
  const rewrite = (t: string) => {
    o.rewritable(t, path);
    return rewritten(t, path, b) ?? set(t, path, b);
  };
  if (Array.isArray(a) && Array.isArray(b)) {
    const aKeys = keysOf(a);
    const bKeys = keysOf(b);
    // The same elements in the same places (unnamed ones count as the same): edited in place,
    // element by element (a permission whose access changed keeps its comment).
    if (a.length === b.length && aKeys.every((k, i) => k === bKeys[i] || (k[0] === 'j' && bKeys[i][0] === 'j'))) {
      for (let i = 0; i < a.length; i++) text = diff(text, [...path, i], a[i], b[i], o);
      return text;
    }
    const want = new Set(bKeys);
    const kept = [...a];
    let keptKeys = [...aKeys];
    for (let i = a.length - 1; i >= 0; i--) {
      if (want.has(aKeys[i])) continue;
      text = removeMember(text, path, i) ?? set(text, [...path, i], undefined);
      kept.splice(i, 1);
      keptKeys.splice(i, 1);
    }
    const order = bKeys.filter((k) => keptKeys.includes(k));
    if (order.length !== keptKeys.length || order.some((k, i) => k !== keptKeys[i])) {
      // Moved elements (a menu reordered): each takes another's place, text and all.
      const moved = moveElements(text, path, keptKeys, order);
      if (moved === undefined) return rewrite(text);
      text = moved;
      const byKey = new Map(kept.map((x, i) => [keptKeys[i], x]));
      kept.splice(0, kept.length, ...order.map((k) => byKey.get(k)!));
      keptKeys = order;
    }
    let k = 0;
    b.forEach((x, j) => {
      if (k < kept.length && keptKeys[k] === bKeys[j]) text = diff(text, [...path, j], kept[k++], x, o);
      else text = insertElement(text, path, j, x) ?? set(text, [...path, j], x, true);
    });
    return text;
  }
  if ((isObj(a) || Array.isArray(a)) && !sameJson(a, b)) return rewrite(text);
  return set(text, path, b);
}

/**
 * The text with the elements of the list at `path` (of codes `from`, one element each) in the
 * order `to`: element i's text goes where element i stood in `from`, so the separators, line
 * breaks and comments between the places stay as the author wrote them. Undefined when `to` is
 * not `from` reordered or the text holds another list there.
 */
function moveElements(text: string, path: JSONPath, from: unknown[], to: unknown[]): string | undefined {
  if (new Set(from).size !== from.length || to.length !== from.length || !to.every((c) => from.includes(c))) return undefined;
  const list = nodeAt(text, path);
  const items = list?.type === 'array' ? list.children ?? [] : [];
  if (items.length !== from.length) return undefined;
  const at = new Map(from.map((c, i) => [c, i]));
  let out = text.slice(0, items[0].offset);
  items.forEach((slot, i) => {
    const el = items[at.get(to[i])!];
    out += text.slice(el.offset, el.offset + el.length);
    out += i + 1 < items.length ? text.slice(slot.offset + slot.length, items[i + 1].offset) : text.slice(slot.offset + slot.length);
  });
  return out;
}

/**
 * Inserts `value` as element `index` of the list at `path`, as its author would: in a list on one
 * line, after its neighbour on that line; in a list of one element per line, on a line of its own
 * after the line of the element before it (after that line's comment), indented alike. Nothing
 * else moves: jsonc-parser's `modify` put the new element before the comment that followed its
 * neighbour and reformatted the neighbour. Undefined when the text is laid out otherwise (then
 * `modify` places it); whatever comes out is parsed and compared by the caller.
 */
function insertElement(text: string, path: JSONPath, index: number, value: unknown): string | undefined {
  const list = nodeAt(text, path);
  const items = list?.type === 'array' ? list.children ?? [] : [];
  if (!list || items.length === 0 || index > items.length) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const oneLine = !text.slice(list.offset, list.offset + list.length).includes('\n');
  const anchor = items[Math.max(index - 1, 0)];
  const lineStart = text.lastIndexOf('\n', anchor.offset - 1) + 1;
  const lineIndent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  // Nested lines are indented as the element's own line is: with tabs in a text indented with tabs.
  const unit = lineIndent.includes('\t') ? '\t' : '  ';
  const element = format(value, oneLine ? `${lineIndent}${unit}` : lineIndent, unit).replace(/\n/g, eol);
  if (oneLine) {
    if (element.includes('\n')) return undefined;
    if (index === 0) return `${text.slice(0, anchor.offset)}${element}, ${text.slice(anchor.offset)}`;
    const end = anchor.offset + anchor.length;
    return `${text.slice(0, end)}, ${element}${text.slice(end)}`;
  }
  // One element per line: the anchor starts its line.
  if (lineStart + lineIndent.length !== anchor.offset) return undefined;
  if (index === 0) {
    // A comment above the first element is about it: `modify` puts the new one above the comment.
    if (/\/[/*]/.test(text.slice(list.offset + 1, lineStart))) return undefined;
    return `${text.slice(0, lineStart)}${lineIndent}${element},${eol}${text.slice(lineStart)}`;
  }
  const end = anchor.offset + anchor.length;
  const nl = text.indexOf('\n', end);
  // After the element on its line: at most its comma and a line comment.
  const after = nl < 0 ? undefined : /^[ \t]*(,?)[ \t]*(\/\/[^\n]*)?\r?$/.exec(text.slice(end, nl));
  if (!after) return undefined;
  const line = `${lineIndent}${element}`;
  // Between elements, or after a last one that has a trailing comma already: the new line gets one too.
  if (index < items.length || after[1]) return `${text.slice(0, nl + 1)}${line},${eol}${text.slice(nl + 1)}`;
  // After the last element, which gets a comma of its own.
  return `${text.slice(0, end)},${text.slice(end, nl + 1)}${line}${eol}${text.slice(nl + 1)}`;
}

/**
 * Removes element `at` of the list at `path`, or property `at` of the object there, as its author
 * would: in a list or object of one member per line, the member's lines and the comment lines
 * right above it (no blank line between), and nothing else but the comma before it when it was the
 * last; on one line, the member and the separator after it (before it, for the last). `modify`
 * reformatted the neighbour over several lines and left the member's comment above that neighbour.
 * Undefined when the text is laid out otherwise (then `modify` removes it).
 */
function removeMember(text: string, path: JSONPath, at: number | string): string | undefined {
  const parent = nodeAt(text, path);
  const members = (parent?.type === 'array' || parent?.type === 'object' ? parent.children : undefined) ?? [];
  const i = typeof at === 'number' ? at : members.findIndex((p) => p.children?.[0]?.value === at);
  // A key given twice is refused before it comes here (`writtenOnce`): which one goes is unclear.
  if (!parent || i < 0 || i >= members.length || (typeof at === 'string' && members.filter((p) => p.children?.[0]?.value === at).length > 1)) return undefined;
  const el = members[i];
  const end = el.offset + el.length;
  if (!text.slice(parent.offset, parent.offset + parent.length).includes('\n')) {
    if (members.length === 1) return undefined;
    return i + 1 < members.length ? text.slice(0, el.offset) + text.slice(members[i + 1].offset) : text.slice(0, members[i - 1].offset + members[i - 1].length) + text.slice(end);
  }
  const lineStart = text.lastIndexOf('\n', el.offset - 1) + 1;
  if (!/^[ \t]*$/.test(text.slice(lineStart, el.offset))) return undefined;
  const nl = text.indexOf('\n', end);
  const after = nl < 0 ? undefined : /^[ \t]*(,?)[ \t]*(\/\/[^\n]*)?\r?$/.exec(text.slice(end, nl));
  if (!after) return undefined;
  // The previous member (or the opening bracket) must end on a line before this one.
  const before = i > 0 ? members[i - 1].offset + members[i - 1].length : parent.offset + 1;
  if (before > lineStart) return undefined;
  // Its own comments: whole comment lines right above it, after whatever ends on the line of `before`.
  let start = lineStart;
  for (;;) {
    if (start === 0) break;
    const prev = text.lastIndexOf('\n', start - 2) + 1;
    if (prev <= before || !/^[ \t]*(\/\/[^\n]*|\/\*.*\*\/[ \t]*)\r?\n$/.test(text.slice(prev, start))) break;
    start = prev;
  }
  let out = text.slice(0, start) + text.slice(nl + 1);
  if (!after[1] && i > 0) {
    // It was the last, with no comma after it: the member before it loses the comma it had for it.
    const comma = /^[ \t]*,/.exec(text.slice(before, lineStart));
    if (!comma) return undefined;
    out = out.slice(0, before + comma[0].length - 1) + out.slice(before + comma[0].length);
  }
  return out;
}

/**
 * Adds property `key` to the object at `path` when the object stands on one line and the value
 * fits on it: before the closing brace, after the last property, so the object stays on its line
 * (`modify` opened it, and the list around it, over several lines). Undefined otherwise.
 */
function insertProperty(text: string, path: JSONPath, key: string, value: unknown): string | undefined {
  const obj = nodeAt(text, path);
  const props = obj?.type === 'object' ? obj.children ?? [] : [];
  if (!obj || props.length === 0 || text.slice(obj.offset, obj.offset + obj.length).includes('\n')) return undefined;
  const v = format(value, '  ');
  if (v.includes('\n')) return undefined;
  const last = props[props.length - 1];
  const end = last.offset + last.length;
  return `${text.slice(0, end)}, ${JSON.stringify(key)}: ${v}${text.slice(end)}`;
}

/**
 * The value at `path` written anew as `value`, formatted as a new manifest is (`format`) and
 * indented as the line it starts on: `modify` would open every element over several lines.
 */
function rewritten(text: string, path: JSONPath, value: unknown): string | undefined {
  const node = nodeAt(text, path);
  if (!node || path.length === 0) return undefined;
  const lineStart = text.lastIndexOf('\n', node.offset - 1) + 1;
  const ind = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const v = format(value, ind, ind.includes('\t') ? '\t' : '  ').replace(/\n/g, text.includes('\r\n') ? '\r\n' : '\n');
  return text.slice(0, node.offset) + v + text.slice(node.offset + node.length);
}

function nodeAt(text: string, path: JSONPath): Node | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  return root && (path.length ? findNodeAtLocation(root, path) : root);
}

/** The indentation and line ends a text already uses, so inserted lines look like their neighbours. */
export function formattingOf(text: string): FormattingOptions {
  const m = /\n([ \t]+)\S/.exec(text);
  const tabs = m?.[1].startsWith('\t');
  return { insertSpaces: !tabs, tabSize: tabs ? 1 : Math.min(m?.[1].length ?? 2, 8), eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/**
 * A new manifest's text, formatted as people write them: an object or list of plain values that
 * fits on one line stays on one line (`{ "code": "name", "type": "string" }`), others open up.
 */
export function formatManifest(value: unknown): string {
  return `${format(value, '')}\n`;
}

/** `v` as JSON, its lines after the first indented by `ind`, and their members by `unit` more. */
function format(v: unknown, ind: string, unit = '  '): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const arr = Array.isArray(v);
  const entries: [string | undefined, unknown][] = arr ? (v as unknown[]).map((x) => [undefined, x]) : Object.entries(v as Obj);
  const [open, close] = arr ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return open + close;
  const flat = (x: unknown) => x === null || typeof x !== 'object' || (Array.isArray(x) && x.every((y) => y === null || typeof y !== 'object'));
  if (ind !== '' && entries.every(([, x]) => flat(x))) {
    const items = entries.map(([k, x]) => (k === undefined ? '' : `${JSON.stringify(k)}: `) + (Array.isArray(x) ? `[${x.map((y) => JSON.stringify(y)).join(', ')}]` : JSON.stringify(x)));
    const one = arr ? `[${items.join(', ')}]` : `{ ${items.join(', ')} }`;
    if (one.length + ind.length <= 120 && !one.includes('\n')) return one;
  }
  const inner = `${ind}${unit}`;
  return `${open}\n${entries.map(([k, x]) => `${inner}${k === undefined ? '' : `${JSON.stringify(k)}: `}${format(x, inner, unit)}`).join(',\n')}\n${ind}${close}`;
}
