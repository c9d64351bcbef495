// The bench's workflow bundle: the service's own trainingCycle and workerLadder, plus the
// baseline — a bare workflow that runs one activity and ends.
import { proxyActivities } from '@temporalio/workflow';

export { trainingCycle } from '../../workflows/training-cycle.js';
export { workerLadder } from '../../workflows/worker-ladder.js';

const { benchNoop } = proxyActivities<{ benchNoop(): Promise<void> }>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

export async function benchBare(): Promise<void> {
  await benchNoop();
}
