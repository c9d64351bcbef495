import { DAY_MS, shanghaiDate, shanghaiInstant } from './time.js';
import { addWorkingDays, nthWorkingDayAfter, nthWorkingDayBefore, WEEKDAY_CALENDAR, type WorkCalendar } from './calendar.js';
import type { PlanTemplate, TaskGuidance } from './plan-template.js';
import type { ReminderPolicy } from './reminders.js';
import { MAIN_TASKS, STAGES, type Localized, type MainTask, type Stage, type StationQuality } from './types.js';

// The station plan's data and its pure rules, shared by the stationPlan workflow (which owns the
// live state), the service that starts it (which writes the first records-store snapshot) and the
// records store (which mirrors it). No clock reads: every function takes "now" as a parameter.

/**
 * How the plan's "working days" map onto time. `calendar`: real working days of the official
 * calendar, due at `dueTime` Asia/Shanghai. `compressed`: every day counts and lasts `dayMs`, so a
 * test runs a months-long plan in seconds.
 */
export type PlanSchedule =
  | { mode: 'calendar'; calendar: WorkCalendar; dueTime: string }
  | { mode: 'compressed'; dayMs: number };

export interface PlanRecipients {
  /** The station lead, who does the tasks and hears the first escalation; null when the post is empty. */
  stationLeadId: string | null;
  /** The center supervisor, who signs off and hears later escalations. */
  supervisorId: string;
}

export interface SupervisionPolicy {
  /** Working days between supervision visits in the supervise stage (every 2 weeks ≈ 10). */
  intervalWorkingDays: number;
  /** How many visits the stage schedules. */
  count: number;
}

export interface StationPlanInput {
  /** The records-store id of this plan (unique per run; the workflow id is per station). */
  planId: string;
  communityId: string;
  /** The community's name, for messages (the workflow reads no store). */
  communityName?: Localized;
  /** YYYY-MM-DD, Asia/Shanghai: the guide stage's due dates count from this date (calendar mode). */
  startedOn: string;
  /** The template version the plan runs with, carried whole: a later template does not change it. */
  template: PlanTemplate;
  schedule: PlanSchedule;
  reminderPolicy: ReminderPolicy;
  recipients: PlanRecipients;
  supervision: SupervisionPolicy;
  /** A stage awaiting sign-off longer than this reminds the supervisor, and again every as long. */
  signOffReminderMs: number;
  /** Working days a task reopened by a send-back (or a follow-up action) gets, unless the request says. */
  reopenDueWorkingDays: number;
  startedBy: string;
  /** The state carried over by continue-as-new; absent on a plan's first run. */
  carried?: StationPlanState;
}

export type PlanStatus = 'running' | 'paused' | 'completed' | 'cancelled';
export type StageStatus = 'pending' | 'open' | 'awaiting_sign_off' | 'signed_off' | 'cancelled';
export type TaskStatus = 'pending' | 'open' | 'done' | 'cancelled';
export type VisitStatus = 'pending' | 'scheduled' | 'recorded' | 'missed' | 'cancelled';

export interface TaskEvidence {
  note: string;
  links: string[];
}

export interface PlanTaskState {
  id: string;
  stage: Stage;
  mainTask: MainTask | null;
  title: Localized;
  required: boolean;
  source: 'template' | 'follow_up';
  /** Template tasks: working days from the stage's start. */
  dueOffsetWorkingDays: number;
  /** Epoch ms; null until the task's stage starts. */
  dueAt: number | null;
  status: TaskStatus;
  completedAt: number | null;
  completedBy: string | null;
  evidence: TaskEvidence | null;
  /** Times a supervisor sent the task back. */
  reopened: number;
  /** Bumped when the due date is set anew (reschedule, reopen): reminders then start over. */
  dueVersion: number;
  /** Reminder offsets (ms before due) already handled for this due version. */
  remindersSent: number[];
  overdueRounds: number;
  escalationRounds: number;
}

