// Every signal, query and update of every workflow, the task queue and the workflows' input and
// output types. No side effects and no imports beyond @temporalio/workflow's definers and
// src/domain types, so the API can import this file without pulling in workflow code.

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** The task queue every Shegong worker polls unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'shegong';

/** Business ids: one workflow per business object, so a second start finds the first. */
export const workflowIds = {
  stationPlan: (communityId: string) => `station-plan:${communityId}`,
  trainingCycle: (cycleId: string) => `training-cycle:${cycleId}`,
  workerLadder: (cycleId: string, workerId: string) => `worker-ladder:${cycleId}:${workerId}`,
  stationRollout: (communityId: string) => `station-rollout:${communityId}`,
  digest: (streetId: string) => `digest:${streetId}`,
};

/** Error types raised with ApplicationFailure.nonRetryable, one list for workflows and activities. */
export enum ErrorType {
  InvalidInput = 'ERR_INVALID_INPUT',
  NotFound = 'ERR_NOT_FOUND',
  Conflict = 'ERR_CONFLICT',
  PermanentDelivery = 'ERR_PERMANENT_DELIVERY',
}

// ── stationPlan ─────────────────────────────────────────────────────────────────────────────
// The three-stage station plan (guide → support → supervise), one per station:
// `station-plan:<communityId>`. Data types and pure rules live in src/domain/station-plan.ts.

import type {
  FollowUpAction, MainTaskScores, PlanEvaluation, PlanEvent, PlanReport, PlanSchedule, PlanStatus, PlanTaskState,
  StageStatus, StationPlanInput, StationPlanState, SupervisionPolicy, SupervisionVisitState, TaskEvidence, TaskStatus,
} from '../src/domain/station-plan.js';
export type {
  FollowUpAction, MainTaskScores, PlanEvaluation, PlanEvent, PlanReport, PlanSchedule, PlanStatus, PlanTaskState,
  StageStatus, StationPlanInput, StationPlanState, SupervisionPolicy, SupervisionVisitState, TaskEvidence, TaskStatus,
};
import type { TaskGuidance } from '../src/domain/plan-template.js';
import type { Localized, MainTask, Stage } from '../src/domain/types.js';

export const STATION_PLAN_WORKFLOW = 'stationPlan';
/** The search attribute the workflow upserts as it moves: a stage, `completed` or `cancelled`. */
export const STAGE_SEARCH_ATTRIBUTE = 'Stage';

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

export interface PlanTaskView {
  id: string;
  stage: Stage;
  mainTask: MainTask | null;
  title: Localized;
  guidance: TaskGuidance | null;
  required: boolean;
  source: 'template' | 'follow_up';
  status: TaskStatus;
  dueAt: string | null;
  completedAt: string | null;
  completedBy: string | null;
  evidence: TaskEvidence | null;
  reopened: number;
}

export interface PlanStageView {
  stage: Stage;
  name: Localized;
  status: StageStatus;
  startedAt: string | null;
  signOffRequestedAt: string | null;
  signedOffAt: string | null;
  signedOffBy: string | null;
  comments: string | null;
  sendBacks: Array<{ at: string; by: string; comments: string; reopened: string[] }>;
  /** What blocks sign-off now (open required tasks, a missing evaluation). */
  blockers: string[];
}

/** The live status the getStatus query answers: everything, with each task's guidance. */
export interface StationPlanStatusView {
  planId: string;
  workflowId: string;
  communityId: string;
  template: { id: string; version: number; name: Localized };
  status: PlanStatus;
  currentStage: Stage | null;
  startedOn: string;
  pausedAt: string | null;
  pausedTotalMs: number;
  cancellation: { at: string; by: string; reason: string } | null;
  completedAt: string | null;
  stages: PlanStageView[];
  tasks: PlanTaskView[];
  visits: Array<Omit<SupervisionVisitState, 'dueAt' | 'recordedAt' | 'remindersSent' | 'dueVersion'> & { dueAt: string | null; recordedAt: string | null }>;
  evaluation: PlanEvaluation | null;
  report: PlanReport | null;
  recentEvents: PlanEvent[];
}

