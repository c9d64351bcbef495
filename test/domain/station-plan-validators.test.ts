import { describe, expect, it } from 'vitest';
import { ErrorType } from '../../src/domain/errors.js';
import { completeTask, pause, signOff, submitEvaluation, type EvaluationRequest, type RecordVisitRequest } from '../../src/domain/station-plan-machine.js';
import type { PlanContext } from '../../src/domain/station-plan-notices.js';
import {
  cancelRejection, completeTaskRejection, evaluationRejection, pauseRejection, recordVisitRejection, rescheduleRejection, resumeRejection,
  sendBackRejection, signOffRejection,
} from '../../src/domain/station-plan-validators.js';
import { initialPlanState, type StationPlanState } from '../../src/domain/station-plan.js';
import { compressedInput } from '../station-plan/template.js';

// Every refusal names its reason, and carries the failure type the API maps to a status:
// ERR_NOT_FOUND → 404, ERR_INVALID_INPUT → 400, ERR_CONFLICT → 409.

const evidence = { note: 'done', links: [] };
const SCORES = { post_building: 4, talent_training: 3, resource_linkage: 5, professional_services: 4 };
const QUALITIES = { complete_system: 4, sound_rules: 5, clear_duties: 4, standard_operation: 3, professional_efficient: 5 };
const refusal = (type: ErrorType, text: string) => expect.objectContaining({ type, reason: expect.stringMatching(/^[a-z_]+$/), message: expect.stringContaining(text) });
const conflict = (text: string) => refusal(ErrorType.Conflict, text);
const invalid = (text: string) => refusal(ErrorType.InvalidInput, text);
const notFound = (text: string) => refusal(ErrorType.NotFound, text);

function started(): { state: StationPlanState; plan: PlanContext } {
  const input = compressedInput();
  return { state: initialPlanState(input, 0), plan: { input, workflowId: 'station-plan:cn-test' } };
}

/** A plan in its supervise stage. */
function supervising() {
  const { state, plan } = started();
  for (const [stage, tasks] of [['guide', ['g-posts', 'g-needs']], ['support', ['s-resources']]] as const) {
    for (const taskId of tasks) completeTask(state, plan, { by: 'lead', taskId, evidence }, 10);
    signOff(state, plan, { by: 'supervisor', stage }, 20);
  }
  return { state, plan };
}

