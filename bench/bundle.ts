import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export const BENCH_WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

const quiet = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };

/** The bench workflows' bundle (benchReminder, benchTimer), separate from the service's. */
export function benchWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: BENCH_WORKFLOWS_PATH, logger: quiet });
}
