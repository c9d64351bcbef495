import type { NotifyRequest } from './notifications.js';
import { planNoticeData, taskKey, taskNoticeData, type PlanContext } from './station-plan-notices.js';
import { planTaskView, type PlanTaskView } from './station-plan-view.js';
import {
  addEvent, buildPlanReport, dueAfterWorkingDays, findStage, openStage, refreshStageReadiness, rubricAverage, shiftInstant, stageIndex,
  type FollowUpAction, type MainTaskScores, type PlanEvaluation, type PlanStatus, type PlanTaskState, type QualityScores,
  type StationPlanState, type TaskEvidence,
} from './station-plan.js';
import { MAIN_TASKS, STATION_QUALITIES, type MainTask, type Stage } from './types.js';

// The station plan's state machine: each change a request makes to the live state, and what the
// workflow must then do about it — which records to mirror, what to tell whom, where the Stage
// search attribute moves. Requests reach these only after their validator (station-plan-validators)
// let them through. Pure: "now" is a parameter.

/** Who asked for a change: the API passes the principal's name (and worker, when it has one). */
export interface PlanActor {
  by: string;
  workerId?: string | null;
}

export interface CompleteTaskRequest extends PlanActor {
  taskId: string;
  evidence: TaskEvidence;
}
export interface SignOffRequest extends PlanActor {
  stage: Stage;
  comments?: string | null;
}
export interface SendBackRequest extends PlanActor {
  stage: Stage;
  comments: string;
  /** Done tasks of the stage to reopen; may be empty (comments only). */
  reopenTaskIds: string[];
  /** Working days the reopened tasks get; the plan's default otherwise. */
  dueInWorkingDays?: number;
}
export interface RecordVisitRequest extends PlanActor {
  /** The visit to record; the earliest scheduled one when omitted. */
  visitNo?: number;
  notes: string;
  followUps: FollowUpAction[];
}
export interface EvaluationRequest extends PlanActor {
  scores: MainTaskScores;
  /** The second rubric, the station's five qualities; optional. */
  qualities?: QualityScores | null;
  comments: string;
}
export interface PauseRequest extends PlanActor {
  reason?: string | null;
}
export interface RescheduleRequest extends PlanActor {
  /** Working days to move every open due date by (negative: earlier). */
  deltaWorkingDays: number;
  reason?: string | null;
}
export interface CancelPlanRequest extends PlanActor {
  reason: string;
}

/** What a change touched, for the workflow to mirror, notify and mark. */
export interface PlanChange {
  /** Tasks whose records changed. */
  tasks: string[];
  /** Tasks new to the records store (their guidance goes with the first write). */
  newTasks: string[];
  visits: number[];
  evaluation: boolean;
  report: boolean;
  /** One-off notifications, to send once the change is in the records store. */
  notices: NotifyRequest[];
  /** The Stage search attribute's new value, when the plan moved. */
  stageAttribute: string | null;
}

/** A change and the update's answer. */
export interface PlanOutcome<T> {
  change: PlanChange;
  answer: T;
}

export function emptyChange(): PlanChange {
  return { tasks: [], newTasks: [], visits: [], evaluation: false, report: false, notices: [], stageAttribute: null };
}

const findTask = (state: StationPlanState, taskId: string) => state.tasks.find((task) => task.id === taskId);
const isOpen = (task: PlanTaskState) => task.status === 'open' || task.status === 'pending';

export function completeTask(state: StationPlanState, plan: PlanContext, request: CompleteTaskRequest, now: number): PlanOutcome<PlanTaskView> {
  const change = emptyChange();
  const task = findTask(state, request.taskId)!;
  task.status = 'done';
  task.completedAt = now;
  task.completedBy = request.by;
  task.evidence = { note: request.evidence.note, links: [...request.evidence.links] };
  change.tasks.push(task.id);
  addEvent(state, now, 'task_completed', request.by, { taskId: task.id, stage: task.stage });
  refreshStageReadiness(state, task.stage, now);
  return { change, answer: planTaskView(task, plan.input) };
}

/**
 * Signs a stage off: optional work left open closes with it, the station lead hears of it, and
 * the next stage opens — or, after the last, the plan completes with its report.
 */