export interface StationPlanResult {
  planId: string;
  status: 'completed' | 'cancelled';
  report: PlanReport | null;
}

export const planQueries = {
  getStatus: defineQuery<StationPlanStatusView>('getStatus'),
};

export const planUpdates = {
  completeTask: defineUpdate<PlanTaskView, [CompleteTaskRequest]>('completeTask'),
  signOff: defineUpdate<{ stage: Stage; nextStage: Stage | null; status: PlanStatus }, [SignOffRequest]>('signOff'),
  sendBack: defineUpdate<{ stage: Stage; reopened: string[] }, [SendBackRequest]>('sendBack'),
  recordVisit: defineUpdate<{ visitNo: number; followUpTaskIds: string[] }, [RecordVisitRequest]>('recordVisit'),
  submitEvaluation: defineUpdate<PlanEvaluation, [EvaluationRequest]>('submitEvaluation'),
  pause: defineUpdate<{ status: PlanStatus; pausedAt: string }, [PauseRequest]>('pause'),
  resume: defineUpdate<{ status: PlanStatus; shiftedMs: number }, [PlanActor]>('resume'),
  reschedule: defineUpdate<{ shiftedTasks: string[]; shiftedVisits: number[] }, [RescheduleRequest]>('reschedule'),
  cancel: defineUpdate<{ status: PlanStatus }, [CancelPlanRequest]>('cancel'),
};

/** Signals for callers that cannot wait for an answer (e.g. another workflow); same rules as the updates. */
export const planSignals = {
  cancel: defineSignal<[CancelPlanRequest]>('cancelPlan'),
};
// ── end stationPlan

// ── rollout ─────────────────────────────────────────────────────────────────────────────────
// stationRollout, one per community without a station: `station-rollout:<communityId>`.
// Milestones site → staffing → fit_out → opening; pure rules live in src/domain/coverage.ts.

import type { WorkCalendar as RolloutCalendar } from '../src/domain/calendar.js';
import type { ReminderPolicy as RolloutReminderPolicy } from '../src/domain/reminders.js';
import type { Milestone as RolloutMilestone } from '../src/domain/types.js';

export const STATION_ROLLOUT_WORKFLOW = 'stationRollout';

export interface MilestonePlan {
  milestone: RolloutMilestone;
  /** YYYY-MM-DD (Asia/Shanghai): the date people plan by and see. */
  targetDate: string;
  /** The instant the milestone is due (epoch ms): the target date's end of day, or seconds away in tests. */
  dueAt: number;
  /** The worker who owns the milestone; null sends its reminders to the center supervisors. */
  owner: string | null;
}

export interface MilestoneEvidence {
  note: string;
  links: string[];
}

export interface MilestoneReplan {
  from: string;
  to: string;
  reason: string;
  by: string;
  /** Epoch ms. */
  at: number;
}

export interface MilestoneProgress extends MilestonePlan {
  status: 'pending' | 'done';
  completedAt: number | null;
  completedBy: string | null;
  evidence: MilestoneEvidence | null;
  replans: MilestoneReplan[];
}

export interface StationRolloutInput {
  communityId: string;
  /** All four milestones, in order, with non-decreasing targets. */
  milestones: MilestonePlan[];
  reminderPolicy: RolloutReminderPolicy;
  calendar: RolloutCalendar;
  /** The street's full-coverage date this rollout was planned toward, if any. */
  targetFullCoverage: string | null;
  /** Carried over by continue-as-new: progress so far. */
  carried?: { milestones: MilestoneProgress[]; communityName: { zh: string; en: string } | null };
}

export interface StationRolloutStatus {
  communityId: string;
  currentMilestone: RolloutMilestone | null;
  milestones: MilestoneProgress[];
  /** The Asia/Shanghai date the station opened, once it has. */
  openedOn: string | null;
  /** The station plan started on opening. */
  stationPlanWorkflowId: string | null;
}

export interface CompleteMilestoneRequest {
  milestone: RolloutMilestone;
  /** Who completed it (the principal's name). */
  by: string;
  evidence: MilestoneEvidence;
}

export interface ReplanMilestoneRequest {
  milestone: RolloutMilestone;
  targetDate: string;
  dueAt: number;
  reason: string;
  by: string;
}

