import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NOTIFY_ACTIVITY, RECORDS_PAGE_ACTIVITY } from './activity-options.js';
import { type DigestInput, type DigestResult } from './digest.messages.js';

const { buildDigest } = proxyActivities<Activities>(RECORDS_PAGE_ACTIVITY);
const { notify } = proxyActivities<Activities>(NOTIFY_ACTIVITY);

/** Set by the server on workflows a Schedule starts: the time the action was scheduled for. */
const SCHEDULED_START = { name: 'TemporalScheduledStartTime', type: 'DATETIME' } as const;

/**
 * One street's digest for one schedule period. The notification key is the street and the period,
 * so a retried activity, a restarted worker or a replay sends each recipient one digest per period.
 */
export async function digest(input: DigestInput): Promise<DigestResult> {
  const info = workflowInfo();
  const scheduled = info.typedSearchAttributes.get(SCHEDULED_START);
  const period = input.period ?? (scheduled ?? info.startTime).toISOString();
  const { recipients, data } = await buildDigest({ streetId: input.streetId, period });
  let delivered = 0;
  let already = 0;
  for (const recipientId of recipients) {
    const result = await notify({ key: `digest:${input.streetId}:${period}`, workflowId: info.workflowId, recipientId, kind: 'digest', data });
    for (const delivery of result.deliveries) {
      if (delivery.status === 'already') already += 1;
      else if (delivery.status === 'delivered') delivered += 1;
    }
  }
  log.info('digest sent', { streetId: input.streetId, period, recipients: recipients.length, delivered, already });
  return { streetId: input.streetId, period, recipients, delivered, already };
}
