/** A file a card's body names by its content: a template's `file` or a script's `file`. */
export interface FileRef {
  /** The package entry (`scripts/…`, `templates/files/…`). */
  file: string;
  sha256: string;
}

type Obj = Record<string, unknown>;

/** The file a value names by content (`{ file, sha256, size }`), or undefined. */
export function fileRef(v: unknown): FileRef | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Obj;
  return typeof o.file === 'string' && typeof o.sha256 === 'string' ? { file: o.file, sha256: o.sha256 } : undefined;
}

/** The objects of a body whose `file` names a file by content: the body itself (a template) and its scripts. */
export function fileRefHolders(body: Obj): Obj[] {
  const out: Obj[] = [];
  if (fileRef(body.file)) out.push(body);
  if (Array.isArray(body.scripts)) for (const s of body.scripts) if (typeof s === 'object' && s !== null && fileRef((s as Obj).file)) out.push(s as Obj);
  return out;
}

/** Every file a body names by content: its own `file` (a template) and its scripts' `file`s. */
export function fileRefs(body: Obj): FileRef[] {
  return fileRefHolders(body).map((h) => fileRef(h.file)!);
}

/**
 * The first file a package's cards name that the package does not carry with that content, or
 * undefined. `carried` maps each entry the package holds to its sha256 as the reader verified it.
 * The environment keeps file contents by sha256 alone, for every namespace; a card that named
 * another owner's script by its hash would have an export of the card's namespace carry that
 * script's source. So a card may name only what its own package brings.
 */
export function missingFile(cards: readonly { id: string; body: Obj }[], carried: ReadonlyMap<string, string>): { card: string; ref: FileRef } | undefined {
  for (const c of cards) for (const ref of fileRefs(c.body)) if (carried.get(ref.file) !== ref.sha256) return { card: c.id, ref };
  return undefined;
}
