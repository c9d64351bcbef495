import { ALL_ROLES, route } from '../route.js';
import { importedLines } from '../../import/rows.js';
import { IMPORT_BODY_LIMIT, importResult } from '../../schemas/common.js';
import { communityIdParams, communityImportBody, communityInputSchema, communityListQuery, communityListView, communityView } from '../../schemas/community.js';
import { getCommunityInScope, importCommunities, listCommunitiesInScope } from '../../services/community.js';

export const communityRoutes = [
  route({
    method: 'get',
    path: '/api/communities',
    etag: true,
    summary: 'Communities in your scope with their station status',
    tag: 'directory',
    roles: ALL_ROLES,
    query: communityListQuery,
    response: communityListView,
    handler: async ({ deps, principal, query }) => ({ items: await listCommunitiesInScope(deps, principal, query) }),
  }),
  route({
    method: 'get',
    path: '/api/communities/:communityId',
    summary: 'One community',
    tag: 'directory',
    roles: ALL_ROLES,
    params: communityIdParams,
    response: communityView,
    handler: ({ deps, principal, params }) => getCommunityInScope(deps, principal, params.communityId),
  }),
  route({
    method: 'post',
    path: '/api/communities',
    summary: 'Create or update communities in streets of your scope: one object, a JSON array, or { csv } with a header row; a file with any bad row imports nothing',
    tag: 'directory',
    roles: ['admin'],
    bodyLimit: IMPORT_BODY_LIMIT,
    body: communityImportBody,
    example: { id: 'cn-bj-xicheng-zhanlanlu-example', streetId: 'cn-bj-xicheng-zhanlanlu', nameZh: '示例社区', nameEn: 'Example' },
    response: importResult,
    status: 201,
    handler: ({ deps, principal, body, requestId }) => importCommunities(deps, principal, importedLines(communityInputSchema, body), requestId),
  }),
];
