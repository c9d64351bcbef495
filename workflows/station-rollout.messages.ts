// The stationRollout workflow's messages and types (`station-rollout:<communityId>`): milestones
// site → staffing → fit_out → opening. No side effects: the API imports this module, never the
// workflow. Data types and pure rules live in src/domain/station-rollout.ts.

import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  CompleteMilestoneRequest, MilestoneEvidence, MilestonePlan, MilestoneProgress, MilestoneReplan, ReplanMilestoneRequest,
  StationRolloutInput, StationRolloutStatus,
} from '../src/domain/station-rollout.js';
export type {
  CompleteMilestoneRequest, MilestoneEvidence, MilestonePlan, MilestoneProgress, MilestoneReplan, ReplanMilestoneRequest,
  StationRolloutInput, StationRolloutStatus,
};

export const STATION_ROLLOUT_WORKFLOW = 'stationRollout';

export const rolloutQueries = {
  status: defineQuery<StationRolloutStatus>('rolloutStatus'),
};

export const rolloutUpdates = {
  completeMilestone: defineUpdate<MilestoneProgress, [CompleteMilestoneRequest]>('completeMilestone'),
  replanMilestone: defineUpdate<MilestoneProgress, [ReplanMilestoneRequest]>('replanMilestone'),
};
