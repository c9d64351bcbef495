import { ErrorType, refuse, type Rejection } from './errors.js';
import type {
  CancelPlanRequest, CompleteTaskRequest, EvaluationRequest, RecordVisitRequest, RescheduleRequest, SendBackRequest, SignOffRequest,
} from './station-plan-machine.js';
import { scoreProblems, signOffBlockers, stageIndex, type StationPlanState } from './station-plan.js';
import { MAIN_TASKS, STATION_QUALITIES, type Stage } from './types.js';

// Whether a request applies to the plan as it stands: each validator returns the refusal, with
// its reason, or null. The workflow's update validators throw the refusal; the signal logs it.
// Requests come from outside (the API validates them, other callers may not), so nothing in them
// is trusted to have the declared shape. Pure.

export type { Rejection };

type Values = Record<string, unknown>;
const conflict = (reason: string, message: string, values?: Values): Rejection => refuse(ErrorType.Conflict, reason, message, values);
const invalid = (reason: string, message: string, values?: Values): Rejection => refuse(ErrorType.InvalidInput, reason, message, values);
const notFound = (reason: string, message: string, values?: Values): Rejection => refuse(ErrorType.NotFound, reason, message, values);
const blank = (value: unknown) => typeof value !== 'string' || value.trim() === '';
const wholeDays = (value: number | undefined) => value !== undefined && (!Number.isInteger(value) || value < 0);

/** Refuses every change but resume and cancel unless the plan is running. */
export function activeRejection(state: StationPlanState): Rejection | null {
  if (state.status === 'cancelled') return conflict('plan_cancelled', 'the plan is cancelled');
  if (state.status === 'completed') return conflict('plan_completed', 'the plan is completed');
  if (state.status === 'paused') return conflict('plan_paused', 'the plan is paused; resume it first');
  return null;
}

/** Refuses a change to a stage other than the current one. */
export function stageRejection(state: StationPlanState, stage: Stage): Rejection | null {
  const active = activeRejection(state);
  if (active) return active;
  const stageState = state.stages.find((s) => s.stage === stage);
  if (!stageState) return invalid('stage_unknown', `the plan has no stage ${stage}`, { stage });
  if (stage === state.currentStage) return null;
  if (stageState.status === 'signed_off') return conflict('stage_already_signed_off', `stage ${stage} is already signed off`, { stage });
  return conflict('stage_not_started', `stage ${stage} has not started; the plan is in stage ${state.currentStage}`, { stage, currentStage: state.currentStage });
}

export function completeTaskRejection(state: StationPlanState, request: CompleteTaskRequest): Rejection | null {
  const active = activeRejection(state);
  if (active) return active;
  const { taskId } = request;
  const task = state.tasks.find((t) => t.id === taskId);
  if (!task) return notFound('task_not_found', `the plan has no task ${taskId}`, { taskId });
  if (task.status === 'done') return conflict('task_already_done', `task ${taskId} is already done`, { taskId });
  if (state.currentStage && stageIndex(state, task.stage) > stageIndex(state, state.currentStage)) {
    return conflict('task_in_later_stage', `task ${taskId} belongs to the later stage ${task.stage}; the plan is in stage ${state.currentStage}`, { taskId, stage: task.stage, currentStage: state.currentStage });
  }
  if (task.status === 'cancelled') return conflict('task_closed_with_stage', `task ${taskId} was closed with stage ${task.stage}`, { taskId, stage: task.stage });
  const links: unknown = request.evidence?.links;
  if (blank(request.evidence?.note)) return invalid('evidence_note_required', 'evidence.note is required');
  if (!Array.isArray(links) || links.some((link) => typeof link !== 'string')) return invalid('evidence_links_invalid', 'evidence.links must be a list of links');
  return null;
}

/** Refuses a sign-off of any stage but the current one, or while anything blocks it (named). */
export function signOffRejection(state: StationPlanState, request: SignOffRequest): Rejection | null {
  const problem = stageRejection(state, request.stage);
  if (problem) return problem;
  const blockers = signOffBlockers(state, request.stage);
  return blockers.length > 0 ? conflict('sign_off_blocked', `stage ${request.stage} cannot be signed off: ${blockers.join('; ')}`, { stage: request.stage, blockers }) : null;
}

