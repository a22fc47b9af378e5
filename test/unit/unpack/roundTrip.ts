/** Builds, unpacks and rebuilds projects in process: the helpers of the lossless property tests. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkProject } from '../../../server/src/core/check';
import { parseJson } from '../../../server/src/core/json/parse';
import { nodeFileHost } from '../../../server/src/core/manifest/host';
import { loadProject } from '../../../server/src/core/manifest/project';
import type { Package } from '../../../server/src/core/manifest/types';
import { buildPackage } from '../../../server/src/core/packaging/builder';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { unpackPackage, UnpackResult } from '../../../server/src/core/unpack/unpack';

const TOOL = { name: 'isola', version: 'test' };
const NOW = new Date('2026-01-01T00:00:00Z');

/** What a package holds that the lossless property compares: card ids with their hashes, data records per app. */
export interface PackageContent {
  cards: Record<string, string>;
  deleted: string[];
  data: Record<string, string[]>;
}

/** Builds one package of the project in `dir` into `out`. */
export async function build(dir: string, kind: string, code: string, out: string, data: 'none' | 'all' = 'all'): Promise<void> {
  const project = await loadProject(dir, nodeFileHost);
  const pkg = project.packages.find((p: Package) => p.kind === kind && p.code === code);
  if (!pkg) throw new Error(`no ${kind} ${code} in ${dir}: ${project.packages.map((p) => `${p.kind} ${p.code}`).join(', ')}`);
  await buildPackage({ project, pkg, out, history: {}, tool: TOOL, now: NOW, data, createdBy: 'test' });
}

/** Builds a package of records only (no design) of the workspace `invoices` in `dir`. */
export async function buildDesignless(dir: string, out: string): Promise<void> {
  const project = await loadProject(dir, nodeFileHost);
  const pkg = project.packages.find((p: Package) => p.kind === 'workspace' && p.code === 'invoices')!;
  await buildPackage({ project, pkg, out, history: {}, tool: TOOL, now: NOW, data: 'all', design: 'none', createdBy: 'test' });
}

/** The cards and records of a package file, every byte verified. */
export async function contentOf(file: string): Promise<PackageContent> {
  const r = await PackageReader.open(file);
  try {
    await r.verify();
    const cards: Record<string, string> = {};
    const deleted: string[] = [];
    for (const { card } of await r.cards()) {
      cards[`${card.type} ${card.id}`] = card.hash;
      if (card.deleted) deleted.push(card.id);
    }
    const data: Record<string, string[]> = {};
    for (const set of r.descriptor.data) {
      data[set.app] = [];
      for (const c of set.chunks) data[set.app].push(...(await r.read(c)).toString('utf8').split('\n').filter(Boolean));
    }
    return { cards, deleted: deleted.sort(), data };
  } finally {
    r.close();
  }
}

/** Findings of a folder as `code message` lines (file names aside, since the layout differs). */
export async function findings(dir: string): Promise<string[]> {
  const project = await loadProject(dir, nodeFileHost);
  return checkProject(project).diagnostics.map((d) => `${d.code} ${d.message}`).sort();
}

/** build(M) → unpack → build again: both packages' content, the unpack's result and the unpacked folder. */
export async function roundTrip(dir: string, kind: string, code: string): Promise<{ before: PackageContent; after: PackageContent; unpacked: string; result: UnpackResult }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-unpack-'));
  const first = path.join(tmp, 'first.isolapkg');
  await build(dir, kind, code, first);
  const unpacked = path.join(tmp, 'unpacked');
  const result = await unpackPackage({ file: first, dir: unpacked });
  const second = path.join(tmp, 'second.isolapkg');
  await build(unpacked, kind, code, second);
  return { before: await contentOf(first), after: await contentOf(second), unpacked, result };
}

const REPO = path.resolve(__dirname, '../../../..');

/**
 * Unpacks into a copy of the invoices example whose manifest is `mine(original text)` a package
 * built from the example with `change` made to its value: the manifest's text before and after,
 * the unpack's result (or refusal), and the changed value.
 */
export async function retrieveInto(mine: (text: string) => string, change: (v: any) => void, force = false) {
  const FILE = 'invoices.isola.json';
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-inplace-'));
  try {
    const dir = path.join(tmp, 'project');
    const other = path.join(tmp, 'other');
    cpSync(path.join(REPO, 'examples/invoices'), dir, { recursive: true });
    cpSync(dir, other, { recursive: true });
    const original = readFileSync(path.join(dir, FILE), 'utf8');
    const value = parseJson(original).value;
    change(value);
    writeFileSync(path.join(other, FILE), JSON.stringify(value, null, 2));
    await build(other, 'workspace', 'invoices', path.join(tmp, 'p.isolapkg'));
    const before = mine(original);
    writeFileSync(path.join(dir, FILE), before);
    const result = await unpackPackage({ file: path.join(tmp, 'p.isolapkg'), dir, force }).catch((e: Error) => e);
    return { before, after: readFileSync(path.join(dir, FILE), 'utf8'), result, value };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
