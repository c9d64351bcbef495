import { ApplicationFailure } from '@temporalio/activity';
import type { PlanMirror } from '../src/domain/station-plan.js';
import { getPlanCommunity, writePlanMirror, type MirrorOutcome } from '../src/store/repositories/station-plan.js';
import { ErrorType } from '../src/domain/errors.js';
import type { ActivityDeps } from './deps.js';

/**
 * The station plan's records-store writes. `mirrorPlan` applies one change set in a transaction;
 * it is idempotent (upserts keyed by plan, stage, task, visit and event number) and ordered by the
 * plan's revision, so a retry rewrites the same values and a stale attempt changes nothing.
 * The evaluation and the plan report travel in the same change set as the sign-off that ends the plan.
 */
export function createPlanActivities(deps: ActivityDeps) {
  return {
    async mirrorPlan(mirror: PlanMirror): Promise<MirrorOutcome> {
      if (!(await getPlanCommunity(deps.store.db, mirror.plan.communityId))) {
        // Retrying cannot make an unknown community appear; the workflow sees the failure.
        throw ApplicationFailure.nonRetryable(`community ${mirror.plan.communityId} is not in the records store`, ErrorType.InvalidInput);
      }
      const outcome = await writePlanMirror(deps.store.db, mirror);
      deps.logger.debug({ planId: mirror.plan.id, revision: mirror.revision, outcome, tasks: mirror.tasks.length }, 'plan mirrored');
      return outcome;
    },
  };
}
