/**
 * Structural checks of the text formats `isola graph` writes, for tests: a DOT parser for the
 * subset of the grammar it uses, Mermaid flowchart lines, and well-formed XML (through sax, a
 * strict streaming XML parser).
 */
import assert from 'node:assert/strict';

/** A DOT token: a quoted string (unescaped), an identifier or number, or punctuation. */
type Token = { t: 'str' | 'id' | 'punct'; v: string };

function tokenizeDot(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === '"') {
      let v = '';
      i++;
      for (;;) {
        assert.ok(i < text.length, 'a quoted string runs to the end of the DOT text');
        // As Graphviz's scanner: `\"` is a quote, `\\` stays two backslashes (so `\\"` ends the string).
        if (text[i] === '\\' && text[i + 1] === '"') {
          v += '"';
          i += 2;
        } else if (text[i] === '\\' && text[i + 1] === '\\') {
          v += '\\\\';
          i += 2;
        } else if (text[i] === '"') break;
        else v += text[i++];
      }
      i++;
      out.push({ t: 'str', v });
    } else if (text.startsWith('->', i)) {
      out.push({ t: 'punct', v: '->' });
      i += 2;
    } else if ('{}[];,='.includes(c)) {
      out.push({ t: 'punct', v: c });
      i++;
    } else {
      const m = /^[A-Za-z_0-9.]+/.exec(text.slice(i));
      assert.ok(m, `unexpected character ${JSON.stringify(c)} at ${i} in DOT text`);
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

/** What a DOT text declares: nodes (with their labels) and edges. */
export interface DotGraph {
  nodes: Map<string, Record<string, string>>;
  edges: { from: string; to: string; attrs: Record<string, string> }[];
  clusters: string[];
}

/**
 * Parses `digraph ID { stmt* }` where a statement is `graph|node|edge [attrs]`, `ID [attrs]`,
 * `ID -> ID [attrs]`, `ID = ID`, or `subgraph ID { stmt* }`. Throws on anything else.
 */
export function parseDot(text: string): DotGraph {
  const toks = tokenizeDot(text);
  let i = 0;
  const g: DotGraph = { nodes: new Map(), edges: [], clusters: [] };
  const peek = () => toks[i];
  const take = (v?: string): Token => {
    const t = toks[i++];
    assert.ok(t, 'the DOT text ends early');
    if (v !== undefined) assert.equal(t.v, v, `expected ${v} at token ${i - 1}`);
    return t;
  };
  const id = (): string => {
    const t = take();
    assert.ok(t.t === 'str' || t.t === 'id', `expected an ID, got ${t.v}`);
    return t.v;
  };
  const attrs = (): Record<string, string> => {
    const a: Record<string, string> = {};
    if (peek()?.v !== '[') return a;
    take('[');
    while (peek().v !== ']') {
      const k = id();
      take('=');
      a[k] = id();
      if (peek().v === ',' || peek().v === ';') take();
    }
    take(']');
    return a;
  };
  const block = (): void => {
    take('{');
    while (peek().v !== '}') {
      const t = peek();
      if (t.t === 'id' && t.v === 'subgraph') {
        take();
        g.clusters.push(id());
        block();
      } else if (t.t === 'id' && ['graph', 'node', 'edge'].includes(t.v)) {
        take();
        attrs();
      } else {
        const a = id();
        if (peek().v === '=') {
          take('=');
          id();
        } else if (peek().v === '->') {
          take('->');
          const b = id();
          g.edges.push({ from: a, to: b, attrs: attrs() });
        } else g.nodes.set(a, attrs());
      }
      if (peek()?.v === ';') take(';');
    }
    take('}');
  };
  assert.equal(take().v, 'digraph');
  id();
  block();
  assert.equal(i, toks.length, 'nothing follows the graph');
  return g;
}

/** Checks a fenced Mermaid flowchart line by line; returns its node labels and edge count. */
export function checkMermaid(text: string): { labels: string[]; edges: number } {
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], '```mermaid');
  assert.equal(lines[lines.length - 1], '```');
  assert.equal(lines[1], 'flowchart LR');
  const defined = new Set<string>();
  const labels: string[] = [];
  let edges = 0;
  let depth = 0;
  // A quoted label: no raw quote inside, and no markup but the line break the renderer writes.
  const label = '"((?:[^"<>]|<br/>)*)"';
  for (const line of lines.slice(2, -1)) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^ +subgraph [a-z]+\\[${label}\\]$`).exec(line))) depth++;
    else if (/^ +end$/.test(line)) depth--;
    else if ((m = new RegExp(`^ +(n\\d+)\\[${label}\\](:::[a-z]+)?$`).exec(line))) {
      defined.add(m[1]);
      labels.push(m[2]);
    } else if ((m = /^ +(n\d+) (-->|==>|-\.->)(?:\|"([^"|]*)"\|)? (n\d+)$/.exec(line))) {
      assert.ok(defined.has(m[1]) && defined.has(m[4]), `edge between undeclared nodes: ${line}`);
      edges++;
    } else if ((m = /^ +linkStyle (\d+) [a-z-]+:[#0-9a-z]+(,[a-z-]+:[#0-9a-z]+)*$/.exec(line))) {
      assert.ok(Number(m[1]) < edges, `linkStyle of a missing edge: ${line}`);
    } else if (/^ +(classDef [a-z]+|style [a-z]+) [a-z-]+:[^;]+$/.test(line)) {
      // styles
    } else assert.fail(`not a Mermaid flowchart line: ${JSON.stringify(line)}`);
    assert.ok(depth >= 0, 'end without subgraph');
  }
  assert.equal(depth, 0, 'every subgraph ends');
  return { labels, edges };
}

/** Throws unless the text is well-formed XML; returns the element names in document order. */
export function checkXml(text: string): string[] {
  // sax has no type declarations here; a strict parser throws on the first error.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sax = require('sax') as { parser(strict: boolean): { onerror: (e: Error) => void; onopentag: (n: { name: string }) => void; write(s: string): { close(): void } } };
  const p = sax.parser(true);
  const names: string[] = [];
  p.onerror = (e) => {
    throw e;
  };
  p.onopentag = (n) => names.push(n.name);
  p.write(text).close();
  return names;
}