export interface SendBack {
  at: number;
  by: string;
  comments: string;
  reopened: string[];
}

export interface PlanStageState {
  stage: Stage;
  status: StageStatus;
  startedAt: number | null;
  /** Due dates of the stage's template tasks count from this instant. */
  baseAt: number | null;
  signOffRequestedAt: number | null;
  /** Sign-off notifications sent for the current request (0: none yet). */
  signOffRounds: number;
  /** Bumped each time the stage comes up for sign-off again (after a send-back). */
  signOffVersion: number;
  signedOffAt: number | null;
  signedOffBy: string | null;
  comments: string | null;
  sendBacks: SendBack[];
}

export interface FollowUpAction {
  title: string;
  mainTask?: MainTask | null;
  required?: boolean;
  dueInWorkingDays?: number;
}

export interface SupervisionVisitState {
  no: number;
  dueAt: number | null;
  status: VisitStatus;
  recordedAt: number | null;
  recordedBy: string | null;
  notes: string | null;
  followUpTaskIds: string[];
  dueVersion: number;
  remindersSent: number[];
}

export type MainTaskScores = Record<MainTask, number>;
export type QualityScores = Record<StationQuality, number>;

/** The second rubric of the evaluation: the five qualities of the station's operating pattern. */
export interface QualityEvaluation {
  scores: QualityScores;
  average: number;
}

export interface PlanEvaluation {
  scores: MainTaskScores;
  average: number;
  /** Absent in evaluations recorded before the second rubric existed, null when it was not scored. */
  qualities?: QualityEvaluation | null;
  comments: string;
  by: string;
  at: number;
}

export const PLAN_EVENT_TYPES = [
  'started', 'task_completed', 'stage_awaiting_sign_off', 'signed_off', 'sent_back', 'visit_recorded',
  'evaluated', 'paused', 'resumed', 'rescheduled', 'cancelled', 'completed',
] as const;
export type PlanEventType = (typeof PLAN_EVENT_TYPES)[number];

export interface PlanEvent {
  seq: number;
  at: number;
  type: PlanEventType;
  by: string | null;
  detail: Record<string, string | number | boolean | null | string[]>;
}

export interface PlanCancellation {
  at: number;
  by: string;
  reason: string;
}

export interface StationPlanState {
  status: PlanStatus;
  currentStage: Stage | null;
  stages: PlanStageState[];
  tasks: PlanTaskState[];
  visits: SupervisionVisitState[];
  evaluation: PlanEvaluation | null;
  report: PlanReport | null;
  pausedAt: number | null;
  pausedTotalMs: number;
  cancellation: PlanCancellation | null;
  completedAt: number | null;
  /** The most recent events (older ones are in the records store). */
  events: PlanEvent[];
  nextEventSeq: number;
  /** Increases with every change mirrored to the records store; a stale write never wins. */
  revision: number;
}

export interface StageSummary {
  stage: Stage;
  startedAt: string | null;
  signedOffAt: string | null;
  signedOffBy: string | null;
  sendBacks: number;
  tasks: { total: number; required: number; done: number; onTime: number; late: number; cancelled: number };
}

export interface PlanReport {
  planId: string;
  communityId: string;
  template: { id: string; version: number };
  startedOn: string;
  completedAt: string;
  stages: StageSummary[];
  tasks: { total: number; done: number; onTime: number; late: number; followUps: number };
  byMainTask: Record<MainTask, { tasks: number; done: number; score: number | null }>;
  visits: { planned: number; recorded: number; missed: number; followUps: number };
  evaluation: { scores: MainTaskScores; average: number; qualities: QualityEvaluation | null; comments: string; by: string } | null;
  pausedDays: number;
  reschedules: number;
  escalations: number;
}

/** Events kept in the workflow's state; the store keeps them all. */
export const RECENT_EVENTS = 100;

/** The calendar reminders and quiet hours use: the official one, or none in compressed mode. */
export function scheduleCalendar(schedule: PlanSchedule): WorkCalendar {
  return schedule.mode === 'calendar' ? schedule.calendar : WEEKDAY_CALENDAR;
}

