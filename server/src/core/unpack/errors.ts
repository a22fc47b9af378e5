import { oneLine } from '../oneLine';

/** An unpack that cannot go ahead: an unsafe name, a package that cannot be laid out, a file that is not Isola's. Nothing was written. */
export class UnpackRefused extends Error {
  constructor(message: string) {
    // One line whatever the package holds: messages quote codes and paths from it.
    super(oneLine(message));
  }
}
