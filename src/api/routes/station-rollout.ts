import { z } from 'zod';
import { inScope, scopedCommunityIds } from '../../store/repositories/org-unit.js';
import type { Principal } from '../../domain/principal.js';
import { ApiError, conflict, forbidden, notFound, type FieldProblem } from '../errors.js';
import { ALL_ROLES, route, type AppDeps } from '../route.js';
import { officialCalendar } from '../../calendar/official.js';
import { milestoneDueAt, spreadMilestoneTargets, spreadStreetRollout } from '../../domain/coverage.js';
import type { ReminderPolicy } from '../../domain/reminders.js';
import { shanghaiDate } from '../../domain/time.js';
import { MILESTONES, type Milestone } from '../../domain/types.js';
import { idSchema, isoDate } from '../../schemas/common.js';
import { recordAudit } from '../../store/repositories/audit.js';
import { countSocialWorkers } from '../../store/repositories/station-rollout.js';
import {
  completeMilestone, coverageReport, milestoneTargetProblems, replanMilestone, startRollout, targetsToMilestones, type MilestoneRequest,
} from '../../services/station-rollout.js';

// Station rollout: start one community's rollout or every remaining one toward a full-coverage
// date, complete and replan milestones, and read coverage (aggregates; owners only for non-viewers).

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const DAY = 24 * 60 * 60 * 1000;

/** A reminder policy in the domain's own shape (milliseconds), for callers that need another cadence. */
export const reminderPolicySchema = z.object({
  offsetsMs: z.array(z.number().int().min(0).max(90 * DAY)).max(10),
  quietHours: z.object({ start: hhmm, end: hhmm }).strict().nullable(),
  workingDaysOnly: z.boolean(),
  overdueRepeatMs: z.number().int().min(1000).nullable(),
  escalation: z.object({
    graceMs: z.number().int().min(0).max(90 * DAY),
    cadenceMs: z.number().int().min(1000).max(90 * DAY),
    chain: z.array(z.enum(['worker', 'station_lead', 'center_supervisor'])).min(1).max(5),
  }).strict().nullable(),
}).strict();

const milestoneTarget = z.object({ targetDate: isoDate, owner: idSchema.nullable().optional() }).strict();
const milestoneSchema = z.enum(MILESTONES);

const startBody = z.object({
  /** The opening target: the other milestones are spread between today and it. */
  targetDate: isoDate.optional(),
  milestones: z.object({ site: milestoneTarget, staffing: milestoneTarget, fit_out: milestoneTarget, opening: milestoneTarget }).strict().optional(),
  /** Owner of every milestone that names none. */
  owner: idSchema.nullable().optional(),
  reminderPolicy: reminderPolicySchema.optional(),
}).strict().superRefine((body, ctx) => {
  if ((body.targetDate === undefined) === (body.milestones === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['targetDate'], message: 'give either targetDate (milestones spread up to it) or milestones (each with its targetDate), not both' });
  }
});

const milestoneView = z.object({
  milestone: milestoneSchema, targetDate: z.string(), dueAt: z.string(), owner: z.string().nullable(),
});

const progressView = z.object({
  milestone: milestoneSchema, targetDate: z.string(), owner: z.string().nullable(), status: z.enum(['pending', 'done']),
  completedAt: z.string().nullable(), replans: z.array(z.object({ from: z.string(), to: z.string(), reason: z.string(), at: z.string() })),
});

const coverageSchema = z.object({
  asOf: z.string(), total: z.number(), operating: z.number(), remaining: z.number(), inRollout: z.number(), notPlanned: z.number(), ratio: z.number(),
  byDate: z.array(z.object({ date: z.string(), operating: z.number() })),
  projectedByDate: z.array(z.object({ date: z.string(), operating: z.number() })),
  expectedByToday: z.object({ operatingExpected: z.number(), operatingActual: z.number(), milestonesExpected: z.number(), milestonesDone: z.number() }),
  health: z.object({ on_track: z.number(), at_risk: z.number(), late: z.number() }),
  projectedFullCoverage: z.string().nullable(),
  targetFullCoverage: z.string().nullable(),
  calendar: z.object({ source: z.string(), coversYear: z.boolean(), note: z.string().nullable() }),
  communities: z.array(z.object({
    communityId: z.string(), name: z.object({ zh: z.string(), en: z.string() }), isPlaceholder: z.boolean(),
    station: z.enum(['operating', 'rollout', 'closed', 'none']), openedOn: z.string().nullable(),
    rollout: z.object({
      workflowId: z.string(), status: z.enum(['running', 'opened', 'cancelled']), targetFullCoverage: z.string().nullable(),
      health: z.enum(['on_track', 'at_risk', 'late']), currentMilestone: milestoneSchema.nullable(),
      expectedByToday: z.number(), actual: z.number(), workingDaysLate: z.number(), projectedOpening: z.string(),
      milestones: z.array(z.object({
        milestone: milestoneSchema, targetDate: z.string(), owner: z.string().nullable().optional(), status: z.enum(['pending', 'done']),
        completedAt: z.string().nullable(), replans: z.number(), lastReplanReason: z.string().nullable().optional(),
      })),
    }).nullable(),
  })),
});

