// The commands that talk to an environment: the embedded database (PGlite), PostgreSQL and HTTP.
import { runEnv } from '../env';
import { runExport } from '../export';
import { runImport } from '../import';
import { runRetrieve } from '../retrieve';
import type { CommandGroup } from '../usage';

export const commands: CommandGroup = { import: runImport, export: runExport, retrieve: runRetrieve, env: runEnv };
