import { randomUUID } from 'node:crypto';
import { conflict, invalid, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { shanghaiDate } from '../domain/time.js';
import { inScope, scopedCommunityIds } from '../store/repositories/org-unit.js';
import { assignToPost, findPost, listPosts, listPostTypes, upsertPost, upsertPostType, type PostView } from '../store/repositories/post.js';
import { workerCommunities } from '../store/repositories/service-record.js';
import type { ServiceDeps } from './deps.js';

// Posts (岗位建设): a station's posts by type with the number required, workers assigned over
// dates, vacancies. The rollout's staffing milestone checks them (src/services/station-rollout.ts).

type PostDeps = Pick<ServiceDeps, 'store' | 'clock'>;

/** Viewers read posts as counts: no one's name. */
function forRole(post: PostView, principal: Principal) {
  if (principal.role !== 'viewer') return post;
  const { assignments: _assignments, ...counts } = post;
  return counts;
}

export async function listPostTypesFor(deps: PostDeps) {
  return { items: await listPostTypes(deps.store.db) };
}

export async function savePostType(deps: PostDeps, principal: Principal, type: { key: string; name: { zh: string; en: string }; sortOrder?: number }, requestId?: string) {
  const created = await upsertPostType(deps.store.db, type, { actor: principal.name, action: 'save', entity: 'post_type', entityId: type.key, after: type, requestId });
  return { key: type.key, name: type.name, created };
}

export async function listPostsFor(deps: PostDeps, principal: Principal, query: { communityId?: string; on?: string }) {
  const ids = await scopedCommunityIds(deps.store.db, principal);
  const communityIds = query.communityId ? ids.filter((id) => id === query.communityId) : ids;
  const on = query.on ?? shanghaiDate(deps.clock());
  const posts = await listPosts(deps.store.db, { communityIds }, on);
  const required = posts.reduce((sum, p) => sum + p.required, 0);
  const filled = posts.reduce((sum, p) => sum + Math.min(p.filled, p.required), 0);
  return { on, items: posts.map((post) => forRole(post, principal)), totals: { required, filled, vacancies: required - filled } };
}

export async function savePost(deps: PostDeps, principal: Principal, input: { communityId: string; type: string; required: number; note?: string | null }, requestId?: string) {
  const { db } = deps.store;
  if (!(await inScope(db, principal, input.communityId))) {
    throw notFound(`community ${input.communityId}`, { reason: 'community_not_found', values: { communityId: input.communityId } });
  }
  if (!(await listPostTypes(db)).some((type) => type.key === input.type)) {
    throw invalid([{ path: 'body.type', message: `unknown post type ${input.type}` }], { reason: 'post_type_unknown', values: { type: input.type } });
  }
  const { id, created } = await upsertPost(db, { id: `post-${randomUUID()}`, communityId: input.communityId, type: input.type, required: input.required, note: input.note ?? null, at: deps.clock() }, {
    actor: principal.name, action: 'save', entity: 'post', entityId: '', after: input, requestId,
  });
  const [post] = await listPosts(db, { communityIds: [input.communityId], ids: [id] }, shanghaiDate(deps.clock()));
  return { ...forRole(post!, principal), created };
}

/** Assigns a worker of the post's station (or of the center) to the post, or ends that assignment. */
export async function assignWorkerToPost(deps: PostDeps, principal: Principal, postId: string, input: { workerId: string; from: string; to?: string | null }, requestId?: string) {
  const { db } = deps.store;
  const post = await findPost(db, postId);
  if (!post || !(await inScope(db, principal, post.communityId))) throw notFound(`post ${postId}`, { reason: 'post_not_found', values: { postId } });
  const workers = await workerCommunities(db, [input.workerId]);
  const community = workers.get(input.workerId);
  if (community === undefined) throw invalid([{ path: 'body.workerId', message: `no worker ${input.workerId}` }], { reason: 'worker_unknown', values: { workerId: input.workerId } });
  if (community !== null && community !== post.communityId) {
    throw invalid([{ path: 'body.workerId', message: `worker ${input.workerId} works at another station` }], { reason: 'worker_other_station', values: { workerId: input.workerId } });
  }
  if (community === null && !(await inScope(db, principal, post.communityId))) throw notFound(`post ${postId}`, { reason: 'post_not_found', values: { postId } });
  const result = await assignToPost(db, { id: `pa-${randomUUID()}`, postId, workerId: input.workerId, from: input.from, to: input.to ?? null, by: principal.name }, {
    actor: principal.name, action: 'assign', entity: 'post_assignment', entityId: '', after: { postId, ...input }, requestId,
  });
  if ('overlaps' in result) {
    throw conflict(`worker ${input.workerId} is already assigned to post ${postId} over these dates`, { reason: 'assignment_overlaps', values: { postId, workerId: input.workerId, assignmentId: result.overlaps } });
  }
  const [view] = await listPosts(db, { communityIds: [post.communityId], ids: [postId] }, shanghaiDate(deps.clock()));
  return { id: result.id, postId, created: result.created, post: forRole(view!, principal) };
}
