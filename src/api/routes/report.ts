import { z } from 'zod';
import { inScope, scopedCommunityIds, subtreeIds } from '../../store/repositories/org-unit.js';
import { ApiError, forbidden } from '../errors.js';
import { ALL_ROLES, route } from '../route.js';
import { shanghaiDate } from '../../domain/time.js';
import { idSchema } from '../../schemas/common.js';
import { triggerDigest } from '../../services/digest.js';
import { recordAudit } from '../../store/repositories/audit.js';
import {
  countCenters, listVentureProjects, plansByStage, residentsServed, stationCounts, trainingCompletion,
} from '../../store/repositories/report.js';

// The summary report (the figures the source report gives) and running the digest by hand.
// Aggregates only: every role may read the summary of its scope.

const localized = z.object({ zh: z.string(), en: z.string() });

const summarySchema = z.object({
  asOf: z.string(),
  scopeId: z.string(),
  centers: z.number(),
  communities: z.number(),
  stationsOperating: z.number(),
  communitiesRemaining: z.number(),
  stationsInRollout: z.number(),
  residentsServed: z.object({
    total: z.number(),
    byTheme: z.array(z.object({ theme: z.string(), name: localized, residentsServed: z.number(), projects: z.number() })),
    byStation: z.array(z.object({ communityId: z.string(), name: localized, residentsServed: z.number(), projects: z.number() })),
  }),
  ventureProjects: z.object({ total: z.number(), byStatus: z.record(z.string(), z.number()) }),
  plansByStage: z.object({ guide: z.number(), support: z.number(), supervise: z.number(), completed: z.number(), cancelled: z.number(), paused: z.number(), notStarted: z.number() }),
  trainingCompletion: z.array(z.object({
    dimension: z.string(), name: localized, workers: z.number(), passedByLevel: z.array(z.object({ level: z.number(), workers: z.number() })), completionRate: z.number(),
  })),
});

export const reportRoutes = [
  route({
    method: 'get',
    path: '/api/reports/summary',
    summary: 'Summary figures: centers, stations operating, communities remaining, residents served by theme and station, plans by stage, training completion',
    tag: 'reports',
    roles: ALL_ROLES,
    query: z.object({ streetId: idSchema.optional() }).strict(),
    response: summarySchema,
    handler: async ({ deps, principal, query }) => {
      const { db } = deps.store;
      let communityIds = await scopedCommunityIds(db, principal);
      let units = await subtreeIds(db, principal.scopeId);
      if (query.streetId) {
        if (!(await inScope(db, principal, query.streetId))) throw forbidden(`street ${query.streetId} is outside your scope`);
        const inStreet = new Set((await db.selectFrom('communities').select('id').where('street_id', '=', query.streetId).execute()).map((r) => r.id));
        communityIds = communityIds.filter((id) => inStreet.has(id));
        units = await subtreeIds(db, query.streetId);
      }
      // The centers serving these communities: their streets' (a community-scoped caller sees its own).
      const streets = communityIds.length === 0 ? [] : (await db.selectFrom('communities').select('street_id').distinct()
        .where('id', 'in', communityIds).execute()).map((r) => r.street_id);
      const counts = await stationCounts(db, communityIds);
      const projects = await listVentureProjects(db, { communityIds });
      const byStatus: Record<string, number> = { proposed: 0, approved: 0, running: 0, evaluated: 0, rejected: 0 };
      for (const project of projects) byStatus[project.status] = (byStatus[project.status] ?? 0) + 1;
      return {
        asOf: shanghaiDate(deps.clock()),
        scopeId: query.streetId ?? principal.scopeId,
        centers: await countCenters(db, streets),
        communities: counts.communities,
        stationsOperating: counts.operating,
        communitiesRemaining: counts.communities - counts.operating,
        stationsInRollout: counts.inRollout,
        residentsServed: await residentsServed(db, communityIds),
        ventureProjects: { total: projects.length, byStatus },
        plansByStage: await plansByStage(db, communityIds),
        trainingCompletion: await trainingCompletion(db, units),
      };
    },
  }),
  route({
    method: 'post',
    path: '/api/digest/run',
    summary: 'Send the weekly digest now, through its schedule (every street in scope, or one)',
    tag: 'reports',
    roles: ['admin', 'supervisor'],
    body: z.object({ streetId: idSchema.optional() }).strict(),
    example: { streetId: 'cn-bj-xicheng-zhanlanlu' },
    response: z.object({ triggered: z.array(z.object({ streetId: z.string(), scheduleId: z.string() })) }),
    status: 202,
    handler: async ({ deps, principal, body, requestId }) => {
      const { db } = deps.store;
      let streets: string[];
      if (body.streetId) {
        const street = await db.selectFrom('org_units').select(['id', 'kind']).where('id', '=', body.streetId).executeTakeFirst();
        if (!street || street.kind !== 'street') throw new ApiError('invalid_request', `unknown street ${body.streetId}`, [{ path: 'body.streetId', message: 'not a street' }]);
        if (!(await inScope(db, principal, body.streetId))) throw forbidden(`street ${body.streetId} is outside your scope`);
        streets = [body.streetId];
      } else {
        const ids = await scopedCommunityIds(db, principal);
        streets = ids.length === 0 ? [] : (await db.selectFrom('communities').select('street_id').distinct().where('id', 'in', ids).orderBy('street_id').execute()).map((r) => r.street_id);
      }
      if (streets.length === 0) throw new ApiError('invalid_request', 'no street with communities in your scope', [{ path: 'body.streetId', message: 'nothing to send a digest for' }]);
      const triggered: Array<{ streetId: string; scheduleId: string }> = [];
      for (const streetId of streets) {
        const { scheduleId } = await triggerDigest(deps, streetId);
        await recordAudit(db, { actor: principal.name, action: 'trigger', entity: 'digest_schedule', entityId: scheduleId, after: { streetId }, requestId });
        triggered.push({ streetId, scheduleId });
      }
      return { triggered };
    },
  }),
];
