/**
 * Which file names an unpack may write. A package is untrusted: codes, script codes, file
 * extensions and the paths an app manifest names all end up in file names, so every path is
 * judged before anything is written, with the rules of the strictest file system a project is
 * checked out on (Windows, and case-insensitive macOS volumes).
 */

/** Device names Windows reserves in every folder, whatever the extension (`CON.isola.json` too). */
const RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\..*)?$/i;
/** Characters Windows refuses in names, and control characters everywhere. */
const FORBIDDEN = /[<>:"|?*\\\u0000-\u001f\u007f]/;
/** Longest name of one path segment most file systems take, in bytes. */
const MAX_SEGMENT_BYTES = 255;

/**
 * Why one segment of a path is not a portable file or folder name, or undefined when it is: the
 * one test of names, for the unpack (which refuses to write such a name) and for the check (which
 * refuses a file a manifest names so, since retrieving the project would be refused). `segment`
 * is made printable (control characters as `\u` escapes).
 */
export function segmentProblem(segment: string): SegmentProblem | undefined {
  if (segment === '' || segment === '.' || segment === '..') return { why: 'empty', segment };
  if (FORBIDDEN.test(segment)) return { why: 'forbidden', segment: printable(segment) };
  if (/[. ]$/.test(segment)) return { why: 'trailing', segment };
  if (RESERVED.test(segment)) return { why: 'reserved', segment };
  if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) return { why: 'long', segment, max: MAX_SEGMENT_BYTES };
  return undefined;
}

export interface SegmentProblem {
  why: 'empty' | 'forbidden' | 'trailing' | 'reserved' | 'long';
  segment: string;
  /** For `long`: the most bytes a name may have. */
  max?: number;
}

/** Why one segment of a path is not a portable file or folder name (`segmentProblem` in the unpack's words), or undefined when it is. */
export function unportableSegment(segment: string): string | undefined {
  const p = segmentProblem(segment);
  if (!p) return undefined;
  switch (p.why) {
    case 'empty': return `has an empty, \`.\` or \`..\` segment`;
    case 'forbidden': return `\`${p.segment}\` holds a character that Windows does not allow in file names`;
    case 'trailing': return `\`${p.segment}\` ends with a dot or a space, which Windows drops`;
    case 'reserved': return `\`${p.segment}\` is a device name that Windows reserves`;
    case 'long': return `a name is longer than ${p.max} bytes`;
  }
}

/** The first segment of a path relative to a folder (forward slashes) that is not a portable name, and why. */
export function unportablePart(rel: string): SegmentProblem | undefined {
  for (const seg of rel.split('/')) {
    const p = segmentProblem(seg);
    if (p) return p;
  }
  return undefined;
}

/**
 * A code as (the start of) a file or folder name an unpack chooses: `con` → `con_`. Codes are
 * letters, digits and `_`, portable names except the device names Windows reserves, which the
 * unpack would then refuse to write although it picked them itself. `con_` cannot be a device name.
 */
export function nameOfCode(code: string): string {
  return RESERVED.test(code) ? `${code}_` : code;
}

/**
 * Why a path relative to the unpack folder (forward slashes) may not be written, or undefined:
 * absolute, climbing out with `..`, or with a segment that is not portable.
 */
export function unsafeRelativePath(rel: string): string | undefined {
  if (rel.length === 0) return 'is empty';
  if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return 'is absolute';
  for (const seg of rel.split('/')) {
    const why = unportableSegment(seg);
    if (why) return seg === '..' ? 'leads outside the folder with `..`' : why;
  }
  return undefined;
}

/**
 * Joins a manifest's folder and a path the manifest names (`scripts/x.ts`, `../shared/x.ts`),
 * normalising `.` and `..`; undefined when the path is absolute, uses backslashes or climbs above
 * the unpack folder.
 */
export function joinInside(dir: string, spec: string): string | undefined {
  if (spec.startsWith('/') || /^[A-Za-z]:/.test(spec) || spec.includes('\\')) return undefined;
  const out = dir ? dir.split('/') : [];
  for (const seg of spec.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.length ? out.join('/') : undefined;
}

/** A path from `fromDir` to `to` (both relative to the unpack folder), as a manifest writes it. */
export function relativeTo(fromDir: string, to: string): string {
  const a = fromDir ? fromDir.split('/') : [];
  const b = to.split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

/** The name as case-insensitive file systems compare it. */
export function foldedPath(rel: string): string {
  return rel.normalize('NFC').toLowerCase();
}

function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
