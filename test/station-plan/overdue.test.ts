import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullPlanMirror, initialPlanState, type StationPlanInput } from '../../src/domain/station-plan.js';
import { shanghaiInstant } from '../../src/domain/time.js';
import type { Role } from '../../src/domain/types.js';
import { applyPlanMirror } from '../../src/store/repositories/station-plan.js';
import { WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { calendarInput } from './template.js';

// GET /api/stations/overdue reads the records store only: plans are written there as their
// workflows would mirror them (started on Monday 28 September 2026, official calendar), and the
// API's clock stands at 10:00 on Friday 9 October. Guide tasks: g-posts due Wednesday 30 September
// 17:30, g-needs and g-extra (optional) due Thursday 8 October 17:30 (after the National Day holiday).

const HONGMAOGOU = 'cn-bj-xicheng-zhanlanlu-hongmaogou';
const NOW = new Date(shanghaiInstant('2026-10-09', '10:00'));

function planOf(communityId: string): StationPlanInput {
  return calendarInput({
    planId: `station-plan:${communityId}:2026-09-28:overdue`, communityId, recipients: { stationLeadId: null, supervisorId: 'w-zhanlanlu-supervisor-01' },
  });
}

interface OverdueItem {
  communityId: string;
  planId: string;
  taskId: string;
  dueAt: string;
  daysOverdue: number;
  escalationRounds: number;
  required: boolean;
}

describe('GET /api/stations/overdue', () => {
  let harness: Harness;
  let api: TestApi;
  let tokens: Record<Role, string>;
  const overdue = (token: string, query = '') => api.call('GET', `/api/stations/overdue${query}`, { token });
  const names = (items: OverdueItem[]) => items.map((item) => `${item.communityId.split('-').pop()}:${item.taskId}`);

  beforeAll(async () => {
    harness = await startHarness({ name: 'plans-overdue', seed: true, worker: false, clock: () => NOW });
    ({ tokens } = harness);
    api = harness.api!;
    for (const communityId of [WANMINGYUAN, YUSHUGUAN, HONGMAOGOU]) {
      const input = planOf(communityId);
      const state = initialPlanState(input, shanghaiInstant('2026-09-28', '09:00'));
      const posts = state.tasks.find((task) => task.id === 'g-posts')!;
      posts.escalationRounds = 3;
      // Done tasks are not overdue; a paused plan's tasks are not either (its time stands still).
      if (communityId === YUSHUGUAN) Object.assign(state.tasks.find((task) => task.id === 'g-extra')!, { status: 'done', completedAt: NOW.getTime() });
      if (communityId === HONGMAOGOU) Object.assign(state, { status: 'paused', pausedAt: NOW.getTime() });
      await applyPlanMirror(harness.store.db, fullPlanMirror(state, input, `station-plan:${communityId}`));
    }
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('lists the overdue tasks of running plans in scope, oldest due first, with whole days overdue and escalations so far', async () => {
    const { status, body } = await overdue(tokens.supervisor);
    expect(status).toBe(200);
    expect(names(body.items)).toEqual(['wanmingyuan:g-posts', 'yushuguan:g-posts', 'wanmingyuan:g-extra', 'wanmingyuan:g-needs', 'yushuguan:g-needs']);
    expect(body.items[0]).toEqual({
      communityId: WANMINGYUAN, communityName: { zh: '万明园社区', en: 'Wanmingyuan' }, planId: planOf(WANMINGYUAN).planId, stage: 'guide',
      taskId: 'g-posts', title: { zh: '岗位', en: 'Posts' }, dueAt: new Date(shanghaiInstant('2026-09-30', '17:30')).toISOString(),
      daysOverdue: 9, escalationRounds: 3, required: true,
    });
    expect(body.items.find((item: OverdueItem) => item.taskId === 'g-extra')).toMatchObject({ daysOverdue: 1, escalationRounds: 0, required: false });
    expect(body.nextCursor).toBeNull();
  });

  it('pages by an opaque cursor in a stable order, across tasks due at the same instant', async () => {
    const first = await overdue(tokens.admin, '?limit=3');
    expect(first.status).toBe(200);
    expect(names(first.body.items)).toEqual(['wanmingyuan:g-posts', 'yushuguan:g-posts', 'wanmingyuan:g-extra']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await overdue(tokens.admin, `?limit=3&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(names(second.body.items)).toEqual(['wanmingyuan:g-needs', 'yushuguan:g-needs']);
    expect(second.body.nextCursor).toBeNull();
    const exact = await overdue(tokens.admin, '?limit=5');
    expect(exact.body.items).toHaveLength(5);
    expect(exact.body.nextCursor).toBeNull();
  });

  it('shows a station lead only their own station\'s tasks', async () => {
    const { status, body } = await overdue(tokens.station_lead);
    expect(status).toBe(200);
    expect(names(body.items)).toEqual(['wanmingyuan:g-posts', 'wanmingyuan:g-extra', 'wanmingyuan:g-needs']);
  });

  it('answers a viewer the same list, which names no person', async () => {
    const viewer = await overdue(tokens.viewer);
    expect(viewer.status).toBe(200);
    expect(viewer.body).toEqual((await overdue(tokens.supervisor)).body);
    for (const item of viewer.body.items) {
      expect(Object.keys(item).sort()).toEqual([
        'communityId', 'communityName', 'daysOverdue', 'dueAt', 'escalationRounds', 'planId', 'required', 'stage', 'taskId', 'title',
      ]);
    }
    const text = JSON.stringify(viewer.body);
    for (const person of ['w-zhanlanlu-supervisor-01', 'w-wanmingyuan-lead', 'test supervisor']) expect(text).not.toContain(person);
  });

  it('refuses social workers, a limit out of range and a cursor it did not give', async () => {
    expect((await overdue(tokens.social_worker)).status).toBe(403);
    for (const limit of ['0', '201', 'many']) expect((await overdue(tokens.supervisor, `?limit=${limit}`)).status).toBe(400);
    const bad = await overdue(tokens.supervisor, '?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', reason: 'invalid_cursor', details: [{ path: 'query.cursor' }] });
  });
});
