import type { NodeLocation } from './locate';

/** Thrown when the text is not plain JSONC; the caller falls back to the tolerant locator. */
export class NotPlainJson extends Error {}

/** The wanted paths as a trie: `key` marks a node whose location is wanted. */
export interface PathTrie {
  children: Map<string | number, PathTrie>;
  key?: string;
}

/**
 * Locates paths in JSONC that parsed without errors (the caller makes sure) by recursive descent, skipping every subtree no wanted path
 * enters by bracket matching, without tokenizing it (strings are skipped with `indexOf`). Most of
 * a manifest is such subtrees, which makes this several times faster than a full tokenizer.
 */
export function fastLocate(text: string, root: PathTrie, found: Map<string, NodeLocation>): void {
  const n = text.length;
  let i = 0;

  const fail = (): never => {
    throw new NotPlainJson();
  };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else if (c === 47 && text.charCodeAt(i + 1) === 47) {
        const e = text.indexOf('\n', i);
        i = e < 0 ? n : e + 1;
      } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
        const e = text.indexOf('*/', i + 2);
        if (e < 0) fail();
        i = e + 2;
      } else return;
    }
  };
  // i at the opening quote; leaves i after the closing quote. Every search is bounded by the
  // string itself: nothing here may scan ahead or back across the rest of the text.
  const skipString = (): void => {
    let j = i + 1;
    for (;;) {
      const q = text.indexOf('"', j);
      if (q < 0) fail();
      let b = q - 1;
      while (text.charCodeAt(b) === 92) b--;
      if ((q - 1 - b) % 2 === 0) {
        i = q + 1;
        return;
      }
      j = q + 1;
    }
  };
  const skipContainer = () => {
    let depth = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) skipString();
      else if (c === 47 && (text.charCodeAt(i + 1) === 47 || text.charCodeAt(i + 1) === 42)) ws();
      else {
        if (c === 123 || c === 91) depth++;
        else if (c === 125 || c === 93) {
          depth--;
          i++;
          if (depth === 0) return;
          continue;
        }
        i++;
      }
    }
    fail();
  };
  const value = (trie: PathTrie | undefined, keyOffset?: number, keyLength?: number) => {
    const start = i;
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) {
      if (!trie || trie.children.size === 0) skipContainer();
      else if (c === 123) object(trie);
      else array(trie);
    } else if (c === 34) skipString();
    else {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9 || d === 47) break;
        i++;
      }
      if (i === start) fail();
    }
    if (trie?.key !== undefined) found.set(trie.key, { offset: start, length: i - start, keyOffset, keyLength });
  };
  const object = (trie: PathTrie) => {
    i++;
    for (;;) {
      ws();
      if (text.charCodeAt(i) === 125) return void i++;
      if (text.charCodeAt(i) !== 34) fail();
      const ks = i;
      skipString();
      const ke = i;
      const raw = text.slice(ks + 1, ke - 1);
      const name = raw.includes('\\') ? (JSON.parse(text.slice(ks, ke)) as string) : raw;
      ws();
      if (text.charCodeAt(i) !== 58) fail();
      i++;
      ws();
      value(trie.children.get(name), ks, ke - ks);
      ws();
      const d = text.charCodeAt(i);
      if (d === 44) i++;
      else if (d !== 125) fail();
    }
  };
  const array = (trie: PathTrie) => {
    i++;
    for (let index = 0; ; index++) {
      ws();
      if (text.charCodeAt(i) === 93) return void i++;
      value(trie.children.get(index));
      ws();
      const d = text.charCodeAt(i);
      if (d === 44) i++;
      else if (d !== 93) fail();
    }
  };

  ws();
  value(root);
  ws();
  if (i < n) fail();
}