async function assertOwners(deps: AppDeps, milestones: MilestoneRequest[], pathOf: (m: Milestone) => string): Promise<void> {
  const problems: FieldProblem[] = [];
  for (const m of milestones) {
    if (!m.owner) continue;
    const worker = await deps.store.db.selectFrom('workers').select(['id', 'active']).where('id', '=', m.owner).executeTakeFirst();
    if (!worker || !worker.active) problems.push({ path: pathOf(m.milestone), message: `unknown or inactive worker ${m.owner}` });
  }
  if (problems.length > 0) throw new ApiError('invalid_request', `unknown owner: ${problems.map((p) => p.path).join(', ')}`, problems);
}

async function communityInScope(deps: AppDeps, principal: Principal, communityId: string) {
  const row = await deps.store.db.selectFrom('communities as c').leftJoin('stations as s', 's.community_id', 'c.id')
    .select(['c.id', 's.status']).where('c.id', '=', communityId).executeTakeFirst();
  if (!row || !(await inScope(deps.store.db, principal, communityId))) throw notFound(`community ${communityId}`);
  return { id: row.id, stationStatus: row.status ?? null };
}

function plannedView(milestones: Array<{ milestone: Milestone; targetDate: string; dueAt: number; owner: string | null }>) {
  return milestones.map((m) => ({ milestone: m.milestone, targetDate: m.targetDate, dueAt: new Date(m.dueAt).toISOString(), owner: m.owner }));
}

function progressOut(progress: { milestone: Milestone; targetDate: string; owner: string | null; status: 'pending' | 'done'; completedAt: number | null; replans: Array<{ from: string; to: string; reason: string; at: number }> }) {
  return {
    milestone: progress.milestone, targetDate: progress.targetDate, owner: progress.owner, status: progress.status,
    completedAt: progress.completedAt === null ? null : new Date(progress.completedAt).toISOString(),
    replans: progress.replans.map((r) => ({ from: r.from, to: r.to, reason: r.reason, at: new Date(r.at).toISOString() })),
  };
}

