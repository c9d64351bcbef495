import type { TaskGuidance } from './plan-template.js';
import {
  guidanceFor, signOffBlockers, type PlanEvaluation, type PlanEvent, type PlanReport, type PlanStatus, type PlanTaskState,
  type StageStatus, type StationPlanInput, type StationPlanState, type SupervisionVisitState, type TaskEvidence, type TaskStatus,
} from './station-plan.js';
import type { Localized, MainTask, Stage } from './types.js';

// What a station plan looks like from outside: the getStatus query's answer, and the records the
// store keeps (the same fields, less what only the live state knows). Pure.

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

export type PlanVisitView = Omit<SupervisionVisitState, 'dueAt' | 'recordedAt' | 'remindersSent' | 'dueVersion'> & {
  dueAt: string | null;
  recordedAt: string | null;
};

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
  visits: PlanVisitView[];
  evaluation: PlanEvaluation | null;
  report: PlanReport | null;
  recentEvents: PlanEvent[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One task as the API shows it, with the work manual's guidance for template tasks. */
export function planTaskView(task: PlanTaskState, input: Pick<StationPlanInput, 'template'>): PlanTaskView {
  return {
    id: task.id, stage: task.stage, mainTask: task.mainTask, title: task.title,
    guidance: task.source === 'template' ? guidanceFor(input.template, task.id) : null,
    required: task.required, source: task.source, status: task.status, dueAt: iso(task.dueAt),
    completedAt: iso(task.completedAt), completedBy: task.completedBy, evidence: task.evidence, reopened: task.reopened,
  };
}

/** The whole live plan, as the getStatus query answers it. */
export function planStatusView(state: StationPlanState, input: StationPlanInput, workflowId: string): StationPlanStatusView {
  return {
    planId: input.planId,
    workflowId,
    communityId: input.communityId,
    template: { id: input.template.id, version: input.template.version, name: input.template.name },
    status: state.status,
    currentStage: state.currentStage,
    startedOn: input.startedOn,
    pausedAt: iso(state.pausedAt),
    pausedTotalMs: state.pausedTotalMs,
    cancellation: state.cancellation ? { ...state.cancellation, at: new Date(state.cancellation.at).toISOString() } : null,
    completedAt: iso(state.completedAt),
    stages: state.stages.map((stage) => ({
      stage: stage.stage,
      name: input.template.stages.find((s) => s.stage === stage.stage)?.name ?? { zh: stage.stage, en: stage.stage },
      status: stage.status,
      startedAt: iso(stage.startedAt),
      signOffRequestedAt: iso(stage.signOffRequestedAt),
      signedOffAt: iso(stage.signedOffAt),
      signedOffBy: stage.signedOffBy,
      comments: stage.comments,
      sendBacks: stage.sendBacks.map((s) => ({ ...s, at: new Date(s.at).toISOString() })),
      blockers: stage.status === 'open' || stage.status === 'awaiting_sign_off' ? signOffBlockers(state, stage.stage) : [],
    })),
    tasks: state.tasks.map((task) => planTaskView(task, input)),
    visits: state.visits.map(({ remindersSent: _sent, dueVersion: _version, ...visit }) => ({
      ...visit, dueAt: iso(visit.dueAt), recordedAt: iso(visit.recordedAt),
    })),
    evaluation: state.evaluation,
    report: state.report,
    recentEvents: state.events.slice(-20),
  };
}

/** The value of the `Stage` search attribute for a plan's state: its stage while it runs, else its end. */
export function stageAttribute(state: StationPlanState): string {
  return state.status === 'running' || state.status === 'paused' ? state.currentStage ?? 'guide' : state.status;
}
