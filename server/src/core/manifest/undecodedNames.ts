import { readdirSync } from 'node:fs';

/**
 * The names of a folder's entries that are not UTF-8, by the lossy text the listing gave them
 * (U+FFFD where bytes were replaced), each as its bytes with the invalid ones escaped (`caf\xE9`).
 */
export function undecodedNames(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  let names: Buffer[];
  try {
    names = readdirSync(dir, { encoding: 'buffer' });
  } catch {
    return out;
  }
  for (const b of names) {
    const text = b.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(b)) continue;
    out.set(text, escapeBytes(b));
  }
  return out;
}

// The bytes of a name as text: valid UTF-8 as it is, every other byte as \xHH.
function escapeBytes(b: Buffer): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let out = '';
  let i = 0;
  while (i < b.length) {
    let taken = 0;
    for (let n = Math.min(4, b.length - i); n >= 1 && taken === 0; n--) {
      try {
        out += decoder.decode(b.subarray(i, i + n));
        taken = n;
      } catch {
        // not a whole character of n bytes
      }
    }
    if (taken === 0) {
      out += `\\x${b[i].toString(16).toUpperCase().padStart(2, '0')}`;
      taken = 1;
    }
    i += taken;
  }
  return out;
}

/** Why a file or folder whose name is not UTF-8 cannot be read, its name's bytes escaped (see `undecodedNames`). */
export function notUtf8Name(raw: string): string {
  return `its name (${raw}) is not valid UTF-8, so Isola cannot name it in a package, a report or another system portably; rename it`;
}
