/**
 * Mutations of valid manifests, as data: characters deleted and inserted, values swapped for
 * other JSON types, deep nesting and huge strings, invalid UTF-8, and paths in `file`,
 * `includes` and `data` that lead out of the project. `mutateManifest` applies them to the
 * bytes of a manifest.
 */
import fc from 'fast-check';
import { cpSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Node, parseTree } from 'jsonc-parser';
import { arbDeep, arbHuge, arbJsonVal, RawJson, Val } from './jsonText';
import { REPO } from './pkgzip';

/** Paths a manifest may name; `{fifo}` is a FIFO the CLI cases create (a read of it blocks forever). */
export const PATHS = [
  '/etc/passwd', '../../x', '../../../../../../../../etc/hostname', '../../x.isola.json', '/', '.', '..', '', 'scripts', '/tmp', '/dev/null',
  'C:\\Windows\\win.ini', 'nul\u0000.ts', 'file:///etc/passwd', '~/x', `${'a/'.repeat(300)}x.ts`, 'x'.repeat(5000), 'self', 'link_out',
  'scripts/../../../outside.ts', 'missing.isola.json', '.isola.json', 'data/../data/x.jsonl',
];
export const FIFO_PATHS = ['fifo.ts', 'fifo.isola.json', 'fifo.jsonl'];

export type ManifestMutation =
  | { k: 'delete'; at: number; len: number }
  | { k: 'insert'; at: number; text: string }
  | { k: 'bytes'; at: number; bytes: number[] }
  | { k: 'truncate'; keep: number }
  | { k: 'swap'; at: number; val: Val }
  | { k: 'path'; at: number; path: string };

export interface ManifestCase {
  example: number;
  manifest: number;
  mutations: ManifestMutation[];
}

const frac = fc.double({ min: 0, max: 1, noNaN: true });
const INSERTS = ['{', '}', '[', ']', '"', ',', ':', '//', '/*', '*/', '\\', '\\u', '\u0000', 'null', '\n', '\r', '\ufeff', '\ud800', '\u2028', '"a":', '{"a":', '[[[[', 'é', '😀'];
const INVALID_UTF8 = [[0xff], [0xfe, 0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xef, 0xbb, 0xbf], [0x00]];

export function arbManifestMutation(paths: string[] = PATHS): fc.Arbitrary<ManifestMutation> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.record({ k: fc.constant('delete' as const), at: frac, len: fc.integer({ min: 1, max: 40 }) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('insert' as const), at: frac, text: fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 8 })) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('bytes' as const), at: frac, bytes: fc.constantFrom(...INVALID_UTF8) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('truncate' as const), keep: frac }) },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('swap' as const), at: fc.nat(), val: fc.oneof({ weight: 4, arbitrary: arbJsonVal }, { weight: 1, arbitrary: arbDeep }, { weight: 1, arbitrary: arbHuge }) }) },
    { weight: 3, arbitrary: fc.record({ k: fc.constant('path' as const), at: fc.nat(), path: fc.constantFrom(...paths) }) },
  );
}

export function arbManifestCase(examples: number, paths?: string[]): fc.Arbitrary<ManifestCase> {
  return fc.record({
    example: fc.nat({ max: examples - 1 }),
    manifest: fc.nat(),
    mutations: fc.array(arbManifestMutation(paths), { minLength: 1, maxLength: 3 }),
  });
}

/** Value nodes of a JSONC text, in document order (empty when it does not parse into a tree). */
function valueNodes(text: string): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    if (n.type !== 'property') out.push(n);
    if (n.type === 'property') {
      if (n.children?.[1]) walk(n.children[1]);
    } else for (const c of n.children ?? []) walk(c);
  };
  try {
    const root = parseTree(text);
    if (root) walk(root);
  } catch {
    // a text the test's own parser cannot take: no nodes to swap
  }
  return out;
}

/** String nodes that name a file: `file` values, `includes` items, `data` values. */
function pathNodes(text: string): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    if (n.type === 'property' && n.children?.length === 2) {
      const [key, value] = n.children;
      if (key.value === 'file' && value.type === 'string') out.push(value);
      if (key.value === 'includes' && value.type === 'array') out.push(...(value.children ?? []).filter((c) => c.type === 'string'));
      if (key.value === 'data' && value.type === 'object') out.push(...(value.children ?? []).map((p) => p.children?.[1]).filter((c): c is Node => c?.type === 'string'));
    }
    for (const c of n.children ?? []) walk(c);
  };
  try {
    const root = parseTree(text);
    if (root) walk(root);
  } catch {
    // as above
  }
  return out;
}

function splice(buf: Buffer, at: number, del: number, ins: Buffer): Buffer {
  return Buffer.concat([buf.subarray(0, at), ins, buf.subarray(at + del)]);
}

/** Character offset → byte offset in UTF-8 text (the JSONC parser counts UTF-16 units). */
const byteAt = (text: string, offset: number) => Buffer.byteLength(text.slice(0, offset));

/** The mutated bytes of a manifest; `self` stands for the manifest's own file name. */
export function mutateManifest(bytes: Buffer, muts: ManifestMutation[], selfName: string): Buffer {
  let buf = bytes;
  for (const m of muts) {
    const text = buf.toString('utf8');
    const pos = (f: number) => Math.min(buf.length, Math.floor(f * (buf.length + 1)));
    switch (m.k) {
      case 'delete': buf = splice(buf, pos(m.at), m.len, Buffer.alloc(0)); break;
      case 'insert': buf = splice(buf, pos(m.at), 0, Buffer.from(m.text)); break;
      case 'bytes': buf = splice(buf, pos(m.at), 0, Buffer.from(m.bytes)); break;
      case 'truncate': buf = buf.subarray(0, pos(m.keep)); break;
      case 'swap': {
        const nodes = valueNodes(text);
        if (!nodes.length) break;
        const n = nodes[m.at % nodes.length];
        const raw = new RawJson();
        buf = splice(buf, byteAt(text, n.offset), byteAt(text, n.offset + n.length) - byteAt(text, n.offset), Buffer.from(raw.stringify(raw.value(m.val), 0)));
        break;
      }
      case 'path': {
        const p = JSON.stringify(m.path === 'self' ? selfName : m.path);
        const nodes = pathNodes(text);
        if (nodes.length) {
          const n = nodes[m.at % nodes.length];
          buf = splice(buf, byteAt(text, n.offset), byteAt(text, n.offset + n.length) - byteAt(text, n.offset), Buffer.from(p));
        } else {
          const brace = buf.indexOf('{');
          if (brace >= 0) buf = splice(buf, brace + 1, 0, Buffer.from(`"includes": [${p}], `));
        }
        break;
      }
    }
  }
  return buf;
}

export const EXAMPLES = ['invoices', 'payments', 'company', 'broken'];

/** The manifests of an example, relative to it, sorted. */
export function manifestsOf(example: string): string[] {
  const dir = path.join(REPO, 'examples', example);
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.isola.json')) out.push(path.relative(dir, path.join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

/** Copies the case's example to `dir` and writes the mutated manifest into it; returns the manifest's path. */
export function writeCase(c: ManifestCase, dir: string): string {
  const example = EXAMPLES[c.example];
  cpSync(path.join(REPO, 'examples', example), dir, { recursive: true });
  symlinkSync('/etc/passwd', path.join(dir, 'link_out'));
  const list = manifestsOf(example);
  const rel = list[c.manifest % list.length];
  const file = path.join(dir, rel);
  writeFileSync(file, mutateManifest(readFileSync(file), c.mutations, path.basename(rel)));
  return rel;
}
