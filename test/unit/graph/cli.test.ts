import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkMermaid, checkXml, parseDot } from './syntax';

const REPO = path.resolve(__dirname, '../../../..');
const CLI = path.join(REPO, 'dist/cli.js');

/** Runs the bundled CLI as a user would. */
function isola(args: string[], cwd = REPO) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A project whose titles and reference texts carry every character that could break a format. */
function hostileProject(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-graph-'));
  const nasty = 'A "quoted" <b>bold</b> & \\ back`tick` | pipe #1; [x] {y} (z)\nnewline';
  mkdirSync(path.join(dir, 'ws'));
  writeFileSync(path.join(dir, 'ws/ws.isola.json'), JSON.stringify({
    kind: 'workspace', code: 'ws', title: nasty,
    apps: [{ code: 'orders', title: nasty, fields: [
      { code: 'a', type: 'app', app: 'other.thing' },
      { code: 'b', type: 'app', app: 'x"y<&>.z]\\' },
      { code: 'c', type: 'app', app: 'other.q"</text></svg>' },
    ] }],
  }, null, 2));
  writeFileSync(path.join(dir, 'other.isola.json'), JSON.stringify({ kind: 'workspace', code: 'other', title: '</title><script>alert(1)</script>', apps: [{ code: 'thing', title: '-->|x| n0' }] }));
  return dir;
}

