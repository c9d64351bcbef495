import { describe, expect, it } from 'vitest';
import { WEEKDAY_CALENDAR } from '../../src/domain/calendar.js';
import {
  buildPlanReport, dueAfterWorkingDays, initialPlanState, openStage, refreshStageReadiness, scoreProblems, shiftInstant, shiftWorkingDays,
  signOffBlockers,
} from '../../src/domain/station-plan.js';
import { shanghaiInstant } from '../../src/domain/time.js';
import { calendarInput as input, NATIONAL_DAY_CALENDAR as CALENDAR } from '../station-plan/template.js';

// The plan's pure rules: due dates on working days, readiness for sign-off, the report.

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

  it('accepts a whole score from 1 to 5 for each main task and names every other problem', () => {
    expect(scoreProblems({ post_building: 4, talent_training: 3, resource_linkage: 5, professional_services: 1 })).toEqual([]);
    expect(scoreProblems({ post_building: 6, talent_training: 2.5, resource_linkage: 5, extra: 3 })).toEqual([
      'post_building must be an integer from 1 to 5', 'talent_training must be an integer from 1 to 5',
      'professional_services must be an integer from 1 to 5', 'extra is not a main task',
    ]);
  });
});
