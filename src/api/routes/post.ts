import { ALL_ROLES, route } from '../route.js';
import {
  assignmentBody, postBody, postIdParams, postListQuery, postListView, postTypeBody, postTypeListView, savedAssignmentView, savedPostTypeView, savedPostView,
} from '../../schemas/post.js';
import { assignWorkerToPost, listPostsFor, listPostTypesFor, savePost, savePostType } from '../../services/post.js';

// Posts (岗位建设): post types (data, like themes), a station's posts with the number required,
// workers assigned over dates, vacancies. Rules live in src/services/post.ts.

export const postRoutes = [
  route({
    method: 'get',
    path: '/api/post-types',
    summary: 'Post types (station lead, full-time social worker, part-time, and any a street adds)',
    tag: 'posts',
    roles: ALL_ROLES,
    response: postTypeListView,
    handler: async ({ deps }) => listPostTypesFor(deps),
  }),
  route({
    method: 'post',
    path: '/api/post-types',
    summary: 'Add a post type or rename one (admin)',
    tag: 'posts',
    roles: ['admin'],
    body: postTypeBody,
    example: { key: 'community_volunteer_coordinator', name: { zh: '志愿者协调员', en: 'Volunteer coordinator' } },
    response: savedPostTypeView,
    handler: async ({ deps, principal, body, requestId }) => savePostType(deps, principal, body, requestId),
  }),
  route({
    method: 'get',
    path: '/api/posts',
    summary: 'Posts of the stations in scope: required, filled and vacant on a day, with who is assigned (read audited; viewers: counts, no names)',
    tag: 'posts',
    roles: ALL_ROLES,
    // Assignments name workers: a read of personal data, written to the audit log.
    personalData: true,
    query: postListQuery,
    response: postListView,
    handler: async ({ deps, principal, query }) => listPostsFor(deps, principal, query),
  }),
  route({
    method: 'post',
    path: '/api/posts',
    summary: "Define a station's post of a type with the number required, or change the number",
    tag: 'posts',
    roles: ['admin', 'supervisor', 'station_lead'],
    body: postBody,
    example: { communityId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', type: 'full_time_social_worker', required: 2 },
    response: savedPostView,
    handler: async ({ deps, principal, body, requestId }) => savePost(deps, principal, body, requestId),
  }),
  route({
    method: 'post',
    path: '/api/posts/:postId/assignments',
    summary: 'Assign a worker to a post from a date, or end the assignment (same worker and start, with `to`)',
    tag: 'posts',
    roles: ['admin', 'supervisor', 'station_lead'],
    params: postIdParams,
    body: assignmentBody,
    example: { workerId: 'w-wanmingyuan-sw1', from: '2027-03-01' },
    response: savedAssignmentView,
    handler: async ({ deps, principal, params, body, requestId }) => assignWorkerToPost(deps, principal, params.postId, body, requestId),
  }),
];
