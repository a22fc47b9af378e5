import type { NodeLocation } from './locate';
import { skipContainerAt, skipStringAt, skipWsAt } from './scan';

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
 * With `stopAfter` (for text known to repeat no property name), the scan ends once that many
 * paths are found: findings spread over a manifest end, on average, before its end.
 */
export function fastLocate(text: string, root: PathTrie, found: Map<string, NodeLocation>, stopAfter = Infinity): void {
  try {
    scan(text, root, found, stopAfter);
  } catch (e) {
    if (e !== ALL_FOUND) throw e;
  }
}

/** Thrown (not an Error: no stack is taken) once `stopAfter` paths are found. */
const ALL_FOUND = Symbol('all found');

function scan(text: string, root: PathTrie, found: Map<string, NodeLocation>, stopAfter: number): void {
  const n = text.length;
  let i = 0;

  const fail = (): never => {
    throw new NotPlainJson();
  };
  const ws = (): void => {
    i = skipWsAt(text, i);
    if (i < 0) fail();
  };
  // i at the opening quote; leaves i after the closing quote.
  const skipString = (): void => {
    i = skipStringAt(text, i);
    if (i < 0) fail();
  };
  const skipContainer = (): void => {
    i = skipContainerAt(text, i);
    if (i < 0) fail();
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
    if (trie?.key !== undefined) {
      found.set(trie.key, { offset: start, length: i - start, keyOffset, keyLength });
      // The rest of the text can hold no wanted path again (no name repeats): it is not read.
      if (found.size >= stopAfter) throw ALL_FOUND;
    }
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
