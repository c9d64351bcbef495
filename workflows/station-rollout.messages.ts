// The stationRollout workflow's messages and types (`station-rollout:<communityId>`): milestones
// site → staffing → fit_out → opening. No side effects: the API imports this module, never the
// workflow. Data types and pure rules live in src/domain/station-rollout.ts.

import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  CancelRolloutRequest, CompleteMilestoneRequest, MilestoneEvidence, MilestonePlan, MilestoneProgress, MilestoneReplan, ReplanMilestoneRequest,
  StationRolloutInput, StationRolloutStatus,
} from '../src/domain/station-rollout.js';
export type {
  CancelRolloutRequest, CompleteMilestoneRequest, MilestoneEvidence, MilestonePlan, MilestoneProgress, MilestoneReplan, ReplanMilestoneRequest,
  StationRolloutInput, StationRolloutStatus,
};
import type { RolloutCancellation } from '../src/domain/station-rollout.js';
export type { RolloutCancellation };

export const STATION_ROLLOUT_WORKFLOW = 'stationRollout';

export const rolloutQueries = {
  status: defineQuery<StationRolloutStatus>('rolloutStatus'),
};

export const rolloutUpdates = {
  completeMilestone: defineUpdate<MilestoneProgress, [CompleteMilestoneRequest]>('completeMilestone'),
  replanMilestone: defineUpdate<MilestoneProgress, [ReplanMilestoneRequest]>('replanMilestone'),
  /** Stops the rollout with a reason: no more reminders or escalations, and the station does not open. */
  cancel: defineUpdate<StationRolloutStatus, [CancelRolloutRequest]>('cancelRollout'),
};
