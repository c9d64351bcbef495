import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerAccountCommands } from './account.js';
import { registerDirectoryCommands } from './directory.js';
import { registerTokenCommands } from './token.js';
import { registerUserCommands } from './user.js';
import { registerCycleCommands } from './cycle.js';
import { registerPlanCommands } from './plan.js';
import { registerPostCommands } from './post.js';
import { registerRolloutCommands } from './rollout.js';
import { registerServiceRecordCommands } from './service-record.js';

/** Every area's commands, in the order `--help` lists them; a new area adds one line. */
export const COMMAND_AREAS: Array<(program: Command, ctx: CliContext) => void> = [
  registerAccountCommands,
  registerDirectoryCommands,
  registerTokenCommands,
  registerUserCommands,
  registerCycleCommands,
  registerPlanCommands,
  registerRolloutCommands,
  registerServiceRecordCommands,
  registerPostCommands,
];
