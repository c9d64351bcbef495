import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEEKDAY_CALENDAR, type WorkCalendar } from '../../src/domain/calendar.js';
import { DEFAULT_REMINDER_POLICY } from '../../src/domain/reminders.js';
import {
  buildPlanMirror, buildPlanReport, dueAfterWorkingDays, fullPlanMirror, initialPlanState, openStage, refreshStageReadiness,
  shiftInstant, shiftWorkingDays, signOffBlockers, type StationPlanInput,
} from '../../src/domain/station-plan.js';
import { shanghaiInstant } from '../../src/domain/time.js';
import { applyPlanMirror, getLatestPlan, listPlanSummaries } from '../../src/store/repositories/station-plan.js';
import { BACKENDS, createTestStore, type TestStore } from '../helpers/store.js';
import { TEST_TEMPLATE } from './support.js';

// The plan's pure rules (due dates on working days, readiness, the report) and its records-store
// mirror on both backends: idempotent, ordered by revision.

const COMMUNITY = 'cn-bj-xicheng-zhanlanlu-wanmingyuan';
// National Day 2026: 1–7 October off, Sunday 27 September and Saturday 10 October worked.
const CALENDAR: WorkCalendar = {
  source: 'test', years: [2026],
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-27', '2026-10-10'],
};

function input(overrides: Partial<StationPlanInput> = {}): StationPlanInput {
  return {
    planId: `station-plan:${COMMUNITY}:2026-09-28:test`,
    communityId: COMMUNITY,
    startedOn: '2026-09-28',
    template: TEST_TEMPLATE,
    schedule: { mode: 'calendar', calendar: CALENDAR, dueTime: '17:30' },
    reminderPolicy: DEFAULT_REMINDER_POLICY,
    recipients: { stationLeadId: 'w-wanmingyuan-lead', supervisorId: 'w-zhanlanlu-supervisor-01' },
    supervision: { intervalWorkingDays: 10, count: 2 },
    signOffReminderMs: 86_400_000,
    reopenDueWorkingDays: 5,
    startedBy: 'test',
    ...overrides,
  };
}

describe('station plan rules', () => {
  it('counts due dates in working days of the official calendar, skipping the holiday and using the adjusted workdays', () => {
    const schedule = input().schedule;
    // Monday 28 September + 2 working days: Tuesday 29, Wednesday 30.
    expect(dueAfterWorkingDays(schedule, shanghaiInstant('2026-09-28'), 2)).toBe(shanghaiInstant('2026-09-30', '17:30'));
    // + 3: past the National Day holiday to Thursday 8 October.
    expect(dueAfterWorkingDays(schedule, shanghaiInstant('2026-09-28'), 3)).toBe(shanghaiInstant('2026-10-08', '17:30'));
    // Saturday 10 October is an adjusted workday.
    expect(shiftWorkingDays('2026-10-09', 1, CALENDAR)).toBe('2026-10-10');
    expect(shiftWorkingDays('2026-10-08', -1, CALENDAR)).toBe('2026-09-30');
    expect(shiftWorkingDays('2027-01-08', 1, CALENDAR)).toBe('2027-01-11');
    expect(shiftInstant(schedule, shanghaiInstant('2026-09-30', '17:30'), 1)).toBe(shanghaiInstant('2026-10-08', '17:30'));
    expect(shiftInstant({ mode: 'compressed', dayMs: 1000 }, 5000, -2)).toBe(3000);
    expect(dueAfterWorkingDays({ mode: 'compressed', dayMs: 1000 }, 5000, 3)).toBe(8000);
    expect(shiftWorkingDays('2026-12-04', 1, WEEKDAY_CALENDAR)).toBe('2026-12-07');
  });

  it('opens the first stage with due dates from the start date and waits for sign-off once required tasks are done', () => {
    const plan = input();
    const state = initialPlanState(plan, shanghaiInstant('2026-09-28', '10:00'));
    expect(state.currentStage).toBe('guide');
    expect(state.tasks.filter((t) => t.status === 'open').map((t) => t.id)).toEqual(['g-posts', 'g-needs', 'g-extra']);
    expect(state.tasks.find((t) => t.id === 'g-posts')!.dueAt).toBe(shanghaiInstant('2026-09-30', '17:30'));
    expect(signOffBlockers(state, 'guide')).toEqual(['task g-posts is open', 'task g-needs is open']);
    for (const task of state.tasks.filter((t) => t.required && t.stage === 'guide')) task.status = 'done';
    expect(refreshStageReadiness(state, 'guide', 1)).toBe(true);
    expect(state.stages[0]).toMatchObject({ status: 'awaiting_sign_off', signOffRequestedAt: 1, signOffVersion: 1 });

    openStage(state, plan, 'supervise', shanghaiInstant('2026-11-02', '09:00'));
    expect(state.visits.map((v) => v.status)).toEqual(['scheduled', 'scheduled']);
    expect(state.visits[0]!.dueAt).toBe(shanghaiInstant('2026-11-16', '17:30'));
    expect(signOffBlockers(state, 'supervise')).toEqual(['task v-midterm is open', 'the evaluation is not recorded']);
  });

  it('reports tasks on time and late, visits and scores per main task', () => {
    const plan = input({ schedule: { mode: 'compressed', dayMs: 1000 } });
    const state = initialPlanState(plan, 0);
    const posts = state.tasks.find((t) => t.id === 'g-posts')!;
    Object.assign(posts, { status: 'done', completedAt: 1000 });
    const needs = state.tasks.find((t) => t.id === 'g-needs')!;
    Object.assign(needs, { status: 'done', completedAt: 9000 });
    state.evaluation = { scores: { post_building: 5, talent_training: 4, resource_linkage: 3, professional_services: 2 }, average: 3.5, comments: 'ok', by: 's', at: 1 };
    const report = buildPlanReport(state, plan, 10_000);
    expect(report.tasks).toMatchObject({ total: 5, done: 2, onTime: 1, late: 1 });
    expect(report.byMainTask.post_building).toEqual({ tasks: 1, done: 1, score: 5 });
    expect(report.stages[0]!.tasks).toMatchObject({ total: 3, required: 2, done: 2, onTime: 1, late: 1 });
  });
});

