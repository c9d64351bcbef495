// Business ids and the task queue: pure, shared by workflows, activities, services and tests.

/** The task queue every Shegong worker polls unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'shegong';

/** Business ids: one workflow per business object, so a second start finds the first. */
export const workflowIds = {
  stationPlan: (communityId: string) => `station-plan:${communityId}`,
  trainingCycle: (cycleId: string) => `training-cycle:${cycleId}`,
  workerLadder: (cycleId: string, workerId: string) => `worker-ladder:${cycleId}:${workerId}`,
  stationRollout: (communityId: string) => `station-rollout:${communityId}`,
  digest: (streetId: string) => `digest:${streetId}`,
  caseCall: (callId: string) => `case-call:${callId}`,
  resourceRequest: (requestId: string) => `resource-request:${requestId}`,
};
