/**
 * Text from manifests (titles, codes, file names, reference values) put into the Markdown of a
 * hover. A contributor writes the manifests, so their text must show as written: no emphasis, no
 * link, no image fetched on hover, no raw HTML, and no line break that starts a paragraph of its own.
 */

// Line breaks, tabs and other control characters (C0, C1, the Unicode line and paragraph separators).
const BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** Text shown as written in Markdown: on one line, with every ASCII punctuation mark escaped. */
export function markdownText(s: string): string {
  // CommonMark lets a backslash escape any ASCII punctuation; escaping `:` and `.` also stops a bare URL being linked.
  return s.replace(BREAKS, ' ').replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/**
 * Text for the inside of a code span the caller wraps in single backticks: on one line, with a
 * backtick (which would end the span) shown as the look-alike U+02CB. Valid codes have neither.
 */
export function codeSpanText(s: string): string {
  return s.replace(BREAKS, ' ').replace(/`/g, '\u02cb');
}
