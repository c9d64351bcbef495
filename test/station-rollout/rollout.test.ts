import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toApiError } from '../../src/api/errors.js';
import { addDays, shanghaiDate } from '../../src/domain/time.js';
import { completeMilestone, startRollout } from '../../src/services/station-rollout.js';
import { workflowIds } from '../../src/domain/workflow-ids.js';
import { type StationRolloutStatus } from '../../workflows/station-rollout.messages.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { saveHistoryIfRequested } from '../helpers/histories.js';

const community = (n: number) => `cn-bj-xicheng-zhanlanlu-placeholder-${String(n).padStart(2, '0')}`;
const OPENED = community(12);
const SLIPPING = community(13);
const SUPERVISOR = 'w-zhanlanlu-supervisor-01';

// No reminders, no escalation: the site-to-opening walk is driven by updates alone.
const QUIET_POLICY = { offsetsMs: [], quietHours: null, workingDaysOnly: false, overdueRepeatMs: null, escalation: null };

describe('station rollout', () => {
  let harness: Harness;
  let store: Harness['store'];
  let client: Harness['client'];
  let api: NonNullable<Harness['api']>;
  let tokens: Harness['tokens'];
  const today = shanghaiDate(new Date());
  const started: string[] = [];

  beforeAll(async () => {
    harness = await startHarness({ name: 'rollout', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ store, client, tokens } = harness);
    api = harness.api!;
  });
  afterAll(async () => {
    for (const workflowId of [...started, workflowIds.stationPlan(OPENED)]) {
      await harness?.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
    }
    await harness?.close();
  });

  it('shows 11 of 23 communities operating and 12 remaining before any rollout, with no projection', async () => {
    const { status, body } = await api.call('GET', '/api/rollout', { token: tokens.viewer });
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 23, operating: 11, remaining: 12, inRollout: 0, notPlanned: 12, projectedFullCoverage: null });
    expect(body.byDate[body.byDate.length - 1].operating).toBe(11);
  });

  it('takes a community from site to opening, in order and with evidence, and starts its station plan', async () => {
    const milestones = {
      site: { targetDate: addDays(today, 7) },
      staffing: { targetDate: addDays(today, 14) },
      fit_out: { targetDate: addDays(today, 30) },
      opening: { targetDate: addDays(today, 45) },
    };
    const start = await api.call('POST', `/api/rollout/${OPENED}`, { token: tokens.supervisor, body: { milestones, owner: SUPERVISOR, reminderPolicy: QUIET_POLICY } });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    started.push(start.body.workflowId);
    expect(start.body.workflowId).toBe(`station-rollout:${OPENED}`);
    expect(start.body.milestones.map((m: { targetDate: string }) => m.targetDate)).toEqual([milestones.site, milestones.staffing, milestones.fit_out, milestones.opening].map((m) => m.targetDate));

    const again = await api.call('POST', `/api/rollout/${OPENED}`, { token: tokens.supervisor, body: { milestones, reminderPolicy: QUIET_POLICY } });
    expect(again.status).toBe(409);

    const evidence = (note: string) => ({ evidence: { note, links: [] } });
    const complete = (milestone: string, note = `${milestone} done`) =>
      api.call('POST', `/api/rollout/${OPENED}/milestones/${milestone}/complete`, { token: tokens.supervisor, body: evidence(note) });

    const outOfOrder = await complete('fit_out');
    expect(outOfOrder.status).toBe(409);
    expect(outOfOrder.body.error.message).toContain('site comes before fit_out');

    const site = await complete('site', 'Lease for the ground floor signed');
    expect(site.status, JSON.stringify(site.body)).toBe(200);
    expect(site.body).toMatchObject({ milestone: 'site', status: 'done' });
    expect((await complete('site')).body.error.message).toContain('already done');

    // Nobody is assigned yet: the API refuses, and so does the workflow when asked directly.
    const unstaffed = await complete('staffing');
    expect(unstaffed.status).toBe(409);
    expect(unstaffed.body.error.message).toContain('social worker');
    const refused = await completeMilestone({ temporal: client }, OPENED, { milestone: 'staffing', by: 'test', evidence: { note: 'none yet', links: [] } })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause?.message).toContain('social worker');
    expect(toApiError(refused)).toMatchObject({ status: 409, message: expect.stringContaining('social worker') });

    const hired = await api.call('POST', '/api/workers', {
      token: tokens.admin,
      body: { id: 'w-placeholder-12-sw1', orgUnitId: OPENED, communityId: OPENED, name: '新站社工（测试）', position: 'social_worker' },
    });
    expect(hired.status).toBe(201);
    expect((await complete('staffing', 'One social worker assigned')).status).toBe(200);

    const replan = await api.call('POST', `/api/rollout/${OPENED}/milestones/fit_out/replan`, {
      token: tokens.supervisor, body: { targetDate: addDays(today, 40), reason: 'Fire inspection moved by ten days' },
    });
    expect(replan.status, JSON.stringify(replan.body)).toBe(200);
    expect(replan.body.replans).toEqual([expect.objectContaining({ from: milestones.fit_out.targetDate, to: addDays(today, 40), reason: 'Fire inspection moved by ten days' })]);
    const doneReplan = await api.call('POST', `/api/rollout/${OPENED}/milestones/site/replan`, { token: tokens.supervisor, body: { targetDate: addDays(today, 50), reason: 'late' } });
    expect(doneReplan.status).toBe(409);
    const stored = await store.db.selectFrom('rollout_milestones').selectAll().where('community_id', '=', OPENED).where('milestone', '=', 'fit_out').executeTakeFirstOrThrow();
    expect(stored.target_date).toBe(addDays(today, 40));
    expect(stored.replans).toEqual([expect.objectContaining({ reason: 'Fire inspection moved by ten days', from: milestones.fit_out.targetDate, to: addDays(today, 40) })]);

    expect((await complete('fit_out')).status).toBe(200);
    expect((await complete('opening', 'Opened with the street committee')).status).toBe(200);

    const result: StationRolloutStatus = await client.workflow.getHandle(workflowIds.stationRollout(OPENED)).result();
    expect(result).toMatchObject({ currentMilestone: null, openedOn: today, stationPlanWorkflowId: `station-plan:${OPENED}` });

    // The rollout has ended: a late change is a conflict; a community that never had a rollout, not found.
    const late = await complete('opening');
    expect(late.status, JSON.stringify(late.body)).toBe(409);
    expect(late.body.error.reason).toBe('workflow_not_running');
    const none = await api.call('POST', `/api/rollout/${SLIPPING}/milestones/site/complete`, { token: tokens.supervisor, body: evidence('no rollout yet') });
    expect(none.status).toBe(404);
    expect(none.body.error.reason).toBe('rollout_not_found');

    const station = await store.db.selectFrom('stations').selectAll().where('community_id', '=', OPENED).executeTakeFirstOrThrow();
    expect(station).toMatchObject({ status: 'operating', opened_on: today });
    const rollout = await store.db.selectFrom('rollouts').selectAll().where('community_id', '=', OPENED).executeTakeFirstOrThrow();
    expect(rollout.status).toBe('opened');
    const plan = await client.workflow.getHandle(workflowIds.stationPlan(OPENED)).describe();
    expect(plan.type).toBe('stationPlan');
    expect(plan.status.name).toBe('RUNNING');

    const audit = await store.db.selectFrom('audit_log').select(['action', 'entity_id']).where('entity', 'in', ['rollout', 'rollout_milestone']).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['start', 'complete', 'replan']));
    await saveHistoryIfRequested(client, workflowIds.stationRollout(OPENED), 'stationRollout--site-to-opening');
  });

  it('counts the opened station in coverage: 12 of 23, opened today', async () => {
    const { body } = await api.call('GET', '/api/rollout', { token: tokens.supervisor });
    expect(body).toMatchObject({ total: 23, operating: 12, remaining: 11, inRollout: 0, notPlanned: 11 });
    expect(body.byDate[body.byDate.length - 1]).toEqual({ date: today, operating: 12 });
    const opened = body.communities.find((c: { communityId: string }) => c.communityId === OPENED);
    expect(opened).toMatchObject({ station: 'operating', openedOn: today, rollout: { status: 'opened', currentMilestone: null } });
  });

  it('escalates a slipping milestone on its cadence until it is done, after one reminder before its target', async () => {
    const owner = 'w-placeholder-13-lead';
    expect((await api.call('POST', '/api/workers', {
      token: tokens.admin, body: { id: owner, orgUnitId: SLIPPING, communityId: SLIPPING, name: '筹建负责人（测试）', position: 'station_lead' },
    })).status).toBe(201);
    const now = Date.now();
    const rollout = await startRollout(api.deps, {
      communityId: SLIPPING,
      milestones: [
        { milestone: 'site', targetDate: today, owner, dueAt: now + 3_000 },
        { milestone: 'staffing', targetDate: addDays(today, 20), owner },
        { milestone: 'fit_out', targetDate: addDays(today, 40), owner },
        { milestone: 'opening', targetDate: addDays(today, 60), owner },
      ],
      reminderPolicy: {
        offsetsMs: [1_500], quietHours: null, workingDaysOnly: false, overdueRepeatMs: null,
        escalation: { graceMs: 1_000, cadenceMs: 1_500, chain: ['worker', 'center_supervisor'] },
      },
    });
    started.push(rollout.workflowId);

    const sent = async (kind: string, recipient: string) => (await store.db.selectFrom('notifications').select('idempotency_key')
      .where('workflow_id', '=', rollout.workflowId).where('kind', '=', kind).where('recipient_id', '=', recipient).execute()).length;
    await eventually('two escalations to the center supervisor', async () => (await sent('milestone_slipping', SUPERVISOR)) >= 2);
    expect(await sent('milestone_due', owner)).toBe(1);
    // The first escalation goes to the milestone's owner, the repeats to the center supervisor.
    expect(await sent('milestone_slipping', owner)).toBe(1);

    const done = await api.call('POST', `/api/rollout/${SLIPPING}/milestones/site/complete`, { token: tokens.supervisor, body: { evidence: { note: 'Site secured at last', links: [] } } });
    expect(done.status).toBe(200);
    const afterDone = await sent('milestone_slipping', SUPERVISOR);
    await sleep(4_000);
    expect(await sent('milestone_slipping', SUPERVISOR)).toBe(afterDone);
    const status: StationRolloutStatus = await client.workflow.getHandle(rollout.workflowId).query('rolloutStatus');
    expect(status.currentMilestone).toBe('staffing');
    await saveHistoryIfRequested(client, rollout.workflowId, 'stationRollout--slipping-escalation');
  });

  it('starts every remaining community toward a full-coverage date, and projects coverage to it', async () => {
    const target = addDays(today, 180);
    expect((await api.call('POST', '/api/rollout', { token: tokens.viewer, body: { targetDate: target } })).status).toBe(403);
    const { status, body } = await api.call('POST', '/api/rollout', { token: tokens.supervisor, body: { targetDate: target, owner: SUPERVISOR } });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body.started).toHaveLength(10);
    expect(body.skipped).toEqual([expect.objectContaining({ communityId: SLIPPING })]);
    started.push(...body.started.map((s: { workflowId: string }) => s.workflowId));
    const openings = body.started.map((s: { milestones: Array<{ milestone: string; targetDate: string }> }) => s.milestones.find((m) => m.milestone === 'opening')!.targetDate);
    for (const opening of openings) expect(opening > today && opening <= target).toBe(true);

    const coverage = await api.call('GET', '/api/rollout', { token: tokens.viewer });
    expect(coverage.body).toMatchObject({ total: 23, operating: 12, remaining: 11, inRollout: 11, notPlanned: 0 });
    expect(coverage.body.health.late).toBe(0);
    expect(coverage.body.projectedFullCoverage >= openings.sort().pop()).toBe(true);
    expect(coverage.body.projectedFullCoverage <= target).toBe(true);
    expect(coverage.body.projectedByDate[coverage.body.projectedByDate.length - 1].operating).toBe(23);
    expect(coverage.body.expectedByToday).toMatchObject({ operatingActual: 12 });
    // A viewer sees aggregates: no milestone owners.
    expect(JSON.stringify(coverage.body)).not.toContain(SUPERVISOR);

    const twice = await api.call('POST', '/api/rollout', { token: tokens.supervisor, body: { targetDate: target } });
    expect(twice.status).toBe(201);
    expect(twice.body.started).toEqual([]);
    expect(twice.body.skipped).toHaveLength(11);
  });

  it('cancels a running rollout with its reason: it stops, refuses later changes, shows as cancelled, and may start again', async () => {
    const cancelled = community(14);
    const workflowId = workflowIds.stationRollout(cancelled);
    const reason = 'The community merged with its neighbour';
    expect((await api.call('POST', `/api/rollout/${cancelled}/cancel`, { token: tokens.viewer, body: { reason } })).status).toBe(403);
    const noReason = await api.call('POST', `/api/rollout/${cancelled}/cancel`, { token: tokens.supervisor, body: { reason: ' ' } });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body.error.details)).toContain('reason');

    const cancel = await api.call('POST', `/api/rollout/${cancelled}/cancel`, { token: tokens.supervisor, body: { reason } });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(cancel.body).toMatchObject({ communityId: cancelled, status: 'cancelled', reason });
    const result: StationRolloutStatus = await client.workflow.getHandle(workflowId).result();
    expect(result).toMatchObject({ openedOn: null, cancellation: expect.objectContaining({ reason }) });
    await saveHistoryIfRequested(client, workflowId, 'stationRollout--cancelled');

    const row = await store.db.selectFrom('rollouts').selectAll().where('community_id', '=', cancelled).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'cancelled', cancel_reason: reason, cancelled_by: expect.any(String) });
    const again = await api.call('POST', `/api/rollout/${cancelled}/cancel`, { token: tokens.supervisor, body: { reason } });
    expect(again.status).toBe(409);
    expect(again.body.error.reason).toBe('rollout_cancelled');
    const late = await api.call('POST', `/api/rollout/${cancelled}/milestones/site/complete`, { token: tokens.supervisor, body: { evidence: { note: 'too late', links: [] } } });
    expect(late.status).toBe(409);

    const coverage = await api.call('GET', '/api/rollout', { token: tokens.supervisor });
    const entry = coverage.body.communities.find((c: { communityId: string }) => c.communityId === cancelled);
    expect(entry.rollout).toMatchObject({ status: 'cancelled', cancellation: expect.objectContaining({ reason }) });
    expect(coverage.body).toMatchObject({ inRollout: 10, notPlanned: 1 });
    const forViewer = await api.call('GET', '/api/rollout', { token: tokens.viewer });
    expect(JSON.stringify(forViewer.body)).not.toContain(reason);

    const restart = await api.call('POST', `/api/rollout/${cancelled}`, { token: tokens.supervisor, body: { targetDate: addDays(today, 60), reminderPolicy: QUIET_POLICY } });
    expect(restart.status, JSON.stringify(restart.body)).toBe(201);
    expect((await store.db.selectFrom('rollouts').select(['status', 'cancel_reason']).where('community_id', '=', cancelled).executeTakeFirstOrThrow()))
      .toEqual({ status: 'running', cancel_reason: null });
  });
});