/** The instant `days` working days after `fromMs`: at the due time of that working day (calendar mode). */
export function dueAfterWorkingDays(schedule: PlanSchedule, fromMs: number, days: number): number {
  if (schedule.mode === 'compressed') return fromMs + days * schedule.dayMs;
  const date = addWorkingDays(shanghaiDate(fromMs), days, schedule.calendar);
  return shanghaiInstant(date, schedule.dueTime);
}

/** Moves a date by whole working days, forward or back (0 leaves it where it is). */
export function shiftWorkingDays(date: string, delta: number, calendar: WorkCalendar): string {
  return delta < 0 ? nthWorkingDayBefore(date, -delta, calendar) : nthWorkingDayAfter(date, delta, calendar);
}

/** Shifts an instant by working days, keeping its time of day (calendar mode) or by delta × dayMs. */
export function shiftInstant(schedule: PlanSchedule, instant: number, deltaWorkingDays: number): number {
  if (schedule.mode === 'compressed') return instant + deltaWorkingDays * schedule.dayMs;
  const date = shanghaiDate(instant);
  const timeOfDay = instant - shanghaiInstant(date, '00:00');
  return shanghaiInstant(shiftWorkingDays(date, deltaWorkingDays, schedule.calendar), '00:00') + timeOfDay;
}

/** Whole calendar days (Asia/Shanghai) from a task's due date to `now`'s: 0 on the due day itself, and before it. */
export function daysOverdue(dueAt: number, now: number): number {
  return Math.max(0, Math.round((Date.parse(shanghaiDate(now)) - Date.parse(shanghaiDate(dueAt))) / DAY_MS));
}

/** The state of a plan that has just started: the first stage open, its due dates set. */
export function initialPlanState(input: StationPlanInput, now: number): StationPlanState {
  const state: StationPlanState = {
    status: 'running',
    currentStage: null,
    stages: STAGES.filter((stage) => input.template.stages.some((s) => s.stage === stage)).map((stage) => ({
      stage, status: 'pending', startedAt: null, baseAt: null, signOffRequestedAt: null, signOffRounds: 0, signOffVersion: 0,
      signedOffAt: null, signedOffBy: null, comments: null, sendBacks: [],
    })),
    tasks: [],
    visits: Array.from({ length: input.supervision.count }, (_, index) => ({
      no: index + 1, dueAt: null, status: 'pending' as const, recordedAt: null, recordedBy: null, notes: null,
      followUpTaskIds: [], dueVersion: 0, remindersSent: [],
    })),
    evaluation: null,
    report: null,
    pausedAt: null,
    pausedTotalMs: 0,
    cancellation: null,
    completedAt: null,
    events: [],
    nextEventSeq: 1,
    revision: 0,
  };
  for (const stage of STAGES) {
    for (const task of input.template.stages.find((s) => s.stage === stage)?.tasks ?? []) {
      state.tasks.push({
        id: task.id, stage, mainTask: task.mainTask, title: task.title, required: task.required, source: 'template',
        dueOffsetWorkingDays: task.dueOffsetWorkingDays, dueAt: null, status: 'pending', completedAt: null, completedBy: null,
        evidence: null, reopened: 0, dueVersion: 0, remindersSent: [], overdueRounds: 0, escalationRounds: 0,
      });
    }
  }
  const first = state.stages[0];
  if (first) {
    const base = input.schedule.mode === 'calendar' ? shanghaiInstant(input.startedOn, '00:00') : now;
    openStage(state, input, first.stage, now, base);
  }
  addEvent(state, now, 'started', input.startedBy, { template: `${input.template.id}@${input.template.version}` });
  return state;
}

