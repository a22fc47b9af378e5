import { oneLine } from '../oneLine';

/** An unpack that cannot go ahead: an unsafe name, a package that cannot be laid out, a file that is not Isola's. Nothing was written. */
export class UnpackRefused extends Error {
  /**
   * `force` (`--force`) gets past this refusal: a file that is not Isola's, an edit that cannot be
   * placed in a manifest's text, a manifest of a carried unit that cannot be read. The unpack says
   * such a refusal only when it met no other, so the same unpack with `force` goes ahead (unless
   * the folder changes in between).
   */
  readonly forceable: boolean;

  constructor(message: string, o: { forceable?: boolean } = {}) {
    // One line whatever the package holds: messages quote codes and paths from it.
    super(oneLine(message));
    this.forceable = o.forceable ?? false;
  }
}

/**
 * An unpack stopped by its signal (Ctrl+C) before any file was replaced: the temporary files it
 * had written are removed and the folder is as it was.
 */
export class UnpackInterrupted extends Error {
  constructor() {
    super('interrupted; nothing was written');
  }
}

/**
 * A file the file system would not let an unpack write (a full disk, a read-only folder): `file`
 * (relative to the unpack folder) is the one it failed at. Its temporary files are removed and,
 * unless `replaced` says how many were renamed into place first, no file was replaced.
 */
export class UnpackWriteFailed extends Error {
  constructor(readonly file: string, readonly reason: string, readonly replaced: number) {
    super(`${reason} writing ${file}; ${replaced ? `${replaced} file(s) were already replaced` : 'nothing was written'}`);
  }
}

/** Another process is unpacking into the folder (its journal is there) and did not finish while this one waited. */
export class UnpackBusy extends Error {
  constructor(readonly dir: string, owner: { pid: number } | undefined) {
    super(`process ${owner?.pid ?? '?'} is unpacking into ${dir}; try again once it is done`);
  }
}

/**
 * An unpack that stopped after it began to put its files in place (a rename failed), or an
 * interrupted one that cannot be finished (its journal is not one Isola wrote). The journal stays:
 * the next unpack, retrieve, build or check in that folder finishes what it lists.
 */
export class UnpackUnfinished extends Error {
  constructor(message: string) {
    super(oneLine(message));
  }
}
