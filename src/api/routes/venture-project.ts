import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { inScope, scopedCommunityIds } from '../../store/repositories/org-unit.js';
import type { Principal } from '../../domain/principal.js';
import { ApiError, conflict, notFound } from '../errors.js';
import { ALL_ROLES, route, type AppDeps } from '../route.js';
import { shanghaiDate } from '../../domain/time.js';
import { THEME_KEYS } from '../../domain/types.js';
import { idSchema, isoDate, nameSchema } from '../../schemas/common.js';
import type { Database } from '../../store/database.js';
import { recordAudit } from '../../store/repositories/audit.js';
import {
  getVentureProject, listVentureProjects, VENTURE_TRANSITIONS, type VentureStatus, type VentureTransition,
} from '../../store/repositories/report.js';

// Venture projects (公益创投): proposed by a station, approved by a supervisor, run, evaluated.
// Residents served are counted per service record; a record carries a count, never a resident.

const statusSchema = z.enum(['proposed', 'approved', 'running', 'evaluated', 'rejected']);

const projectView = z.object({
  id: z.string(), communityId: z.string(), communityName: z.object({ zh: z.string(), en: z.string() }), theme: z.string(),
  title: z.object({ zh: z.string(), en: z.string() }), status: statusSchema, startsOn: z.string().nullable(), endsOn: z.string().nullable(),
  budgetYuan: z.number().nullable(), residentsServed: z.number(), serviceRecords: z.number(),
  proposedBy: z.string().nullable().optional(), approvedBy: z.string().nullable().optional(), evaluation: z.unknown().optional(),
});

const recordView = z.object({ id: z.string(), servedOn: z.string(), residentsServed: z.number(), note: z.string().nullable().optional() });

/** A project the principal may see, or 404. */
async function projectInScope(deps: AppDeps, principal: Principal, projectId: string) {
  const project = await getVentureProject(deps.store.db, projectId);
  if (!project || !(await inScope(deps.store.db, principal, project.communityId))) throw notFound(`venture project ${projectId}`);
  return project;
}

/** Viewers read aggregates only: who proposed, approved or evaluated a project is left out. */
function forRole<T extends { proposedBy: string | null; approvedBy: string | null; evaluation: unknown }>(project: T, principal: Principal) {
  if (principal.role !== 'viewer') return project;
  const { proposedBy: _proposedBy, approvedBy: _approvedBy, evaluation: _evaluation, ...rest } = project;
  return rest;
}

async function transition(
  deps: AppDeps, principal: Principal, requestId: string, projectId: string, to: VentureTransition,
  extra: { evaluation?: unknown; reason?: string; comments?: string | null },
) {
  const project = await projectInScope(deps, principal, projectId);
  const from = VENTURE_TRANSITIONS[to];
  return deps.store.db.transaction().execute(async (trx: Kysely<Database>) => {
    const values: Partial<{ status: VentureStatus; approved_by: string; evaluation: string; updated_at: Date }> = { status: to, updated_at: deps.clock() };
    if (to === 'approved' || to === 'rejected') values.approved_by = principal.name;
    if (to === 'evaluated') values.evaluation = JSON.stringify(extra.evaluation);
    const updated = await trx.updateTable('venture_projects').set(values)
      .where('id', '=', projectId).where('status', '=', from).returning('id').executeTakeFirst();
    if (!updated) throw conflict(`venture project ${projectId} is ${project.status}; only a ${from} project can become ${to}`, { status: project.status });
    await recordAudit(trx, {
      actor: principal.name, action: to, entity: 'venture_project', entityId: projectId,
      before: { status: project.status }, after: { status: to, ...extra }, requestId,
    });
    return forRole((await getVentureProject(trx, projectId))!, principal);
  });
}

const projectIdParams = z.object({ projectId: idSchema });

