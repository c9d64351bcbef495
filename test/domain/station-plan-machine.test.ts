import { describe, expect, it } from 'vitest';
import {
  cancel, completeTask, pause, recordVisit, reschedule, resume, sendBack, signOff, submitEvaluation,
} from '../../src/domain/station-plan-machine.js';
import { PlanMirrorLog } from '../../src/domain/station-plan-mirror-log.js';
import type { PlanContext } from '../../src/domain/station-plan-notices.js';
import { planStatusView, stageAttribute } from '../../src/domain/station-plan-view.js';
import { initialPlanState, type StationPlanState } from '../../src/domain/station-plan.js';
import { compressedInput } from '../station-plan/template.js';

// The plan's state machine without Temporal: what each change does to the state, and what it
// tells the workflow to mirror, send and mark. A "working day" lasts 1 s from instant 0.

const DAY = 1_000;
const evidence = { note: 'done', links: ['https://example.org/evidence'] };
const SCORES = { post_building: 4, talent_training: 3, resource_linkage: 5, professional_services: 4 };

function started(): { state: StationPlanState; plan: PlanContext } {
  const input = compressedInput(DAY);
  return { state: initialPlanState(input, 0), plan: { input, workflowId: `station-plan:${input.communityId}` } };
}

const task = (state: StationPlanState, id: string) => state.tasks.find((t) => t.id === id)!;
const stage = (state: StationPlanState, name: string) => state.stages.find((s) => s.stage === name)!;

/** Completes the required tasks of the current stage and signs it off. */
function finishStage(state: StationPlanState, plan: PlanContext, now: number) {
  for (const t of state.tasks.filter((t) => t.stage === state.currentStage && t.required && t.status === 'open')) {
    completeTask(state, plan, { by: 'lead', taskId: t.id, evidence }, now);
  }
  return signOff(state, plan, { by: 'supervisor', stage: state.currentStage! }, now);
}

