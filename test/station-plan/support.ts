import { expect } from 'vitest';
import { startStationPlan, type StationPlanOverrides } from '../../src/services/station-plan.js';
import type { Store } from '../../src/store/connect.js';
import type { Harness } from '../helpers/harness.js';
import { TEST_TEMPLATE, testPolicy } from './template.js';

// What the station plan's integration tests share beyond the harness: plans in compressed time,
// started through the service, and the plan's notification rows.

export { singleTaskTemplate, TEST_TEMPLATE, testPolicy } from './template.js';

/** Settings for a plan whose "working day" lasts `dayMs`, on the harness's task queue unless `taskQueue` says another. */
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

/** Starts a plan through the service, as the API does, and returns a handle on its run. */
export async function startPlan(harness: Harness, communityId: string, overrides: StationPlanOverrides) {
  const started = await startStationPlan(
    { store: harness.store, temporal: harness.client, config: harness.config, clock: () => new Date() },
    { communityId, actor: 'test supervisor' },
    overrides,
  );
  return { ...started, handle: harness.client.workflow.getHandle(started.workflowId, started.runId) };
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
