/** Why an entry name is unsafe to extract, or undefined when it is fine. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.length === 0) return 'has an empty name';
  if (name.length > 1024) return 'has a name longer than 1024 characters';
  // The names Isola writes pass this one test; the ones below, each a scan of its own, were a
  // tenth of opening a package of 10,000 entries.
  if (PLAIN_NAME.test(name)) return undefined;
  if (/[\u0000-\u001f]/.test(name)) return 'has control characters in its name';
  if (name.includes('\\')) return 'uses backslashes, which some systems read as folder separators';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'has an absolute path';
  const parts = name.split('/');
  if (parts.some((p) => p === '..')) return 'escapes the package root with `..`';
  if (parts.slice(0, -1).some((p) => p === '' || p === '.')) return 'has an empty or `.` folder in its path';
  return undefined;
}

/** The name, folded the way case-insensitive file systems compare names (to catch `A.json` vs `a.json`). */
export function foldedName(name: string): string {
  // ASCII is its own normal form; most names are ASCII, and a package may have 10,000 of them.
  return (ASCII.test(name) ? name : name.normalize('NFC')).toLowerCase();
}

const ASCII = /^[\x00-\x7f]*$/;

/**
 * Folders and a file of letters, digits, `_`, `#`, `-` and `.`, each part starting with one that
 * is not a dot: no control character, backslash, drive, leading `/`, `..`, `.` or empty folder.
 */
const PLAIN_NAME = /^(?:[\w#-][\w.#-]*\/)*(?:[\w#-][\w.#-]*)?$/;