describe('isola graph', () => {
  before(() => assert.ok(existsSync(CLI), 'dist/cli.js is built by `npm run build` before the tests'));

  it('DOT: a digraph with the package as a cluster and the breaking edge red with its code', () => {
    const r = isola(['graph', 'examples/broken', '--package', 'sales']);
    assert.equal(r.code, 0, r.err);
    const g = parseDot(r.out);
    assert.deepEqual(g.clusters, ['cluster_package']);
    assert.match(g.nodes.get('ns:crm_ext')?.label ?? '', /^crm_ext\\nworkspace · CRM extensions$/);
    const out = g.edges.find((e) => e.from === 'ns:sales' && e.to === 'ns:crm_ext' && e.attrs.label === 'ISO004');
    assert.ok(out, r.out);
    assert.equal(out.attrs.color, '#d0021b');
    assert.equal(g.edges.find((e) => e.to === 'ns:_clients' && !e.attrs.label)?.attrs.color, '#b0b0b0', 'built-ins are faded');
    for (const e of g.edges) assert.ok(g.nodes.has(e.from) && g.nodes.has(e.to), `edge to an undeclared node: ${e.from} -> ${e.to}`);
  });

  it('DOT at entity level, read by Graphviz when it is installed', (t) => {
    const r = isola(['graph', 'examples/payments', '--package', 'payments_solution', '--level', 'entity']);
    assert.equal(r.code, 0, r.err);
    const g = parseDot(r.out);
    assert.ok(g.nodes.has('app:payments.payment_requests'));
    assert.ok(g.edges.some((e) => e.from === 'app:payments.payment_requests' && e.to === 'app:custom_objects.vat_rates' && e.attrs.label === 'ISO009'));
    const dot = spawnSync('dot', ['-Tsvg'], { input: r.out, encoding: 'utf8' });
    if (dot.error) return t.diagnostic('Graphviz is not installed: DOT checked by the structural parser only');
    assert.equal(dot.status, 0, dot.stderr);
    checkXml(dot.stdout);
  });

  it('Mermaid: a fenced flowchart for a pull-request comment', () => {
    const r = isola(['graph', 'examples/payments', '--package', 'payments', '--kind', 'workspace', '--format', 'mermaid']);
    assert.equal(r.code, 0, r.err);
    const m = checkMermaid(r.out);
    assert.ok(m.labels.includes('custom_objects<br/>workspace · Custom objects'), m.labels.join('\n'));
    assert.match(r.out, /n\d+ ==>\|"ISO004 ×4"\| n\d+/);
    assert.match(r.out, /linkStyle \d+ stroke:#d0021b/);
  });

  it('JSON: the model, with every reference\'s file and range', () => {
    const r = isola(['graph', 'examples/broken', '--package', 'sales', '--format', 'json', '--level', 'entity']);
    assert.equal(r.code, 0, r.err);
    const g = JSON.parse(r.out);
    assert.equal(g.level, 'entity');
    assert.deepEqual(g.package, { kind: 'workspace', code: 'sales', file: 'sales.isola.json', title: 'Sales' });
    const e = g.edges.find((x: { code?: string }) => x.code === 'ISO004');
    assert.deepEqual(e.references, [{ kind: 'app', text: 'crm_ext.lead_sources', file: 'sales.isola.json', range: { start: { line: 26, character: 80 }, end: { line: 26, character: 100 } } }]);
  });

  it('SVG: well-formed, the package as a box, the breaking edge red with its code, built-ins faded', () => {
    const r = isola(['graph', 'examples/broken', '--package', 'sales', '--format', 'svg']);
    assert.equal(r.code, 0, r.err);
    const names = checkXml(r.out);
    assert.equal(names[0], 'svg');
    assert.match(r.out, /<g class="package"><rect [^>]*stroke-dasharray/);
    assert.match(r.out, /<g class="edge breaks"><title>sales\.isola\.json:27 crm_ext\.lead_sources<\/title><path [^>]*stroke="#d0021b"[^>]*\/><text [^>]*>ISO004<\/text><\/g>/);
    assert.match(r.out, /<g class="node builtin" opacity="0\.55">/);
    // Dashed red (an unknown target, ISO006) has its own entry in the key, apart from solid red.
    assert.match(r.out, /<g class="legend">.*stroke="#d0021b" stroke-width="2" stroke-dasharray="5 4"\/><text [^>]*>unknown target<\/text>/);
  });

  it('SVG: a reference of a namespace to itself (a misspelt process) is a loop under its node, inside the package box', () => {
    const r = isola(['graph', 'examples/broken', '--package', 'sales', '--format', 'svg']);
    assert.equal(r.code, 0, r.err);
    const box = /<g class="package"><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(r.out);
    assert.ok(box, 'the package box');
    const [x, y, w, h] = box.slice(1).map(Number);
    const edge = /<g class="edge unknown"><title>sales\.isola\.json:33 approve_ordr<\/title><path d="([^"]+)"[^>]*\/><text x="([\d.]+)" y="([\d.]+)"/.exec(r.out);
    assert.ok(edge, 'the loop of approve_ordr, with its label');
    const numbers = [...edge[1].matchAll(/-?[\d.]+/g)].map(Number);
    const points = [...numbers.map((n, i) => (i % 2 ? undefined : [n, numbers[i + 1]])).filter((p) => p !== undefined), [Number(edge[2]), Number(edge[3])]];
    for (const [px, py] of points as number[][]) {
      assert.ok(px >= x && px <= x + w && py >= y && py <= y + h, `(${px}, ${py}) inside the box ${x},${y} ${w}x${h}: ${edge[1]}`);
    }
    // The loop starts and ends on the node's own box (the namespace `sales`).
    const node = /<g class="node inside"><title>ns:sales<\/title><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(r.out);
    assert.ok(node, 'the node of namespace sales');
    const bottom = Number(node[2]) + Number(node[4]);
    assert.ok(Math.abs(numbers[1] - bottom) <= 1.5 && Math.abs(numbers[numbers.length - 1] - bottom) <= 1.5, `${edge[1]} ends at the box's bottom ${bottom}`);
  });

  it('titles and references with quotes, <, &, backslashes and newlines break none of the formats', () => {
    const dir = hostileProject();
    for (const level of ['namespace', 'entity']) {
      const dot = isola(['graph', dir, '--package', 'ws', '--level', level]);
      assert.equal(dot.code, 0, dot.err);
      const g = parseDot(dot.out);
      assert.ok([...g.nodes.values()].some((a) => a.label?.includes('A \\"quoted\\" <b>bold</b> & \\\\ back`tick`') || a.label?.includes('A "quoted"')), dot.out);
      assert.ok(!dot.out.includes('\nnewline'), 'a newline in a title never ends a DOT line');
      if (level === 'entity') assert.ok(g.nodes.has('missing:app:x"y<&>.z]\\\\'), [...g.nodes.keys()].join('\n'));
      const graphviz = spawnSync('dot', ['-Tsvg'], { input: dot.out, encoding: 'utf8' });
      if (!graphviz.error) {
        assert.equal(graphviz.status, 0, graphviz.stderr);
        assert.ok(checkXml(graphviz.stdout).includes('svg'));
      }

      const mermaid = isola(['graph', dir, '--package', 'ws', '--level', level, '--format', 'mermaid']);
      assert.equal(mermaid.code, 0, mermaid.err);
      const m = checkMermaid(mermaid.out);
      assert.ok(m.labels.some((l) => l.includes('A #34;quoted#34; #60;b#62;bold#60;/b#62; #38; \\ back#96;tick#96; #124; pipe #35;1; #91;x#93;')), m.labels.join('\n'));

      const svg = isola(['graph', dir, '--package', 'ws', '--level', level, '--format', 'svg']);
      assert.equal(svg.code, 0, svg.err);
      const names = checkXml(svg.out);
      assert.ok(!names.includes('script') && !names.includes('b'), 'titles stay text, never markup');
      assert.match(svg.out, /A &quot;quoted&quot; &lt;b&gt;bold&lt;\/b&gt; &amp; \\ back`tick`/);
    }
  });

  it('bad usage exits 2 with one line: a missing package, an unknown format or level', () => {
    let r = isola(['graph', 'examples/payments']);
    assert.equal(r.code, 2);
    assert.match(r.err, /^isola graph: --package CODE is required; packages here: .*solution payments_solution/);
    r = isola(['graph', 'examples/payments', '--package', 'payments_solution', '--format', 'png']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown format "png": use dot, mermaid, json, svg/);
    r = isola(['graph', 'examples/payments', '--package', 'payments_solution', '--level', 'app']);
    assert.equal(r.code, 2);
    assert.match(r.err, /unknown level "app"/);
  });
});

