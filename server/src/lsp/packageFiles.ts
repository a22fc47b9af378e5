import { promises as fs } from 'node:fs';
import { PackageReader } from '../core/packaging/reader';

/** Opened packages, kept while their file is unchanged (the tree view reads cards one by one). */
export class PackageCache {
  private readonly open_ = new Map<string, { reader: PackageReader; stamp: string; verified: Promise<void> }>();

  async open(file: string): Promise<PackageReader> {
    // A rebuild renames a new file over the old one: a new inode even when the clock did not move.
    const st = await fs.stat(file);
    const stamp = `${st.ino} ${st.size} ${st.mtimeMs}`;
    const hit = this.open_.get(file);
    if (hit && hit.stamp === stamp) {
      await hit.verified;
      return hit.reader;
    }
    this.forget(file);
    const reader = await PackageReader.open(file);
    // A package is shown only once every entry has been checked against its index.
    const verified = reader.verify();
    this.open_.set(file, { reader, stamp, verified });
    try {
      await verified;
    } catch (e) {
      this.forget(file);
      throw e;
    }
    if (this.open_.size > 4) this.forget(this.open_.keys().next().value!);
    return reader;
  }

  forget(file: string): void {
    this.open_.get(file)?.reader.close();
    this.open_.delete(file);
  }
}