export const ventureRoutes = [
  route({
    method: 'get',
    path: '/api/venture-projects',
    summary: 'Venture projects in your scope with residents served',
    tag: 'venture projects',
    roles: ALL_ROLES,
    query: z.object({ communityId: idSchema.optional(), theme: z.enum(THEME_KEYS).optional(), status: statusSchema.optional() }).strict(),
    response: z.object({ items: z.array(projectView) }),
    handler: async ({ deps, principal, query }) => {
      const ids = await scopedCommunityIds(deps.store.db, principal);
      const items = await listVentureProjects(deps.store.db, { communityIds: query.communityId ? ids.filter((id) => id === query.communityId) : ids, theme: query.theme, status: query.status });
      return { items: items.map((item) => forRole(item, principal)) };
    },
  }),
  route({
    method: 'get',
    path: '/api/venture-projects/:projectId',
    summary: 'One venture project with its service records',
    tag: 'venture projects',
    roles: ALL_ROLES,
    params: projectIdParams,
    response: projectView.extend({ records: z.array(recordView) }),
    handler: async ({ deps, principal, params }) => {
      const project = await projectInScope(deps, principal, params.projectId);
      const records = await deps.store.db.selectFrom('service_records').select(['id', 'served_on', 'residents_served', 'note'])
        .where('project_id', '=', project.id).orderBy('served_on').orderBy('id').execute();
      return {
        ...forRole(project, principal),
        records: records.map((r) => ({
          id: r.id, servedOn: r.served_on, residentsServed: r.residents_served,
          ...(principal.role === 'viewer' ? {} : { note: r.note }),
        })),
      };
    },
  }),
  route({
    method: 'post',
    path: '/api/venture-projects',
    summary: 'Propose a venture project for a station (status proposed)',
    tag: 'venture projects',
    roles: ['admin', 'supervisor', 'station_lead'],
    body: z.object({
      id: idSchema.optional(),
      communityId: idSchema,
      theme: z.enum(THEME_KEYS),
      title: z.object({ zh: nameSchema, en: nameSchema.optional() }).strict(),
      startsOn: isoDate.nullable().optional(),
      endsOn: isoDate.nullable().optional(),
      budgetYuan: z.number().min(0).max(100_000_000).nullable().optional(),
    }).strict().superRefine((body, ctx) => {
      if (body.startsOn && body.endsOn && body.endsOn < body.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'ends before it starts' });
    }),
    example: { communityId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', theme: 'elderly', title: { zh: '楼门互助', en: 'Stairwell mutual aid' }, startsOn: '2027-03-01', endsOn: '2027-12-31', budgetYuan: 50000 },
    response: projectView,
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => {
      const community = await deps.store.db.selectFrom('communities').select('id').where('id', '=', body.communityId).executeTakeFirst();
      if (!community || !(await inScope(deps.store.db, principal, body.communityId))) throw notFound(`community ${body.communityId}`);
      const id = body.id ?? `vp-${randomUUID()}`;
      return deps.store.db.transaction().execute(async (trx) => {
        const inserted = await trx.insertInto('venture_projects').values({
          id, community_id: body.communityId, theme_key: body.theme, title_zh: body.title.zh, title_en: body.title.en ?? body.title.zh,
          status: 'proposed', starts_on: body.startsOn ?? null, ends_on: body.endsOn ?? null, budget_yuan: body.budgetYuan ?? null,
          approved_by: null, proposed_by: principal.name,
        }).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
        if (!inserted) throw conflict(`venture project ${id} already exists`);
        await recordAudit(trx, { actor: principal.name, action: 'create', entity: 'venture_project', entityId: id, after: body, requestId });
        return forRole((await getVentureProject(trx, id))!, principal);
      });
    },
  }),
  route({
    method: 'post',
    path: '/api/venture-projects/:projectId/approve',
    summary: 'Approve a proposed venture project (supervisor)',
    tag: 'venture projects',
    roles: ['admin', 'supervisor'],
    params: projectIdParams,
    body: z.object({ comments: z.string().trim().max(2000).nullable().optional() }).strict(),
    example: { comments: 'Fits the elderly theme; budget approved' },
    response: projectView,
    handler: async ({ deps, principal, params, body, requestId }) => transition(deps, principal, requestId, params.projectId, 'approved', { comments: body.comments ?? null }),
  }),
  route({
    method: 'post',
    path: '/api/venture-projects/:projectId/reject',
    summary: 'Reject a proposed venture project, with the reason (supervisor)',
    tag: 'venture projects',
    roles: ['admin', 'supervisor'],
    params: projectIdParams,
    body: z.object({ reason: z.string().trim().min(1).max(2000) }).strict(),
    example: { reason: 'Duplicates a running project at the same station' },
    response: projectView,
    handler: async ({ deps, principal, params, body, requestId }) => transition(deps, principal, requestId, params.projectId, 'rejected', { reason: body.reason }),
  }),
  route({
    method: 'post',
    path: '/api/venture-projects/:projectId/start',
    summary: 'Start running an approved venture project',
    tag: 'venture projects',
    roles: ['admin', 'supervisor', 'station_lead'],
    params: projectIdParams,
    body: z.object({}).strict(),
    example: {},
    response: projectView,
    handler: async ({ deps, principal, params, requestId }) => transition(deps, principal, requestId, params.projectId, 'running', {}),
  }),
  route({
    method: 'post',
    path: '/api/venture-projects/:projectId/evaluate',
    summary: 'Evaluate a running venture project: a score from 1 to 5 and comments (supervisor)',
    tag: 'venture projects',
    roles: ['admin', 'supervisor'],
    params: projectIdParams,
    body: z.object({ score: z.number().int().min(1).max(5), comments: z.string().trim().min(1).max(4000) }).strict(),
    example: { score: 4, comments: 'Reached its residents; continue with volunteers next year' },
    response: projectView,
    handler: async ({ deps, principal, params, body, requestId }) => transition(deps, principal, requestId, params.projectId, 'evaluated', {
      evaluation: { score: body.score, comments: body.comments, by: principal.name, at: deps.clock().toISOString() },
    }),
  }),
  route({
    method: 'post',
    path: '/api/venture-projects/:projectId/service-records',
    summary: 'Record a service of a running project: how many residents it served (a count, no identities)',
    tag: 'venture projects',
    roles: ['admin', 'supervisor', 'station_lead', 'social_worker'],
    params: projectIdParams,
    body: z.object({
      /** A client-chosen id makes a retried request count once. */
      id: idSchema.optional(),
      servedOn: isoDate,
      residentsServed: z.number().int().min(0).max(100_000),
      note: z.string().trim().max(500).nullable().optional(),
    }).strict(),
    example: { id: 'sr-2027-03-08-stairwell-1', servedOn: '2027-03-08', residentsServed: 35, note: 'Stairwell clean-up day, building 3' },
    response: recordView.extend({ projectId: z.string(), created: z.boolean() }),
    status: 201,
    handler: async ({ deps, principal, params, body, requestId }) => {
      const project = await projectInScope(deps, principal, params.projectId);
      if (project.status !== 'running') throw conflict(`venture project ${project.id} is ${project.status}; services are recorded while it is running`);
      const today = shanghaiDate(deps.clock());
      if (body.servedOn > today) throw new ApiError('invalid_request', 'servedOn is in the future', [{ path: 'body.servedOn', message: `must be on or before ${today}` }]);
      const id = body.id ?? `sr-${randomUUID()}`;
      return deps.store.db.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom('service_records').selectAll().where('id', '=', id).executeTakeFirst();
        if (existing) {
          if (existing.project_id !== project.id) throw conflict(`service record ${id} belongs to another project`);
          return { id, projectId: project.id, servedOn: existing.served_on, residentsServed: existing.residents_served, note: existing.note, created: false };
        }
        await trx.insertInto('service_records').values({ id, project_id: project.id, served_on: body.servedOn, residents_served: body.residentsServed, note: body.note ?? null }).execute();
        await recordAudit(trx, { actor: principal.name, action: 'create', entity: 'service_record', entityId: id, after: { projectId: project.id, ...body }, requestId });
        return { id, projectId: project.id, servedOn: body.servedOn, residentsServed: body.residentsServed, note: body.note ?? null, created: true };
      });
    },
  }),
];
