import { applyEdits, FormattingOptions, JSONPath, modify } from 'jsonc-parser';
import { parseJson } from '../json/parse';
import { sameJson } from '../packaging/canonical';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const coded = (v: unknown): v is Obj => isObj(v) && typeof v.code === 'string';

/** An edit that could not be placed: the text does not come out as the value it must have. */
export class EditNotPlaced extends Error {}

/**
 * Edits a manifest's text until it parses to `to`, touching only what differs from `from` (the
 * value it parses to now): a changed property is replaced where it stands, an entity added to a
 * list is inserted at its place, one that went is removed, and everything else (comments,
 * blank lines, the author's formatting) stays as it was. Lists of coded objects are matched by
 * code, so a changed field is one edit inside its app, not a new list.
 */
export function editToValue(text: string, from: unknown, to: unknown): string {
  const options = { formattingOptions: formattingOf(text) };
  let out = diff(text, [], from, to, options);
  const parsed = parseJson(out);
  if (parsed.errors.length || !sameJson(parsed.value, to)) {
    // Reordered lists, or a text jsonc-parser places differently: the whole value at the top is still exact.
    out = applyEdits(text, modify(text, [], to, options));
    const again = parseJson(out);
    if (again.errors.length || !sameJson(again.value, to)) throw new EditNotPlaced('the edit cannot be placed in this text');
  }
  return out;
}

function diff(text: string, path: JSONPath, a: unknown, b: unknown, o: { formattingOptions: FormattingOptions }): string {
  if (sameJson(a, b)) return text;
  const set = (t: string, p: JSONPath, v: unknown, insert = false) => applyEdits(t, modify(t, p, v, { ...o, isArrayInsertion: insert }));
  if (isObj(a) && isObj(b)) {
    for (const k of Object.keys(a)) if (!Object.hasOwn(b, k)) text = set(text, [...path, k], undefined);
    for (const [k, v] of Object.entries(b)) text = Object.hasOwn(a, k) ? diff(text, [...path, k], a[k], v, o) : set(text, [...path, k], v);
    return text;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.every(coded) && b.every(coded)) {
    const want = new Set(b.map((x) => x.code as string));
    const kept = [...a];
    for (let i = a.length - 1; i >= 0; i--) {
      if (want.has((a[i] as Obj).code as string)) continue;
      text = set(text, [...path, i], undefined);
      kept.splice(i, 1);
    }
    const keptCodes = kept.map((x) => (x as Obj).code);
    const order = b.map((x) => x.code).filter((c) => keptCodes.includes(c));
    if (order.some((c, i) => c !== keptCodes[i])) return set(text, path, b);
    let k = 0;
    b.forEach((x, j) => {
      if (k < kept.length && (kept[k] as Obj).code === x.code) text = diff(text, [...path, j], kept[k++], x, o);
      else text = set(text, [...path, j], x, true);
    });
    return text;
  }
  return set(text, path, b);
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

function format(v: unknown, ind: string): string {
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
  const inner = `${ind}  `;
  return `${open}\n${entries.map(([k, x]) => `${inner}${k === undefined ? '' : `${JSON.stringify(k)}: `}${format(x, inner)}`).join(',\n')}\n${ind}${close}`;
}
