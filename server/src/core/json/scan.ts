/*
 * Skipping over well-formed JSONC without tokenizing it: strings are jumped over with `indexOf`,
 * containers by bracket matching. Shared by the range locator, the comment stripper and the
 * edit-token finder; each returns -1 where the text is not well-formed enough to go on.
 */

/** Index after the string token whose opening quote is at `i`, or -1 when it is unterminated. */
export function skipStringAt(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return -1;
    let b = q - 1;
    while (text.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/**
 * Index of the CR or LF that ends a line comment whose text starts at `i`, or the text's end.
 * A lone CR ends it too, as in jsonc-parser and in editors, which show what follows on a new line.
 */
export function lineCommentEnd(text: string, i: number): number {
  const n = text.length;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return n;
}

/** Index of the next character that is not white space or a comment, or -1 in an unterminated comment. */
export function skipWsAt(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else if (c === 47 && text.charCodeAt(i + 1) === 47) i = lineCommentEnd(text, i + 2);
    else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) return -1;
      i = e + 2;
    } else return i;
  }
}

/** Index after the object or array opening at `i` (bracket matching, strings and comments skipped), or -1. */
export function skipContainerAt(text: string, i: number): number {
  const n = text.length;
  let depth = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipStringAt(text, i);
      if (i < 0) return -1;
    } else if (c === 47 && (text.charCodeAt(i + 1) === 47 || text.charCodeAt(i + 1) === 42)) {
      i = skipWsAt(text, i);
      if (i < 0) return -1;
    } else {
      if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
  }
  return -1;
}
