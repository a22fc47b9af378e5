import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol/node';
import { EXAMPLES, positionOf, useServer } from './client';

/** The markdown of a hover. */
function markdown(h: Hover | null): string {
  assert.ok(h, 'no hover');
  return (h.contents as MarkupContent).value;
}

describe('hover on an isolation finding explains its path', () => {
  const broken = useServer(path.join(EXAMPLES, 'broken'));
  const payments = useServer(path.join(EXAMPLES, 'payments'));

  it('ISO004: from the workspace, through the app and field holding the reference, to the app outside', async () => {
    const c = broken();
    await c.open('sales.isola.json');
    const diags = await c.waitForDiagnostics('sales.isola.json', (d) => d.some((x) => x.code === 'ISO004'));
    const finding = diags.find((d) => d.code === 'ISO004')!;
    // Hovering anywhere on the finding's range.
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: c.uri('sales.isola.json') }, position: finding.range.start });
    const md = markdown(h);
    assert.match(md, /\*\*Path from workspace `sales`\*\*/);
    assert.match(md, /1\. workspace `sales` — `sales\.isola\.json:5:12`/);
    assert.match(md, /2\. app `orders` — `sales\.isola\.json:17:16`/);
    assert.match(md, /3\. field `lead_source` — `sales\.isola\.json:27:20`/);
    assert.match(md, /4\. `app`: `crm_ext\.lead_sources` — `sales\.isola\.json:27:81`/);
    assert.match(md, /5\. app `lead_sources` of workspace `crm_ext` — `crm_ext\/crm_ext\.isola\.json:16:16`/);
    assert.match(md, /outside workspace `sales`, which carries namespace `sales`: ISO004/);
  });

  it('ISO009: names the solution\'s include of the manifest and of the target\'s namespace', async () => {
    const c = payments();
    const rel = 'custom_objects/custom_objects.isola.json';
    await c.open(rel);
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: c.uri(rel) }, position: positionOf(c.read(rel), 'payments.treasurers', 3) });
    const md = markdown(h);
    assert.match(md, /\*\*Path from solution `payments_solution`\*\*/);
    assert.match(md, /2\. includes workspace `custom_objects` \(`custom_objects\/custom_objects\.isola\.json`\) — `payments_solution\.isola\.json:13:6`/);
    assert.match(md, /and solution `payments_solution` also includes workspace `payments` \(`payments\/payments\.isola\.json`\) — `payments_solution\.isola\.json:12:6`/);
    assert.match(md, /ISO009/);
  });

  it('after an edit that takes the workspace out of the solution, the hover explains the new ISO004', async () => {
    const c = payments();
    const sol = 'payments_solution.isola.json';
    const text = await c.open(sol);
    await c.change(sol, text.replace('"custom_objects/custom_objects.isola.json",', ''));
    const rel = 'payments/payments.isola.json';
    await c.open(rel);
    await c.waitForDiagnostics(rel, (d) => d.some((x) => x.code === 'ISO004'));
    const md = markdown(await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: c.uri(rel) }, position: positionOf(c.read(rel), 'custom_objects.vat_rates', 3) }));
    assert.match(md, /\*\*Path from solution `payments_solution`\*\*/);
    assert.match(md, /app `vat_rates` of workspace `custom_objects`/);
    assert.match(md, /outside solution `payments_solution`, which carries namespaces `payments_solution`, `payments`, `accounting`: ISO004/);
    await c.change(sol, text);
  });
});

describe('hover in a unit checked on its own (`isola.check.alone`)', () => {
  const alone = useServer(path.join(EXAMPLES, 'payments'), { settings: { diagnostics: { delay: 20 }, check: { alone: ['custom_objects'] } } });

  it('explains the ISO004 the diagnostics show, from the unit\'s own package', async () => {
    const c = alone();
    const rel = 'custom_objects/custom_objects.isola.json';
    await c.open(rel);
    const diags = await c.waitForDiagnostics(rel, (d) => d.some((x) => x.code === 'ISO004'));
    const finding = diags.find((d) => d.code === 'ISO004')!;
    const md = markdown(await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: c.uri(rel) }, position: finding.range.start }));
    assert.match(md, /✗ Breaks isolation: outside workspace `custom_objects` \(ISO004\)/);
    assert.match(md, /\*\*Path from workspace `custom_objects`\*\*/);
    assert.doesNotMatch(md, /ISO009/);
  });
});

describe('the explanation in the client\'s language', () => {
  const ru = useServer(path.join(EXAMPLES, 'broken'), { locale: 'ru' });

  it('locale ru: the path and its conclusion in Russian, with the places of English', async () => {
    const c = ru();
    await c.open('sales.isola.json');
    const diags = await c.waitForDiagnostics('sales.isola.json', (d) => d.some((x) => x.code === 'ISO004'));
    const finding = diags.find((d) => d.code === 'ISO004')!;
    const md = markdown(await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: c.uri('sales.isola.json') }, position: finding.range.start }));
    assert.match(md, /\*\*Путь от раздела `sales`\*\*/);
    assert.match(md, /1\. раздел `sales` — `sales\.isola\.json:5:12`/);
    assert.match(md, /2\. приложение `orders` — `sales\.isola\.json:17:16`/);
    assert.match(md, /3\. поле `lead_source` — `sales\.isola\.json:27:20`/);
    assert.match(md, /5\. приложение `lead_sources` из раздела `crm_ext` — `crm_ext\/crm_ext\.isola\.json:16:16`/);
    assert.match(md, /Цель ссылки за пределами раздела `sales` — пакет переносит раздел `sales`: ISO004\./);
    assert.doesNotMatch(md, /Path from|outside workspace/);
  });
});
