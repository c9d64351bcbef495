import type { NotifyRequest } from './notifications.js';
import { escalationAt, latestRoundDue, nextAllowedTime, overdueReminderAt, reminderSchedule } from './reminders.js';
import { escalationRecipient, planNoticeData, taskKey, taskNoticeData, type PlanContext } from './station-plan-notices.js';
import { findStage, scheduleCalendar, type StationPlanState } from './station-plan.js';

// The station plan's reminder scheduler: what falls due at an instant — reminders before a task's
// due time, overdue notices, escalations along the chain, sign-off reminders, supervision visit
// reminders — and when the next thing will. Each is marked handled in the state as it is
// collected, so it is collected once; its idempotency key is stable across retries and replays.
// Pure: "now" is a parameter.

export interface CollectedNotices {
  /** Notifications due at `now`, each once. */
  due: NotifyRequest[];
  /** The next instant something falls due; undefined when nothing is scheduled. */
  nextAt: number | undefined;
  /** Tasks whose escalation round moved (their records show the rounds). */
  escalated: string[];
}

export interface CollectOptions {
  /**
   * Rounds that repeat (overdue notices, escalations, sign-off reminders) and fell due more than
   * once by `now` — a plan started back-dated, or a worker down for days: `latest` sends the
   * latest round only; `each` sends every missed round, one per wake (plans started before the
   * workflow's `station-plan-catch-up-latest` patch keep it, so their histories replay).
   */
  catchUp?: 'latest' | 'each';
}

/** Marks what is due at `now` as handled and returns it, with the next instant something falls due. */
export function collectDueNotices(state: StationPlanState, plan: PlanContext, now: number, options: CollectOptions = {}): CollectedNotices {
  const { input, workflowId } = plan;
  const policy = input.reminderPolicy;
  const calendar = scheduleCalendar(input.schedule);
  const due: NotifyRequest[] = [];
  const escalated: string[] = [];
  let nextAt: number | undefined;
  const later = (at: number) => {
    nextAt = nextAt === undefined ? at : Math.min(nextAt, at);
  };
  const stage = state.currentStage ? findStage(state, state.currentStage) : undefined;
  if (!stage) return { due, nextAt, escalated };
  const lead = input.recipients.stationLeadId;
  const latest = options.catchUp === 'latest';
  /** The round to send now, from `from` on: `from` itself, or the latest due when catching up. */
  const roundNow = (from: number, start: number, everyMs: number | null, at: (round: number) => number) =>
    (latest && everyMs !== null ? latestRoundDue(from, now, start, everyMs, at) : undefined) ?? from;
  const dayMs = input.schedule.mode === 'compressed' ? input.schedule.dayMs : 86_400_000;

  for (const task of state.tasks) {
    if (task.stage !== stage.stage || task.status !== 'open' || task.dueAt === null) continue;
    const dueAt = task.dueAt;
    const check = { type: 'plan_task_open' as const, planId: input.planId, taskId: task.id };
    const key = taskKey(input, task);
    for (const reminder of reminderSchedule(dueAt, policy, calendar, Number.NEGATIVE_INFINITY)) {
      if (task.remindersSent.includes(reminder.offsetMs)) continue;
      if (reminder.at > now) {
        later(reminder.at);
        continue;
      }
      task.remindersSent.push(reminder.offsetMs);
      // A reminder whose moment passed after the due time has nothing left to remind of.
      if (now < dueAt && lead) {
        due.push({ key: `${key}:due:${reminder.offsetMs}`, workflowId, recipientId: lead, kind: 'task_due', data: taskNoticeData(input, task), dueAt: reminder.at, check });
      }
    }
    const overdueAt = overdueReminderAt(dueAt, task.overdueRounds, policy, calendar);
    if (overdueAt !== undefined) {
      if (overdueAt <= now) {
        const round = roundNow(task.overdueRounds, dueAt, policy.overdueRepeatMs, (r) => overdueReminderAt(dueAt, r, policy, calendar)!);
        task.overdueRounds = round + 1;
        if (lead) {
          const daysOverdue = Math.floor((now - dueAt) / dayMs);
          due.push({
            key: `${key}:overdue:${round}`, workflowId, recipientId: lead, kind: 'task_overdue',
            data: { ...taskNoticeData(input, task), daysOverdue, round: round + 1 }, dueAt: overdueReminderAt(dueAt, round, policy, calendar)!, check,
          });
        }
      } else {
        later(overdueAt);
      }
    }
    const escalationAtRound = (r: number) => escalationAt(dueAt, r, policy, calendar);
    const escalation = policy.escalation && policy.escalation.chain.length > 0 && escalationAtRound(
      roundNow(task.escalationRounds, dueAt + policy.escalation.graceMs, policy.escalation.cadenceMs, (r) => escalationAtRound(r)!.at),
    );
    if (escalation) {
      if (escalation.at <= now) {
        task.escalationRounds = escalation.round + 1;
        escalated.push(task.id);
        const recipientId = escalationRecipient(input, escalation.step);
        if (recipientId) {
          due.push({
            key: `${key}:escalation:${escalation.round}`, workflowId, recipientId, kind: 'escalation',
            data: { ...taskNoticeData(input, task), round: escalation.round + 1, step: escalation.step }, dueAt: escalation.at, check,
          });
        }
      } else {
        later(escalation.at);
      }
    }
  }

  if (stage.status === 'awaiting_sign_off' && stage.signOffRequestedAt !== null) {
    const since = stage.signOffRequestedAt;
    const signOffAt = (r: number) => nextAllowedTime(since + r * input.signOffReminderMs, policy, calendar);
    const round = roundNow(stage.signOffRounds, since, input.signOffReminderMs, signOffAt);
    const at = signOffAt(round);
    if (at <= now) {
      stage.signOffRounds = round + 1;
      due.push({
        key: `${input.planId}:stage:${stage.stage}:v${stage.signOffVersion}:sign-off:${round}`, workflowId, recipientId: input.recipients.supervisorId,
        kind: 'sign_off_requested', data: { ...planNoticeData(input, stage.stage), round, waitingSinceAt: stage.signOffRequestedAt }, dueAt: at,
        check: { type: 'plan_stage_awaiting_sign_off', planId: input.planId, stage: stage.stage },
      });
    } else {
      later(at);
    }
  }

  if (stage.stage === 'supervise') {
    for (const visit of state.visits) {
      if (visit.status !== 'scheduled' || visit.dueAt === null) continue;
      const dueAt = visit.dueAt;
      for (const reminder of reminderSchedule(dueAt, policy, calendar, Number.NEGATIVE_INFINITY)) {
        if (visit.remindersSent.includes(reminder.offsetMs)) continue;
        if (reminder.at > now) {
          later(reminder.at);
          continue;
        }
        visit.remindersSent.push(reminder.offsetMs);
        if (now < dueAt) {
          due.push({
            key: `${input.planId}:visit:${visit.no}:v${visit.dueVersion}:due:${reminder.offsetMs}`, workflowId, recipientId: input.recipients.supervisorId,
            kind: 'task_due', data: { ...planNoticeData(input, 'supervise'), visitNo: visit.no, taskTitleZh: `第${visit.no}次督导走访`, taskTitleEn: `Supervision visit ${visit.no}`, dueAt },
            dueAt: reminder.at,
          });
        }
      }
    }
  }
  return { due, nextAt, escalated };
}
