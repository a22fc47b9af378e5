/**
 * Applies package mutations (pkgMutations.ts) to the entries of a base package and writes the
 * mutated package. A mutation that cannot apply (a card that no longer parses, a name too short
 * for its placeholder) is skipped, so every case still yields a package.
 */
import { promises as fs } from 'node:fs';
import { canonicalJson, sha256 } from '../../server/src/core/packaging/canonical';
import { STEP_OF } from '../../server/src/core/packaging/format';
import type { CardEdit, DataEdit, MetaEdit, Mutation, NameRecipe, PackageCase } from './pkgMutations';
import { applyJsonEdit, RawJson } from './jsonText';
import { Base, Entry, fixIndex, META, writeEntries } from './pkgzip';

type Doc = Record<string, unknown>;

const isCard = (e: Entry) => e.name.endsWith('.card.json');

/** Parses an entry as a JSON object, or undefined when it is none. */
function parseObject(e: Entry | undefined): Doc | undefined {
  if (!e) return undefined;
  try {
    const v = JSON.parse(e.data.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a document back into an entry; false when even that fails (a document nested too deep to stringify). */
function store(e: Entry, raw: RawJson, doc: unknown): boolean {
  try {
    e.data = Buffer.from(raw.stringify(doc) + '\n');
    return true;
  } catch {
    return false;
  }
}

function renamed(entries: Entry[], e: Entry, to: NameRecipe): string | undefined {
  const base = e.name.slice(e.name.lastIndexOf('/') + 1);
  switch (to.k) {
    case 'literal': return to.name;
    case 'otherStep': return `${to.step}/${base}`;
    case 'caseOf': {
      const other = entries[to.entry % entries.length].name;
      return other.toUpperCase() !== other ? other.toUpperCase() : other.toLowerCase() !== other ? other.toLowerCase() : undefined;
    }
    case 'sameAs': return entries[to.entry % entries.length].name;
    case 'noSuffix': return /\.(card\.json|jsonl|ts)$/.test(e.name) ? e.name.replace(/\.(card\.json|jsonl|ts)$/, '') : `${e.name}.bak`;
  }
}

function editCard(entries: Entry[], target: Entry, edit: CardEdit, raw: RawJson): boolean {
  if (edit.k === 'raw') {
    target.data = Buffer.from(edit.text);
    return true;
  }
  const card = parseObject(target);
  if (!card) return false;
  switch (edit.k) {
    case 'field': card[edit.field] = raw.value(edit.val); break;
    case 'fromCard': {
      const cards = entries.filter(isCard);
      const other = parseObject(cards[edit.card % cards.length]);
      if (!other) return false;
      card[edit.field] = other[edit.field];
      break;
    }
    case 'drop': delete card[edit.field]; break;
    case 'spoof':
      card.namespace = edit.namespace;
      card.code = edit.code;
      card.id = edit.namespace ? `${edit.namespace}.${edit.code}` : edit.code;
      break;
    case 'body': card.body = applyJsonEdit(raw, card.body, edit.edit); break;
  }
  return store(target, raw, card);
}

/** The descriptor's first data set, made when there is none, as an object to change. */
function firstDataSet(d: Doc): Doc {
  if (!Array.isArray(d.data)) d.data = [];
  const sets = d.data as unknown[];
  if (!sets.length || typeof sets[0] !== 'object' || sets[0] === null) sets[0] = { app: `${String(d.code)}.extra`, records: 0, chunks: [] };
  return sets[0] as Doc;
}

function editMeta(meta: Entry, edit: MetaEdit, raw: RawJson): boolean {
  if (edit.k === 'raw') {
    meta.data = Buffer.from(edit.text);
    return true;
  }
  const d = parseObject(meta);
  if (!d) return false;
  switch (edit.k) {
    case 'field': d[edit.field] = raw.value(edit.val); break;
    case 'drop': delete d[edit.field]; break;
    case 'dataSet': firstDataSet(d)[edit.field] = raw.value(edit.val); break;
    case 'any': applyJsonEdit(raw, d, edit.edit, true); break;
  }
  return store(meta, raw, d);
}

const SAMPLE_RECORDS = ['{"id":"r1","name":"One"}', '{"id":"r2","name":"Two"}', '{"id":3,"name":"Three"}'].join('\n') + '\n';

/**
 * The data chunk a data edit works on: the descriptor's first chunk, else the first `data/`
 * entry, else a new chunk for the package's first app (listed in the descriptor).
 */
function dataChunk(entries: Entry[], meta: Entry | undefined, raw: RawJson): { chunk: Entry; d?: Doc } | undefined {
  const d = parseObject(meta);
  const sets = Array.isArray(d?.data) ? (d!.data as { chunks?: unknown }[]) : [];
  const listed = sets.flatMap((s) => (Array.isArray(s?.chunks) ? s.chunks : [])).find((c) => typeof c === 'string');
  const found = entries.find((e) => e.name === listed) ?? entries.find((e) => e.name.startsWith('data/'));
  if (found) return { chunk: found, d };
  if (!d || !meta) return undefined;
  const app = entries.filter(isCard).map((e) => parseObject(e)).find((c) => c?.type === 'app')?.id;
  if (typeof app !== 'string') return undefined;
  const chunk = { name: `data/${app}/00000.jsonl`, data: Buffer.from(SAMPLE_RECORDS) };
  entries.splice(entries.indexOf(meta), 0, chunk);
  d.data = [{ app, records: 3, chunks: [chunk.name] }];
  store(meta, raw, d);
  return { chunk, d };
}

function editData(entries: Entry[], edit: DataEdit, raw: RawJson): boolean {
  const meta = entries.find((e) => e.name === META);
  const found = dataChunk(entries, meta, raw);
  if (!found) return false;
  const { chunk, d } = found;
  const text = chunk.data.toString('utf8');
  switch (edit.k) {
    case 'line': {
      const lines = text.split('\n');
      const line = edit.line.k === 'text' ? edit.line.text : raw.stringify(raw.value(edit.line), 0);
      const at = edit.at % lines.length;
      lines.splice(at, edit.mode === 'replace' ? 1 : 0, line);
      chunk.data = Buffer.from(lines.join('\n'));
      return true;
    }
    case 'eol': {
      const t = { crlf: () => text.replace(/\n/g, '\r\n'), cr: () => text.replace(/\n/g, '\r'), bom: () => '\ufeff' + text, noFinal: () => text.replace(/\n$/, ''), blankLines: () => text.replace(/\n/g, '\n\n\n') }[edit.style]();
      chunk.data = Buffer.from(t);
      return true;
    }
    case 'moveApp': {
      // Records of another app: the chunk moves and the descriptor follows, so the package agrees with itself.
      const old = chunk.name.split('/')[1];
      chunk.name = `data/${edit.app}/${chunk.name.slice(chunk.name.lastIndexOf('/') + 1)}`;
      if (!d || !meta) return true;
      for (const s of Array.isArray(d.data) ? (d.data as Doc[]) : []) {
        if (s && s.app === old) {
          s.app = edit.app;
          s.chunks = Array.isArray(s.chunks) ? s.chunks.map((c) => (typeof c === 'string' && c.split('/')[1] === old ? chunk.name : c)) : s.chunks;
        }
      }
      const o = d.options as Doc | undefined;
      if (o && Array.isArray(o.dataOrder)) o.dataOrder = o.dataOrder.map((a) => (a === old ? edit.app : a));
      return store(meta, raw, d);
    }
  }
}

/** Applies one mutation in place; false when it could not apply. */
function apply(entries: Entry[], m: Mutation, raw: RawJson): boolean {
  const pick = (i: number) => entries[i % entries.length];
  switch (m.op) {
    case 'rename': {
      const e = pick(m.entry);
      const to = renamed(entries, e, m.to);
      if (to === undefined) return false;
      e.name = to;
      return true;
    }
    case 'duplicate': {
      const e = pick(m.entry);
      entries.splice(entries.indexOf(e) + 1, 0, { name: m.caseClash ? e.name.toUpperCase() : e.name, data: e.data });
      return true;
    }
    case 'drop': entries.splice(m.entry % entries.length, 1); return true;
    case 'flip': {
      const e = pick(m.entry);
      if (!e.data.length) return false;
      e.data = Buffer.from(e.data);
      e.data[Math.min(e.data.length - 1, Math.floor(m.at * e.data.length))] ^= m.xor;
      return true;
    }
    case 'truncate': {
      const e = pick(m.entry);
      e.data = e.data.subarray(0, Math.floor(m.keep * e.data.length));
      return true;
    }
    case 'append': {
      const e = pick(m.entry);
      e.data = Buffer.concat([e.data, Buffer.from(m.text, 'latin1')]);
      return true;
    }
    case 'card': {
      const cards = entries.filter(isCard);
      return cards.length > 0 && editCard(entries, cards[m.card % cards.length], m.edit, raw);
    }
    case 'meta': {
      const meta = entries.find((e) => e.name === META);
      return !!meta && editMeta(meta, m.edit, raw);
    }
    case 'data': return editData(entries, m.edit, raw);
    case 'zip': return true; // applied to the written file
  }
}

/**
 * Gives every card the hash of its body and the entry name its type and id call for (as the
 * builder would), so a forged card gets past those checks and reaches the code behind them.
 */
function makeConsistent(entries: Entry[], raw: RawJson): void {
  const names = new Set(entries.map((e) => e.name));
  for (const e of entries.filter(isCard)) {
    const card = parseObject(e);
    if (!card) continue;
    try {
      if (card.body && typeof card.body === 'object') card.hash = sha256(canonicalJson(card.body));
    } catch {
      continue; // too deep for canonicalJson's recursion here; left as it is
    }
    const step = typeof card.type === 'string' && Object.hasOwn(STEP_OF, card.type) ? STEP_OF[card.type as keyof typeof STEP_OF] : undefined;
    const name = step && typeof card.id === 'string' ? `${step}/${card.id}.card.json` : undefined;
    if (!store(e, raw, card)) continue;
    // A zip name has at most 65,535 bytes.
    if (name && name !== e.name && !names.has(name) && Buffer.byteLength(name) < 60_000) {
      names.delete(e.name);
      e.name = name;
      names.add(name);
    }
  }
}

/** Writes the mutated package to `file`; returns notes on mutations that could not apply. */
export async function mutatePackage(base: Base, c: PackageCase, file: string): Promise<string[]> {
  const raw = new RawJson();
  const entries: Entry[] = base.entries.map((e) => ({ name: e.name, data: e.data }));
  const notes: string[] = [];
  c.mutations.forEach((m, i) => {
    if (!entries.length) return;
    if (!apply(entries, m, raw)) notes.push(`mutation ${i} (${m.op}) did not apply`);
  });
  if (c.consistent) makeConsistent(entries, raw);
  let written = entries;
  if (c.fix) {
    try {
      written = fixIndex(entries);
    } catch {
      notes.push('the index could not be fixed (a descriptor nested too deep)');
    }
  }
  const skipped = await writeEntries(file, written);
  if (skipped.length) notes.push(`names written as placeholders: ${skipped.map((s) => JSON.stringify(s)).join(', ')}`);
  for (const m of c.mutations) {
    if (m.op !== 'zip') continue;
    const buf = await fs.readFile(file);
    const at = Math.min(buf.length - 1, Math.floor(m.at * buf.length));
    if (m.kind === 'flip') buf[at] ^= m.xor;
    await fs.writeFile(file, m.kind === 'flip' ? buf : buf.subarray(0, at));
  }
  return notes;
}
