/** Where `Global.` is used in a script's source (index of the `Global` token, UTF-16 units). */
export interface GlobalUse {
  index: number;
  length: number;
}

/** Keywords after which `/` starts a regular expression. */
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

const isIdent = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;

/**
 * Finds uses of the `Global` object in TypeScript/JavaScript source: the identifier `Global`
 * outside comments and string literals, not itself a property (`x.Global`) or an object literal's
 * key. Not only `Global.`: `Global["ns"]`, `Global?.ns` and `const G = Global; G.ns` reach the
 * same objects outside the package.
 * A lexer, not a parser: template literals are skipped except for their `${...}` expressions.
 */
export function findGlobalUses(src: string): GlobalUse[] {
  const uses: GlobalUse[] = [];
  if (!src.includes('Global')) return uses; // the common case, decided natively
  const templateDepth: number[] = []; // brace depth at which each open `${` returns to its template
  let braces = 0;
  let i = 0;
  const n = src.length;

  const skipString = (quote: number) => {
    i++;
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === 92) i += 2;
      else if (c === quote) {
        i++;
        return;
      } else if (c === 10 && quote !== 96) return;
      else if (quote === 96 && c === 36 && src.charCodeAt(i + 1) === 123) {
        i += 2;
        templateDepth.push(braces);
        braces++;
        return;
      } else i++;
    }
  };

  // Whether a `/` here starts a regular expression (after an operator, a bracket or a keyword)
  // rather than dividing (after a name, a number or a closing bracket).
  let regexAllowed = true;
  const skipRegex = () => {
    let inClass = false;
    i++;
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === 92) i += 2;
      else if (c === 10) return;
      else {
        if (c === 91) inClass = true;
        else if (c === 93) inClass = false;
        else if (c === 47 && !inClass) {
          i++;
          while (i < n && isIdent(src.charCodeAt(i))) i++; // flags
          return;
        }
        i++;
      }
    }
  };

  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 47 && src.charCodeAt(i + 1) === 47) {
      const end = src.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (c === 47 && src.charCodeAt(i + 1) === 42) {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === 47 && regexAllowed) {
      skipRegex();
      regexAllowed = false;
    } else if (c === 34 || c === 39 || c === 96) {
      skipString(c);
      regexAllowed = false;
    } else if (c === 123) {
      braces++;
      i++;
      regexAllowed = true;
    } else if (c === 125) {
      braces--;
      i++;
      regexAllowed = true;
      if (templateDepth.length && templateDepth[templateDepth.length - 1] === braces) {
        templateDepth.pop();
        i--; // resume the template literal right after `}`
        skipString(96);
      }
    } else if (isIdent(c)) {
      const start = i;
      while (i < n && isIdent(src.charCodeAt(i))) i++;
      regexAllowed = REGEX_KEYWORDS.has(src.slice(start, i));
      if (i - start === 6 && src.startsWith('Global', start) && !precededByDot(src, start) && !objectKey(src, start, i)) uses.push({ index: start, length: 6 });
    } else {
      // Whitespace keeps the previous state; `)` and `]` end an operand; other punctuation starts one.
      if (c === 41 || c === 93) regexAllowed = false;
      else if (c !== 32 && c !== 9 && c !== 10 && c !== 13) regexAllowed = true;
      i++;
    }
  }
  return uses;
}

/**
 * Whether the identifier at `start`..`end` is a key of an object literal (`{ Global: 1 }`), which
 * names no object: after `{` or `,` and before `:`. Anything else that names `Global` reaches the
 * object, whether it goes on with `.`, `?.`, `[` or hands it elsewhere (`const G = Global`).
 */
function objectKey(src: string, start: number, end: number): boolean {
  let j = end;
  while (j < src.length && /\s/.test(src[j])) j++;
  if (src.charCodeAt(j) !== 58 || src.charCodeAt(j + 1) === 58) return false;
  let k = start - 1;
  while (k >= 0 && /\s/.test(src[k])) k--;
  return src.charCodeAt(k) === 123 || src.charCodeAt(k) === 44;
}

function precededByDot(src: string, at: number): boolean {
  let j = at - 1;
  while (j >= 0 && /\s/.test(src[j])) j--;
  return src.charCodeAt(j) === 46;
}
