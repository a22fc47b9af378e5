import { createHash } from 'node:crypto';

/** A file a card's body names by its content: a template's `file` or a script's `file`. */
export interface FileRef {
  /** The package entry (`scripts/…`, `templates/files/…`). */
  file: string;
  sha256: string;
}

type Obj = Record<string, unknown>;

function isRef(v: unknown): v is FileRef {
  return typeof v === 'object' && v !== null && typeof (v as Obj).file === 'string' && typeof (v as Obj).sha256 === 'string';
}

/** Every file a body names by content: its own `file` (a template) and its scripts' `file`s. */
export function fileRefs(body: Obj): FileRef[] {
  const out: FileRef[] = [];
  const add = (f: unknown) => {
    if (isRef(f)) out.push({ file: f.file, sha256: f.sha256 });
  };
  add(body.file);
  if (Array.isArray(body.scripts)) for (const s of body.scripts) if (typeof s === 'object' && s !== null) add((s as Obj).file);
  return out;
}

/**
 * The first file a package's cards name that the package does not carry with that content, or
 * undefined. The environment keeps file contents by sha256 alone, for every namespace; a card
 * that named another owner's script by its hash would have an export of the card's namespace
 * carry that script's source. So a card may name only what its own package brings.
 */
export function missingFile(cards: readonly { id: string; body: Obj }[], attachments: ReadonlyMap<string, Buffer>): { card: string; ref: FileRef } | undefined {
  const shaOf = new Map<string, string>();
  for (const c of cards) {
    for (const ref of fileRefs(c.body)) {
      const data = attachments.get(ref.file);
      if (!data) return { card: c.id, ref };
      let sha = shaOf.get(ref.file);
      if (sha === undefined) shaOf.set(ref.file, (sha = createHash('sha256').update(data).digest('hex')));
      if (sha !== ref.sha256) return { card: c.id, ref };
    }
  }
  return undefined;
}
