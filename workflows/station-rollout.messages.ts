// The stationRollout workflow's messages and types (`station-rollout:<communityId>`): milestones
// site → staffing → fit_out → opening. No side effects; pure rules live in src/domain/coverage.ts.

import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkCalendar } from '../src/domain/calendar.js';
import type { ReminderPolicy } from '../src/domain/reminders.js';
import type { Milestone } from '../src/domain/types.js';

export const STATION_ROLLOUT_WORKFLOW = 'stationRollout';

export interface MilestonePlan {
  milestone: Milestone;
  /** YYYY-MM-DD (Asia/Shanghai): the date people plan by and see. */
  targetDate: string;
  /** The instant the milestone is due (epoch ms): the target date's end of day, or seconds away in tests. */
  dueAt: number;
  /** The worker who owns the milestone; null sends its reminders to the center supervisors. */
  owner: string | null;
}

export interface MilestoneEvidence {
  note: string;
  links: string[];
}

export interface MilestoneReplan {
  from: string;
  to: string;
  reason: string;
  by: string;
  /** Epoch ms. */
  at: number;
}

export interface MilestoneProgress extends MilestonePlan {
  status: 'pending' | 'done';
  completedAt: number | null;
  completedBy: string | null;
  evidence: MilestoneEvidence | null;
  replans: MilestoneReplan[];
}

export interface StationRolloutInput {
  communityId: string;
  /** All four milestones, in order, with non-decreasing targets. */
  milestones: MilestonePlan[];
  reminderPolicy: ReminderPolicy;
  calendar: WorkCalendar;
  /** The street's full-coverage date this rollout was planned toward, if any. */
  targetFullCoverage: string | null;
  /** Carried over by continue-as-new: progress so far. */
  carried?: { milestones: MilestoneProgress[]; communityName: { zh: string; en: string } | null };
}

export interface StationRolloutStatus {
  communityId: string;
  currentMilestone: Milestone | null;
  milestones: MilestoneProgress[];
  /** The Asia/Shanghai date the station opened, once it has. */
  openedOn: string | null;
  /** The station plan started on opening. */
  stationPlanWorkflowId: string | null;
}

export interface CompleteMilestoneRequest {
  milestone: Milestone;
  /** Who completed it (the principal's name). */
  by: string;
  evidence: MilestoneEvidence;
}

export interface ReplanMilestoneRequest {
  milestone: Milestone;
  targetDate: string;
  dueAt: number;
  reason: string;
  by: string;
}

export const rolloutQueries = {
  status: defineQuery<StationRolloutStatus>('rolloutStatus'),
};

export const rolloutUpdates = {
  completeMilestone: defineUpdate<MilestoneProgress, [CompleteMilestoneRequest]>('completeMilestone'),
  replanMilestone: defineUpdate<MilestoneProgress, [ReplanMilestoneRequest]>('replanMilestone'),
};
