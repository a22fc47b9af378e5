import { promises as fs } from 'node:fs';
import { PackageReader } from '../core/packaging/reader';

/** Opened packages, kept while their file is unchanged (the tree view reads cards one by one). */
export class PackageCache {
  private readonly open_ = new Map<string, { reader: PackageReader; mtime: number; verified: Promise<void> }>();

  async open(file: string): Promise<PackageReader> {
    const mtime = (await fs.stat(file)).mtimeMs;
    const hit = this.open_.get(file);
    if (hit && hit.mtime === mtime) {
      await hit.verified;
      return hit.reader;
    }
    this.forget(file);
    const reader = await PackageReader.open(file);
    // A package is shown only once every entry has been checked against its index.
    const verified = reader.verify();
    this.open_.set(file, { reader, mtime, verified });
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
