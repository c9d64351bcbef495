import type { NotificationData } from './notifications.js';
import type { EscalationStep } from './reminders.js';
import { guidanceFor, type PlanTaskState, type StationPlanInput } from './station-plan.js';
import type { Stage } from './types.js';

// What a station plan's notifications say and whom they reach. Pure.

/** The plan a rule works on: its input and its workflow id (the notify activity's key stem). */
export interface PlanContext {
  input: StationPlanInput;
  workflowId: string;
}

/** Who hears an escalation step: the station lead (or nobody, if the post is empty), or the center supervisor. */
export function escalationRecipient(input: StationPlanInput, step: EscalationStep): string | null {
  switch (step) {
    case 'worker':
    case 'station_lead':
      return input.recipients.stationLeadId;
    case 'center_supervisor':
      return input.recipients.supervisorId;
  }
}

/** The template variables every plan notification carries. */
export function planNoticeData(input: StationPlanInput, stage: Stage | null): NotificationData {
  return {
    planId: input.planId,
    communityId: input.communityId,
    communityNameZh: input.communityName?.zh ?? input.communityId,
    communityNameEn: input.communityName?.en ?? input.communityId,
    stage,
  };
}

/** The variables of a notification about one task, with its guidance on how to do it. */
export function taskNoticeData(input: StationPlanInput, task: PlanTaskState): NotificationData {
  const guidance = task.source === 'template' ? guidanceFor(input.template, task.id) : null;
  return {
    ...planNoticeData(input, task.stage),
    taskId: task.id,
    taskTitleZh: task.title.zh,
    taskTitleEn: task.title.en,
    itemTitleZh: task.title.zh,
    itemTitleEn: task.title.en,
    dueAt: task.dueAt,
    guidanceZh: guidance?.how.zh ?? null,
    guidanceEn: guidance?.how.en ?? null,
  };
}

/** The idempotency key stem of one due version of a task: reminders of a new due date start over. */
export function taskKey(input: StationPlanInput, task: PlanTaskState): string {
  return `${input.planId}:task:${task.id}:v${task.dueVersion}`;
}
