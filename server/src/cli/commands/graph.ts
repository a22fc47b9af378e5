// `isola graph`: the check's code and the graph layout (dagre), which `isola check` does not load.
import { runGraph } from '../graph';
import type { CommandGroup } from '../usage';

export const commands: CommandGroup = { graph: runGraph };