export function signOff(
  state: StationPlanState, plan: PlanContext, request: SignOffRequest, now: number,
): PlanOutcome<{ stage: Stage; nextStage: Stage | null; status: PlanStatus }> {
  const { input, workflowId } = plan;
  const change = emptyChange();
  const stage = request.stage;
  const comments = request.comments ?? null;
  const stageState = findStage(state, stage);
  stageState.status = 'signed_off';
  stageState.signedOffAt = now;
  stageState.signedOffBy = request.by;
  if (comments) stageState.comments = comments;
  for (const task of state.tasks) {
    if (task.stage === stage && isOpen(task)) {
      task.status = 'cancelled';
      change.tasks.push(task.id);
    }
  }
  addEvent(state, now, 'signed_off', request.by, { stage, comments });
  if (input.recipients.stationLeadId) {
    change.notices.push({
      key: `${input.planId}:stage:${stage}:signed-off`, workflowId, recipientId: input.recipients.stationLeadId, kind: 'stage_signed_off',
      data: { ...planNoticeData(input, stage), signedOffBy: request.by, signedOffAt: now, comments },
    });
  }
  const next = state.stages[stageIndex(state, stage) + 1];
  if (next) {
    openStage(state, input, next.stage, now);
    for (const task of state.tasks) if (task.stage === next.stage) change.tasks.push(task.id);
    for (const visit of state.visits) change.visits.push(visit.no);
    change.stageAttribute = next.stage;
    return { change, answer: { stage, nextStage: next.stage, status: state.status } };
  }
  for (const visit of state.visits) {
    if (visit.status === 'scheduled' || visit.status === 'pending') {
      visit.status = 'missed';
      change.visits.push(visit.no);
    }
  }
  state.status = 'completed';
  state.completedAt = now;
  addEvent(state, now, 'completed', request.by, {});
  state.report = buildPlanReport(state, input, now);
  change.report = true;
  change.evaluation = true;
  change.stageAttribute = 'completed';
  return { change, answer: { stage, nextStage: null, status: state.status } };
}

/** Sends a stage back with comments: named done tasks reopen with a new due date, and the station lead is told. */
export function sendBack(state: StationPlanState, plan: PlanContext, request: SendBackRequest, now: number): PlanOutcome<{ stage: Stage; reopened: string[] }> {
  const { input, workflowId } = plan;
  const change = emptyChange();
  const stage = findStage(state, request.stage);
  const dueAt = dueAfterWorkingDays(input.schedule, now, request.dueInWorkingDays ?? input.reopenDueWorkingDays);
  for (const taskId of request.reopenTaskIds) {
    const task = findTask(state, taskId)!;
    task.status = 'open';
    task.reopened += 1;
    task.completedAt = null;
    task.completedBy = null;
    task.dueAt = dueAt;
    task.dueVersion += 1;
    task.remindersSent = [];
    task.overdueRounds = 0;
    task.escalationRounds = 0;
    change.tasks.push(task.id);
    if (input.recipients.stationLeadId) {
      change.notices.push({
        key: `${taskKey(input, task)}:sent-back`, workflowId, recipientId: input.recipients.stationLeadId,
        kind: 'task_due', data: taskNoticeData(input, task), dueAt, check: { type: 'plan_task_open', planId: input.planId, taskId: task.id },
      });
    }
  }
  stage.sendBacks.push({ at: now, by: request.by, comments: request.comments, reopened: [...request.reopenTaskIds] });
  stage.comments = request.comments;
  addEvent(state, now, 'sent_back', request.by, { stage: request.stage, comments: request.comments, reopened: [...request.reopenTaskIds] });
  refreshStageReadiness(state, request.stage, now);
  return { change, answer: { stage: request.stage, reopened: [...request.reopenTaskIds] } };
}

/** Records a supervision visit; its follow-up actions become tasks of the supervise stage. */
export function recordVisit(
  state: StationPlanState, plan: PlanContext, request: RecordVisitRequest, now: number,
): PlanOutcome<{ visitNo: number; followUpTaskIds: string[] }> {
  const { input } = plan;
  const change = emptyChange();
  const visit = request.visitNo !== undefined
    ? state.visits.find((v) => v.no === request.visitNo)!
    : state.visits.find((v) => v.status === 'scheduled')!;
  visit.status = 'recorded';
  visit.recordedAt = now;
  visit.recordedBy = request.by;
  visit.notes = request.notes;
  request.followUps.forEach((action, index) => {
    const task: PlanTaskState = {
      id: `visit-${visit.no}-follow-up-${index + 1}`, stage: 'supervise', mainTask: action.mainTask ?? null,
      title: { zh: action.title, en: action.title }, required: action.required ?? false, source: 'follow_up', dueOffsetWorkingDays: 0,
      dueAt: dueAfterWorkingDays(input.schedule, now, action.dueInWorkingDays ?? input.reopenDueWorkingDays),
      status: 'open', completedAt: null, completedBy: null, evidence: null, reopened: 0, dueVersion: 0, remindersSent: [],
      overdueRounds: 0, escalationRounds: 0,
    };
    state.tasks.push(task);
    change.newTasks.push(task.id);
    visit.followUpTaskIds.push(task.id);
  });
  change.visits.push(visit.no);
  addEvent(state, now, 'visit_recorded', request.by, { visitNo: visit.no, followUps: [...visit.followUpTaskIds] });
  refreshStageReadiness(state, 'supervise', now);
  return { change, answer: { visitNo: visit.no, followUpTaskIds: [...visit.followUpTaskIds] } };
}

/**
 * Records the evaluation: a score per main task and their average (two decimals) and, when given,
 * a score per quality of the station's operating pattern and their average.
 */
