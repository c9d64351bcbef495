import type { ServiceDeps } from './services/deps.js';
import { digestStartupStep } from './services/digest.js';

/**
 * Idempotent steps run once the API and worker are up (for example creating the digest
 * schedule). Each must be safe to repeat on every start.
 */
export const startupSteps: Array<{ name: string; run: (deps: ServiceDeps) => Promise<void> }> = [
  digestStartupStep,
];

export async function runStartupSteps(deps: ServiceDeps): Promise<void> {
  for (const step of startupSteps) {
    await step.run(deps);
    deps.logger.info({ step: step.name }, 'startup step done');
  }
}
