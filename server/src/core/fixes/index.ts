import type { Diagnostic } from '../check';
import type { Project } from '../manifest/project';
import { english, Translator } from '../l10n';
import type { Fix, FixProvider } from './fix';
import { fixIso001 } from './iso001-fix';
import { fixIso003 } from './iso003-fix';
import { fixIso004 } from './iso004-fix';
import { fixIso006 } from './iso006-fix';
import { fixMan002 } from './man002-fix';
import { fixRemoveSuppression, fixSuppress } from './suppress-fix';

const BY_CODE: Partial<Record<string, FixProvider>> = {
  ISO001: fixIso001,
  ISO003: fixIso003,
  ISO004: fixIso004,
  ISO006: fixIso006,
  MAN002: fixMan002,
  MAN004: fixRemoveSuppression,
};

/** Every quick fix for a diagnostic: the rule's own fixes first, then suppression where allowed. */
export function fixesFor(project: Project, d: Diagnostic, t: Translator = english): Fix[] {
  return [...(BY_CODE[d.code]?.(project, d, t) ?? []), ...fixSuppress(project, d, t)];
}

export type { Fix };
