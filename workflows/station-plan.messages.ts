// The stationPlan workflow's messages and types (`station-plan:<communityId>`): the three-stage
// plan guide → support → supervise. No side effects: the API imports this module, never the
// workflow. Request, view and state types and the pure rules live in src/domain/station-plan*.ts.

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  FollowUpAction, MainTaskScores, PlanEvaluation, PlanEvent, PlanReport, PlanSchedule, PlanStatus, PlanTaskState,
  StageStatus, StationPlanInput, StationPlanState, SupervisionPolicy, SupervisionVisitState, TaskEvidence, TaskStatus,
} from '../src/domain/station-plan.js';
export type {
  FollowUpAction, MainTaskScores, PlanEvaluation, PlanEvent, PlanReport, PlanSchedule, PlanStatus, PlanTaskState,
  StageStatus, StationPlanInput, StationPlanState, SupervisionPolicy, SupervisionVisitState, TaskEvidence, TaskStatus,
};
import type {
  CancelPlanRequest, CompleteTaskRequest, EvaluationRequest, PauseRequest, PlanActor, RecordVisitRequest, RescheduleRequest,
  SendBackRequest, SignOffRequest,
} from '../src/domain/station-plan-machine.js';
export type {
  CancelPlanRequest, CompleteTaskRequest, EvaluationRequest, PauseRequest, PlanActor, RecordVisitRequest, RescheduleRequest,
  SendBackRequest, SignOffRequest,
};
import type { PlanStageView, PlanTaskView, PlanVisitView, StationPlanStatusView } from '../src/domain/station-plan-view.js';
export type { PlanStageView, PlanTaskView, PlanVisitView, StationPlanStatusView };
import type { Stage } from '../src/domain/types.js';

export const STATION_PLAN_WORKFLOW = 'stationPlan';
/** The search attribute the workflow upserts as it moves: a stage, `completed` or `cancelled`. */
export const STAGE_SEARCH_ATTRIBUTE = 'Stage';

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
