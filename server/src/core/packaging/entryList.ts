import type * as yauzl from 'yauzl';
import { centralDirectory, ZipDirectoryError } from './centralDirectory';
import { foldedName, unsafeEntryName } from './entryNames';
import { expandsLikeABomb, type ReadLimits } from './format';
import { PackageError } from './reader';

/**
 * The entries of an opened zip by name, refusing unsafe names, duplicates (also in letter case),
 * encrypted entries, and sizes and ratios over the limits. A zip held in memory (`bytes`) is read
 * in one pass (centralDirectory.ts); a zip on disk is walked with yauzl. Both refuse the same
 * entries with the same messages.
 */
export async function listEntries(zip: yauzl.ZipFile, limits: ReadLimits, bytes?: Buffer): Promise<Map<string, yauzl.Entry>> {
  if (zip.entryCount > limits.maxEntries) throw new PackageError(`has ${zip.entryCount} entries; the limit is ${limits.maxEntries}`);
  const entries = new Map<string, yauzl.Entry>();
  const admit = admitter(entries, limits);
  if (bytes) {
    try {
      if (centralDirectory(bytes, zip, admit)) return entries;
    } catch (e) {
      throw e instanceof ZipDirectoryError ? new PackageError(`damaged zip file (${e.message})`) : e;
    }
  }
  await new Promise<void>((resolve, reject) => {
    zip.on('error', (e: Error) => reject(new PackageError(`damaged zip file (${e.message})`)));
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      try {
        admit(entry);
        zip.readEntry();
      } catch (e) {
        reject(e);
      }
    });
    zip.readEntry();
  });
  return entries;
}

/** Checks one entry after another against the limits and those before it, adding each to `entries`. */
function admitter(entries: Map<string, yauzl.Entry>, limits: ReadLimits): (entry: yauzl.Entry) => void {
  const folded = new Map<string, string>();
  let total = 0;
  return (entry) => {
    const raw = entry.fileName as unknown as Buffer;
    const name = (entry.generalPurposeBitFlag & 0x800) ? raw.toString('utf8') : raw.toString('latin1');
    const unsafe = unsafeEntryName(name);
    if (unsafe) throw new PackageError(unsafe, JSON.stringify(name));
    if (entries.has(name)) throw new PackageError('appears twice in the package', name);
    const f = foldedName(name);
    if (folded.has(f)) throw new PackageError(`differs from ${folded.get(f)} only in letter case`, name);
    if (entry.isEncrypted()) throw new PackageError('is encrypted', name);
    if (entry.uncompressedSize > limits.maxEntryBytes) throw new PackageError(`is ${entry.uncompressedSize} bytes uncompressed; the limit is ${limits.maxEntryBytes}`, name);
    total += entry.uncompressedSize;
    if (total > limits.maxTotalBytes) throw new PackageError(`the entries add up to more than ${limits.maxTotalBytes} bytes uncompressed`);
    if (expandsLikeABomb(entry.uncompressedSize, entry.compressedSize, limits.maxRatio)) {
      throw new PackageError(`expands ${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))}x (from ${entry.compressedSize} to ${entry.uncompressedSize} bytes), over the ${limits.maxRatio}x limit: a zip bomb?`, name);
    }
    entries.set(name, entry);
    folded.set(f, name);
  };
}