/** Opens a stage: its tasks get due dates from `base`, its visits (supervise) are scheduled. */
export function openStage(state: StationPlanState, input: StationPlanInput, stage: Stage, now: number, base = now): void {
  const stageState = findStage(state, stage);
  stageState.status = 'open';
  stageState.startedAt = now;
  stageState.baseAt = base;
  state.currentStage = stage;
  for (const task of state.tasks) {
    if (task.stage !== stage || task.status !== 'pending') continue;
    task.status = 'open';
    task.dueAt = dueAfterWorkingDays(input.schedule, base, task.dueOffsetWorkingDays);
  }
  if (stage === 'supervise') {
    for (const visit of state.visits) {
      if (visit.status !== 'pending') continue;
      visit.status = 'scheduled';
      visit.dueAt = dueAfterWorkingDays(input.schedule, base, visit.no * input.supervision.intervalWorkingDays);
    }
  }
  // A stage whose template has no required tasks is ready for sign-off at once.
  refreshStageReadiness(state, stage, now);
}

/** Required tasks of a stage that are not done. */
export function openRequiredTasks(state: StationPlanState, stage: Stage): PlanTaskState[] {
  return state.tasks.filter((task) => task.stage === stage && task.required && task.status !== 'done' && task.status !== 'cancelled');
}

/** What still stands between a stage and its sign-off, in words a supervisor can act on. */
export function signOffBlockers(state: StationPlanState, stage: Stage): string[] {
  const blockers = openRequiredTasks(state, stage).map((task) => `task ${task.id} is open`);
  if (stage === 'supervise' && !state.evaluation) blockers.push('the evaluation is not recorded');
  return blockers;
}

/** Moves a stage between open and awaiting sign-off as its required work changes. */
export function refreshStageReadiness(state: StationPlanState, stage: Stage, now: number): boolean {
  const stageState = findStage(state, stage);
  const ready = signOffBlockers(state, stage).length === 0;
  if (ready && stageState.status === 'open') {
    stageState.status = 'awaiting_sign_off';
    stageState.signOffRequestedAt = now;
    stageState.signOffRounds = 0;
    stageState.signOffVersion += 1;
    addEvent(state, now, 'stage_awaiting_sign_off', null, { stage });
    return true;
  }
  if (!ready && stageState.status === 'awaiting_sign_off') {
    stageState.status = 'open';
    stageState.signOffRequestedAt = null;
    return true;
  }
  return false;
}

export function findStage(state: StationPlanState, stage: Stage): PlanStageState {
  const found = state.stages.find((s) => s.stage === stage);
  if (!found) throw new Error(`the plan has no stage ${stage}`);
  return found;
}

export function stageIndex(state: StationPlanState, stage: Stage): number {
  return state.stages.findIndex((s) => s.stage === stage);
}

export function addEvent(state: StationPlanState, at: number, type: PlanEventType, by: string | null, detail: PlanEvent['detail'] = {}): PlanEvent {
  const event: PlanEvent = { seq: state.nextEventSeq, at, type, by, detail };
  state.nextEventSeq += 1;
  state.events.push(event);
  if (state.events.length > RECENT_EVENTS) state.events.splice(0, state.events.length - RECENT_EVENTS);
  return event;
}

/**
 * Validates one rubric's scores: an integer 1–5 for each key (the four main tasks by default, or the
 * five qualities). Returns problems.
 */
export function scoreProblems(scores: Partial<Record<string, unknown>>, keys: readonly string[] = MAIN_TASKS, what = 'a main task'): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    const value = scores[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 5) problems.push(`${key} must be an integer from 1 to 5`);
  }
  for (const key of Object.keys(scores)) {
    if (!keys.includes(key)) problems.push(`${key} is not ${what}`);
  }
  return problems;
}

