import { visit } from 'jsonc-parser';
import type { JsonPath } from './path';

/** A number a JSON text spells that reading it as a JavaScript number would change. */
export interface ChangedNumber {
  /** Where the number stands. */
  path: JsonPath;
  /** As written. */
  text: string;
  /** As every package and environment would hold it (`null` for one past double range). */
  kept: string;
}

// Only a text with 16 digits in a row (a point among them) or a three-digit exponent can spell such
// a number: the rest are never tokenised again. An exponent follows a digit in JSON: starting each
// try at a digit, not also at every letter e, made this scan of every manifest a quarter faster.
const MAYBE = /[0-9](?:[0-9.]{15}|[eE][+-]?[0-9]{3})/;

/**
 * The numbers of a JSON(C) text that do not survive being read: whole numbers past 2^53, more
 * significant digits than a double holds, magnitudes past its range (1e400 becomes null, 1e-400
 * zero). A manifest's values are parsed, hashed and written as JavaScript numbers, so such a number
 * would change on its way into a package without a word.
 */
export function changedNumbers(text: string): ChangedNumber[] {
  if (!MAYBE.test(text)) return [];
  const out: ChangedNumber[] = [];
  visit(text, {
    onLiteralValue(value, offset, length, _line, _col, pathSupplier) {
      if (typeof value !== 'number') return;
      const written = text.slice(offset, offset + length);
      if (changesAsNumber(written)) out.push({ path: pathSupplier().slice(), text: written, kept: JSON.stringify(Number(written)) });
    },
  }, { allowTrailingComma: true });
  return out;
}

/** Whether a JSON number, read as a JavaScript number and written again, names another value. */
export function changesAsNumber(written: string): boolean {
  const v = Number(written);
  return !Number.isFinite(v) || decimalKey(written) !== decimalKey(String(v));
}

/** A number's value as its significant digits and the place of the decimal point: `1.50` and `15e-1` are both `15@1`. */
function decimalKey(s: string): string {
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m) return s;
  let digits = m[2] + (m[3] ?? '');
  let point = m[2].length + Number(m[4] ?? 0);
  const significant = digits.replace(/^0+/, '');
  point -= digits.length - significant.length;
  digits = significant.replace(/0+$/, '');
  return digits ? `${m[1]}${digits}@${point}` : '0';
}
