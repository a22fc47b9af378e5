import type { Rule } from './rule';
import { iso001 } from './iso001-global-script';
import { iso002 } from './iso002-org-unit';
import { iso003 } from './iso003-global-object';
import { iso004 } from './iso004-out-of-scope';
import { iso005 } from './iso005-script-import';
import { iso006 } from './iso006-unknown-target';
import { iso007 } from './iso007-licensed-builtin';
import { iso008 } from './iso008-company-objects';
import { iso009 } from './iso009-via-solution';
import { man001 } from './man001-duplicate-code';
import { man002 } from './man002-schema';
import { man003 } from './man003-includes';
import { man005 } from './man005-languages';

/** Every rule, in code order. */
export const RULES: readonly Rule[] = [iso001, iso002, iso003, iso004, iso005, iso006, iso007, iso008, iso009, man001, man002, man003, man005];