export function submitEvaluation(state: StationPlanState, _plan: PlanContext, request: EvaluationRequest, now: number): PlanOutcome<PlanEvaluation> {
  const change = emptyChange();
  const scores = Object.fromEntries(MAIN_TASKS.map((key) => [key, request.scores[key]])) as Record<MainTask, number>;
  const average = rubricAverage(MAIN_TASKS, scores);
  const given = request.qualities;
  const qualityScores = given ? Object.fromEntries(STATION_QUALITIES.map((key) => [key, given[key]])) as QualityScores : null;
  const qualities = qualityScores ? { scores: qualityScores, average: rubricAverage(STATION_QUALITIES, qualityScores) } : null;
  const evaluation: PlanEvaluation = { scores, average, qualities, comments: request.comments, by: request.by, at: now };
  state.evaluation = evaluation;
  change.evaluation = true;
  addEvent(state, now, 'evaluated', request.by, qualities ? { average, qualityAverage: qualities.average } : { average });
  refreshStageReadiness(state, 'supervise', now);
  return { change, answer: evaluation };
}

export function pause(state: StationPlanState, _plan: PlanContext, request: PauseRequest, now: number): PlanOutcome<{ status: PlanStatus; pausedAt: string }> {
  state.status = 'paused';
  state.pausedAt = now;
  addEvent(state, now, 'paused', request.by, { reason: request.reason ?? null });
  return { change: emptyChange(), answer: { status: state.status, pausedAt: new Date(now).toISOString() } };
}

/** Resumes a paused plan. Timers stopped counting while it was paused: everything still ahead moves by the pause's length. */
export function resume(state: StationPlanState, _plan: PlanContext, request: PlanActor, now: number): PlanOutcome<{ status: PlanStatus; shiftedMs: number }> {
  const change = emptyChange();
  const shift = now - (state.pausedAt ?? now);
  state.pausedTotalMs += shift;
  state.pausedAt = null;
  state.status = 'running';
  for (const task of state.tasks) {
    if (task.status === 'open' && task.dueAt !== null) {
      task.dueAt += shift;
      change.tasks.push(task.id);
    }
  }
  for (const visit of state.visits) {
    if (visit.status === 'scheduled' && visit.dueAt !== null) {
      visit.dueAt += shift;
      change.visits.push(visit.no);
    }
  }
  const stage = state.currentStage ? findStage(state, state.currentStage) : undefined;
  if (stage?.signOffRequestedAt != null) stage.signOffRequestedAt += shift;
  addEvent(state, now, 'resumed', request.by, { shiftedMs: shift });
  return { change, answer: { status: state.status, shiftedMs: shift } };
}

/** Moves every open due date (and scheduled visit) by working days; their reminders start over. */
export function reschedule(
  state: StationPlanState, plan: PlanContext, request: RescheduleRequest, now: number,
): PlanOutcome<{ shiftedTasks: string[]; shiftedVisits: number[] }> {
  const { schedule } = plan.input;
  const change = emptyChange();
  const shiftedTasks: string[] = [];
  const shiftedVisits: number[] = [];
  for (const task of state.tasks) {
    if (task.status !== 'open' || task.dueAt === null) continue;
    task.dueAt = shiftInstant(schedule, task.dueAt, request.deltaWorkingDays);
    task.dueVersion += 1;
    task.remindersSent = [];
    task.overdueRounds = 0;
    task.escalationRounds = 0;
    shiftedTasks.push(task.id);
  }
  for (const visit of state.visits) {
    if (visit.status !== 'scheduled' || visit.dueAt === null) continue;
    visit.dueAt = shiftInstant(schedule, visit.dueAt, request.deltaWorkingDays);
    visit.dueVersion += 1;
    visit.remindersSent = [];
    shiftedVisits.push(visit.no);
  }
  change.tasks.push(...shiftedTasks);
  change.visits.push(...shiftedVisits);
  addEvent(state, now, 'rescheduled', request.by, { deltaWorkingDays: request.deltaWorkingDays, reason: request.reason ?? null, tasks: shiftedTasks });
  return { change, answer: { shiftedTasks, shiftedVisits } };
}

/** Cancels the plan: every open stage, task and visit closes, and the time paused so far is counted. */
export function cancel(state: StationPlanState, _plan: PlanContext, request: CancelPlanRequest, now: number): PlanOutcome<{ status: PlanStatus }> {
  const change = emptyChange();
  state.status = 'cancelled';
  state.cancellation = { at: now, by: request.by, reason: request.reason };
  if (state.pausedAt !== null) {
    state.pausedTotalMs += now - state.pausedAt;
    state.pausedAt = null;
  }
  for (const stage of state.stages) {
    if (stage.status !== 'signed_off') stage.status = 'cancelled';
  }
  for (const task of state.tasks) {
    if (isOpen(task)) {
      task.status = 'cancelled';
      change.tasks.push(task.id);
    }
  }
  for (const visit of state.visits) {
    if (visit.status === 'scheduled' || visit.status === 'pending') {
      visit.status = 'cancelled';
      change.visits.push(visit.no);
    }
  }
  addEvent(state, now, 'cancelled', request.by, { reason: request.reason });
  change.stageAttribute = 'cancelled';
  return { change, answer: { status: state.status } };
}
