import type { ActivityDeps } from './deps.js';
import { createNotifyActivities } from './notification.js';
import { createPlanActivities } from './station-plan.js';
import { createTrainingActivities } from './training-cycle.js';
import { createRolloutActivities } from './station-rollout.js';
import { createDigestActivities } from './digest.js';
import { createCaseCallActivities } from './case-call.js';
import { createResourceRequestActivities } from './resource-request.js';

export type { ActivityDeps };

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createNotifyActivities(deps),
    ...createPlanActivities(deps),
    ...createTrainingActivities(deps),
    ...createRolloutActivities(deps),
    ...createDigestActivities(deps),
    ...createCaseCallActivities(deps),
    ...createResourceRequestActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
