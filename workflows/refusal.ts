import { ApplicationFailure } from '@temporalio/workflow';
import type { Rejection } from '../src/domain/errors.js';

/**
 * An update validator's answer: a refusal becomes a non-retryable failure whose type the API maps
 * to a status, with the stable reason and values as its first detail.
 */
export function rejectIf(rejection: Rejection | null): void {
  if (rejection) throw ApplicationFailure.nonRetryable(rejection.message, rejection.type, { reason: rejection.reason, values: rejection.values ?? {} });
}
