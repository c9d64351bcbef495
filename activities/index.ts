import type { ActivityDeps } from './deps.js';
import { createNotifyActivities } from './notify.js';
import { createPlanActivities } from './plans.js';
import { createTrainingActivities } from './training.js';
import { createRolloutActivities } from './rollout.js';
import { createDigestActivities } from './digest.js';

export type { ActivityDeps };

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createNotifyActivities(deps),
    ...createPlanActivities(deps),
    ...createTrainingActivities(deps),
    ...createRolloutActivities(deps),
    ...createDigestActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
