import type { Client } from '@temporalio/client';
import type { Store } from '../../src/store/connect.js';
import { sleep } from '../helpers/eventually.js';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/harness.js';

// The training tests' one fixture (the harness over the default data, with a rate limit no test
// reaches), times relative to a launch, and reading what the workflows wrote to the records store.

export const WANMINGYUAN = 'cn-bj-xicheng-zhanlanlu-wanmingyuan';
export const YUSHUGUAN = 'cn-bj-xicheng-zhanlanlu-yushuguan';

/** The harness every training test file starts from: seeded store, worker, API, a token per role. */
export function startTrainingHarness(name: string, options: Partial<HarnessOptions> = {}): Promise<Harness> {
  return startHarness({ name, seed: true, ...options, env: { RATE_LIMIT_PER_MINUTE: '100000', ...options.env } });
}

/** A launch instant with whole-second session offsets from it (seconds-scale cycles). */
export function timeline(leadSeconds = 0) {
  const t0 = Date.now() + leadSeconds * 1000;
  const iso = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();
  return { t0, iso, at: (seconds: number) => t0 + seconds * 1000 };
}

export async function sleepUntil(instant: number): Promise<void> {
  await sleep(Math.max(0, instant - Date.now()));
}

/** Quiet-free, every-day reminders a given number of seconds before each session. */
export function reminderPolicy(...offsetsSeconds: number[]) {
  return { offsetsSeconds, quietHours: null, workingDaysOnly: false };
}

export async function reminderRows(store: Store, cycleId: string) {
  return store.db.selectFrom('notifications').select(['idempotency_key', 'recipient_id', 'status', 'payload', 'channel'])
    .where('kind', '=', 'session_reminder').where('workflow_id', 'like', `worker-ladder:${cycleId}:%`).where('channel', '=', 'inbox')
    .orderBy('idempotency_key').execute();
}

export async function notificationsOf(store: Store, cycleId: string, kind: string) {
  return store.db.selectFrom('notifications').select(['idempotency_key', 'recipient_id', 'status'])
    .where('kind', '=', kind).where('workflow_id', 'like', `worker-ladder:${cycleId}:%`).where('channel', '=', 'inbox')
    .orderBy('idempotency_key').execute();
}

export async function enrolmentsOf(store: Store, cycleId: string) {
  const rows = await store.db.selectFrom('enrolments').select(['worker_id', 'status', 'coaching_flag']).where('cycle_id', '=', cycleId).orderBy('worker_id').execute();
  return Object.fromEntries(rows.map((row) => [row.worker_id, { status: row.status, coachingFlag: row.coaching_flag }]));
}

export async function levelsIn(store: Store, workerId: string) {
  const rows = await store.db.selectFrom('worker_levels').select(['dimension_key', 'level']).where('worker_id', '=', workerId).execute();
  return Object.fromEntries(rows.map((row) => [row.dimension_key, row.level]));
}

export async function terminateAll(client: Client, workflowIds: string[]) {
  for (const id of workflowIds) await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
}
