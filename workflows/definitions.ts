// Every signal, query and update of every workflow, the task queue and the workflows' input and
// output types. No side effects and no imports beyond @temporalio/workflow's definers and
// src/domain types, so the API can import this file without pulling in workflow code.

/** The task queue every Shegong worker polls unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'shegong';

/** Business ids: one workflow per business object, so a second start finds the first. */
export const workflowIds = {
  stationPlan: (communityId: string) => `station-plan:${communityId}`,
  trainingCycle: (cycleId: string) => `training-cycle:${cycleId}`,
  workerLadder: (cycleId: string, workerId: string) => `worker-ladder:${cycleId}:${workerId}`,
  stationRollout: (communityId: string) => `station-rollout:${communityId}`,
  digest: (streetId: string) => `digest:${streetId}`,
};

/** Error types raised with ApplicationFailure.nonRetryable, one list for workflows and activities. */
export enum ErrorType {
  InvalidInput = 'ERR_INVALID_INPUT',
  NotFound = 'ERR_NOT_FOUND',
  Conflict = 'ERR_CONFLICT',
  PermanentDelivery = 'ERR_PERMANENT_DELIVERY',
}
