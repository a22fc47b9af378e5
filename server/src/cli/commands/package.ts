// The commands that write or read package files: the zip code, no database or HTTP.
import { runBuild } from '../build';
import { runInspect } from '../inspect';
import { runUnpack } from '../unpack';
import type { CommandGroup } from '../usage';

export const commands: CommandGroup = { build: runBuild, inspect: runInspect, unpack: runUnpack };
