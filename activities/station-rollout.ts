import type { EscalationStep } from '../src/domain/reminders.js';
import type { Milestone } from '../src/domain/types.js';
import { startPlanOnOpening } from '../src/services/station-rollout.js';
import {
  centerSupervisorsFor, communityName, countSocialWorkers, markMilestoneDone, markRolloutCancelled, markStationOpened, mirrorRolloutStarted,
  recordReplan, stationLeadsOf, type MilestoneRowInput, type ReplanEntry,
} from '../src/store/repositories/station-rollout.js';
import { shanghaiDate } from '../src/domain/time.js';
import { listPosts } from '../src/store/repositories/post.js';
import type { ActivityDeps } from './deps.js';

/**
 * The stationRollout workflow's side effects: mirror rows in the records store, the staffing check,
 * who hears an escalation, opening the station and starting its plan. Each is idempotent on the
 * community and milestone, so a retry or a restarted worker changes nothing twice.
 */
export function createRolloutActivities(deps: ActivityDeps) {
  const { db } = deps.store;
  return {
    async recordRolloutStarted(input: { communityId: string; workflowId: string; runId: string; targetFullCoverage: string | null; milestones: MilestoneRowInput[] }): Promise<{ communityName: { zh: string; en: string } | null }> {
      await mirrorRolloutStarted(db, input);
      return { communityName: await communityName(db, input.communityId) };
    },

    /** What staffing is checked against: the station's posts filled today, and its social workers (before any post is defined). */
    async rolloutStaffing(input: { communityId: string }): Promise<{ socialWorkers: number; posts: Array<{ type: string; required: number; filled: number }> }> {
      const posts = await listPosts(db, { communityIds: [input.communityId] }, shanghaiDate(deps.clock()));
      return {
        socialWorkers: await countSocialWorkers(db, input.communityId),
        posts: posts.map((post) => ({ type: post.type, required: post.required, filled: post.filled })),
      };
    },

    async recordMilestoneCompleted(input: { communityId: string; milestone: Milestone; completedAt: number; by: string; evidence: unknown }): Promise<void> {
      await markMilestoneDone(db, { communityId: input.communityId, milestone: input.milestone, completedAt: new Date(input.completedAt), evidence: { by: input.by, ...(input.evidence as object) } });
    },

    async recordMilestoneReplanned(input: { communityId: string; milestone: Milestone; replan: ReplanEntry }): Promise<void> {
      await recordReplan(db, input);
    },

    /** Who hears an escalation step: the milestone's owner, the station leads, or the center supervisors. */
    async rolloutRecipients(input: { communityId: string; step: EscalationStep; owner: string | null }): Promise<string[]> {
      const supervisors = () => centerSupervisorsFor(db, input.communityId);
      switch (input.step) {
        case 'worker':
          return input.owner ? [input.owner] : supervisors();
        case 'station_lead': {
          const leads = await stationLeadsOf(db, input.communityId);
          return leads.length > 0 ? leads : input.owner ? [input.owner] : supervisors();
        }
        case 'center_supervisor':
          return supervisors();
      }
    },

    /** The rollout is cancelled: its row says so, with the reason (a retry finds it cancelled and changes nothing). */
    async recordRolloutCancelled(input: { communityId: string; reason: string; by: string; at: number }): Promise<void> {
      await markRolloutCancelled(db, { communityId: input.communityId, reason: input.reason, by: input.by, at: new Date(input.at) });
    },

    async openStation(input: { communityId: string; openedOn: string; openedAt: number }): Promise<void> {
      await markStationOpened(db, { communityId: input.communityId, openedOn: input.openedOn, openedAt: new Date(input.openedAt) });
    },

    /** Starts the opened station's plan; a plan already started for it is fine. */
    async startStationPlanOnOpening(input: { communityId: string; startedOn: string; startedBy: string }): ReturnType<typeof startPlanOnOpening> {
      return startPlanOnOpening(deps, input);
    },
  };
}
