import type { ImportPlan } from '../../../server/src/core/environment/types';
import { esc } from '../html';
import { english, Localize } from '../localize';

// Counts come from the service's plan: escaped like its text.
const designEntities = (l10n: Localize, n: number) => (n === 1 ? l10n('1 design entity') : l10n('{0} design entities', esc(n)));
const records = (l10n: Localize, n: number) => (n === 1 ? l10n('1 record') : l10n('{0} records', esc(n)));

/**
 * The choices above the plan (Protogrid seed 1.2): design all or none, offered when the package
 * holds design entities; data none, all, or chosen apps with a checkbox each, offered only when it
 * holds data. The inputs show the choice the plan was made with; `enabled` is false once the plan
 * is used. Empty when the environment's plan states no choice (an older service).
 */
export function choiceHtml(p: ImportPlan, enabled: boolean, l10n: Localize = english): string {
  const c = p.choice;
  if (!c) return '';
  const off = enabled ? '' : ' disabled';
  const radio = (name: string, value: string, checked: boolean, label: string) =>
    `<label><input type="radio" name="${name}" value="${value}"${checked ? ' checked' : ''}${off}> ${label}</label>`;
  const design = c.offered.entities
    ? `<div class="row"><b>${l10n('Design')}</b> ${radio('design', 'all', c.design === 'all', l10n('all {0}', designEntities(l10n, c.offered.entities)))} ${radio('design', 'none', c.design === 'none', l10n('none (data only; the environment\'s design stays as it is)'))}</div>`
    : `<div class="row"><b>${l10n('Design')}</b> ${l10n('the package holds no design entities')}</div>`;
  const some = Array.isArray(c.data);
  const picked = (app: string) => c.data === 'all' || (Array.isArray(c.data) && c.data.includes(app));
  const apps = c.offered.apps.map((a) =>
    `<label class="app"><input type="checkbox" name="app" value="${esc(a.app)}"${picked(a.app) ? ' checked' : ''}${enabled && some ? '' : ' disabled'}> <code>${esc(a.app)}</code> (${records(l10n, a.records)})</label>`).join('');
  const data = c.offered.apps.length
    ? `<div class="row"><b>${l10n('Data')}</b> ${radio('data', 'none', c.data === 'none', l10n('none'))} ${radio('data', 'all', c.data === 'all', l10n('all'))} ${radio('data', 'some', some, l10n('chosen apps:'))}</div><div class="apps">${apps}</div>`
    : '';
  const left = [
    ...(c.leftOut.entities ? [designEntities(l10n, c.leftOut.entities)] : []),
    ...c.leftOut.apps.map((a) => l10n('data of {0} ({1})', `<code>${esc(a.app)}</code>`, records(l10n, a.records))),
  ];
  return `<h2>${l10n('What to import')}</h2><form id="choice">${design}${data}</form>
<p class="meta">${left.length ? l10n('Left out by this choice: {0}.', left.join('; ')) : l10n('Everything the package holds is imported.')}</p>`;
}

/**
 * The webview's side of the choice: any change posts the whole choice (the extension makes a new
 * plan and shows it); the inputs and buttons wait, disabled, for that plan.
 */
export const CHOICE_SCRIPT = `
const form = document.getElementById('choice');
form?.addEventListener('change', () => {
  const design = form.querySelector('input[name=design]:checked')?.value ?? 'all';
  const mode = form.querySelector('input[name=data]:checked')?.value ?? 'all';
  const boxes = [...form.querySelectorAll('input[name=app]')];
  const data = mode === 'some' ? boxes.filter((b) => b.checked).map((b) => b.value) : mode;
  for (const i of form.querySelectorAll('input')) i.disabled = true;
  // Import would apply the plan being replaced.
  for (const b of document.querySelectorAll('button')) b.disabled = true;
  vscode.postMessage({ command: 'choose', design, data });
});`;