describe('isola check --explain', () => {
  it('ISO004: prints the finding, then the path from the workspace to the app outside', () => {
    const r = isola(['check', 'examples/broken', '--explain', 'ISO004@sales.isola.json:27']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.match(lines[0], /^sales\.isola\.json:27:81 error ISO004 App `crm_ext\.lead_sources` belongs to workspace `crm_ext`/);
    assert.deepEqual(lines.slice(1), [
      'Path from workspace `sales`:',
      '    workspace `sales`  (sales.isola.json:5:12)',
      '  → app `orders`  (sales.isola.json:17:16)',
      '  → field `lead_source`  (sales.isola.json:27:20)',
      '  → `app`: `crm_ext.lead_sources`  (sales.isola.json:27:81)',
      '  → app `lead_sources` of workspace `crm_ext`  (crm_ext/crm_ext.isola.json:16:16)',
      'The target is outside workspace `sales`, which carries namespace `sales`: ISO004.',
    ]);
  });

  it('ISO009: names the solution\'s includes; FILE may be given from the current folder', () => {
    const r = isola(['check', 'examples/payments', '--explain', 'ISO009@examples/payments/payments/payments.isola.json:100:106']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /→ includes workspace `payments` \(`payments\/payments\.isola\.json`\) {2}\(payments_solution\.isola\.json:12:6\)/);
    assert.match(r.out, /→ activity `send_register` of module `accounting` {2}\(accounting\/accounting\.isola\.json:\d+:\d+\)/);
    assert.match(r.out, /→ and solution `payments_solution` also includes module `accounting` \(`accounting\/accounting\.isola\.json`\)/);
  });

  it('with --package, the finding the unit has alone', () => {
    const r = isola(['check', 'examples/payments', '--package', 'payments', '--kind', 'workspace', '--explain', 'ISO004@payments/payments.isola.json:29']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^payments\/payments\.isola\.json:29:75 error ISO004 /);
    assert.match(r.out, /Path from workspace `payments`:/);
  });

  it('--format json gives the finding as `check --format json` does, with its path; SARIF is refused', () => {
    const r = isola(['check', 'examples/broken', '--explain', 'ISO004@sales.isola.json:27', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const { diagnostics } = JSON.parse(r.out);
    assert.equal(diagnostics.length, 1);
    const [d] = diagnostics;
    assert.deepEqual([d.file, d.range.start, d.severity, d.code], ['sales.isola.json', { line: 26, character: 80 }, 'error', 'ISO004']);
    assert.match(d.message, /^App `crm_ext\.lead_sources` belongs to workspace `crm_ext`/);
    assert.deepEqual(d.explanation.package, { kind: 'workspace', code: 'sales' });
    assert.deepEqual(d.explanation.steps.map((s: { role: string; file?: string }) => [s.role, s.file]), [
      ['package', 'sales.isola.json'], ['entity', 'sales.isola.json'], ['entity', 'sales.isola.json'],
      ['reference', 'sales.isola.json'], ['target', 'crm_ext/crm_ext.isola.json'],
    ]);
    assert.equal(d.explanation.conclusion, 'The target is outside workspace `sales`, which carries namespace `sales`: ISO004.');
    const sarif = isola(['check', 'examples/broken', '--explain', 'ISO004@sales.isola.json:27', '--format', 'sarif']);
    assert.equal(sarif.code, 2);
    assert.equal(sarif.out, '');
    assert.equal(sarif.err, 'isola check: --explain prints text, or JSON with --format json; SARIF is for a whole check, without --explain\n');
  });

  it('no such finding, or a code without a reference, is bad input (exit 2)', () => {
    let r = isola(['check', 'examples/broken', '--explain', 'ISO004@sales.isola.json:28']);
    assert.equal(r.code, 2);
    assert.match(r.err, /no ISO004 finding at sales\.isola\.json:28/);
    r = isola(['check', 'examples/broken', '--explain', 'ISO001@sales.isola.json:55']);
    assert.equal(r.code, 2);
    assert.match(r.err, /traces findings on references/);
    r = isola(['check', 'examples/broken', '--explain', 'sales.isola.json:27']);
    assert.equal(r.code, 2);
  });
});
