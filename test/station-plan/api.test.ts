import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/time.js';
import type { Role } from '../../src/domain/types.js';
import { WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { saveHistoryIfRequested } from '../helpers/histories.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { planNotifications, tally, type NotificationRow } from './support.js';

// The station plan over HTTP, with the default template and the official calendar: nothing here
// waits for a due date, so the wall-clock hour never matters.

const HONGMAOGOU = 'cn-bj-xicheng-zhanlanlu-hongmaogou';
const plan = (communityId: string, rest = '') => `/api/stations/${communityId}/plan${rest}`;
const evidence = { evidence: { note: 'Post table and duty hours posted at the entrance', links: ['https://example.org/posts.jpg'] } };

describe('station plan API', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;

  beforeAll(async () => {
    harness = await startHarness({ name: 'plans-api', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ store, tokens } = harness);
    api = harness.api!;
  });
  afterAll(async () => {
    // Every plan this file started ends here, so nothing keeps running on the shared server.
    const rows = await store.db.selectFrom('plans').select(['community_id', 'status']).where('status', 'in', ['running', 'paused']).execute();
    for (const row of rows) {
      await api.call('POST', plan(row.community_id, '/cancel'), { token: tokens.admin, body: { reason: 'test over' } });
    }
    await harness?.close();
  });

  it('starts a plan for a supervisor and answers 409 with the running plan\'s id on a second start', async () => {
    const first = await api.call('POST', plan(WANMINGYUAN), { token: tokens.supervisor, body: {} });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ communityId: WANMINGYUAN, workflowId: `station-plan:${WANMINGYUAN}`, runId: expect.any(String), planId: expect.any(String) });

    const second = await api.call('POST', plan(WANMINGYUAN), { token: tokens.supervisor, body: {} });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({
      code: 'conflict', reason: 'plan_already_running',
      details: { workflowId: first.body.workflowId, runId: first.body.runId, planId: first.body.planId },
      values: { communityId: WANMINGYUAN, workflowId: first.body.workflowId, planId: first.body.planId },
    });

    const audit = await store.db.selectFrom('audit_log').selectAll().where('entity', '=', 'station_plan').where('entity_id', '=', first.body.planId).execute();
    expect(audit).toEqual([expect.objectContaining({ action: 'start', actor: 'test supervisor' })]);
  });

  it('refuses to start plans for roles other than supervisors and admins, and for unknown communities', async () => {
    for (const role of ['station_lead', 'social_worker', 'viewer'] as const) {
      expect((await api.call('POST', plan(YUSHUGUAN), { token: tokens[role], body: {} })).status).toBe(403);
    }
    const nowhere = await api.call('POST', plan('cn-bj-nowhere'), { token: tokens.supervisor, body: {} });
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.error).toMatchObject({ reason: 'community_not_found', values: { communityId: 'cn-bj-nowhere' } });
    // A community without an operating station has nothing to plan.
    const noStation = await api.call('POST', plan('cn-bj-xicheng-zhanlanlu-placeholder-20'), { token: tokens.supervisor, body: {} });
    expect(noStation.status).toBe(409);
    expect(noStation.body.error).toMatchObject({ code: 'conflict', reason: 'plan_no_station', values: { communityId: 'cn-bj-xicheng-zhanlanlu-placeholder-20' } });
  });

  it('shows the plan from the records store with each task\'s guidance, to the station lead of that station only', async () => {
    const { status, body } = await api.call('GET', plan(WANMINGYUAN), { token: tokens.station_lead });
    expect(status).toBe(200);
    expect(body).toMatchObject({ communityId: WANMINGYUAN, status: 'running', currentStage: 'guide', template: { id: 'zhanlanlu-station-plan', version: 1 } });
    expect(body.stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`)).toEqual(['guide:open', 'support:pending', 'supervise:pending']);
    const task = body.tasks.find((t: { id: string }) => t.id === 'guide-post-setup');
    expect(task).toMatchObject({ status: 'open', dueAt: expect.any(String), guidance: { why: { zh: expect.any(String), en: expect.any(String) } } });
    expect((await api.call('GET', plan(YUSHUGUAN), { token: tokens.station_lead })).status).toBe(404);
  });

  it('answers 404 for a station that never had a plan, to reads and changes alike', async () => {
    const never = 'cn-bj-xicheng-zhanlanlu-placeholder-20';
    const read = await api.call('GET', plan(never), { token: tokens.supervisor });
    expect(read.status).toBe(404);
    expect(read.body.error).toMatchObject({ code: 'not_found', reason: 'plan_not_found', values: { communityId: never } });
    const change = await api.call('POST', plan(never, '/pause'), { token: tokens.supervisor, body: {} });
    expect(change.status).toBe(404);
    expect(change.body.error).toMatchObject({ code: 'not_found', reason: 'plan_not_found' });
  });

  it('lets the station lead complete their own station\'s tasks with evidence, and audits it', async () => {
    const done = await api.call('POST', plan(WANMINGYUAN, '/tasks/guide-post-setup/complete'), { token: tokens.station_lead, body: evidence });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: 'guide-post-setup', status: 'done', completedBy: 'test station_lead', evidence: evidence.evidence });
    const record = await api.call('GET', plan(WANMINGYUAN), { token: tokens.supervisor });
    expect(record.body.tasks.find((t: { id: string }) => t.id === 'guide-post-setup')).toMatchObject({ status: 'done', evidence: evidence.evidence });
    const audit = await store.db.selectFrom('audit_log').select(['action', 'actor']).where('entity_id', '=', `${WANMINGYUAN}:guide-post-setup`).execute();
    expect(audit).toEqual([{ action: 'complete_task', actor: 'test station_lead' }]);

    const again = await api.call('POST', plan(WANMINGYUAN, '/tasks/guide-post-setup/complete'), { token: tokens.station_lead, body: evidence });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('already done');
    const later = await api.call('POST', plan(WANMINGYUAN, '/tasks/support-resource-map/complete'), { token: tokens.station_lead, body: evidence });
    expect(later.status).toBe(409);
    expect(later.body.error.message).toContain('later stage support');
    expect((await api.call('POST', plan(WANMINGYUAN, '/tasks/no-such-task/complete'), { token: tokens.station_lead, body: evidence })).status).toBe(404);
    const bad = await api.call('POST', plan(WANMINGYUAN, '/tasks/guide-needs-assessment/complete'), { token: tokens.station_lead, body: { evidence: { links: ['not a link'] } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.evidence.note', 'body.evidence.links.0']));
    expect((await api.call('POST', plan(WANMINGYUAN, '/tasks/guide-needs-assessment/complete'), { token: tokens.social_worker, body: evidence })).status).toBe(403);
    expect((await api.call('POST', plan(WANMINGYUAN, '/tasks/guide-needs-assessment/complete'), { token: tokens.viewer, body: evidence })).status).toBe(403);
  });

  it('refuses a sign-off while required tasks are open, listing them, and signs off once they are done', async () => {
    const refused = await api.call('POST', plan(WANMINGYUAN, '/stages/guide/sign-off'), { token: tokens.supervisor, body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('guide-needs-assessment');
    expect(refused.body.error.message).toContain('guide-annual-plan');
    expect((await api.call('POST', plan(WANMINGYUAN, '/stages/guide/sign-off'), { token: tokens.station_lead, body: {} })).status).toBe(403);

    for (const taskId of ['guide-needs-assessment', 'guide-annual-plan']) {
      expect((await api.call('POST', plan(WANMINGYUAN, `/tasks/${taskId}/complete`), { token: tokens.station_lead, body: evidence })).status).toBe(200);
    }
    const sentBack = await api.call('POST', plan(WANMINGYUAN, '/stages/guide/send-back'), {
      token: tokens.supervisor, body: { comments: 'The annual plan needs indicators', reopenTaskIds: ['guide-annual-plan'] },
    });
    expect(sentBack.status).toBe(200);
    expect(sentBack.body).toEqual({ stage: 'guide', reopened: ['guide-annual-plan'] });
    expect((await api.call('POST', plan(WANMINGYUAN, '/tasks/guide-annual-plan/complete'), { token: tokens.station_lead, body: evidence })).status).toBe(200);

    const signed = await api.call('POST', plan(WANMINGYUAN, '/stages/guide/sign-off'), { token: tokens.supervisor, body: { comments: 'in order' } });
    expect(signed.status).toBe(200);
    expect(signed.body).toEqual({ stage: 'guide', nextStage: 'support', status: 'running' });
    const { body } = await api.call('GET', plan(WANMINGYUAN), { token: tokens.supervisor });
    expect(body.currentStage).toBe('support');
    expect(body.stages[0]).toMatchObject({ status: 'signed_off', signedOffBy: 'test supervisor', comments: 'in order', sendBacks: [expect.objectContaining({ reopened: ['guide-annual-plan'] })] });
    const audit = await store.db.selectFrom('audit_log').select('action').where('entity_id', 'in', [`${WANMINGYUAN}:guide`]).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['send_back', 'sign_off']);
  });

  it('keeps evidence, names and comments from viewers', async () => {
    const { status, body } = await api.call('GET', plan(WANMINGYUAN), { token: tokens.viewer });
    expect(status).toBe(200);
    const task = body.tasks.find((t: { id: string }) => t.id === 'guide-post-setup');
    expect(task).toMatchObject({ status: 'done', evidence: null, completedBy: null, guidance: expect.any(Object) });
    expect(body.stages[0]).toMatchObject({ status: 'signed_off', signedOffBy: null, comments: null });
    expect(JSON.stringify(body)).not.toContain('duty hours posted');
    expect(JSON.stringify(body)).not.toContain('test station_lead');
  });

  it('pauses, resumes, reschedules and cancels for supervisors only, each recorded', async () => {
    const path = (rest: string) => plan(WANMINGYUAN, rest);
    expect((await api.call('POST', path('/pause'), { token: tokens.station_lead, body: {} })).status).toBe(403);
    expect((await api.call('POST', path('/pause'), { token: tokens.supervisor, body: { reason: 'renovation' } })).status).toBe(200);
    expect((await api.call('GET', path(''), { token: tokens.supervisor })).body.status).toBe('paused');
    const twice = await api.call('POST', path('/pause'), { token: tokens.supervisor, body: {} });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toContain('already paused');
    const resumed = await api.call('POST', path('/resume'), { token: tokens.supervisor, body: {} });
    expect(resumed.status).toBe(200);
    expect(resumed.body.shiftedMs).toBeGreaterThanOrEqual(0);

    const before = (await api.call('GET', path(''), { token: tokens.supervisor })).body;
    const moved = await api.call('POST', path('/reschedule'), { token: tokens.supervisor, body: { deltaWorkingDays: 5, reason: 'holiday' } });
    expect(moved.status).toBe(200);
    expect(moved.body.shiftedTasks.sort()).toEqual(['support-professional-supervision', 'support-resource-map', 'support-venture-incubation']);
    const after = (await api.call('GET', path(''), { token: tokens.supervisor })).body;
    const due = (body: { tasks: Array<{ id: string; dueAt: string }> }) => body.tasks.find((t) => t.id === 'support-resource-map')!.dueAt;
    expect(Date.parse(due(after))).toBeGreaterThan(Date.parse(due(before)));
    expect((await api.call('POST', path('/reschedule'), { token: tokens.supervisor, body: { deltaWorkingDays: 0 } })).status).toBe(400);
    const score = await api.call('POST', path('/evaluation'), { token: tokens.supervisor, body: { scores: { post_building: 6, talent_training: 3, resource_linkage: 3, professional_services: 3 }, comments: '' } });
    expect(score.status).toBe(400);
    const early = await api.call('POST', path('/evaluation'), { token: tokens.supervisor, body: { scores: { post_building: 4, talent_training: 3, resource_linkage: 3, professional_services: 3 }, comments: '' } });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toContain('has not started');

    expect((await api.call('POST', path('/cancel'), { token: tokens.supervisor, body: {} })).status).toBe(400);
    const cancelled = await api.call('POST', path('/cancel'), { token: tokens.supervisor, body: { reason: 'station merged' } });
    expect(cancelled.status).toBe(200);
    const record = (await api.call('GET', path(''), { token: tokens.supervisor })).body;
    expect(record).toMatchObject({ status: 'cancelled', cancellation: { by: 'test supervisor', reason: 'station merged' } });
    expect(record.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['paused', 'resumed', 'rescheduled', 'cancelled']));
    const audit = await store.db.selectFrom('audit_log').select('action').where('entity', '=', 'station_plan').where('entity_id', '=', WANMINGYUAN).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['pause', 'resume', 'reschedule', 'cancel']);
    // The plan exists but has ended: a conflict, as on every route whose workflow is no longer running.
    const ended = await api.call('POST', path('/tasks/support-resource-map/complete'), { token: tokens.station_lead, body: evidence });
    expect(ended.status).toBe(409);
    expect(ended.body.error.reason).toBe('workflow_not_running');
  });

  it('starts plans for every operating station in scope in one call, and lists them from the store', async () => {
    // Wanmingyuan's plan was cancelled: a new one may start there too.
    const { status, body } = await api.call('POST', '/api/stations/plans', { token: tokens.supervisor, body: {} });
    expect(status).toBe(200);
    expect(body).toMatchObject({ started: 11, alreadyRunning: 0, failed: 0 });
    const again = await api.call('POST', '/api/stations/plans', { token: tokens.supervisor, body: {} });
    expect(again.body).toMatchObject({ started: 0, alreadyRunning: 11 });
    expect(again.body.items.every((item: { planId?: string }) => typeof item.planId === 'string')).toBe(true);

    const list = await api.call('GET', '/api/stations/plans', { token: tokens.viewer });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(11);
    expect(list.body.items.every((item: { status: string; currentStage: string }) => item.status === 'running' && item.currentStage === 'guide')).toBe(true);
    const lead = await api.call('GET', '/api/stations/plans', { token: tokens.station_lead });
    expect(lead.body.items.map((item: { communityId: string }) => item.communityId)).toEqual([WANMINGYUAN]);
    // The workflows mirror themselves shortly after the start (revision 1 and up).
    await eventually('every started plan mirrored by its workflow', async () => {
      const rows = await store.db.selectFrom('plans').select('revision').where('status', '=', 'running').execute();
      return rows.every((row) => row.revision >= 1);
    });
  });

  it('catches a plan started sixty days back up with one overdue notice and one escalation per overdue task, not one per missed day', async () => {
    // The bulk start above left a plan running here: it makes room.
    expect((await api.call('POST', plan(HONGMAOGOU, '/cancel'), { token: tokens.supervisor, body: { reason: 'restarted back-dated' } })).status).toBe(200);
    const startedOn = shanghaiDate(Date.now() - 60 * 86_400_000);
    const started = await api.call('POST', plan(HONGMAOGOU), { token: tokens.supervisor, body: { startedOn } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const { planId, workflowId } = started.body as { planId: string; workflowId: string };
    const tasks = await store.db.selectFrom('plan_tasks').select(['task_id', 'due_at']).where('plan_id', '=', planId).where('stage', '=', 'guide').execute();
    const overdue = tasks.filter((task) => task.due_at !== null && new Date(task.due_at).getTime() < Date.now());
    expect(overdue.length).toBeGreaterThan(0);
    // One of each per task, whoever the latest round's step names.
    const byKind = (rows: NotificationRow[]) => Object.entries(tally(rows)).reduce<Record<string, number>>((counts, [name, n]) => {
      const kind = name.split('@')[0]!;
      return { ...counts, [kind]: (counts[kind] ?? 0) + n };
    }, {});
    const expected = { task_overdue: overdue.length, escalation: overdue.length };
    await eventually('one overdue notice and one escalation per overdue task', async () => {
      expect(byKind(await planNotifications(store, planId))).toEqual(expected);
      return true;
    }, { timeoutMs: 30_000 });
    // Not the first of a burst: nothing more follows (before the patch, each missed day sent one).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const rows = await planNotifications(store, planId);
    expect(byKind(rows)).toEqual(expected);
    expect(tally(rows)['task_overdue@w-hongmaogou-lead']).toBe(overdue.length);
    expect(new Set(rows.map((row) => row.idempotency_key)).size).toBe(rows.length);
    expect((await api.call('POST', plan(HONGMAOGOU, '/cancel'), { token: tokens.supervisor, body: { reason: 'test over' } })).status).toBe(200);
    await eventually('the back-dated plan closed', async () => (await harness.client.workflow.getHandle(workflowId).describe()).status.name === 'COMPLETED');
    await saveHistoryIfRequested(harness.client, workflowId, 'stationPlan--back-dated-catch-up');
  });
});
