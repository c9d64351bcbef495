import type { PlanTemplate } from '../../src/domain/plan-template.js';
import type { WorkCalendar } from '../../src/domain/calendar.js';
import { DEFAULT_REMINDER_POLICY, type ReminderPolicy } from '../../src/domain/reminders.js';
import type { StationPlanInput } from '../../src/domain/station-plan.js';

// Plan fixtures: a template whose plans run in seconds (a "working day" lasts `dayMs`, every day
// counts, no quiet hours), its reminder policy, and plan inputs for the pure rules' unit tests.

const guidance = (what: string) => ({
  why: { zh: `${what}的原因`, en: `Why ${what}` },
  how: { zh: `${what}的做法`, en: `How to ${what}` },
  evidence: { zh: `${what}的佐证`, en: `Evidence of ${what}` },
});

/** Two tasks in guide (one optional), one in support, one in supervise; due after 1–3 days. */
export const TEST_TEMPLATE: PlanTemplate = {
  id: 'test-station-plan',
  version: 7,
  name: { zh: '测试计划', en: 'Test plan' },
  stages: [
    {
      stage: 'guide',
      name: { zh: '指导', en: 'Guide' },
      tasks: [
        { id: 'g-posts', mainTask: 'post_building', title: { zh: '岗位', en: 'Posts' }, guidance: guidance('posts'), dueOffsetWorkingDays: 2, required: true },
        { id: 'g-needs', mainTask: 'professional_services', title: { zh: '需求', en: 'Needs' }, guidance: guidance('needs'), dueOffsetWorkingDays: 3, required: true },
        { id: 'g-extra', mainTask: 'talent_training', title: { zh: '选做', en: 'Optional' }, guidance: guidance('extra'), dueOffsetWorkingDays: 3, required: false },
      ],
    },
    {
      stage: 'support',
      name: { zh: '支持', en: 'Support' },
      tasks: [
        { id: 's-resources', mainTask: 'resource_linkage', title: { zh: '资源', en: 'Resources' }, guidance: guidance('resources'), dueOffsetWorkingDays: 2, required: true },
      ],
    },
    {
      stage: 'supervise',
      name: { zh: '督导', en: 'Supervise' },
      tasks: [
        { id: 'v-midterm', mainTask: 'professional_services', title: { zh: '中期', en: 'Mid-term' }, guidance: guidance('midterm'), dueOffsetWorkingDays: 2, required: true },
      ],
    },
  ],
};

/** A one-stage-at-a-time template with a single guide task due after `dueDays`. */
export function singleTaskTemplate(dueDays: number): PlanTemplate {
  return {
    ...TEST_TEMPLATE,
    id: 'test-single-task',
    stages: [
      { ...TEST_TEMPLATE.stages[0]!, tasks: [{ ...TEST_TEMPLATE.stages[0]!.tasks[0]!, dueOffsetWorkingDays: dueDays }] },
      TEST_TEMPLATE.stages[1]!,
      TEST_TEMPLATE.stages[2]!,
    ],
  };
}

/** Reminders half a day before due, an overdue notice at due, escalations after grace then every day. */
export function testPolicy(dayMs: number, escalation = true): ReminderPolicy {
  return {
    offsetsMs: [dayMs / 2],
    quietHours: null,
    workingDaysOnly: false,
    overdueRepeatMs: null,
    escalation: escalation ? { graceMs: dayMs / 2, cadenceMs: dayMs, chain: ['station_lead', 'center_supervisor'] } : null,
  };
}

/**
 * A plan's workflow input in compressed time (a day lasts `dayMs`, from instant 0), for the pure
 * rules' unit tests: no store, no Temporal.
 */
export function compressedInput(dayMs = 1_000, overrides: Partial<StationPlanInput> = {}): StationPlanInput {
  return {
    planId: 'station-plan:cn-test:2026-01-05:unit',
    communityId: 'cn-test',
    communityName: { zh: '测试社区', en: 'Test community' },
    startedOn: '2026-01-05',
    template: TEST_TEMPLATE,
    schedule: { mode: 'compressed', dayMs },
    reminderPolicy: testPolicy(dayMs),
    recipients: { stationLeadId: 'w-lead', supervisorId: 'w-supervisor' },
    supervision: { intervalWorkingDays: 2, count: 2 },
    signOffReminderMs: 10 * dayMs,
    reopenDueWorkingDays: 2,
    startedBy: 'test',
    ...overrides,
  };
}

export const WANMINGYUAN_ID = 'cn-bj-xicheng-zhanlanlu-wanmingyuan';

/** National Day 2026: 1–7 October off, Sunday 27 September and Saturday 10 October worked. */
export const NATIONAL_DAY_CALENDAR: WorkCalendar = {
  source: 'test', years: [2026],
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-09-27', '2026-10-10'],
};

/** Wanmingyuan's plan from Monday 28 September 2026 on the official calendar, due at 17:30. */
export function calendarInput(overrides: Partial<StationPlanInput> = {}): StationPlanInput {
  return {
    planId: `station-plan:${WANMINGYUAN_ID}:2026-09-28:test`,
    communityId: WANMINGYUAN_ID,
    startedOn: '2026-09-28',
    template: TEST_TEMPLATE,
    schedule: { mode: 'calendar', calendar: NATIONAL_DAY_CALENDAR, dueTime: '17:30' },
    reminderPolicy: DEFAULT_REMINDER_POLICY,
    recipients: { stationLeadId: 'w-wanmingyuan-lead', supervisorId: 'w-zhanlanlu-supervisor-01' },
    supervision: { intervalWorkingDays: 10, count: 2 },
    signOffReminderMs: 86_400_000,
    reopenDueWorkingDays: 5,
    startedBy: 'test',
    ...overrides,
  };
}
