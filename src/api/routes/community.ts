import { z } from 'zod';
import { inScope, scopedCommunityIds, subtreeIds } from '../../store/repositories/org-unit.js';
import type { Principal } from '../../domain/principal.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import { route, ALL_ROLES, type AppDeps } from '../route.js';
import { ImportError, validateRows } from '../../import/rows.js';
import { communityInputSchema, communityView, workerInputSchema, workerView, type CommunityInputBody, type WorkerInputBody } from '../../schemas/directory.js';
import { idSchema, pageQuery } from '../../schemas/common.js';
import { recordAudit } from '../../store/repositories/audit.js';
import { getCommunity, listCommunities, upsertCommunities } from '../../store/repositories/community.js';
import { getWorker, listWorkers, upsertWorkers } from '../../store/repositories/worker.js';

// A district's worker list (a few thousand rows) fits in one all-or-nothing import.
const IMPORT_BODY_LIMIT = '5mb';

// One body shape serves single records, JSON bulk imports and CSV imports (sent as { csv }).
const importBody = <T extends z.ZodType>(item: T) => z.union([
  item,
  z.array(z.unknown()).min(1).max(10_000),
  z.object({ csv: z.string().min(1).max(5_000_000) }).strict(),
]);

function importError(error: unknown): never {
  if (error instanceof ImportError) {
    throw new ApiError('invalid_request', error.message, error.problems.map((p) => ({ path: `line ${p.line}.${p.field}`, line: p.line, field: p.field, message: p.message })));
  }
  throw error;
}

async function assertOrgInScope(deps: AppDeps, principal: Principal, orgUnitIds: string[]) {
  for (const id of new Set(orgUnitIds)) {
    const exists = await deps.store.db.selectFrom('org_units').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw new ApiError('invalid_request', `unknown org unit ${id}`, [{ path: 'body.streetId', message: `unknown org unit ${id}` }]);
    if (!(await inScope(deps.store.db, principal, id))) throw forbidden(`org unit ${id} is outside your scope`);
  }
}


