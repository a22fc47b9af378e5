import type { ImportChoice } from '../../../server/src/core/environment/importChoice';
import type { ImportPlan, PlanAction } from '../../../server/src/core/environment/types';
import { esc } from '../html';
import { english, Localize } from '../localize';
import { CHOICE_SCRIPT, choiceHtml } from './planChoice';

/** The import being reviewed: which package, into which environment, and the plan the environment made. */
export interface PlanSession {
  env: string;
  production: boolean;
  file: string;
  packageId: string;
  as?: string;
  /** What was chosen to import; the plan was made with it (absent: everything). */
  choice?: ImportChoice;
  plan: ImportPlan;
}

const ACTIONS: PlanAction[] = ['create', 'update', 'conflict', 'unchanged', 'kept'];

/** A count of one action as the plan states it: "3 to create", "1 conflict", "0 conflicts". */
export function countWords(action: PlanAction, n: number, l10n: Localize = english): string {
  switch (action) {
    case 'create': return l10n('{0} to create', esc(n));
    case 'update': return l10n('{0} to update', esc(n));
    case 'conflict': return n === 1 ? l10n('1 conflict') : l10n('{0} conflicts', esc(n));
    case 'unchanged': return l10n('{0} unchanged', esc(n));
    case 'kept': return l10n('{0} kept', esc(n));
  }
}

/**
 * The counts line. Only counts above zero take their action's colour: a bold red "0 conflicts"
 * reads as an alarm about nothing.
 */
export function countsHtml(counts: Record<PlanAction, number>, l10n: Localize = english): string {
  return ACTIONS.map((a) => `<span class="count ${counts[a] ? a : 'zero'}">${countWords(a, counts[a], l10n)}</span>`).join(' ');
}

/** What an update keeps of the environment's version, the pages it moves out, and why a conflict is one: the cell under the reason. */
function rowNotes(e: ImportPlan['entities'][number], l10n: Localize): string {
  const notes: string[] = [];
  // The engine's reason usually says so already (in any language: by its sentence's key); the flag is shown when it does not.
  const saysOlder = e.said ? e.said.key === 'plan.reason.older' : /older/i.test(e.reason ?? '');
  if (e.older && !saysOlder) notes.push(`<span class="older">${l10n('the package\'s version is older than the environment\'s')}</span>`);
  if (e.kept?.length) notes.push(`<div class="kept">${l10n('keeps the environment\'s {0}', e.kept.map((k) => `<code>${esc(k)}</code>`).join(', '))}</div>`);
  // A page that leaves this one, and for where: said before the import, which removes it from here.
  // A service that sends only the paths (`moved`) is shown those.
  if (e.moves?.length) {
    for (const m of e.moves) {
      const page = `<code>${esc(m.page)}</code>`;
      const at = `<code>${esc(m.path)}</code>`;
      notes.push(`<div class="moved">${m.to === undefined
        ? l10n('no longer holds page {0} ({1}): the package makes it a top-level page', page, at)
        : l10n('no longer holds page {0} ({1}): the package moves it into page {2}', page, at, `<code>${esc(m.to)}</code>`)}</div>`);
    }
  } else if (e.moved?.length) {
    notes.push(`<div class="moved">${l10n('no longer holds {0}: the package places them elsewhere', e.moved.map((k) => `<code>${esc(k)}</code>`).join(', '))}</div>`);
  }
  return notes.join(' ');
}

/** The plan's page: pure HTML from the session (the panel adds nothing), so it is tested without VS Code. */
export function planHtml(s: PlanSession, nonce: string, outcome?: string, l10n: Localize = english): string {
  const p = s.plan;
  const failed = p.checks.filter((c) => !c.ok);
  const counts = countsHtml(p.counts, l10n);
  // Every value of the plan is escaped: the service may be hostile. Rows are picked by action, so a class is one of ACTIONS.
  const row = (e: ImportPlan['entities'][number]) => `
    <tr class="${e.action}"><td><span class="badge ${e.action}">${e.action}</span></td><td>${esc(e.type)}</td>
    <td><code>${esc(e.id)}</code>${e.deleted ? ` <span class="deleted">${l10n('deleted')}</span>` : ''}</td><td>${esc(e.title ?? '')}</td>
    <td>${e.action === 'conflict' ? `<button data-diff="${esc(e.id)}">${l10n('Show Diff')}</button> ` : ''}${esc(e.reason ?? '')}${rowNotes(e, l10n)}</td></tr>`;
  // What changes comes first; unchanged entities fold away (a re-import is mostly unchanged).
  const rows = ACTIONS.filter((a) => a !== 'unchanged').flatMap((a) => p.entities.filter((e) => e.action === a)).map(row).join('');
  const unchanged = p.entities.filter((e) => e.action === 'unchanged');
  const head = `<thead><tr><th>${l10n('Action')}</th><th>${l10n('Type')}</th><th>${l10n('Id')}</th><th>${l10n('Title')}</th><th></th></tr></thead>`;
  const checks = p.checks.map((c) => `<li class="${c.ok ? 'ok' : 'fail'}">${c.ok ? '✓' : '✗'} <b>${esc(c.name)}</b>: ${esc(c.message)}${(c.details ?? []).map((d) => `<div class="detail">${esc(d)}</div>`).join('')}</li>`).join('');
  const data = p.data.map((d) => `<li><code>${esc(d.app)}</code>: ${l10n('{0}, {1} already in the environment', d.records === 1 ? l10n('1 record') : l10n('{0} records', esc(d.records)), esc(d.existing))}</li>`).join('');
  const actions = outcome
    ? `<p class="outcome">${esc(outcome)}</p>`
    : !p.ok
      ? `<p class="refused">${l10n('The environment refuses this package: {0}', esc(failed.map((c) => c.message).join('; ')))}</p><button id="cancel">${l10n('Close')}</button>`
      : p.counts.conflict
        ? `<p>${p.counts.conflict === 1
          ? l10n('1 entity was changed in the environment since the package\'s version. Cancel leaves everything as it is; Replace overwrites it with the package\'s version (a backup is taken first).')
          : l10n('{0} entities were changed in the environment since the package\'s version. Cancel leaves everything as it is; Replace overwrites them with the package\'s version (a backup is taken first).', esc(p.counts.conflict))}</p>
           <button id="cancel" class="secondary">${l10n('Cancel')}</button> <button id="replace" class="danger">${l10n('Replace and Import')}</button>`
        : `<button id="cancel" class="secondary">${l10n('Cancel')}</button> <button id="apply">${l10n('Import')}</button>`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 24px; }