export const rolloutQueries = {
  status: defineQuery<StationRolloutStatus>('rolloutStatus'),
};

export const rolloutUpdates = {
  completeMilestone: defineUpdate<MilestoneProgress, [CompleteMilestoneRequest]>('completeMilestone'),
  replanMilestone: defineUpdate<MilestoneProgress, [ReplanMilestoneRequest]>('replanMilestone'),
};

// ── digest ──────────────────────────────────────────────────────────────────────────────────
// digest, started by a Temporal Schedule per street (schedule id `digest:<streetId>`): one
// digest per schedule period to street leadership and center supervisors.

export const DIGEST_WORKFLOW = 'digest';

export interface DigestInput {
  streetId: string;
  /** The period the digest is for (ISO instant); scheduled runs take their scheduled time. */
  period?: string;
}

export interface DigestResult {
  streetId: string;
  period: string;
  recipients: string[];
  /** Deliveries made now; an earlier attempt's deliveries count as `already`. */
  delivered: number;
  already: number;
}

// ── training ────────────────────────────────────────────────────────────────────────────────
// trainingCycle (`training-cycle:<cycleId>`) fans out one child workerLadder per enrolled worker
// (`worker-ladder:<cycleId>:<workerId>`). Pure rules and the ladder's plan live in src/domain/ladder.ts.

import type { AttendanceStatus as LadderAttendanceStatus } from '../src/domain/types.js';

export const TRAINING_CYCLE_WORKFLOW = 'trainingCycle';
export const WORKER_LADDER_WORKFLOW = 'workerLadder';

/** How the cycle starts its children; every knob explicit so a benchmark can state them. */
export interface CycleFanOut {
  /** Child starts in flight at once (a sliding window). */
  window: number;
  /** Children one run starts before it continues as new (keeps pending children well under 2,000). */
  childrenPerRun: number;
  /** Workers read from the records store per page. */
  pageSize: number;
}

// A window of 50 starts ladders as fast as a dev server records them (bench/RESULTS.md) with
// smaller bursts of ladder work than a wider one.
export const DEFAULT_FAN_OUT: CycleFanOut = { window: 50, childrenPerRun: 500, pageSize: 200 };

/** What one run of trainingCycle hands the next through continue-as-new. */
export interface TrainingCycleCarry {
  /** The last worker id read from the launch cohort (pages are read in worker-id order). */
  cursor: string | null;
  /** Every page of the launch cohort has been read. */
  exhausted: boolean;
  /** Read, or added while running, and not yet started. */
  pending: string[];
  /** Started ladders that have not reported their end. */
  running: string[];
  started: number;
  finished: number;
  runs: number;
  cancelled: { reason: string; by: string } | null;
}

export interface TrainingCycleInput {
  cycleId: string;
  fanOut: CycleFanOut;
  carry?: TrainingCycleCarry;
}

export interface TrainingCycleResult {
  cycleId: string;
  status: 'completed' | 'cancelled';
  started: number;
  finished: number;
  runs: number;
}

export interface TrainingCycleProgress {
  cycleId: string;
  status: 'running' | 'closing' | 'cancelled';
  started: number;
  running: number;
  finished: number;
  pending: number;
  exhausted: boolean;
  inFlight: number;
  /** Runs so far, this one included (continue-as-new starts a new run). */
  runs: number;
  historyLength: number;
}

/** A worker added while the cycle runs, with the sessions validation gave them. */
export interface CycleAddition {
  workerId: string;
  sessionIds: string[];
  levels: Record<string, number>;
}

export interface ParticipantChangeRequest {
  add: CycleAddition[];
  withdraw: string[];
  by: string;
  reason: string | null;
}

export interface ParticipantChangeResult {
  added: string[];
  withdrawn: string[];
}

export interface SessionChangeRequest {
  sessionId: string;
  action: 'move' | 'cancel';
  /** ISO instants, for a move. */
  startsAt?: string;
  endsAt?: string;
  place?: string;
  by: string;
  reason: string | null;
}