export const rolloutRoutes = [
  route({
    method: 'get',
    path: '/api/rollout',
    summary: 'Coverage: operating / all communities, by date; each rollout\'s current milestone and health; projected full coverage',
    tag: 'rollout',
    roles: ALL_ROLES,
    query: z.object({ streetId: idSchema.optional() }).strict(),
    response: coverageSchema,
    handler: async ({ deps, principal, query }) => {
      let ids = await scopedCommunityIds(deps.store.db, principal);
      if (query.streetId) {
        const inStreet = new Set((await deps.store.db.selectFrom('communities').select('id').where('street_id', '=', query.streetId).execute()).map((r) => r.id));
        ids = ids.filter((id) => inStreet.has(id));
      }
      return coverageReport(deps.store.db, ids, shanghaiDate(deps.clock()), { personal: principal.role !== 'viewer' });
    },
  }),
  route({
    method: 'post',
    path: '/api/rollout/:communityId',
    summary: 'Start a community\'s station rollout: milestone targets and owners, or an opening date to spread them up to',
    tag: 'rollout',
    roles: ['admin', 'supervisor'],
    params: z.object({ communityId: idSchema }),
    body: startBody,
    example: { targetDate: '2027-06-30', owner: 'w-zhanlanlu-supervisor-01' },
    response: z.object({ communityId: z.string(), workflowId: z.string(), runId: z.string(), milestones: z.array(milestoneView) }),
    status: 201,
    handler: async ({ deps, principal, params, body, requestId }) => {
      const community = await communityInScope(deps, principal, params.communityId);
      if (community.stationStatus === 'operating') throw conflict(`community ${params.communityId} already has an operating station`);
      const today = shanghaiDate(deps.clock());
      const owner = body.owner ?? null;
      let milestones: MilestoneRequest[];
      if (body.milestones) {
        const given = body.milestones;
        milestones = MILESTONES.map((name) => ({ milestone: name, targetDate: given[name].targetDate, owner: given[name].owner ?? owner }));
      } else {
        if (body.targetDate! <= today) throw new ApiError('invalid_request', 'targetDate must be after today', [{ path: 'body.targetDate', message: `must be after ${today}` }]);
        milestones = targetsToMilestones(spreadMilestoneTargets(today, body.targetDate!, officialCalendar()), owner);
      }
      const pathOf = (m: Milestone) => (body.milestones ? `body.milestones.${m}` : 'body.targetDate');
      const problems = milestoneTargetProblems(milestones, today, pathOf);
      if (problems.length > 0) throw new ApiError('invalid_request', `invalid milestone targets: ${[...new Set(problems.map((p) => p.path))].join(', ')}`, problems);
      await assertOwners(deps, milestones, (m) => (body.milestones?.[m].owner ? `body.milestones.${m}.owner` : 'body.owner'));
      const started = await startRollout(deps, { communityId: params.communityId, milestones, reminderPolicy: body.reminderPolicy as ReminderPolicy | undefined }, async (trx, result) => {
        await recordAudit(trx, {
          actor: principal.name, action: 'start', entity: 'rollout', entityId: params.communityId,
          after: { workflowId: result.workflowId, runId: result.runId, milestones: plannedView(result.milestones) }, requestId,
        });
      });
      return { communityId: started.communityId, workflowId: started.workflowId, runId: started.runId, milestones: plannedView(started.milestones) };
    },
  }),
  route({
    method: 'post',
    path: '/api/rollout',
    summary: 'Start rollouts for every community in scope still without a station or a rollout, toward a full-coverage date',
    tag: 'rollout',
    roles: ['admin', 'supervisor'],
    body: z.object({
      targetDate: isoDate,
      streetId: idSchema.optional(),
      owner: idSchema.nullable().optional(),
      reminderPolicy: reminderPolicySchema.optional(),
    }).strict(),
    example: { targetDate: '2027-12-31' },
    response: z.object({
      targetDate: z.string(),
      started: z.array(z.object({ communityId: z.string(), workflowId: z.string(), milestones: z.array(milestoneView) })),
      skipped: z.array(z.object({ communityId: z.string(), reason: z.string() })),
    }),
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => {
      const today = shanghaiDate(deps.clock());
      if (body.targetDate <= today) throw new ApiError('invalid_request', 'targetDate must be after today', [{ path: 'body.targetDate', message: `must be after ${today}` }]);
      const owner = body.owner ?? null;
      if (owner) await assertOwners(deps, [{ milestone: 'site', targetDate: body.targetDate, owner }], () => 'body.owner');
      let ids = await scopedCommunityIds(deps.store.db, principal);
      if (body.streetId) {
        if (!(await inScope(deps.store.db, principal, body.streetId))) throw forbidden(`street ${body.streetId} is outside your scope`);
        const inStreet = new Set((await deps.store.db.selectFrom('communities').select('id').where('street_id', '=', body.streetId).execute()).map((r) => r.id));
        ids = ids.filter((id) => inStreet.has(id));
      }
      const skipped: Array<{ communityId: string; reason: string }> = [];
      const rows = ids.length === 0 ? [] : await deps.store.db.selectFrom('communities as c')
        .leftJoin('stations as s', 's.community_id', 'c.id').leftJoin('rollouts as r', 'r.community_id', 'c.id')
        .select(['c.id', 's.status as station', 'r.status as rollout']).where('c.id', 'in', ids).orderBy('c.id').execute();
      const candidates: string[] = [];
      for (const row of rows) {
        if (row.station === 'operating') continue;
        if (row.rollout === 'running' || row.rollout === 'opened') skipped.push({ communityId: row.id, reason: `a rollout is already ${row.rollout}` });
        else candidates.push(row.id);
      }
      const plan = spreadStreetRollout(candidates, today, body.targetDate, officialCalendar());
      const started: Array<{ communityId: string; workflowId: string; milestones: ReturnType<typeof plannedView> }> = [];
      for (const { communityId, targets } of plan) {
        try {
          const result = await startRollout(deps, {
            communityId, milestones: targetsToMilestones(targets, owner), reminderPolicy: body.reminderPolicy as ReminderPolicy | undefined, targetFullCoverage: body.targetDate,
          }, async (trx, r) => {
            await recordAudit(trx, {
              actor: principal.name, action: 'start', entity: 'rollout', entityId: communityId,
              after: { workflowId: r.workflowId, runId: r.runId, targetFullCoverage: body.targetDate, milestones: plannedView(r.milestones) }, requestId,
            });
          });
          started.push({ communityId, workflowId: result.workflowId, milestones: plannedView(result.milestones) });
        } catch (error) {
          if (error instanceof ApiError && error.code === 'conflict') skipped.push({ communityId, reason: error.message });
          else throw error;
        }
      }
      return { targetDate: body.targetDate, started, skipped };
    },
  }),
  route({
    method: 'post',
    path: '/api/rollout/:communityId/milestones/:milestone/complete',
    summary: 'Complete a rollout milestone with evidence (in order; staffing needs a social worker assigned)',
    tag: 'rollout',
    roles: ['admin', 'supervisor', 'station_lead', 'social_worker'],
    params: z.object({ communityId: idSchema, milestone: milestoneSchema }),
    body: z.object({
      evidence: z.object({
        note: z.string().trim().min(1).max(2000),
        links: z.array(z.string().url().max(2000)).max(20).default([]),
      }).strict(),
    }).strict(),
    example: { evidence: { note: 'Lease for the ground-floor rooms signed with the housing office', links: [] } },
    response: progressView,
    handler: async ({ deps, principal, params, body, requestId }) => {
      await communityInScope(deps, principal, params.communityId);
      if (principal.role === 'social_worker') {
        const row = await deps.store.db.selectFrom('rollout_milestones').select('owner')
          .where('community_id', '=', params.communityId).where('milestone', '=', params.milestone).executeTakeFirst();
        if (!row || row.owner !== principal.workerId) throw forbidden('a social worker completes only milestones they own');
      }
      if (params.milestone === 'staffing' && (await countSocialWorkers(deps.store.db, params.communityId)) === 0) {
        throw conflict(`staffing needs at least one social worker assigned to ${params.communityId}; none is`);
      }
      const progress = await completeMilestone(deps, params.communityId, { milestone: params.milestone, by: principal.name, evidence: { note: body.evidence.note, links: body.evidence.links } });
      await recordAudit(deps.store.db, {
        actor: principal.name, action: 'complete', entity: 'rollout_milestone', entityId: `${params.communityId}:${params.milestone}`,
        after: { evidence: body.evidence, completedAt: progress.completedAt }, requestId,
      });
      return progressOut(progress);
    },
  }),
  route({
    method: 'post',
    path: '/api/rollout/:communityId/milestones/:milestone/replan',
    summary: 'Move a pending milestone\'s target date, with the reason (recorded)',
    tag: 'rollout',
    roles: ['admin', 'supervisor'],
    params: z.object({ communityId: idSchema, milestone: milestoneSchema }),
    body: z.object({ targetDate: isoDate, reason: z.string().trim().min(1).max(1000) }).strict(),
    example: { targetDate: '2027-03-31', reason: 'The housing office moved the lease signing to March' },
    response: progressView,
    handler: async ({ deps, principal, params, body, requestId }) => {
      await communityInScope(deps, principal, params.communityId);
      const today = shanghaiDate(deps.clock());
      if (body.targetDate < today) throw new ApiError('invalid_request', 'targetDate is before today', [{ path: 'body.targetDate', message: `must be on or after ${today}` }]);
      const progress = await replanMilestone(deps, params.communityId, {
        milestone: params.milestone, targetDate: body.targetDate, dueAt: milestoneDueAt(body.targetDate), reason: body.reason, by: principal.name,
      });
      await recordAudit(deps.store.db, {
        actor: principal.name, action: 'replan', entity: 'rollout_milestone', entityId: `${params.communityId}:${params.milestone}`,
        before: { targetDate: progress.replans[progress.replans.length - 1]?.from ?? null }, after: { targetDate: body.targetDate, reason: body.reason }, requestId,
      });
      return progressOut(progress);
    },
  }),
];
