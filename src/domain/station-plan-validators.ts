import { ErrorType } from './errors.js';
import type {
  CancelPlanRequest, CompleteTaskRequest, EvaluationRequest, RecordVisitRequest, RescheduleRequest, SendBackRequest, SignOffRequest,
} from './station-plan-machine.js';
import { scoreProblems, signOffBlockers, stageIndex, type StationPlanState } from './station-plan.js';
import { MAIN_TASKS, type Stage } from './types.js';

// Whether a request applies to the plan as it stands: each validator returns the refusal, with
// its reason, or null. The workflow's update validators throw the refusal; the signal logs it.
// Requests come from outside (the API validates them, other callers may not), so nothing in them
// is trusted to have the declared shape. Pure.

/** A refusal: the failure type the API maps to a status, and a message naming the reason. */
export interface Rejection {
  type: ErrorType;
  message: string;
}

const conflict = (message: string): Rejection => ({ type: ErrorType.Conflict, message });
const invalid = (message: string): Rejection => ({ type: ErrorType.InvalidInput, message });
const notFound = (message: string): Rejection => ({ type: ErrorType.NotFound, message });
const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';
const wholeDays = (value: number | undefined) => value !== undefined && (!Number.isInteger(value) || value < 0);

/** Refuses every change but resume and cancel unless the plan is running. */
export function activeRejection(state: StationPlanState): Rejection | null {
  if (state.status === 'cancelled') return conflict('the plan is cancelled');
  if (state.status === 'completed') return conflict('the plan is completed');
  if (state.status === 'paused') return conflict('the plan is paused; resume it first');
  return null;
}

/** Refuses a change to a stage other than the current one. */
export function stageRejection(state: StationPlanState, stage: Stage): Rejection | null {
  const active = activeRejection(state);
  if (active) return active;
  const stageState = state.stages.find((s) => s.stage === stage);
  if (!stageState) return invalid(`the plan has no stage ${stage}`);
  if (stage === state.currentStage) return null;
  if (stageState.status === 'signed_off') return conflict(`stage ${stage} is already signed off`);
  return conflict(`stage ${stage} has not started; the plan is in stage ${state.currentStage}`);
}

export function completeTaskRejection(state: StationPlanState, request: CompleteTaskRequest): Rejection | null {
  const active = activeRejection(state);
  if (active) return active;
  const { taskId } = request;
  const task = state.tasks.find((t) => t.id === taskId);
  if (!task) return notFound(`the plan has no task ${taskId}`);
  if (task.status === 'done') return conflict(`task ${taskId} is already done`);
  if (state.currentStage && stageIndex(state, task.stage) > stageIndex(state, state.currentStage)) {
    return conflict(`task ${taskId} belongs to the later stage ${task.stage}; the plan is in stage ${state.currentStage}`);
  }
  if (task.status === 'cancelled') return conflict(`task ${taskId} was closed with stage ${task.stage}`);
  const links: unknown = request.evidence?.links;
  if (blank(request.evidence?.note)) return invalid('evidence.note is required');
  if (!Array.isArray(links) || links.some((link) => typeof link !== 'string')) return invalid('evidence.links must be a list of links');
  return null;
}

/** Refuses a sign-off of any stage but the current one, or while anything blocks it (named). */
export function signOffRejection(state: StationPlanState, request: SignOffRequest): Rejection | null {
  const problem = stageRejection(state, request.stage);
  if (problem) return problem;
  const blockers = signOffBlockers(state, request.stage);
  return blockers.length > 0 ? conflict(`stage ${request.stage} cannot be signed off: ${blockers.join('; ')}`) : null;
}

export function sendBackRejection(state: StationPlanState, request: SendBackRequest): Rejection | null {
  const problem = stageRejection(state, request.stage);
  if (problem) return problem;
  if (blank(request.comments)) return invalid('comments are required to send a stage back');
  if (!Array.isArray(request.reopenTaskIds)) return invalid('reopenTaskIds must be a list');
  if (wholeDays(request.dueInWorkingDays)) return invalid('dueInWorkingDays must be a whole number of days');
  for (const taskId of request.reopenTaskIds) {
    const task = state.tasks.find((t) => t.id === taskId);
    if (!task || task.stage !== request.stage) return notFound(`stage ${request.stage} has no task ${taskId}`);
    if (task.status !== 'done') return conflict(`task ${taskId} is not done, so it cannot be reopened`);
  }
  return null;
}

export function recordVisitRejection(state: StationPlanState, request: RecordVisitRequest): Rejection | null {
  const problem = stageRejection(state, 'supervise');
  if (problem) return problem;
  if (blank(request.notes)) return invalid('notes are required for a supervision visit');
  if (!Array.isArray(request.followUps)) return invalid('followUps must be a list');
  for (const action of request.followUps) {
    if (blank(action?.title)) return invalid('every follow-up action needs a title');
    if (action.mainTask != null && !(MAIN_TASKS as readonly string[]).includes(action.mainTask)) return invalid(`${action.mainTask} is not a main task`);
    if (wholeDays(action.dueInWorkingDays)) return invalid('dueInWorkingDays must be a whole number of days');
  }
  if (request.visitNo !== undefined) {
    const visit = state.visits.find((v) => v.no === request.visitNo);
    if (!visit) return notFound(`the plan has no supervision visit ${request.visitNo}`);
    if (visit.status !== 'scheduled') return conflict(`supervision visit ${request.visitNo} is ${visit.status}`);
    return null;
  }
  if (!state.visits.some((v) => v.status === 'scheduled')) return conflict(`all ${state.visits.length} supervision visits are recorded`);
  return null;
}

export function evaluationRejection(state: StationPlanState, request: EvaluationRequest): Rejection | null {
  const problem = stageRejection(state, 'supervise');
  if (problem) return problem;
  if (state.evaluation) return conflict('the evaluation is already recorded');
  const problems = scoreProblems((request.scores ?? {}) as Record<string, unknown>);
  if (problems.length > 0) return invalid(`invalid scores: ${problems.join('; ')}`);
  if (typeof request.comments !== 'string') return invalid('comments are required');
  return null;
}

export function pauseRejection(state: StationPlanState): Rejection | null {
  if (state.status === 'paused') return conflict('the plan is already paused');
  return activeRejection(state);
}

export function resumeRejection(state: StationPlanState): Rejection | null {
  return state.status === 'paused' ? null : conflict(`the plan is ${state.status}, not paused`);
}

export function rescheduleRejection(state: StationPlanState, request: RescheduleRequest): Rejection | null {
  const active = activeRejection(state);
  if (active) return active;
  const delta = request.deltaWorkingDays;
  if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > 260) {
    return invalid('deltaWorkingDays must be a whole number of working days, not 0, at most 260 either way');
  }
  return null;
}

export function cancelRejection(state: StationPlanState, request: CancelPlanRequest): Rejection | null {
  if (state.status === 'cancelled') return conflict('the plan is already cancelled');
  if (state.status === 'completed') return conflict('the plan is completed');
  if (blank(request.reason)) return invalid('a reason is required to cancel a plan');
  return null;
}