describe('station plan validators', () => {
  it('lets a valid task completion through', () => {
    const { state } = started();
    expect(completeTaskRejection(state, { by: 'lead', taskId: 'g-posts', evidence })).toBeNull();
  });

  it('refuses to complete an unknown, done, later, closed or evidence-less task, saying why', () => {
    const { state, plan } = started();
    expect(completeTaskRejection(state, { by: 'lead', taskId: 'nope', evidence })).toEqual(notFound('the plan has no task nope'));
    expect(completeTaskRejection(state, { by: 'lead', taskId: 's-resources', evidence })).toEqual(conflict('belongs to the later stage support'));
    expect(completeTaskRejection(state, { by: 'lead', taskId: 'g-posts', evidence: { note: ' ', links: [] } })).toEqual(invalid('evidence.note is required'));
    expect(completeTaskRejection(state, { by: 'lead', taskId: 'g-posts', evidence: { note: 'x', links: [3] } as never })).toEqual(invalid('evidence.links'));
    expect(completeTaskRejection(state, { by: 'lead', taskId: 'g-posts' } as never)).toEqual(invalid('evidence.note is required'));
    completeTask(state, plan, { by: 'lead', taskId: 'g-posts', evidence }, 1);
    expect(completeTaskRejection(state, { by: 'lead', taskId: 'g-posts', evidence })).toEqual(conflict('task g-posts is already done'));
    completeTask(state, plan, { by: 'lead', taskId: 'g-needs', evidence }, 2);
    signOff(state, plan, { by: 'supervisor', stage: 'guide' }, 3);
    expect(completeTaskRejection(state, { by: 'lead', taskId: 'g-extra', evidence })).toEqual(conflict('task g-extra was closed with stage guide'));
  });

  it('refuses every change but resume and cancel while the plan is paused', () => {
    const { state, plan } = started();
    pause(state, plan, { by: 'supervisor' }, 1);
    const paused = conflict('the plan is paused; resume it first');
    expect(completeTaskRejection(state, { by: 'lead', taskId: 'g-posts', evidence })).toEqual(paused);
    expect(signOffRejection(state, { by: 'supervisor', stage: 'guide' })).toEqual(paused);
    expect(rescheduleRejection(state, { by: 'supervisor', deltaWorkingDays: 2 })).toEqual(paused);
    expect(pauseRejection(state)).toEqual(conflict('the plan is already paused'));
    expect(resumeRejection(state)).toBeNull();
    expect(cancelRejection(state, { by: 'supervisor', reason: 'merged' })).toBeNull();
  });

  it('refuses sign-off while required tasks are open, naming them, and for any stage but the current one', () => {
    const { state, plan } = started();
    const refused = signOffRejection(state, { by: 'supervisor', stage: 'guide' });
    expect(refused).toEqual(conflict('stage guide cannot be signed off: task g-posts is open; task g-needs is open'));
    expect(refused!.message).not.toContain('g-extra');
    expect(signOffRejection(state, { by: 'supervisor', stage: 'support' })).toEqual(conflict('stage support has not started; the plan is in stage guide'));
    for (const taskId of ['g-posts', 'g-needs']) completeTask(state, plan, { by: 'lead', taskId, evidence }, 1);
    expect(signOffRejection(state, { by: 'supervisor', stage: 'guide' })).toBeNull();
    signOff(state, plan, { by: 'supervisor', stage: 'guide' }, 2);
    expect(signOffRejection(state, { by: 'supervisor', stage: 'guide' })).toEqual(conflict('stage guide is already signed off'));
  });

  it('refuses the supervise sign-off until the evaluation is recorded', () => {
    const { state, plan } = supervising();
    completeTask(state, plan, { by: 'lead', taskId: 'v-midterm', evidence }, 30);
    expect(signOffRejection(state, { by: 'supervisor', stage: 'supervise' })).toEqual(conflict('the evaluation is not recorded'));
    submitEvaluation(state, plan, { by: 'supervisor', scores: SCORES, comments: '' }, 40);
    expect(signOffRejection(state, { by: 'supervisor', stage: 'supervise' })).toBeNull();
  });

  it('refuses a send-back without comments, or reopening a task that is not done or not in the stage', () => {
    const { state, plan } = started();
    completeTask(state, plan, { by: 'lead', taskId: 'g-posts', evidence }, 1);
    const base = { by: 'supervisor', stage: 'guide' as const, comments: 'again' };
    expect(sendBackRejection(state, { ...base, reopenTaskIds: ['g-posts'] })).toBeNull();
    expect(sendBackRejection(state, { ...base, comments: '', reopenTaskIds: [] })).toEqual(invalid('comments are required'));
    expect(sendBackRejection(state, { ...base, reopenTaskIds: 'g-posts' } as never)).toEqual(invalid('reopenTaskIds must be a list'));
    expect(sendBackRejection(state, { ...base, reopenTaskIds: [], dueInWorkingDays: 1.5 })).toEqual(invalid('dueInWorkingDays'));
    expect(sendBackRejection(state, { ...base, reopenTaskIds: ['g-needs'] })).toEqual(conflict('task g-needs is not done'));
    expect(sendBackRejection(state, { ...base, reopenTaskIds: ['s-resources'] })).toEqual(notFound('stage guide has no task s-resources'));
  });

  it('refuses a visit outside the supervise stage, without notes, with a bad follow-up or for a visit not scheduled', () => {
    const visit: RecordVisitRequest = { by: 'supervisor', notes: 'visited', followUps: [] };
    expect(recordVisitRejection(started().state, visit)).toEqual(conflict('stage supervise has not started'));
    const { state } = supervising();
    expect(recordVisitRejection(state, visit)).toBeNull();
    expect(recordVisitRejection(state, { ...visit, notes: '' })).toEqual(invalid('notes are required'));
    expect(recordVisitRejection(state, { ...visit, followUps: [{ title: '' }] })).toEqual(invalid('every follow-up action needs a title'));
    expect(recordVisitRejection(state, { ...visit, followUps: [{ title: 'x', mainTask: 'cooking' as never }] })).toEqual(invalid('cooking is not a main task'));
    expect(recordVisitRejection(state, { ...visit, visitNo: 9 })).toEqual(notFound('no supervision visit 9'));
    for (const v of state.visits) v.status = 'recorded';
    expect(recordVisitRejection(state, { ...visit, visitNo: 1 })).toEqual(conflict('supervision visit 1 is recorded'));
    expect(recordVisitRejection(state, visit)).toEqual(conflict('all 2 supervision visits are recorded'));
  });

  it('refuses bad scores, missing comments and a second evaluation', () => {
    const { state, plan } = supervising();
    const request: EvaluationRequest = { by: 'supervisor', scores: SCORES, comments: 'ok' };
    expect(evaluationRejection(state, request)).toBeNull();
    expect(evaluationRejection(state, { ...request, scores: { ...SCORES, post_building: 6 } })).toEqual(invalid('post_building must be an integer from 1 to 5'));
    expect(evaluationRejection(state, { ...request, comments: undefined } as never)).toEqual(invalid('comments are required'));
    submitEvaluation(state, plan, request, 30);
    expect(evaluationRejection(state, request)).toEqual(conflict('the evaluation is already recorded'));
  });

  it('takes the five qualities as an optional second rubric, each an integer from 1 to 5 and nothing else', () => {
    const { state } = supervising();
    const request: EvaluationRequest = { by: 'supervisor', scores: SCORES, comments: 'ok' };
    expect(evaluationRejection(state, { ...request, qualities: QUALITIES })).toBeNull();
    expect(evaluationRejection(state, { ...request, qualities: null })).toBeNull();
    const { clear_duties: _missing, ...four } = QUALITIES;
    expect(evaluationRejection(state, { ...request, qualities: four as never })).toMatchObject({
      reason: 'qualities_invalid', values: { problems: ['clear_duties must be an integer from 1 to 5'] },
    });
    expect(evaluationRejection(state, { ...request, qualities: { ...QUALITIES, sound_rules: 0, brand: 5 } as never })).toMatchObject({
      reason: 'qualities_invalid', values: { problems: ['sound_rules must be an integer from 1 to 5', 'brand is not a quality of the operating pattern'] },
    });
  });

  it('refuses a reschedule by no days or by more than a year, resume of a running plan, and cancel without a reason or twice', () => {
    const { state } = started();
    expect(rescheduleRejection(state, { by: 's', deltaWorkingDays: -3 })).toBeNull();
    for (const delta of [0, 1.5, 261]) expect(rescheduleRejection(state, { by: 's', deltaWorkingDays: delta })).toEqual(invalid('deltaWorkingDays'));
    expect(resumeRejection(state)).toEqual(conflict('the plan is running, not paused'));
    expect(cancelRejection(state, { by: 's', reason: ' ' })).toEqual(invalid('a reason is required'));
    state.status = 'cancelled';
    expect(cancelRejection(state, { by: 's', reason: 'again' })).toEqual(conflict('the plan is already cancelled'));
    expect(completeTaskRejection(state, { by: 'lead', taskId: 'g-posts', evidence })).toEqual(conflict('the plan is cancelled'));
  });
});
