// The workflow bundle's entry: re-exports workflow functions only.
export { stationPlan } from './station-plan.js';
export { trainingCycle } from './training-cycle.js';
export { workerLadder } from './worker-ladder.js';
export { stationRollout } from './station-rollout.js';
export { digest } from './digest.js';
export { caseCall } from './case-call.js';
export { resourceRequest } from './resource-request.js';
export {};
