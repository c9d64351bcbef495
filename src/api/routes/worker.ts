import { route } from '../route.js';
import { importedLines } from '../../import/rows.js';
import { IMPORT_BODY_LIMIT, importResult } from '../../schemas/common.js';
import { workerIdParams, workerImportBody, workerInputSchema, workerListQuery, workerListView, workerView } from '../../schemas/worker.js';
import { getWorkerVisibleTo, importWorkers, listWorkersInScope } from '../../services/worker.js';

export const workerRoutes = [
  route({
    method: 'get',
    path: '/api/workers',
    summary: 'Workers in your scope (station leads see their own station)',
    tag: 'directory',
    roles: ['admin', 'supervisor', 'station_lead'],
    personalData: true,
    query: workerListQuery,
    response: workerListView,
    handler: async ({ deps, principal, query }) => ({ items: await listWorkersInScope(deps, principal, query) }),
  }),
  route({
    method: 'get',
    path: '/api/workers/:workerId',
    summary: 'One worker',
    tag: 'directory',
    roles: ['admin', 'supervisor', 'station_lead', 'social_worker'],
    personalData: true,
    params: workerIdParams,
    response: workerView,
    handler: ({ deps, principal, params }) => getWorkerVisibleTo(deps, principal, params.workerId),
  }),
  route({
    method: 'post',
    path: '/api/workers',
    summary: 'Create or update workers: one object, a JSON array, or { csv } with a header row',
    tag: 'directory',
    roles: ['admin'],
    bodyLimit: IMPORT_BODY_LIMIT,
    body: workerImportBody,
    example: { id: 'w-example-01', orgUnitId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', communityId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', name: '张三', position: 'social_worker', email: 'zhang@example.org', channels: ['inbox', 'email'] },
    response: importResult,
    status: 201,
    handler: ({ deps, principal, body, requestId }) => importWorkers(deps, principal, importedLines(workerInputSchema, body), requestId),
  }),
];
