import type { Backup, EnvEntity } from '../../../server/src/core/environment/types';
import { codeSpanText, markdownText } from '../../../server/src/core/language/markdown';
import type { NamespaceInfo } from '../../../server/src/env/client';
import { english, Localize } from '../localize';

/**
 * An entity row's tooltip, in Markdown. Everything in it comes from the environment (a title any
 * owner wrote), so it shows as written: no link, no image, no paragraph of its own.
 */
export function entityTooltip(e: EnvEntity, l10n: Localize = english): string {
  const title = typeof e.body.title === 'string' ? markdownText(e.body.title) : '';
  return `**${markdownText(e.type)}** \`${codeSpanText(e.id)}\`${e.deleted ? ` — ${l10n('deleted')}` : ''}\n\n${title}\n\n` +
    l10n('hash `{0}…`, last changed {1} by {2}', codeSpanText(String(e.hash).slice(0, 12)), markdownText(String(e.updatedAt)), markdownText(String(e.updatedBy)));
}

/** The folders under an environment in the Environments view. */
export type EnvFolder = 'namespaces' | 'jobs' | 'backups';

/**
 * The row an empty folder shows: without one, an expanded folder shows nothing at all, and a new
 * user cannot tell "nothing here yet" from "still loading" or "broken".
 */
export function emptyFolderWords(folder: EnvFolder, l10n: Localize = english): { label: string; description: string } {
  switch (folder) {
    case 'namespaces':
      return { label: l10n('none yet'), description: l10n('an import creates them') };
    case 'jobs':
      return { label: l10n('none yet'), description: l10n('every import and export is listed here') };
    case 'backups':
      return { label: l10n('none yet'), description: l10n('an import takes one before it changes anything') };
  }
}

/** "3 entities", "1 record" (the Russian bundle says "объектов: 3": one form for every number). */
function counted(l10n: Localize, n: number, what: 'entity' | 'record'): string {
  if (what === 'entity') return n === 1 ? l10n('1 entity') : l10n('{0} entities', n);
  return n === 1 ? l10n('1 record') : l10n('{0} records', n);
}

/** A namespace row's description: its kind, title and how much it holds. */
export function namespaceDescription(info: NamespaceInfo, l10n: Localize = english): string {
  return `${info.kind}${info.title ? ` · ${info.title}` : ''} · ${counted(l10n, info.entities, 'entity')}${info.records ? `, ${counted(l10n, info.records, 'record')}` : ''}`;
}

/** A backup row's description: what it holds and whether it was restored. */
export function backupDescription(b: Backup, l10n: Localize = english): string {
  return `${b.namespaces.join(', ')} · ${counted(l10n, b.entities, 'entity')}, ${counted(l10n, b.records, 'record')}${b.restoredAt ? ` · ${l10n('restored')}` : ''}`;
}
