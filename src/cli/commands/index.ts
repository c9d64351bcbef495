import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerAccountCommands } from './account.js';
import { registerCalendarCommands } from './calendar.js';
import { registerAttachmentCommands } from './attachment.js';
import { registerCaseCallCommands } from './case-call.js';
import { registerDirectoryCommands } from './directory.js';
import { registerManualCommands } from './manual.js';
import { registerTokenCommands } from './token.js';
import { registerUserCommands } from './user.js';
import { registerCycleCommands } from './cycle.js';
import { registerPlanCommands } from './plan.js';
import { registerStationCommands } from './station.js';
import { registerReportCommands } from './report.js';
import { registerPostCommands } from './post.js';
import { registerFivePartyCommands } from './five-party.js';
import { registerRolloutCommands } from './rollout.js';
import { registerVentureCommands } from './venture.js';
import { registerStoreCommands } from './store.js';
import { registerServiceRecordCommands } from './service-record.js';
import { registerNotificationCommands } from './notification.js';
import { registerAuditCommands } from './audit.js';
import { registerResourceRequestCommands } from './resource-request.js';

/** Every area's commands, in the order `--help` lists them; a new area adds one line. */
export const COMMAND_AREAS: Array<(program: Command, ctx: CliContext) => void> = [
  registerAccountCommands,
  registerDirectoryCommands,
  registerTokenCommands,
  registerUserCommands,
  registerAuditCommands,
  registerNotificationCommands,
  registerCycleCommands,
  registerPlanCommands,
  registerStationCommands,
  registerManualCommands,
  registerRolloutCommands,
  registerVentureCommands,
  registerReportCommands,
  registerStoreCommands,
  registerCalendarCommands,
  registerAttachmentCommands,
  registerCaseCallCommands,
  registerServiceRecordCommands,
  registerPostCommands,
  registerFivePartyCommands,
  registerResourceRequestCommands,
];