describe.each(BACKENDS)('station plan records on %s', (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(backend, { seed: true });
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('mirrors a plan idempotently and never lets an older revision overwrite a newer one', async () => {
    const plan = input();
    const state = initialPlanState(plan, shanghaiInstant('2026-09-28', '10:00'));
    state.revision = 1;
    expect(await applyPlanMirror(store.db, fullPlanMirror(state, plan, 'wf'))).toBe('applied');
    expect(await applyPlanMirror(store.db, fullPlanMirror(state, plan, 'wf'))).toBe('applied');

    const posts = state.tasks.find((t) => t.id === 'g-posts')!;
    Object.assign(posts, { status: 'done', completedAt: shanghaiInstant('2026-09-29', '11:00'), completedBy: 'lead', evidence: { note: 'n', links: [] } });
    state.revision = 3;
    const newer = buildPlanMirror(state, plan, 'wf', { taskIds: ['g-posts'], newTaskIds: [], visitNos: [], eventsAfter: 1, evaluation: false, report: false });
    expect(await applyPlanMirror(store.db, newer)).toBe('applied');
    const older = { ...fullPlanMirror({ ...state, tasks: state.tasks.map((t) => (t.id === 'g-posts' ? { ...t, status: 'open' as const } : t)) }, plan, 'wf'), revision: 2 };
    expect(await applyPlanMirror(store.db, older)).toBe('stale');

    const record = (await getLatestPlan(store.db, COMMUNITY))!;
    expect(record).toMatchObject({ planId: plan.planId, revision: 3, status: 'running', currentStage: 'guide', startedOn: '2026-09-28' });
    expect(record.tasks).toHaveLength(5);
    expect(record.tasks.find((t) => t.id === 'g-posts')).toMatchObject({ status: 'done', completedBy: 'lead', guidance: TEST_TEMPLATE.stages[0]!.tasks[0]!.guidance });
    expect(record.events.map((e) => e.type)).toEqual(['started']);

    const summaries = await listPlanSummaries(store.db, { communityIds: [COMMUNITY, 'cn-bj-xicheng-zhanlanlu-yushuguan'], now: new Date(shanghaiInstant('2026-10-08', '18:00')) });
    expect(summaries).toEqual([expect.objectContaining({
      planId: plan.planId, communityId: COMMUNITY, tasks: { total: 5, done: 1, open: 2, overdue: 2 }, awaitingSignOff: false,
    })]);
  });
});
