import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { byteLines, LineTooLong } from '../packaging/lines';
import { MAX_WHOLE_FILE_BYTES } from './regularFile';
import { MAX_JSON_DEPTH, valueNestsDeeperThan } from '../json/depth';
import { unstorableText } from '../oneLine';
import { moreBracketsThan } from '../packaging/jsonLimits';

/** The first data record of a file that the package builder would refuse: its line and why. */
export interface DataProblem {
  /** 1-based line number in the data file. */
  line: number;
  reason: string;
}

/**
 * Why one line of a JSONL data file is not a record, or undefined when it is one (or is blank).
 * The package builder and the check share it, so the check reports exactly what would stop a build.
 */
export function recordProblem(line: string): string | undefined {
  const r = readRecord(line);
  return r && 'problem' in r ? r.problem : undefined;
}

/**
 * One line of a JSONL data file read as a record: its id, or why it is none (`recordProblem`);
 * undefined for a blank line. The check and the build read each line once with it.
 */
export function readRecord(line: string): { id: string | number } | { problem: string } | undefined {
  const text = line.trim();
  if (!text) return undefined;
  let rec: unknown;
  try {
    rec = JSON.parse(text);
  } catch (e) {
    return { problem: `not JSON (${(e as Error).message})` };
  }
  const shape = recordShapeProblem(rec);
  if (shape) return { problem: shape };
  if (moreBracketsThan(text, MAX_JSON_DEPTH) && valueNestsDeeperThan(rec, MAX_JSON_DEPTH)) return { problem: `it nests objects or lists deeper than ${MAX_JSON_DEPTH} levels` };
  // NUL and unpaired surrogates can only come from \u escapes (raw ones are not JSON).
  if (text.includes('\\u')) {
    const why = unstorableText(rec);
    if (why) return { problem: `it holds ${why}, which no environment stores` };
  }
  return { id: (rec as { id: string | number }).id };
}

/**
 * The key an environment stores a record under: its id as text, a number as JavaScript writes it
 * (`1`, `1.0`, `1e0` and `"1"` are all `1`; `"01"` stays `01`). Records of one app with the same key
 * are one record there, so a second one is refused rather than merged into the first.
 */
export function recordKey(id: string | number): string {
  return String(id);
}

/**
 * The records read so far of one app's data, by key (`recordKey`), each with where it was read
 * (a line number, or any number the caller can name again). One Map entry per record: for a
 * million records some tens of megabytes, what a check or an import of that much data can spare.
 */
export class RecordIds {
  private readonly at = new Map<string, number>();

  /** Where an earlier record with this id's key was read, or undefined (then this one is remembered at `where`). */
  repeated(id: string | number, where: number): number | undefined {
    const key = recordKey(id);
    const first = this.at.get(key);
    if (first !== undefined) return first;
    this.at.set(key, where);
    return undefined;
  }
}

/**
 * Why a record is refused whose id's key an earlier record of the same app has (`earlier` names
 * where, e.g. "line 3"): an environment would keep one of them. `asKey`: `id` is the key, the
 * record's own spelling being unknown.
 */
export function repeatedIdProblem(id: string | number, earlier: string, asKey = false): string {
  const key = recordKey(id);
  // Said when the two may look different: a number, or text a number could be written as.
  const why = typeof id === 'number' || (key.trim() !== '' && Number.isFinite(Number(key))) ? ' (an environment compares ids as text: 1, 1.0 and "1" are one id)' : '';
  const its = asKey ? `its "id", as text ${JSON.stringify(key)},` : `its "id" ${JSON.stringify(id)}`;
  return `${its} is the id of ${earlier} too${why}; an environment keeps one record per id, so give each record its own id`;
}

/**
 * Why a parsed value is not a record any environment imports (not an object, or no usable id), or
 * undefined. The one rule for the check, the build and the import (packaging/reader.ts), so each
 * says the same of the same line.
 */
export function recordShapeProblem(rec: unknown): string | undefined {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec) || !Object.hasOwn(rec, 'id')) {
    return 'a data record must be a JSON object with an "id"';
  }
  const id = (rec as { id: unknown }).id;
  if (typeof id !== 'string' && typeof id !== 'number') return 'its "id" must be a string or a number';
  if (inexactId(id)) return UNSAFE_ID;
  if (id === '') return EMPTY_ID;
  return undefined;
}

/**
 * Whether a record's id is a whole number too large to be told apart from its neighbours once read
 * as a number (past 2^53): two such records could become one. The same test refuses them at import.
 */
export function inexactId(id: unknown): boolean {
  // Past 2^53 (1e400 reads as Infinity: every such id would become "Infinity").
  return typeof id === 'number' && (!Number.isFinite(id) || (Number.isInteger(id) && !Number.isSafeInteger(id)));
}

/** Why a line whose bytes are not UTF-8 is refused (decoding would change the record without a word). */
export const NOT_UTF8 = 'not UTF-8 (the record would change as it is read)';

/**
 * Why a record with an empty id is refused: records are listed and exported page by page after
 * the last id seen, from "" on, so a record with that id would be imported and never read back.
 */
export const EMPTY_ID = 'its "id" is empty; give the record an id';

/** Why a record with such an id is refused. */
export const UNSAFE_ID = 'its "id" is a whole number beyond 2^53, which is not kept exactly (two records could become one); write it as a string';

/** The first line that is not a record among lines already in memory (numbered from 1), or undefined. */
export function firstBadLine(lines: Iterable<string>): DataProblem | undefined {
  const ids = new RecordIds();
  let line = 0;
  for (const text of lines) {
    line++;
    const reason = lineProblem(readRecord(text), line, ids);
    if (reason) return { line, reason };
  }
  return undefined;
}

/** Why a line read by `readRecord` is refused: its own problem, or an id an earlier line has. */
function lineProblem(r: ReturnType<typeof readRecord>, line: number, ids: RecordIds): string | undefined {
  if (!r) return undefined;
  if ('problem' in r) return r.problem;
  const first = ids.repeated(r.id, line);
  return first === undefined ? undefined : repeatedIdProblem(r.id, `line ${first}`);
}

/** The most bytes one line of a data file may take: a record is read whole, as any file read whole. */
export const MAX_RECORD_BYTES = MAX_WHOLE_FILE_BYTES;

/** Why a line longer than `MAX_RECORD_BYTES` is refused (the check and the build say the same). */
export function recordTooLongProblem(): string {
  return `it is longer than ${MAX_RECORD_BYTES / (1024 * 1024)} MB, the most one record may take (a record is read whole)`;
}

/**
 * Reads a data file line by line and stops at the first line that is not a record, or whose id an
 * earlier line has (`RecordIds`), or that is longer than `MAX_RECORD_BYTES`. Streams: a data file
 * may be far larger than memory, a line may not. A file that cannot be read gives no problem here
 * (whether it exists is MAN003's concern, and the build reports a read error itself).
 */
export async function scanDataFile(absPath: string): Promise<DataProblem | undefined> {
  const input = createReadStream(absPath);
  const ids = new RecordIds();
  let line = 0;
  try {
    for await (const lines of byteLines(input, MAX_RECORD_BYTES)) {
      for (const raw of lines) {
        line++;
        const reason = isUtf8(raw) ? lineProblem(readRecord(raw.toString('utf8')), line, ids) : NOT_UTF8;
        if (reason) return { line, reason };
      }
    }
    return undefined;
  } catch (e) {
    return e instanceof LineTooLong ? { line: line + 1, reason: recordTooLongProblem() } : undefined;
  } finally {
    input.destroy();
  }
}