/** A session's new state, as the cycle passes it to the ladders that take it. */
export interface LadderSessionChange {
  sessionId: string;
  status: 'moved' | 'cancelled';
  startsAt: number;
  endsAt: number;
  place: string;
  reason: string | null;
}

export interface SessionChangeResult {
  sessionId: string;
  status: 'moved' | 'cancelled';
  /** Ladders told about the change. */
  laddersSignalled: number;
}

export interface CancelCycleRequest {
  reason: string;
  by: string;
}

export interface CancelCycleResult {
  cycleId: string;
  status: 'cancelled';
  laddersSignalled: number;
}

export type LadderEnd = 'completed' | 'withdrawn' | 'cancelled';

export interface LadderFinished {
  workerId: string;
  status: LadderEnd;
}

export interface WorkerLadderInput {
  cycleId: string;
  workerId: string;
}

export type TrackStatus =
  | 'scheduled'
  | 'awaiting_assessment'
  | 'retake_open'
  | 'passed'
  | 'failed'
  | 'not_assessed'
  | 'not_eligible'
  | 'cancelled';

export interface TrackView {
  dimension: string;
  level: number;
  status: TrackStatus;
  sessionIds: string[];
  attempts: Array<{ attempt: number; score: number; passed: boolean; assessor: string }>;
  /** When the open assessment or retake window closes (epoch ms). */
  deadline: number | null;
}

export interface LadderSessionView {
  id: string;
  dimension: string;
  level: number;
  startsAt: number;
  endsAt: number;
  status: 'scheduled' | 'moved' | 'cancelled' | 'held' | 'dropped';
  attendance: LadderAttendanceStatus | null;
  final: boolean;
}

export interface LadderState {
  cycleId: string;
  workerId: string;
  status: 'loading' | 'running' | LadderEnd;
  tracks: TrackView[];
  sessions: LadderSessionView[];
  coachingFlag: string | null;
  remindersSent: number;
}

export interface LadderResult {
  cycleId: string;
  workerId: string;
  status: LadderEnd;
  tracks: Array<{ dimension: string; level: number; status: TrackStatus }>;
  coachingFlag: string | null;
}

export interface AttendanceRequest {
  sessionId: string;
  /** A trainer or station lead gives the status; a check-in leaves it to the ladder (present or late). */
  status?: LadderAttendanceStatus;
  source: 'trainer' | 'check_in';
  recordedBy: string;
}

export interface AttendanceResult {
  sessionId: string;
  workerId: string;
  status: LadderAttendanceStatus;
  recordedBy: string;
}

export interface AssessmentRequest {
  dimension: string;
  level: number;
  score: number;
  assessor: string;
}

export interface AssessmentResult {
  attempt: number;
  passed: boolean;
  trackStatus: TrackStatus;
  /** The level the worker now holds when this pass promoted them. */
  promotedTo: number | null;
  coachingFlag: string | null;
}

export interface LadderStopRequest {
  status: 'withdrawn' | 'cancelled';
  reason: string | null;
  by: string;
}

export const trainingSignals = {
  /** A ladder tells its cycle it has ended (sent to the cycle's latest run). */
  ladderFinished: defineSignal<[LadderFinished]>('ladderFinished'),
};

export const trainingQueries = {
  progress: defineQuery<TrainingCycleProgress>('cycleProgress'),
};

export const trainingUpdates = {
  changeParticipants: defineUpdate<ParticipantChangeResult, [ParticipantChangeRequest]>('changeParticipants'),
  changeSession: defineUpdate<SessionChangeResult, [SessionChangeRequest]>('changeSession'),
  cancelCycle: defineUpdate<CancelCycleResult, [CancelCycleRequest]>('cancelCycle'),
};

export const ladderSignals = {
  sessionChanged: defineSignal<[LadderSessionChange]>('sessionChanged'),
  stop: defineSignal<[LadderStopRequest]>('stopLadder'),
};

export const ladderQueries = {
  state: defineQuery<LadderState>('ladderState'),
};

export const ladderUpdates = {
  recordAttendance: defineUpdate<AttendanceResult, [AttendanceRequest]>('recordAttendance'),
  recordAssessment: defineUpdate<AssessmentResult, [AssessmentRequest]>('recordAssessment'),
};
