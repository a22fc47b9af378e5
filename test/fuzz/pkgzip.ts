/**
 * Packages as lists of entries: read a real package, change its entries, write it back with yazl
 * (a zip writer like Isola's own), with or without an index that matches the changed content. Names yazl
 * refuses (absolute, `..`, backslashes, folders) are written under a placeholder of the same
 * length and patched into the headers afterwards.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as yauzl from 'yauzl';
import { nodeFileHost } from '../../server/src/core/manifest/host';
import { loadProject } from '../../server/src/core/manifest/project';
import { buildPackage } from '../../server/src/core/packaging/builder';
import { readHistoryFile } from '../../server/src/core/packaging/historyFile';
import { patchFile, rename, writeZip, ZipEntry } from '../unit/packaging/hostile';

export const REPO = path.resolve(__dirname, '../../..');
export const META = 'meta_data.json';

export interface Entry {
  name: string;
  data: Buffer;
}

/** The entries of a package file, in order, names decoded as the reader decodes them. */
export async function readEntries(file: string): Promise<Entry[]> {
  const zip = await new Promise<yauzl.ZipFile>((res, rej) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (e, z) => (e ? rej(e) : res(z!))));
  const out: Entry[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, s) => {
          if (err) return reject(err);
          const parts: Buffer[] = [];
          s!.on('data', (b: Buffer) => parts.push(b));
          s!.on('error', reject);
          s!.on('end', () => {
            out.push({ name: entry.fileName, data: Buffer.concat(parts) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return out;
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Whether yazl writes `name` unchanged (it refuses or rewrites the others). */
function yazlTakes(name: string): boolean {
  return name !== '' && !name.includes('\\') && !/^[A-Za-z]:/.test(name) && !name.startsWith('/') &&
    !name.split('/').includes('..') && !name.endsWith('/');
}

/**
 * Rewrites the descriptor's index (`entries`) to list every entry as it now is: path, sha256 and
 * size. Without this, a changed entry is refused at its checksum and nothing deeper is reached.
 * A descriptor that no longer parses as an object is left as it is.
 */
export function fixIndex(entries: Entry[]): Entry[] {
  const meta = entries.find((e) => e.name === META);
  if (!meta) return entries;
  let d: unknown;
  try {
    d = JSON.parse(meta.data.toString('utf8'));
  } catch {
    return entries;
  }
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return entries;
  (d as Record<string, unknown>).entries = entries.filter((e) => e !== meta).map((e) => ({ path: e.name, sha256: sha256(e.data), size: e.data.length }));
  return entries.map((e) => (e === meta ? { name: META, data: Buffer.from(JSON.stringify(d, null, 2) + '\n') } : e));
}

/**
 * Writes entries as a zip. Returns the names that could not be written as asked (a placeholder
 * needs as many bytes as the name; an empty name has none): those entries keep their placeholder.
 */
export async function writeEntries(file: string, entries: Entry[]): Promise<string[]> {
  const patches: [string, string][] = [];
  const skipped: string[] = [];
  const zipEntries: ZipEntry[] = entries.map((e, i) => {
    if (yazlTakes(e.name)) return { name: e.name, data: e.data };
    const len = Buffer.byteLength(e.name);
    const tag = `p${i.toString(36)}q`;
    if (len < tag.length) {
      skipped.push(e.name);
      return { name: `skipped${i}`, data: e.data };
    }
    const placeholder = tag + 'q'.repeat(len - tag.length);
    patches.push([placeholder, e.name]);
    return { name: placeholder, data: e.data };
  });
  await writeZip(file, zipEntries);
  if (patches.length) await patchFile(file, (b) => patches.forEach(([from, to]) => rename(b, from, to)));
  return skipped;
}

/** A sound package built from an example, and its entries. */
export interface Base {
  name: string;
  file: string;
  entries: Entry[];
}

/**
 * Builds a package of an example with the core builder (its history read but never written
 * back: the examples stay as they are).
 */
export async function buildExample(example: string, pkgCode: string, outDir: string): Promise<Base> {
  const dir = path.join(REPO, 'examples', example);
  const project = await loadProject(dir, nodeFileHost);
  const pkg = project.packages.find((p) => p.code === pkgCode);
  if (!pkg) throw new Error(`no package ${pkgCode} in examples/${example}`);
  const out = path.join(outDir, `${pkgCode}.isolapkg`);
  await buildPackage({
    project, pkg, out, data: 'all', history: await readHistoryFile(dir), createdBy: 'fuzz',
    tool: { name: 'isola-fuzz', version: '0' }, now: new Date('2026-01-01T00:00:00Z'),
  });
  return { name: pkgCode, file: out, entries: await readEntries(out) };
}

/** The three sound packages the mutations start from: a workspace with data, a solution, a configuration. */
export async function buildBases(outDir: string): Promise<Base[]> {
  await fs.mkdir(outDir, { recursive: true });
  return [
    await buildExample('invoices', 'invoices', outDir),
    await buildExample('payments', 'payments_solution', outDir),
    await buildExample('company', 'company', outDir),
  ];
}
