import type { ActivityDeps } from './deps.js';
import { createNotifyActivities } from './notify.js';

export type { ActivityDeps };

/** Every activity the worker registers, built from injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createNotifyActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