export const directoryRoutes = [
  route({
    method: 'get',
    path: '/api/communities',
    summary: 'Communities in your scope with their station status',
    tag: 'directory',
    roles: ALL_ROLES,
    query: z.object({ streetId: idSchema.optional() }).strict(),
    response: z.object({ items: z.array(communityView) }),
    handler: async ({ deps, principal, query }) => {
      const ids = await scopedCommunityIds(deps.store.db, principal);
      return { items: await listCommunities(deps.store.db, { ids, streetId: query.streetId }) };
    },
  }),
  route({
    method: 'get',
    path: '/api/communities/:communityId',
    summary: 'One community',
    tag: 'directory',
    roles: ALL_ROLES,
    params: z.object({ communityId: idSchema }),
    response: communityView,
    handler: async ({ deps, principal, params }) => {
      const community = await getCommunity(deps.store.db, params.communityId);
      if (!community || !(await inScope(deps.store.db, principal, community.id))) throw notFound(`community ${params.communityId}`);
      return community;
    },
  }),
  route({
    method: 'post',
    path: '/api/communities',
    summary: 'Create or update communities: one object, a JSON array, or { csv } with a header row',
    tag: 'directory',
    roles: ['admin'],
    bodyLimit: IMPORT_BODY_LIMIT,
    body: importBody(communityInputSchema),
    example: { id: 'cn-bj-xicheng-zhanlanlu-example', streetId: 'cn-bj-xicheng-zhanlanlu', nameZh: '示例社区', nameEn: 'Example' },
    response: z.object({ imported: z.number(), ids: z.array(z.string()) }),
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => {
      const rows: CommunityInputBody[] = Array.isArray(body)
        ? tryRows(() => validateRows(communityInputSchema, { json: body }))
        : 'csv' in body ? tryRows(() => validateRows(communityInputSchema, { csv: body.csv })) : [body as CommunityInputBody];
      await assertOrgInScope(deps, principal, rows.map((row) => row.streetId));
      const changes = await deps.store.db.transaction().execute(async (trx) => {
        const result = await upsertCommunities(trx, rows);
        for (const change of result) {
          await recordAudit(trx, { actor: principal.name, action: change.before ? 'update' : 'create', entity: 'community', entityId: change.id, before: change.before, after: change.after, requestId });
        }
        return result;
      });
      return { imported: changes.length, ids: changes.map((change) => change.id) };
    },
  }),
  route({
    method: 'get',
    path: '/api/workers',
    summary: 'Workers in your scope (station leads see their own station)',
    tag: 'directory',
    roles: ['admin', 'supervisor', 'station_lead'],
    personalData: true,
    query: pageQuery.extend({ communityId: idSchema.optional(), position: workerInputSchema.shape.position.optional() }).strict(),
    response: z.object({ items: z.array(workerView) }),
    handler: async ({ deps, principal, query }) => {
      const units = await subtreeIds(deps.store.db, principal.scopeId);
      const items = await listWorkers(deps.store.db, {
        orgUnitIds: units, communityId: query.communityId, position: query.position, limit: query.limit, offset: query.offset,
      });
      return { items };
    },
  }),
  route({
    method: 'get',
    path: '/api/workers/:workerId',
    summary: 'One worker',
    tag: 'directory',
    roles: ['admin', 'supervisor', 'station_lead', 'social_worker'],
    personalData: true,
    params: z.object({ workerId: idSchema }),
    response: workerView,
    handler: async ({ deps, principal, params }) => {
      const worker = await getWorker(deps.store.db, params.workerId);
      if (!worker) throw notFound(`worker ${params.workerId}`);
      await assertCanSeeWorker(deps, principal, worker);
      return worker;
    },
  }),
  route({
    method: 'post',
    path: '/api/workers',
    summary: 'Create or update workers: one object, a JSON array, or { csv } with a header row',
    tag: 'directory',
    roles: ['admin'],
    bodyLimit: IMPORT_BODY_LIMIT,
    body: importBody(workerInputSchema),
    example: { id: 'w-example-01', orgUnitId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', communityId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', name: '张三', position: 'social_worker', email: 'zhang@example.org', channels: ['inbox', 'email'] },
    response: z.object({ imported: z.number(), ids: z.array(z.string()) }),
    status: 201,
    handler: async ({ deps, principal, body, requestId }) => {
      const rows: WorkerInputBody[] = Array.isArray(body)
        ? tryRows(() => validateRows(workerInputSchema, { json: body }))
        : 'csv' in body ? tryRows(() => validateRows(workerInputSchema, { csv: body.csv })) : [body as WorkerInputBody];
      await assertOrgInScope(deps, principal, rows.map((row) => row.orgUnitId));
      const communityIds = [...new Set(rows.map((row) => row.communityId).filter((id): id is string => id !== null))];
      const known = new Set((await listCommunities(deps.store.db, { ids: communityIds })).map((c) => c.id));
      const unknown = rows.map((row, index) => ({ row, index })).filter(({ row }) => row.communityId !== null && !known.has(row.communityId));
      if (unknown.length > 0) {
        throw new ApiError('invalid_request', 'unknown community in the import; nothing was imported',
          unknown.map(({ row, index }) => ({ path: `line ${index + 1}.communityId`, line: index + 1, field: 'communityId', message: `unknown community ${row.communityId}` })));
      }
      const changes = await deps.store.db.transaction().execute(async (trx) => {
        const result = await upsertWorkers(trx, rows.map((row) => ({ ...row, locale: row.locale, channels: row.channels })));
        for (const change of result) {
          await recordAudit(trx, { actor: principal.name, action: change.before ? 'update' : 'create', entity: 'worker', entityId: change.id, before: change.before, after: change.after, requestId });
        }
        return result;
      });
      return { imported: changes.length, ids: changes.map((change) => change.id) };
    },
  }),
];

function tryRows<T>(run: () => T[]): T[] {
  try {
    return run();
  } catch (error) {
    return importError(error);
  }
}

/** Social workers see only themselves; station leads their station; supervisors and admins their scope. */
export async function assertCanSeeWorker(deps: AppDeps, principal: Principal, worker: { id: string; orgUnitId: string; communityId: string | null }) {
  if (principal.role === 'social_worker') {
    if (principal.workerId !== worker.id) throw notFound(`worker ${worker.id}`);
    return;
  }
  if (!(await inScope(deps.store.db, principal, worker.communityId ?? worker.orgUnitId))) throw notFound(`worker ${worker.id}`);
}
