// The commands that read a project and write text: no database, HTTP or zip code is bundled here.
import { runCheck } from '../check';
import type { CommandGroup } from '../usage';

export const commands: CommandGroup = { check: runCheck };
