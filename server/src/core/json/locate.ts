import { visit } from 'jsonc-parser';
import { fastLocate, NotPlainJson } from './fastLocate';
import { JsonPath, pathKey } from './path';

/** Where a value (and, for object properties, its key) stands in the text. */
export interface NodeLocation {
  offset: number;
  length: number;
  keyOffset?: number;
  keyLength?: number;
}

interface TrieNode {
  children: Map<string | number, TrieNode>;
  key?: string;
}

export interface LocateOptions {
  /** The text has syntax errors (or may have): only the tolerant tokenizer finds what the parser recovered. */
  tolerantOnly?: boolean;
  /** No object of the text repeats a property name (the parser made sure): the scan may end once every path is found. */
  uniqueNames?: boolean;
}

/**
 * Finds the locations of many paths in one pass over the text. Callers batch every path of
 * one file (all findings, all references), so a file is scanned at most once. When a key is
 * duplicated, the last occurrence wins, as in `JSON.parse`.
 */
export function locatePaths(text: string, paths: Iterable<JsonPath>, options: LocateOptions = {}): Map<string, NodeLocation> {
  const root: TrieNode = { children: new Map() };
  let wanted = 0;
  for (const path of paths) {
    let node = root;
    for (const seg of path) {
      let next = node.children.get(seg);
      if (!next) node.children.set(seg, (next = { children: new Map() }));
      node = next;
    }
    if (node.key === undefined) wanted++;
    node.key = pathKey(path);
  }
  const found = new Map<string, NodeLocation>();
  if (wanted === 0) return found;
  if (!options.tolerantOnly) {
    try {
      fastLocate(text, root, found, options.uniqueNames ? wanted : Infinity);
      return found;
    } catch (e) {
      if (!(e instanceof NotPlainJson)) throw e;
      found.clear(); // broken JSON: the tolerant tokenizer below recovers the way the parser did
    }
  }
  if (root.key !== undefined) found.set(root.key, { offset: 0, length: text.length });

  // One frame per open container: the trie node for it (undefined when off the wanted paths),
  // the next array index, and the pending property key location.
  interface Frame {
    trie: TrieNode | undefined;
    isArray: boolean;
    index: number;
    start: number;
    prop?: { name: string; offset: number; length: number };
  }
  const stack: Frame[] = [];
  const pending = new Map<TrieNode, NodeLocation>();

  // Returns the trie node the next value in the current container corresponds to.
  const childTrie = (): { trie: TrieNode | undefined; key?: { offset: number; length: number } } => {
    const top = stack[stack.length - 1];
    if (!top) return { trie: root };
    if (top.isArray) {
      const idx = top.index++;
      return { trie: top.trie?.children.get(idx) };
    }
    const prop = top.prop;
    top.prop = undefined;
    return { trie: prop ? top.trie?.children.get(prop.name) : undefined, key: prop };
  };
  const record = (trie: TrieNode | undefined, loc: NodeLocation) => {
    if (trie?.key !== undefined) found.set(trie.key, loc);
  };
  const openValue = (offset: number, isArray: boolean) => {
    const { trie, key } = childTrie();
    if (trie?.key !== undefined) pending.set(trie, { offset, length: 0, keyOffset: key?.offset, keyLength: key?.length });
    stack.push({ trie, isArray, index: 0, start: offset });
  };
  const closeValue = (offset: number, length: number) => {
    const frame = stack.pop()!;
    const trie = frame.trie;
    if (trie?.key !== undefined) {
      const loc = pending.get(trie)!;
      loc.length = offset + length - loc.offset;
      record(trie, loc);
    }
  };

  visit(
    text,
    {
      onObjectBegin: (offset) => openValue(offset, false),
      onObjectEnd: closeValue,
      onArrayBegin: (offset) => openValue(offset, true),
      onArrayEnd: closeValue,
      onObjectProperty: (name, offset, length) => {
        const top = stack[stack.length - 1];
        if (top) top.prop = { name, offset, length };
      },
      onLiteralValue: (_value, offset, length) => {
        const { trie, key } = childTrie();
        record(trie, { offset, length, keyOffset: key?.offset, keyLength: key?.length });
      },
    },
    { allowTrailingComma: true, disallowComments: false },
  );
  return found;
}
