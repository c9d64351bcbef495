// The workflow bundle's entry: re-exports workflow functions only.
export { stationPlan } from './station-plan.js';
export { stationRollout } from './station-rollout.js';
export { digest } from './digest.js';
export {};
