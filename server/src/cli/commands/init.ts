// `isola init` writes a few files and reads no project: it needs none of the other groups' code.
import { runInit } from '../init';
import type { CommandGroup } from '../usage';

export const commands: CommandGroup = { init: runInit };
