import type { Card, Descriptor } from '../packaging/format';
import { fileRef } from '../packaging/fileRefs';
import { UnpackRefused } from './errors';
import { nameOfCode } from './names';
import { entryExtension } from './extensions';
import { FileNamer, stringAt } from './layout';
import type { ManifestDraft } from './manifestDrafts';
import { byCode, isObj, Obj } from './manifestLists';

/** The script and template files an unpack's elements name, each checked against the package's index and asked of the namer. */
export class EntityFiles {
  /** The package's index by path, built on the first file a card names. */
  private entries?: Map<string, Descriptor['entries'][number]>;

  constructor(private readonly d: Descriptor, private readonly namer: FileNamer, private readonly notes: string[]) {}

  /**
   * Names the script and template files of an element, keeping the names the manifest already
   * gives them (`hint`: the element as the folder's manifest has it, or as the package's app card
   * names it, `fromPackage`).
   */
  name(m: ManifestDraft, el: Obj, c: Card, hint: Obj | undefined, fromPackage: boolean): void {
    const ref = fileRef(el.file);
    if (ref && c.type === 'template') {
      this.attach(m, ref, [`templates/${nameOfCode(c.code)}${entryExtension(ref.file, 'templates/files', c.id)}`], stringAt(hint, 'file'), `template ${c.code}`, (s) => (el.file = s), fromPackage);
    } else if (c.type === 'template' && typeof el.file === 'string') this.unnamed(m, el, `template ${c.code}`);
    if (Array.isArray(el.scripts)) {
      for (const s of el.scripts) {
        if (!isObj(s)) continue;
        const r = fileRef(s.file);
        if (!r) {
          if (typeof s.file === 'string') this.unnamed(m, s, `script ${String(s.code)} of ${c.type} ${c.code}`);
          continue;
        }
        const code = typeof s.code === 'string' ? s.code : 'script';
        // The file's own extension, none included: the next build names the entry, so hashes the card, by it.
        const ext = entryExtension(r.file, 'scripts', `${c.id}.${code}`);
        const was = stringAt(byCode(hint?.scripts, code), 'file');
        // Named after codes: a device name Windows reserves gets a `_` (`aux.ts` → `aux_.ts`), as does
        // an owner's (`aux.run.ts` is a device name too). Without an extension, codes are joined by
        // `_`: in `scripts/run.s` the next build would read `.s` as one.
        const [name, owner] = [nameOfCode(code), nameOfCode(c.code)];
        const dot = ext ? '.' : '_';
        this.attach(m, r, [`scripts/${name}${ext}`, `scripts/${owner}${dot}${code}${ext}`, `scripts/${c.type}${dot}${c.code}${dot}${code}${ext}`], was, `script ${code} of ${c.type} ${c.code}`, (spec) => (s.file = spec), fromPackage);
      }
    }
  }

  /**
   * A card names a file by its path alone, where a package names each file it carries by content:
   * the path is the package's word, and a build of the folder would read whatever lies there. Left out.
   */
  private unnamed(m: ManifestDraft, holder: Obj, what: string): void {
    this.notes.push(`${m.file}: the package names file \`${String(holder.file)}\` for ${what} without carrying it; left out`);
    delete holder.file;
  }

  private attach(m: ManifestDraft, ref: { file: string; sha256: string }, defaults: string[], hint: string | undefined, what: string, set: (spec: string) => void, fromPackage: boolean): void {
    this.entries ??= new Map(this.d.entries.map((e) => [e.path, e]));
    const entry = this.entries.get(ref.file);
    if (!entry) throw new UnpackRefused(`${what} names ${ref.file}, which the package does not carry`);
    if (entry.sha256 !== ref.sha256) throw new UnpackRefused(`${what} names ${ref.file} with sha256 ${ref.sha256.slice(0, 12)}…, but the entry has ${entry.sha256.slice(0, 12)}…`);
    this.namer.request({ manifestFile: m.file, defaults, hint, source: { entry: ref.file, sha256: ref.sha256 }, set, what, fromPackage });
  }
}
