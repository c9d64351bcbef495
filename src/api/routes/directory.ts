// The directory's routes are community.ts and worker.ts. This re-export keeps routes/training-cycle.ts
// building until it asks src/services/worker.ts (getWorkerVisibleTo) itself; then it goes.
export { assertCanSeeWorker } from '../../services/worker.js';
