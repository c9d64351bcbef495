import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { NotificationData, NotificationKind, NotifyResult } from '../../src/domain/notifications.js';
import { NOTIFY_ACTIVITY } from '../../workflows/activity-options.js';
import { nowMs } from '../../workflows/clock.js';

// Benchmark and test workflows, kept out of workflows/ (the service's bundle): one reminder that
// sleeps until its due time and goes through the real notify activity, and a bare timer beside it.

export interface BenchReminderInput {
  recipientId: string;
  /** Due time, epoch ms. */
  dueAt: number;
  kind?: NotificationKind;
  data?: NotificationData;
  channels?: Array<'inbox' | 'email' | 'wecom'>;
  /** notify's startToCloseTimeout; tests that kill a worker keep it short so the retry comes soon. */
  notifyTimeoutMs?: number;
}

export async function benchReminder(input: BenchReminderInput): Promise<NotifyResult> {
  const { notify } = proxyActivities<Activities>({
    ...NOTIFY_ACTIVITY,
    ...(input.notifyTimeoutMs ? { startToCloseTimeout: input.notifyTimeoutMs } : {}),
    retry: { ...NOTIFY_ACTIVITY.retry, initialInterval: '500 milliseconds' },
  });
  const wait = input.dueAt - nowMs();
  if (wait > 0) await sleep(wait);
  const { workflowId } = workflowInfo();
  // When the timer woke this workflow, so the bench can split lateness into timer and delivery.
  const wokeAt = nowMs();
  return notify({
    key: `${workflowId}:reminder`,
    workflowId,
    recipientId: input.recipientId,
    kind: input.kind ?? 'task_due',
    data: { ...(input.data ?? { taskTitle: 'benchmark', communityName: 'bench', stage: 'guide', dueAt: input.dueAt }), wokeAt },
    dueAt: input.dueAt,
    ...(input.channels ? { channels: input.channels } : {}),
  });
}

/** The baseline: the same due time, a bare timer, nothing else. Returns when it woke (epoch ms). */
export async function benchTimer(input: { dueAt: number }): Promise<number> {
  const wait = input.dueAt - nowMs();
  if (wait > 0) await sleep(wait);
  return nowMs();
}