/** The mean of a rubric's scores, to two decimals. */
export function rubricAverage<K extends string>(keys: readonly K[], scores: Record<K, number>): number {
  return Math.round((keys.reduce((sum, key) => sum + scores[key], 0) / keys.length) * 100) / 100;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The plan report written to the records store when the plan completes. */
export function buildPlanReport(state: StationPlanState, input: StationPlanInput, now: number): PlanReport {
  const onTime = (task: PlanTaskState) => task.status === 'done' && task.dueAt !== null && task.completedAt !== null && task.completedAt <= task.dueAt;
  const late = (task: PlanTaskState) => task.status === 'done' && !onTime(task);
  const byMainTask = Object.fromEntries(MAIN_TASKS.map((key) => {
    const tasks = state.tasks.filter((task) => task.mainTask === key);
    return [key, { tasks: tasks.length, done: tasks.filter((task) => task.status === 'done').length, score: state.evaluation?.scores[key] ?? null }];
  })) as PlanReport['byMainTask'];
  return {
    planId: input.planId,
    communityId: input.communityId,
    template: { id: input.template.id, version: input.template.version },
    startedOn: input.startedOn,
    completedAt: new Date(now).toISOString(),
    stages: state.stages.map((stage) => {
      const tasks = state.tasks.filter((task) => task.stage === stage.stage);
      return {
        stage: stage.stage,
        startedAt: iso(stage.startedAt),
        signedOffAt: iso(stage.signedOffAt),
        signedOffBy: stage.signedOffBy,
        sendBacks: stage.sendBacks.length,
        tasks: {
          total: tasks.length,
          required: tasks.filter((task) => task.required).length,
          done: tasks.filter((task) => task.status === 'done').length,
          onTime: tasks.filter(onTime).length,
          late: tasks.filter(late).length,
          cancelled: tasks.filter((task) => task.status === 'cancelled').length,
        },
      };
    }),
    tasks: {
      total: state.tasks.length,
      done: state.tasks.filter((task) => task.status === 'done').length,
      onTime: state.tasks.filter(onTime).length,
      late: state.tasks.filter(late).length,
      followUps: state.tasks.filter((task) => task.source === 'follow_up').length,
    },
    byMainTask,
    visits: {
      planned: state.visits.length,
      recorded: state.visits.filter((visit) => visit.status === 'recorded').length,
      missed: state.visits.filter((visit) => visit.status === 'missed').length,
      followUps: state.visits.reduce((sum, visit) => sum + visit.followUpTaskIds.length, 0),
    },
    evaluation: state.evaluation
      ? {
        scores: state.evaluation.scores, average: state.evaluation.average, qualities: state.evaluation.qualities ?? null,
        comments: state.evaluation.comments, by: state.evaluation.by,
      }
      : null,
    pausedDays: Math.round((state.pausedTotalMs / (input.schedule.mode === 'compressed' ? input.schedule.dayMs : DAY_MS)) * 100) / 100,
    reschedules: state.events.filter((event) => event.type === 'rescheduled').length,
    escalations: state.tasks.reduce((sum, task) => sum + task.escalationRounds, 0),
  };
}

// ── The records-store mirror ────────────────────────────────────────────────────────────────

export interface PlanMirrorTask {
  id: string;
  stage: Stage;
  mainTask: MainTask | null;
  title: Localized;
  required: boolean;
  source: 'template' | 'follow_up';
  dueAt: number | null;
  status: TaskStatus;
  completedAt: number | null;
  completedBy: string | null;
  evidence: TaskEvidence | null;
  reopened: number;
  /** Escalations sent for the current due date so far. */
  escalationRounds: number;
  sortOrder: number;
  /** Sent with a task's first write only (guidance is static, and large). */
  guidance?: TaskGuidance | null;
}

export interface PlanMirrorVisit {
  no: number;
  dueAt: number | null;
  status: VisitStatus;
  recordedAt: number | null;
  recordedBy: string | null;
  notes: string | null;
  followUpTaskIds: string[];
}

/**
 * One write to the records store: the plan's row and stages whole, the tasks, visits and events
 * that changed. Applied in a transaction, skipped when the store already holds a later revision.
 */
export interface PlanMirror {
  revision: number;
  plan: {
    id: string;
    workflowId: string;
    communityId: string;
    templateId: string;
    templateVersion: number;
    startedOn: string;
    startedBy: string;
    status: PlanStatus;
    currentStage: Stage | null;
    stationLeadId: string | null;
    supervisorId: string;
    pausedAt: number | null;
    pausedTotalMs: number;
    cancellation: PlanCancellation | null;
    completedAt: number | null;
    /** Present when it changed. */
    evaluation?: PlanEvaluation | null;
    report?: PlanReport | null;
  };
  stages: Array<Omit<PlanStageState, 'signOffRounds' | 'signOffVersion' | 'baseAt'>>;
  tasks: PlanMirrorTask[];
  visits: PlanMirrorVisit[];
  events: PlanEvent[];
}

export interface MirrorSelection {
  taskIds: Iterable<string>;
  visitNos: Iterable<number>;
  /** Tasks written for the first time: their guidance goes along. */
  newTaskIds: Iterable<string>;
  /** Events with seq greater than this are included. */
  eventsAfter: number;
  evaluation: boolean;
  report: boolean;
}

export function guidanceFor(template: PlanTemplate, taskId: string): TaskGuidance | null {
  for (const stage of template.stages) {
    const task = stage.tasks.find((t) => t.id === taskId);
    if (task) return task.guidance;
  }
  return null;
}

export function buildPlanMirror(state: StationPlanState, input: StationPlanInput, workflowId: string, selection: MirrorSelection): PlanMirror {
  const taskIds = new Set(selection.taskIds);
  const newTaskIds = new Set(selection.newTaskIds);
  const visitNos = new Set(selection.visitNos);
  return {
    revision: state.revision,
    plan: {
      id: input.planId,
      workflowId,
      communityId: input.communityId,
      templateId: input.template.id,
      templateVersion: input.template.version,
      startedOn: input.startedOn,
      startedBy: input.startedBy,
      status: state.status,
      currentStage: state.currentStage,
      stationLeadId: input.recipients.stationLeadId,
      supervisorId: input.recipients.supervisorId,
      pausedAt: state.pausedAt,
      pausedTotalMs: state.pausedTotalMs,
      cancellation: state.cancellation,
      completedAt: state.completedAt,
      ...(selection.evaluation ? { evaluation: state.evaluation } : {}),
      ...(selection.report ? { report: state.report } : {}),
    },
    stages: state.stages.map(({ signOffRounds: _rounds, signOffVersion: _version, baseAt: _base, ...stage }) => stage),
    tasks: state.tasks.flatMap((task, index) => (taskIds.has(task.id) || newTaskIds.has(task.id)
      ? [{
        id: task.id, stage: task.stage, mainTask: task.mainTask, title: task.title, required: task.required, source: task.source,
        dueAt: task.dueAt, status: task.status, completedAt: task.completedAt, completedBy: task.completedBy, evidence: task.evidence,
        reopened: task.reopened, escalationRounds: task.escalationRounds, sortOrder: index,
        ...(newTaskIds.has(task.id) ? { guidance: task.source === 'template' ? guidanceFor(input.template, task.id) : null } : {}),
      }]
      : [])),
    visits: state.visits.filter((visit) => visitNos.has(visit.no)).map((visit) => ({
      no: visit.no, dueAt: visit.dueAt, status: visit.status, recordedAt: visit.recordedAt, recordedBy: visit.recordedBy,
      notes: visit.notes, followUpTaskIds: visit.followUpTaskIds,
    })),
    events: state.events.filter((event) => event.seq > selection.eventsAfter),
  };
}

/** A mirror of everything (the first write, and after continue-as-new). */
export function fullPlanMirror(state: StationPlanState, input: StationPlanInput, workflowId: string): PlanMirror {
  return buildPlanMirror(state, input, workflowId, {
    taskIds: state.tasks.map((task) => task.id),
    newTaskIds: state.tasks.map((task) => task.id),
    visitNos: state.visits.map((visit) => visit.no),
    eventsAfter: 0,
    evaluation: true,
    report: true,
  });
}
