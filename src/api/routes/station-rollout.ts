import { ALL_ROLES, route } from '../route.js';
import {
  cancelledRolloutView, cancelRolloutBody, communityParams, completeMilestoneBody, coverageQuery, coverageView, milestoneParams, milestoneProgressView, replanMilestoneBody,
  startedRolloutView, startedStreetRolloutView, startRolloutBody, startStreetRolloutBody,
} from '../../schemas/station-rollout.js';
import {
  cancelCommunityRollout, completeRolloutMilestone, replanRolloutMilestone, rolloutCoverage, startCommunityRollout, startStreetRollouts,
} from '../../services/station-rollout.js';

// Station rollout: start one community's rollout or every remaining one toward a full-coverage
// date, complete and replan milestones, and read coverage (aggregates; owners only for non-viewers).
// Rules and refusals live in src/services/station-rollout.ts.

export const rolloutRoutes = [
  route({
    method: 'get',
    path: '/api/rollout',
    etag: true,
    summary: 'Coverage: operating / all communities, by date; each rollout\'s current milestone and health; projected full coverage',
    tag: 'rollout',
    roles: ALL_ROLES,
    query: coverageQuery,
    response: coverageView,
    handler: async ({ deps, principal, query }) => rolloutCoverage(deps, principal, query.streetId),
  }),
  route({
    method: 'post',
    path: '/api/rollout/:communityId',
    summary: 'Start a community\'s station rollout: milestone targets and owners, or an opening date to spread them up to',
    tag: 'rollout',
    roles: ['admin', 'supervisor'],
    params: communityParams,
    body: startRolloutBody,
    example: { targetDate: '2027-06-30', owner: 'w-zhanlanlu-supervisor-01' },
    response: startedRolloutView,
    status: 201,
    handler: async ({ deps, principal, params, body, requestId }) => startCommunityRollout(deps, principal, params.communityId, body, requestId),
  }),
  route({
    method: 'post',
    path: '/api/rollout',
    summary: 'Start rollouts for every community in scope still without a station or a rollout, toward a full-coverage date',
    tag: 'rollout',
    roles: ['admin', 'supervisor'],
    body: startStreetRolloutBody,
    example: { targetDate: '2027-12-31' },
    response: startedStreetRolloutView,
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => startStreetRollouts(deps, principal, body, requestId),
  }),
  route({
    method: 'post',
    path: '/api/rollout/:communityId/milestones/:milestone/complete',
    summary: 'Complete a rollout milestone with evidence (in order; staffing needs a social worker assigned)',
    tag: 'rollout',
    roles: ['admin', 'supervisor', 'station_lead', 'social_worker'],
    params: milestoneParams,
    body: completeMilestoneBody,
    example: { evidence: { note: 'Lease for the ground-floor rooms signed with the housing office', links: [] } },
    response: milestoneProgressView,
    handler: async ({ deps, principal, params, body, requestId }) => completeRolloutMilestone(deps, principal, {
      communityId: params.communityId, milestone: params.milestone, evidence: { note: body.evidence.note, links: body.evidence.links },
    }, requestId),
  }),
  route({
    method: 'post',
    path: '/api/rollout/:communityId/milestones/:milestone/replan',
    summary: 'Move a pending milestone\'s target date, with the reason (recorded)',
    tag: 'rollout',
    roles: ['admin', 'supervisor'],
    params: milestoneParams,
    body: replanMilestoneBody,
    example: { targetDate: '2027-03-31', reason: 'The housing office moved the lease signing to March' },
    response: milestoneProgressView,
    handler: async ({ deps, principal, params, body, requestId }) => replanRolloutMilestone(deps, principal, {
      communityId: params.communityId, milestone: params.milestone, targetDate: body.targetDate, reason: body.reason,
    }, requestId),
  }),
  route({
    method: 'post',
    path: '/api/rollout/:communityId/cancel',
    summary: 'Cancel a community\'s running rollout with the reason: reminders stop and the station does not open (a new rollout may start later)',
    tag: 'rollout',
    roles: ['admin', 'supervisor'],
    params: communityParams,
    body: cancelRolloutBody,
    example: { reason: 'The community merged with its neighbour; its residents are served there' },
    response: cancelledRolloutView,
    handler: async ({ deps, principal, params, body, requestId }) => cancelCommunityRollout(deps, principal, params.communityId, body, requestId),
  }),
];
