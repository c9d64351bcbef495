// The workflow bundle's entry: re-exports workflow functions only.
export { trainingCycle } from './training-cycle.js';
export { workerLadder } from './worker-ladder.js';
export { stationPlan } from './station-plan.js';
export { stationRollout } from './station-rollout.js';
export { digest } from './digest.js';
export {};
