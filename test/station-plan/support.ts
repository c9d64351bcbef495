import type { Client } from '@temporalio/client';
import { expect } from 'vitest';
import type { PlanTemplate } from '../../src/domain/plan-template.js';
import type { ReminderPolicy } from '../../src/domain/reminders.js';
import { startStationPlan, type StationPlanOverrides } from '../../src/services/station-plan.js';
import type { Store } from '../../src/store/connect.js';
import { testConfig } from '../helpers/temporal.js';

// Plans that run in seconds: a "working day" lasts `dayMs`, every day counts, no quiet hours.

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

export function compressed(dayMs: number, taskQueue: string, extra: StationPlanOverrides = {}): StationPlanOverrides {
  return {
    template: TEST_TEMPLATE,
    schedule: { mode: 'compressed', dayMs },
    reminderPolicy: testPolicy(dayMs),
    supervision: { intervalWorkingDays: 2, count: 2 },
    signOffReminderMs: 10 * dayMs,
    reopenDueWorkingDays: 2,
    taskQueue,
    ...extra,
  };
}

export async function startPlan(store: Store, temporal: Client, communityId: string, overrides: StationPlanOverrides) {
  const started = await startStationPlan(
    { store, temporal, config: testConfig(), clock: () => new Date() },
    { communityId, actor: 'test supervisor' },
    overrides,
  );
  return { ...started, handle: temporal.workflow.getHandle(started.workflowId, started.runId) };
}

export interface NotificationRow {
  kind: string;
  recipient_id: string;
  idempotency_key: string;
  created_at: Date;
}

/** The plan's notification rows (one per delivery; test workers have the inbox channel only). */
export async function planNotifications(store: Store, planId: string): Promise<NotificationRow[]> {
  return store.db.selectFrom('notifications').select(['kind', 'recipient_id', 'idempotency_key', 'created_at'])
    .where('idempotency_key', 'like', `${planId}:%`).orderBy('created_at').orderBy('idempotency_key').execute();
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` passes (it throws while it does not), or fails with its last error. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await sleep(everyMs);
    }
  }
  throw lastError;
}

/** Counts rows by kind and recipient: `task_due@w-lead` → 1. */
export function tally(rows: NotificationRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) {
    const key = `${row.kind}@${row.recipient_id}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function expectNoDuplicateKeys(rows: NotificationRow[]) {
  expect(new Set(rows.map((row) => row.idempotency_key)).size).toBe(rows.length);
}
