/**
 * What stands in the way of rewriting a value of a manifest's text whole when an unpack cannot
 * edit it member by member: the comments its author wrote inside it.
 */
import { createScanner, JSONPath, Node, SyntaxKind } from 'jsonc-parser';
import { formatPath } from '../json/path';
import { LineIndex } from '../json/positions';

/**
 * Why the value `node` (at `path`) cannot be rewritten: the comments written inside it would go
 * with it. Says where they are, and what in the value kept it from being edited member by member
 * when that is known (a code two elements of a list share). Undefined when it holds no comment.
 */
export function commentsInTheWay(text: string, node: Node, path: JSONPath): string | undefined {
  const index = new LineIndex(text);
  const lineOf = (offset: number) => index.positionAt(offset).line + 1;
  const lines = commentLines(text, node.offset, node.length, lineOf);
  if (!lines.length) return undefined;
  const what = path.length ? `"${formatPath(path)}" (line ${lineOf(node.offset)})` : 'the manifest';
  const twice = node.type === 'array' ? sharedCode(node, lineOf) : undefined;
  const why = twice ? `${what} holds two elements with code "${twice.code}" (lines ${twice.lines.join(' and ')}), so its elements cannot be matched to the package's`
    : `${what} cannot be edited member by member`;
  return `${why}, and rewriting it would drop the comments on ${plural(lines)}`;
}

/** Lines (1-based, by `lineOf`) of the comments in `text` between `offset` and `offset + length`. */
function commentLines(text: string, offset: number, length: number, lineOf: (offset: number) => number): number[] {
  const scanner = createScanner(text.slice(offset, offset + length), false);
  const lines: number[] = [];
  for (let k = scanner.scan(); k !== SyntaxKind.EOF; k = scanner.scan()) {
    if (k === SyntaxKind.LineCommentTrivia || k === SyntaxKind.BlockCommentTrivia) lines.push(lineOf(offset + scanner.getTokenOffset()));
  }
  return [...new Set(lines)];
}

/** The first code two elements of a list share, with their lines. */
function sharedCode(list: Node, lineOf: (offset: number) => number): { code: string; lines: number[] } | undefined {
  const seen = new Map<string, number>();
  for (const el of list.children ?? []) {
    const code = el.type === 'object' ? el.children?.find((p) => p.children?.[0]?.value === 'code')?.children?.[1]?.value : undefined;
    if (typeof code !== 'string') continue;
    const first = seen.get(code);
    if (first !== undefined) return { code, lines: [lineOf(first), lineOf(el.offset)] };
    seen.set(code, el.offset);
  }
  return undefined;
}

const plural = (lines: number[]) => (lines.length === 1 ? `line ${lines[0]}` : `lines ${lines.slice(0, -1).join(', ')} and ${lines[lines.length - 1]}`);
