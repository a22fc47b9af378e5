import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { byteLines } from '../packaging/lines';
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
  const text = line.trim();
  if (!text) return undefined;
  let rec: unknown;
  try {
    rec = JSON.parse(text);
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  const shape = recordShapeProblem(rec);
  if (shape) return shape;
  if (moreBracketsThan(text, MAX_JSON_DEPTH) && valueNestsDeeperThan(rec, MAX_JSON_DEPTH)) return `it nests objects or lists deeper than ${MAX_JSON_DEPTH} levels`;
  // NUL and unpaired surrogates can only come from \u escapes (raw ones are not JSON).
  if (text.includes('\\u')) {
    const why = unstorableText(rec);
    if (why) return `it holds ${why}, which no environment stores`;
  }
  return undefined;
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
  let line = 0;
  for (const text of lines) {
    line++;
    const reason = recordProblem(text);
    if (reason) return { line, reason };
  }
  return undefined;
}

/**
 * Reads a data file line by line and stops at the first line that is not a record. Streams: a
 * data file may be far larger than memory. A file that cannot be read gives no problem here
 * (whether it exists is MAN003's concern, and the build reports a read error itself).
 */
export async function scanDataFile(absPath: string): Promise<DataProblem | undefined> {
  const input = createReadStream(absPath);
  let line = 0;
  try {
    for await (const lines of byteLines(input)) {
      for (const raw of lines) {
        line++;
        const reason = isUtf8(raw) ? recordProblem(raw.toString('utf8')) : NOT_UTF8;
        if (reason) return { line, reason };
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    input.destroy();
  }
}
