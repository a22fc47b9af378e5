import * as path from 'node:path';
import { parseJson } from '../json/parse';
import { readRegularFile } from '../manifest/host';
import { linkedPathVerdict } from '../manifest/linkedPath';
import { writeFileExclusive } from '../exclusiveWrite';
import type { History } from './format';
import { HISTORY_FILE, historyShapeError } from './history';
import { foreignOwner, foreignOwnerWords } from './projectFolder';

/** A history file that exists but cannot be used; builds stop rather than lose past versions. */
export class HistoryFileError extends Error {}

/** Reads a project's `isola.history.json`: none yet is an empty history. */
export async function readHistoryFile(root: string): Promise<History> {
  const file = path.join(root, HISTORY_FILE);
  // A history that exists but cannot be read is an error, not an empty history: the next build
  // would write a new one over it and lose every past version (and a named pipe would hang).
  const read = readRegularFile(file);
  if (read === undefined) return {};
  // A link that leads out of the project would bring another project's versions into this one's packages.
  const verdict = linkedPathVerdict(root, HISTORY_FILE, file);
  if (!verdict.inside) throw new HistoryFileError(`${file}: leads outside the project (to ${verdict.target}); a project's history must be its own file`);
  // Another user's history (found where the project's own would be) is neither read nor replaced:
  // its versions would go into this user's packages, and an environment would take an entity
  // changed there for a version the package knows (an update instead of a conflict).
  const uid = foreignOwner(file);
  if (uid !== undefined) throw new HistoryFileError(`${foreignOwnerWords({ file, uid })}: a project's history must be its own; take the file over (chown) or move it away`);
  if ('reason' in read) throw new HistoryFileError(`${file}: ${read.reason}; fix or delete it (it records every entity's past versions)`);
  const { value, errors } = parseJson(read.bytes.toString('utf8'));
  const problem = errors.length ? `not valid JSON (${errors[0].message} at offset ${errors[0].offset})` : historyShapeError(value);
  if (problem) throw new HistoryFileError(`${file}: ${problem}; fix or delete it (it records every entity's past versions)`);
  return value as History;
}

/** Writes the history whole (a link at its place is replaced by the file, never written through). */
export async function writeHistoryFile(root: string, history: History): Promise<string> {
  const file = path.join(root, HISTORY_FILE);
  await writeFileExclusive(file, JSON.stringify(history, null, 2) + '\n', 'history');
  return file;
}
