import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../src/domain/time.js';
import { WANMINGYUAN, YUSHUGUAN } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// Posts (岗位建设): example posts of the default data, required / filled / vacant per station and in
// the summary, assignments over dates, and the rollout's staffing milestone refused while a post
// of the new station is vacant.

const NEW_STATION = 'cn-bj-xicheng-zhanlanlu-placeholder-13';

describe('posts', () => {
  let harness: Harness;
  let api: NonNullable<Harness['api']>;
  let tokens: Harness['tokens'];
  const today = shanghaiDate(new Date());

  beforeAll(async () => {
    harness = await startHarness({ name: 'posts', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ tokens } = harness);
    api = harness.api!;
    // The worker bundles the workflows first: minutes on a busy shared machine.
  }, 300_000);
  afterAll(async () => {
    await harness?.client.workflow.getHandle(`station-rollout:${NEW_STATION}`).terminate('test over').catch(() => undefined);
    await harness?.close();
  });

  it('shows the example posts filled: 33 of 33 across 11 stations, per station in the summary, no names to a viewer', async () => {
    const list = await api.call('GET', '/api/posts', { token: tokens.supervisor });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.totals).toEqual({ required: 33, filled: 33, vacancies: 0 });
    expect(list.body.items.every((post: { isExample: boolean }) => post.isExample)).toBe(true);
    const summary = (await api.call('GET', '/api/reports/summary', { token: tokens.viewer })).body;
    expect(summary.posts).toMatchObject({ required: 33, filled: 33 });
    expect(summary.posts.byStation).toHaveLength(11);
    const viewer = await api.call('GET', '/api/posts', { token: tokens.viewer });
    expect(JSON.stringify(viewer.body)).not.toContain('站长（示例）');
    expect(viewer.body.items[0]).not.toHaveProperty('assignments');
    const lead = await api.call('GET', `/api/posts?communityId=${YUSHUGUAN}`, { token: tokens.station_lead });
    expect(lead.body.items).toEqual([]);
  });

  it('sets a post, counts vacancies, assigns and ends an assignment, refusing overlaps and other stations', async () => {
    expect((await api.call('POST', '/api/post-types', { token: tokens.supervisor, body: { key: 'volunteer_coordinator', name: { zh: '志愿者协调员', en: 'Volunteer coordinator' } } })).status).toBe(403);
    const type = await api.call('POST', '/api/post-types', { token: tokens.admin, body: { key: 'volunteer_coordinator', name: { zh: '志愿者协调员', en: 'Volunteer coordinator' } } });
    expect(type.body).toMatchObject({ key: 'volunteer_coordinator', created: true });
    expect((await api.call('POST', '/api/posts', { token: tokens.station_lead, body: { communityId: WANMINGYUAN, type: 'nothing', required: 1 } })).body.error.details[0].path).toBe('body.type');
    expect((await api.call('POST', '/api/posts', { token: tokens.station_lead, body: { communityId: YUSHUGUAN, type: 'volunteer_coordinator', required: 1 } })).status).toBe(404);
    const post = await api.call('POST', '/api/posts', { token: tokens.station_lead, body: { communityId: WANMINGYUAN, type: 'volunteer_coordinator', required: 1 } });
    expect(post.body).toMatchObject({ created: true, required: 1, filled: 0, vacancies: 1 });
    const postId = post.body.id as string;
    expect((await api.call('GET', '/api/posts', { token: tokens.supervisor })).body.totals).toEqual({ required: 34, filled: 33, vacancies: 1 });

    const assign = (body: object) => api.call('POST', `/api/posts/${postId}/assignments`, { token: tokens.station_lead, body });
    expect((await assign({ workerId: 'w-yushuguan-sw1', from: today })).body.error.details[0].path).toBe('body.workerId');
    const first = await assign({ workerId: 'w-wanmingyuan-sw1', from: today });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ created: true, post: { filled: 1, vacancies: 0 } });
    expect((await assign({ workerId: 'w-wanmingyuan-sw1', from: addDays(today, 3) })).status).toBe(409);
    const ended = await assign({ workerId: 'w-wanmingyuan-sw1', from: today, to: today });
    expect(ended.body).toMatchObject({ id: first.body.id, created: false });
    const tomorrow = await api.call('GET', `/api/posts?communityId=${WANMINGYUAN}&on=${addDays(today, 1)}`, { token: tokens.station_lead });
    expect(tomorrow.body.items.find((p: { id: string }) => p.id === postId)).toMatchObject({ filled: 0, vacancies: 1 });
  });

  it("refuses the rollout's staffing milestone while a post of the new station is vacant, then completes it when filled", async () => {
    const start = await api.call('POST', `/api/rollout/${NEW_STATION}`, { token: tokens.supervisor, body: { targetDate: addDays(today, 60) } });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    const complete = (milestone: string) => api.call('POST', `/api/rollout/${NEW_STATION}/milestones/${milestone}/complete`, { token: tokens.supervisor, body: { evidence: { note: `${milestone} done`, links: [] } } });
    expect((await complete('site')).status).toBe(200);
    expect((await api.call('POST', '/api/workers', { token: tokens.admin, body: { id: 'w-placeholder-13-sw1', orgUnitId: NEW_STATION, communityId: NEW_STATION, name: '新站社工（测试）', position: 'social_worker' } })).status).toBe(201);
    const post = await api.call('POST', '/api/posts', { token: tokens.supervisor, body: { communityId: NEW_STATION, type: 'full_time_social_worker', required: 2 } });
    expect(post.status).toBe(200);
    await api.call('POST', `/api/posts/${post.body.id}/assignments`, { token: tokens.supervisor, body: { workerId: 'w-placeholder-13-sw1', from: today } });
    // A social worker is there, but the post needs two: the old rule alone would have let it through.
    const vacant = await complete('staffing');
    expect(vacant.status).toBe(409);
    expect(vacant.body.error).toMatchObject({ reason: 'staffing_posts_vacant', values: { vacancies: 1 } });
    expect((await api.call('POST', '/api/posts', { token: tokens.supervisor, body: { communityId: NEW_STATION, type: 'full_time_social_worker', required: 1 } })).status).toBe(200);
    const staffed = await complete('staffing');
    expect(staffed.status, JSON.stringify(staffed.body)).toBe(200);
  });
});