describe('station plan state machine', () => {
  it('completes a task with its evidence, and puts the stage up for sign-off once its required tasks are done', () => {
    const { state, plan } = started();
    const first = completeTask(state, plan, { by: 'lead', taskId: 'g-posts', evidence }, 100);
    expect(first.answer).toMatchObject({ id: 'g-posts', status: 'done', completedBy: 'lead', evidence, guidance: { how: { en: 'How to posts' } } });
    expect(first.change).toMatchObject({ tasks: ['g-posts'], notices: [], stageAttribute: null });
    expect(stage(state, 'guide').status).toBe('open');

    completeTask(state, plan, { by: 'lead', taskId: 'g-needs', evidence }, 200);
    // The optional g-extra does not hold the stage back.
    expect(stage(state, 'guide')).toMatchObject({ status: 'awaiting_sign_off', signOffRequestedAt: 200, signOffVersion: 1 });
    expect(state.events.map((e) => e.type)).toEqual(['started', 'task_completed', 'task_completed', 'stage_awaiting_sign_off']);
  });

  it('closes optional tasks with their stage on sign-off, opens the next stage and tells the station lead', () => {
    const { state, plan } = started();
    const { change, answer } = finishStage(state, plan, 300);
    expect(answer).toEqual({ stage: 'guide', nextStage: 'support', status: 'running' });
    expect(task(state, 'g-extra').status).toBe('cancelled');
    expect(task(state, 's-resources')).toMatchObject({ status: 'open', dueAt: 300 + 2 * DAY });
    expect(change.tasks).toEqual(['g-extra', 's-resources']);
    expect(change.stageAttribute).toBe('support');
    expect(change.notices).toEqual([expect.objectContaining({
      key: `${plan.input.planId}:stage:guide:signed-off`, recipientId: 'w-lead', kind: 'stage_signed_off', workflowId: plan.workflowId,
    })]);
    expect(state.currentStage).toBe('support');
  });

  it('scores the five qualities as a second rubric beside the main tasks, averaged on their own, and reports them', () => {
    const { state, plan } = started();
    finishStage(state, plan, 100);
    finishStage(state, plan, 200);
    const qualities = { complete_system: 4, sound_rules: 5, clear_duties: 4, standard_operation: 3, professional_efficient: 5 };
    const evaluation = submitEvaluation(state, plan, { by: 'supervisor', scores: SCORES, qualities, comments: 'solid' }, 400);
    expect(evaluation.answer).toMatchObject({ average: 4, qualities: { scores: qualities, average: 4.2 } });
    expect(state.events.at(-1)).toMatchObject({ type: 'evaluated', detail: { average: 4, qualityAverage: 4.2 } });
    finishStage(state, plan, 500);
    expect(state.report?.evaluation).toMatchObject({ average: 4, qualities: { scores: qualities, average: 4.2 } });
  });

  it('completes the plan on the last sign-off: unrecorded visits are missed, the report and evaluation are written', () => {
    const { state, plan } = started();
    finishStage(state, plan, 100);
    finishStage(state, plan, 200);
    expect(state.visits.map((v) => [v.status, v.dueAt])).toEqual([['scheduled', 200 + 2 * DAY], ['scheduled', 200 + 4 * DAY]]);

    const visit = recordVisit(state, plan, { by: 'supervisor', notes: 'visited', followUps: [{ title: 'Fix the roster', required: true }] }, 300);
    expect(visit.answer).toEqual({ visitNo: 1, followUpTaskIds: ['visit-1-follow-up-1'] });
    expect(visit.change).toMatchObject({ newTasks: ['visit-1-follow-up-1'], visits: [1] });
    expect(task(state, 'visit-1-follow-up-1')).toMatchObject({ source: 'follow_up', required: true, dueAt: 300 + 2 * DAY, status: 'open' });

    const evaluation = submitEvaluation(state, plan, { by: 'supervisor', scores: SCORES, comments: 'solid' }, 400);
    expect(evaluation.answer).toMatchObject({ average: 4, by: 'supervisor', at: 400 });
    expect(evaluation.change.evaluation).toBe(true);
    expect(evaluation.answer.qualities).toBeNull();

    const last = finishStage(state, plan, 500);
    expect(last.answer).toEqual({ stage: 'supervise', nextStage: null, status: 'completed' });
    expect(last.change).toMatchObject({ visits: [2], report: true, evaluation: true, stageAttribute: 'completed' });
    expect(state.report?.evaluation?.qualities).toBeNull();
    expect(state).toMatchObject({ status: 'completed', completedAt: 500 });
    expect(state.report).toMatchObject({ tasks: { total: 6, followUps: 1 }, visits: { planned: 2, recorded: 1, missed: 1 }, evaluation: { average: 4 } });
    expect(stageAttribute(state)).toBe('completed');
  });

  it('reopens the tasks a stage is sent back for with a new due date, and tells the station lead under a new key', () => {
    const { state, plan } = started();
    completeTask(state, plan, { by: 'lead', taskId: 'g-posts', evidence }, 100);
    completeTask(state, plan, { by: 'lead', taskId: 'g-needs', evidence }, 150);
    const { change, answer } = sendBack(state, plan, { by: 'supervisor', stage: 'guide', comments: 'add duty hours', reopenTaskIds: ['g-posts'] }, 500);
    expect(answer).toEqual({ stage: 'guide', reopened: ['g-posts'] });
    expect(task(state, 'g-posts')).toMatchObject({ status: 'open', reopened: 1, completedAt: null, dueAt: 500 + 2 * DAY, dueVersion: 1, escalationRounds: 0 });
    expect(stage(state, 'guide')).toMatchObject({ status: 'open', comments: 'add duty hours', sendBacks: [{ at: 500, by: 'supervisor', reopened: ['g-posts'] }] });
    expect(change.notices).toEqual([expect.objectContaining({
      key: `${plan.input.planId}:task:g-posts:v1:sent-back`, kind: 'task_due', check: { type: 'plan_task_open', planId: plan.input.planId, taskId: 'g-posts' },
    })]);
  });

  it('shifts open due dates, scheduled visits and a waiting sign-off by the pause on resume', () => {
    const { state, plan } = started();
    completeTask(state, plan, { by: 'lead', taskId: 'g-needs', evidence }, 100);
    const paused = pause(state, plan, { by: 'supervisor', reason: 'renovation' }, 1_000);
    expect(paused.answer).toEqual({ status: 'paused', pausedAt: new Date(1_000).toISOString() });
    expect(stageAttribute(state)).toBe('guide');

    const { change, answer } = resume(state, plan, { by: 'supervisor' }, 4_000);
    expect(answer).toEqual({ status: 'running', shiftedMs: 3_000 });
    expect(task(state, 'g-posts').dueAt).toBe(2 * DAY + 3_000);
    expect(task(state, 'g-needs').dueAt).toBe(3 * DAY);
    expect(change.tasks).toEqual(['g-posts', 'g-extra']);
    expect(state).toMatchObject({ pausedAt: null, pausedTotalMs: 3_000 });
  });

  it('moves every open due date by working days on reschedule, and starts its reminders over', () => {
    const { state, plan } = started();
    task(state, 'g-posts').remindersSent = [500];
    task(state, 'g-posts').escalationRounds = 2;
    const { change, answer } = reschedule(state, plan, { by: 'supervisor', deltaWorkingDays: 3, reason: 'holiday' }, 100);
    expect(answer).toEqual({ shiftedTasks: ['g-posts', 'g-needs', 'g-extra'], shiftedVisits: [] });
    expect(task(state, 'g-posts')).toMatchObject({ dueAt: 5 * DAY, dueVersion: 1, remindersSent: [], escalationRounds: 0 });
    expect(change.tasks).toEqual(['g-posts', 'g-needs', 'g-extra']);
    expect(state.events.at(-1)).toMatchObject({ type: 'rescheduled', detail: { deltaWorkingDays: 3, reason: 'holiday' } });
  });

  it('closes every open stage, task and visit on cancel, counting the time paused so far', () => {
    const { state, plan } = started();
    completeTask(state, plan, { by: 'lead', taskId: 'g-posts', evidence }, 100);
    pause(state, plan, { by: 'supervisor' }, 1_000);
    const { change, answer } = cancel(state, plan, { by: 'supervisor', reason: 'merged' }, 1_500);
    expect(answer).toEqual({ status: 'cancelled' });
    expect(state).toMatchObject({ status: 'cancelled', pausedAt: null, pausedTotalMs: 500, cancellation: { at: 1_500, by: 'supervisor', reason: 'merged' } });
    expect(state.stages.map((s) => s.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(task(state, 'g-posts').status).toBe('done');
    expect(change.tasks).toEqual(['g-needs', 'g-extra', 's-resources', 'v-midterm']);
    expect(change.visits).toEqual([1, 2]);
    expect(change.stageAttribute).toBe('cancelled');
  });
});

describe('station plan views and mirror log', () => {
  it('answers the live status with guidance and what blocks sign-off, without the scheduler\'s bookkeeping', () => {
    const { state, plan } = started();
    const view = planStatusView(state, plan.input, plan.workflowId);
    expect(view).toMatchObject({ planId: plan.input.planId, status: 'running', currentStage: 'guide', template: { id: 'test-station-plan', version: 7 } });
    expect(view.stages[0]).toMatchObject({ stage: 'guide', name: { en: 'Guide' }, blockers: ['task g-posts is open', 'task g-needs is open'] });
    expect(view.stages[1]!.blockers).toEqual([]);
    expect(view.tasks[0]).toMatchObject({ id: 'g-posts', dueAt: new Date(2 * DAY).toISOString(), guidance: { why: { zh: 'posts的原因' } } });
    expect(view.visits[0]).toEqual({ no: 1, dueAt: null, status: 'pending', recordedAt: null, recordedBy: null, notes: null, followUpTaskIds: [] });
  });

  it('writes everything first, then only what changed since the last write', () => {
    const { state, plan } = started();
    const log = new PlanMirrorLog(state, false);
    const first = log.take(state, plan.input, plan.workflowId);
    expect(first.tasks).toHaveLength(5);
    expect(first.tasks.every((t) => t.guidance !== undefined)).toBe(true);
    expect(first.events.map((e) => e.type)).toEqual(['started']);

    log.record(completeTask(state, plan, { by: 'lead', taskId: 'g-posts', evidence }, 100).change);
    const second = log.take(state, plan.input, plan.workflowId);
    expect(second.tasks.map((t) => [t.id, t.status, 'guidance' in t])).toEqual([['g-posts', 'done', false]]);
    expect(second.events.map((e) => e.type)).toEqual(['task_completed']);
    expect(second.plan.evaluation).toBeUndefined();
    expect(log.take(state, plan.input, plan.workflowId).tasks).toEqual([]);
  });

  it('writes nothing again after continue-as-new but what changes next', () => {
    const { state, plan } = started();
    const log = new PlanMirrorLog(state, true);
    const first = log.take(state, plan.input, plan.workflowId);
    expect(first.tasks).toEqual([]);
    expect(first.events).toEqual([]);
  });
});
