import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlanMirror, fullPlanMirror, initialPlanState } from '../../src/domain/station-plan.js';
import { shanghaiInstant } from '../../src/domain/time.js';
import { applyPlanMirror, getLatestPlan, listPlanSummaries } from '../../src/store/repositories/station-plan.js';
import { BACKENDS, createTestStore, type TestStore } from '../helpers/store.js';
import { calendarInput as input, TEST_TEMPLATE, WANMINGYUAN_ID as COMMUNITY } from './template.js';

// The plan's records-store mirror on both backends: idempotent, ordered by revision. (The pure
// rules are unit-tested in test/domain/station-plan*.test.ts.)

describe.each(BACKENDS)('station plan records on %s', (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(backend, { seed: true });
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('mirrors a plan idempotently and never lets an older revision overwrite a newer one', async () => {
    const plan = input();
    const state = initialPlanState(plan, shanghaiInstant('2026-09-28', '10:00'));
    state.revision = 1;
    expect(await applyPlanMirror(store.db, fullPlanMirror(state, plan, 'wf'))).toBe('applied');
    expect(await applyPlanMirror(store.db, fullPlanMirror(state, plan, 'wf'))).toBe('applied');

    const posts = state.tasks.find((t) => t.id === 'g-posts')!;
    Object.assign(posts, { status: 'done', completedAt: shanghaiInstant('2026-09-29', '11:00'), completedBy: 'lead', evidence: { note: 'n', links: [] } });
    state.revision = 3;
    const newer = buildPlanMirror(state, plan, 'wf', { taskIds: ['g-posts'], newTaskIds: [], visitNos: [], eventsAfter: 1, evaluation: false, report: false });
    expect(await applyPlanMirror(store.db, newer)).toBe('applied');
    const older = { ...fullPlanMirror({ ...state, tasks: state.tasks.map((t) => (t.id === 'g-posts' ? { ...t, status: 'open' as const } : t)) }, plan, 'wf'), revision: 2 };
    expect(await applyPlanMirror(store.db, older)).toBe('stale');

    const record = (await getLatestPlan(store.db, COMMUNITY))!;
    expect(record).toMatchObject({ planId: plan.planId, revision: 3, status: 'running', currentStage: 'guide', startedOn: '2026-09-28' });
    expect(record.tasks).toHaveLength(5);
    expect(record.tasks.find((t) => t.id === 'g-posts')).toMatchObject({ status: 'done', completedBy: 'lead', guidance: TEST_TEMPLATE.stages[0]!.tasks[0]!.guidance });
    expect(record.events.map((e) => e.type)).toEqual(['started']);

    const summaries = await listPlanSummaries(store.db, { communityIds: [COMMUNITY, 'cn-bj-xicheng-zhanlanlu-yushuguan'], now: new Date(shanghaiInstant('2026-10-08', '18:00')) });
    expect(summaries).toEqual([expect.objectContaining({
      planId: plan.planId, communityId: COMMUNITY, tasks: { total: 5, done: 1, open: 2, overdue: 2 }, awaitingSignOff: false,
    })]);
  });
});
