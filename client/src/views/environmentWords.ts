import type { Backup } from '../../../server/src/core/environment/types';
import type { NamespaceInfo } from '../../../server/src/env/client';
import { plural } from '../../../server/src/core/report/words';

/** The folders under an environment in the Environments view. */
export type EnvFolder = 'namespaces' | 'jobs' | 'backups';

/**
 * The row an empty folder shows: without one, an expanded folder shows nothing at all, and a new
 * user cannot tell "nothing here yet" from "still loading" or "broken".
 */
export function emptyFolderWords(folder: EnvFolder): { label: string; description: string } {
  switch (folder) {
    case 'namespaces':
      return { label: 'none yet', description: 'an import creates them' };
    case 'jobs':
      return { label: 'none yet', description: 'every import and export is listed here' };
    case 'backups':
      return { label: 'none yet', description: 'an import takes one before it changes anything' };
  }
}

/** A namespace row's description: its kind, title and how much it holds. */
export function namespaceDescription(info: NamespaceInfo): string {
  return `${info.kind}${info.title ? ` · ${info.title}` : ''} · ${plural(info.entities, 'entity', 'entities')}${info.records ? `, ${plural(info.records, 'record')}` : ''}`;
}

/** A backup row's description: what it holds and whether it was restored. */
export function backupDescription(b: Backup): string {
  return `${b.namespaces.join(', ')} · ${plural(b.entities, 'entity', 'entities')}, ${plural(b.records, 'record')}${b.restoredAt ? ' · restored' : ''}`;
}