export function sendBackRejection(state: StationPlanState, request: SendBackRequest): Rejection | null {
  const problem = stageRejection(state, request.stage);
  if (problem) return problem;
  if (blank(request.comments)) return invalid('send_back_comments_required', 'comments are required to send a stage back');
  if (!Array.isArray(request.reopenTaskIds)) return invalid('reopen_tasks_invalid', 'reopenTaskIds must be a list');
  if (wholeDays(request.dueInWorkingDays)) return invalid('due_days_invalid', 'dueInWorkingDays must be a whole number of days');
  for (const taskId of request.reopenTaskIds) {
    const task = state.tasks.find((t) => t.id === taskId);
    if (!task || task.stage !== request.stage) return notFound('task_not_in_stage', `stage ${request.stage} has no task ${taskId}`, { stage: request.stage, taskId });
    if (task.status !== 'done') return conflict('task_not_done', `task ${taskId} is not done, so it cannot be reopened`, { taskId });
  }
  return null;
}

export function recordVisitRejection(state: StationPlanState, request: RecordVisitRequest): Rejection | null {
  const problem = stageRejection(state, 'supervise');
  if (problem) return problem;
  if (blank(request.notes)) return invalid('visit_notes_required', 'notes are required for a supervision visit');
  if (!Array.isArray(request.followUps)) return invalid('follow_ups_invalid', 'followUps must be a list');
  for (const action of request.followUps) {
    if (blank(action?.title)) return invalid('follow_up_title_required', 'every follow-up action needs a title');
    if (action.mainTask != null && !(MAIN_TASKS as readonly string[]).includes(action.mainTask)) return invalid('main_task_unknown', `${action.mainTask} is not a main task`, { mainTask: action.mainTask });
    if (wholeDays(action.dueInWorkingDays)) return invalid('due_days_invalid', 'dueInWorkingDays must be a whole number of days');
  }
  if (request.visitNo !== undefined) {
    const visit = state.visits.find((v) => v.no === request.visitNo);
    if (!visit) return notFound('visit_not_found', `the plan has no supervision visit ${request.visitNo}`, { visitNo: request.visitNo });
    if (visit.status !== 'scheduled') return conflict('visit_not_scheduled', `supervision visit ${request.visitNo} is ${visit.status}`, { visitNo: request.visitNo, status: visit.status });
    return null;
  }
  if (!state.visits.some((v) => v.status === 'scheduled')) return conflict('visits_all_recorded', `all ${state.visits.length} supervision visits are recorded`, { count: state.visits.length });
  return null;
}

export function evaluationRejection(state: StationPlanState, request: EvaluationRequest): Rejection | null {
  const problem = stageRejection(state, 'supervise');
  if (problem) return problem;
  if (state.evaluation) return conflict('evaluation_already_recorded', 'the evaluation is already recorded');
  const problems = scoreProblems((request.scores ?? {}) as Record<string, unknown>);
  if (problems.length > 0) return invalid('scores_invalid', `invalid scores: ${problems.join('; ')}`, { problems });
  if (request.qualities != null) {
    const qualityProblems = scoreProblems(request.qualities as Record<string, unknown>, STATION_QUALITIES, 'a quality of the operating pattern');
    if (qualityProblems.length > 0) return invalid('qualities_invalid', `invalid quality scores: ${qualityProblems.join('; ')}`, { problems: qualityProblems });
  }
  if (typeof request.comments !== 'string') return invalid('comments_required', 'comments are required');
  return null;
}

export function pauseRejection(state: StationPlanState): Rejection | null {
  if (state.status === 'paused') return conflict('plan_already_paused', 'the plan is already paused');
  return activeRejection(state);
}

export function resumeRejection(state: StationPlanState): Rejection | null {
  return state.status === 'paused' ? null : conflict('plan_not_paused', `the plan is ${state.status}, not paused`, { status: state.status });
}

export function rescheduleRejection(state: StationPlanState, request: RescheduleRequest): Rejection | null {
  const active = activeRejection(state);
  if (active) return active;
  const delta = request.deltaWorkingDays;
  if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > 260) {
    return invalid('reschedule_delta_invalid', 'deltaWorkingDays must be a whole number of working days, not 0, at most 260 either way');
  }
  return null;
}

export function cancelRejection(state: StationPlanState, request: CancelPlanRequest): Rejection | null {
  if (state.status === 'cancelled') return conflict('plan_already_cancelled', 'the plan is already cancelled');
  if (state.status === 'completed') return conflict('plan_completed', 'the plan is completed');
  if (blank(request.reason)) return invalid('cancel_reason_required', 'a reason is required to cancel a plan');
  return null;
}
