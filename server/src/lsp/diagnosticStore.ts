import type { Diagnostic } from '../core/check';

/**
 * Diagnostics by file, remembered per manifest that produced them: a script file's findings come
 * from the manifests that own it, so a file's list is the union over its producers.
 */
export class DiagnosticStore {
  private readonly byFile = new Map<string, Map<string, Diagnostic[]>>();
  private readonly filesOf = new Map<string, Set<string>>();

  /** Replaces what a manifest produced; returns every file whose list may have changed. */
  set(producer: string, diagnostics: Diagnostic[], fileOf: (d: Diagnostic) => string): Set<string> {
    const touched = new Set(this.filesOf.get(producer) ?? []);
    for (const f of touched) this.byFile.get(f)?.delete(producer);
    const files = new Set<string>();
    for (const d of diagnostics) {
      const f = fileOf(d);
      files.add(f);
      touched.add(f);
      let perProducer = this.byFile.get(f);
      if (!perProducer) this.byFile.set(f, (perProducer = new Map()));
      const list = perProducer.get(producer);
      if (list) list.push(d);
      else perProducer.set(producer, [d]);
    }
    // A producer is remembered for its own file too, so a clean manifest still gets an empty publish.
    files.add(producer);
    touched.add(producer);
    this.filesOf.set(producer, files);
    return touched;
  }

  /** Forgets a manifest entirely (it was deleted). */
  remove(producer: string): Set<string> {
    const touched = new Set(this.filesOf.get(producer) ?? [producer]);
    for (const f of touched) this.byFile.get(f)?.delete(producer);
    this.filesOf.delete(producer);
    return touched;
  }

  get(file: string): Diagnostic[] {
    const perProducer = this.byFile.get(file);
    return perProducer ? [...perProducer.values()].flat() : [];
  }

  /** Every diagnostic (for package counts). */
  *all(): Iterable<[string, Diagnostic[]]> {
    for (const [file, per] of this.byFile) yield [file, [...per.values()].flat()];
  }
}