h1 { font-size: 1.4em; font-weight: 600; } h1 .env { color: ${s.production ? 'var(--vscode-errorForeground)' : 'var(--vscode-textLink-foreground)'}; }
.meta { color: var(--vscode-descriptionForeground); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; } td, th { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border); vertical-align: top; }
.badge { border-radius: 3px; padding: 0 6px; font-size: 0.9em; }
.badge.create, .count.create { color: var(--vscode-gitDecoration-addedResourceForeground); }
.badge.update, .count.update { color: var(--vscode-gitDecoration-modifiedResourceForeground); }
.badge.conflict, .count.conflict { color: var(--vscode-errorForeground); font-weight: 600; }
.badge.unchanged, .count.unchanged, tr.unchanged td { color: var(--vscode-descriptionForeground); }
.badge.kept, .count.kept { color: var(--vscode-gitDecoration-ignoredResourceForeground); }
.count { margin-right: 12px; font-size: 1.1em; } .count.zero { color: var(--vscode-descriptionForeground); }
.older { color: var(--vscode-descriptionForeground); font-style: italic; } .kept { color: var(--vscode-descriptionForeground); font-size: 0.9em; margin-top: 2px; } .moved { color: var(--vscode-gitDecoration-modifiedResourceForeground); font-size: 0.9em; margin-top: 2px; } .deleted { color: var(--vscode-errorForeground); font-size: 0.85em; }
ul.checks { list-style: none; padding: 0; } li.fail { color: var(--vscode-errorForeground); } .detail { margin-left: 24px; font-family: var(--vscode-editor-font-family); }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 5px 12px; cursor: pointer; }
button.secondary { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); }
button.danger { background: var(--vscode-errorForeground); color: var(--vscode-editor-background); }
td button { padding: 1px 8px; }
.production { border: 1px solid var(--vscode-errorForeground); padding: 6px 10px; color: var(--vscode-errorForeground); }
.refused, .outcome { font-weight: 600; }
summary { cursor: pointer; color: var(--vscode-descriptionForeground); margin-bottom: 12px; }
#choice .row { margin: 4px 0; } #choice .row b { display: inline-block; min-width: 4em; } #choice label { margin-right: 12px; }
#choice .apps { margin-left: 4em; } #choice label.app { display: block; }
</style></head><body>
<h1>${l10n('Import {0} into {1}', `${esc(p.package.kind)} <code>${esc(p.package.importedAs ?? p.package.code)}</code>${p.package.version ? ` ${esc(p.package.version)}` : ''}`, `<span class="env">${esc(s.env)}</span>`)}</h1>
${s.production ? `<p class="production">${l10n('{0} is a production environment: you will be asked to type its name before anything changes.', esc(s.env))}</p>` : ''}
<p class="meta">${esc(p.package.title ?? '')} · ${l10n('namespaces {0} · plan made {1} at revision {2}', esc(p.namespaces.join(', ')), esc(p.createdAt), esc(p.revision))}</p>
${choiceHtml(p, !outcome, l10n)}
<h2>${l10n('Checks')}</h2><ul class="checks">${checks}</ul>
<h2>${l10n('Entities')}</h2><p>${counts}</p>
${rows ? `<table>${head}<tbody>${rows}</tbody></table>` : `<p>${l10n('Nothing changes.')}</p>`}
${unchanged.length ? `<details><summary>${unchanged.length === 1 ? l10n('1 unchanged entity') : l10n('{0} unchanged entities', unchanged.length)}</summary><table>${head}<tbody>${unchanged.map(row).join('')}</tbody></table></details>` : ''}
${data ? `<h2>${l10n('Data')}</h2><ul>${data}</ul>` : ''}
<div class="actions">${actions}</div>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
for (const [id, command] of [['apply', 'apply'], ['replace', 'replace'], ['cancel', 'cancel']]) document.getElementById(id)?.addEventListener('click', () => vscode.postMessage({ command }));
for (const b of document.querySelectorAll('button[data-diff]')) b.addEventListener('click', () => vscode.postMessage({ command: 'diff', id: b.dataset.diff }));
${CHOICE_SCRIPT}
</script></body></html>`;
}
