/**
 * `word` as a POSIX shell reads it back: as it is when it holds only characters no shell treats
 * specially, else in single quotes (a `'` inside as `'\''`). A line break stays a line break
 * inside the quotes, which every POSIX shell keeps as part of the word.
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
