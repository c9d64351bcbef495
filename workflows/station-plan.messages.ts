// The stationPlan workflow's messages and types (`station-plan:<communityId>`): the three-stage
// plan guide → support → supervise. No side effects: the API imports this module, never the
// workflow. Data types and pure rules live in src/domain/station-plan.ts.

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
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
