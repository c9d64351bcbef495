// Activity option presets, defined once for every workflow: timeouts and retry policies.
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { ErrorType } from '../src/domain/errors.js';

/** Records-store writes and reads: the store must end up with every change, so retry without limit, backing off to a minute. */
export const RECORDS_RETRY: RetryPolicy = {
  initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: [ErrorType.InvalidInput],
};

/**
 * Notifications: attempts without limit and backoff to five minutes. The activity itself stops
 * throwing for a delivery after MAX_DELIVERY_ATTEMPTS (it marks the row failed), so a long e-mail or
 * WeCom outage ends in a recorded failure, never a failed workflow.
 */
export const NOTIFY_RETRY: RetryPolicy = {
  initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: [ErrorType.InvalidInput],
};

/** One records-store write or read. */
export const RECORDS_ACTIVITY: ActivityOptions = { startToCloseTimeout: '30 seconds', retry: RECORDS_RETRY };

/** A records-store step that reads or writes a page of many rows (a cohort page, a digest's figures). */
export const RECORDS_PAGE_ACTIVITY: ActivityOptions = { startToCloseTimeout: '1 minute', retry: RECORDS_RETRY };

/** Fan-out signals to thousands of workflows: long, so it heartbeats; a retry resumes where it stopped. */
export const FAN_OUT_ACTIVITY: ActivityOptions = { startToCloseTimeout: '30 minutes', heartbeatTimeout: '30 seconds', retry: RECORDS_RETRY };

/** The notify activity. */
export const NOTIFY_ACTIVITY: ActivityOptions = { startToCloseTimeout: '1 minute', retry: NOTIFY_RETRY };
