import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ErrorType, type DigestInput, type DigestResult } from './definitions.js';

const { buildDigest } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: [ErrorType.InvalidInput] },
});
// notify retries without limit: it records a delivery that keeps failing and stops throwing for it.
const { notify } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: [ErrorType.InvalidInput] },
});

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
