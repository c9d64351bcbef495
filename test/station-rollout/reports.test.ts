import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/time.js';
import { WANMINGYUAN, YUSHUGUAN } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { BACKENDS } from '../helpers/store.js';

describe.each(BACKENDS)('summary report and venture projects (%s)', (backend) => {
  let harness: Harness;
  let store: Harness['store'];
  let api: NonNullable<Harness['api']>;
  let tokens: Harness['tokens'];
  const today = shanghaiDate(new Date());

  beforeAll(async () => {
    // Reads and records only: no workflow runs here, so no worker.
    harness = await startHarness({ name: 'reports', backend, seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ store, tokens } = harness);
    api = harness.api!;
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('answers the source report\'s figures on the default data: 1 center, 11 operating, 12 remaining, 1,100 residents served', async () => {
    for (const role of ['viewer', 'admin', 'supervisor'] as const) {
      const { status, body } = await api.call('GET', '/api/reports/summary', { token: tokens[role] });
      expect(status).toBe(200);
      expect(body).toMatchObject({ centers: 1, communities: 23, stationsOperating: 11, communitiesRemaining: 12, residentsServed: { total: 1100 } });
    }
    const { body } = await api.call('GET', '/api/reports/summary', { token: tokens.viewer });
    const byTheme = Object.fromEntries(body.residentsServed.byTheme.map((t: { theme: string; residentsServed: number }) => [t.theme, t.residentsServed]));
    expect(byTheme).toEqual({ elderly: 300, youth: 220, community_governance: 320, disabled: 260, poverty_relief: 0 });
    expect(body.residentsServed.byStation.map((s: { communityId: string }) => s.communityId)).toHaveLength(4);
    expect(body.residentsServed.byStation[0]).toMatchObject({ communityId: WANMINGYUAN, residentsServed: 320, projects: 1 });
    // The four named projects and the Bench Council (station assumed, no residents of its own in the default split).
    expect(body.ventureProjects).toMatchObject({ total: 5, byStatus: { running: 5 } });
    // No plans started and nobody trained yet in the default data: the figures are there, at zero.
    expect(body.plansByStage).toMatchObject({ guide: 0, support: 0, supervise: 0, notStarted: 11 });
    expect(body.trainingCompletion).toHaveLength(6);
    expect(body.trainingCompletion[0]).toMatchObject({ dimension: 'party_policy', workers: 33, completionRate: 0 });
  });

  it('scopes the summary to a station lead\'s community', async () => {
    const { body } = await api.call('GET', '/api/reports/summary', { token: tokens.station_lead });
    expect(body).toMatchObject({ centers: 1, communities: 1, stationsOperating: 1, communitiesRemaining: 0, residentsServed: { total: 320 } });
  });

  it('runs a venture project from proposal to evaluation, counting residents served per record', async () => {
    const proposal = { communityId: WANMINGYUAN, theme: 'elderly', title: { zh: '楼门互助', en: 'Stairwell mutual aid' }, startsOn: today, budgetYuan: 50000 };
    expect((await api.call('POST', '/api/venture-projects', { token: tokens.station_lead, body: { ...proposal, communityId: YUSHUGUAN } })).status).toBe(404);
    const created = await api.call('POST', '/api/venture-projects', { token: tokens.station_lead, body: proposal });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ status: 'proposed', residentsServed: 0, communityId: WANMINGYUAN });
    const id = created.body.id as string;

    expect((await api.call('POST', `/api/venture-projects/${id}/approve`, { token: tokens.station_lead, body: {} })).status).toBe(403);
    const record = (body: object) => api.call('POST', `/api/venture-projects/${id}/service-records`, { token: tokens.social_worker, body });
    expect((await record({ servedOn: today, residentsServed: 10 })).status).toBe(409);
    const approved = await api.call('POST', `/api/venture-projects/${id}/approve`, { token: tokens.supervisor, body: { comments: 'Fits the elderly theme' } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvedBy: 'test supervisor' });
    const twice = await api.call('POST', `/api/venture-projects/${id}/approve`, { token: tokens.supervisor, body: {} });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toContain('is approved');
    expect((await api.call('POST', `/api/venture-projects/${id}/start`, { token: tokens.station_lead, body: {} })).body.status).toBe('running');

    const first = await record({ id: `sr-${id}-1`, servedOn: today, residentsServed: 40, note: 'Stairwell clean-up day' });
    expect(first.status).toBe(201);
    expect(first.body.created).toBe(true);
    // The same record sent again (a retry) counts once.
    expect((await record({ id: `sr-${id}-1`, servedOn: today, residentsServed: 40 })).body.created).toBe(false);
    expect((await record({ servedOn: today, residentsServed: 25 })).status).toBe(201);
    const bad = await record({ servedOn: today, residentsServed: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.residentsServed');

    const project = await api.call('GET', `/api/venture-projects/${id}`, { token: tokens.station_lead });
    expect(project.body).toMatchObject({ residentsServed: 65, serviceRecords: 2 });
    expect(project.body.records).toHaveLength(2);
    const summary = await api.call('GET', '/api/reports/summary', { token: tokens.viewer });
    expect(summary.body.residentsServed.total).toBe(1165);
    expect(summary.body.residentsServed.byTheme.find((t: { theme: string }) => t.theme === 'elderly').residentsServed).toBe(365);

    expect((await api.call('POST', `/api/venture-projects/${id}/evaluate`, { token: tokens.supervisor, body: { score: 6, comments: 'x' } })).status).toBe(400);
    const evaluated = await api.call('POST', `/api/venture-projects/${id}/evaluate`, { token: tokens.supervisor, body: { score: 4, comments: 'Reached its residents' } });
    expect(evaluated.body).toMatchObject({ status: 'evaluated', evaluation: { score: 4, comments: 'Reached its residents' } });

    const viewerList = await api.call('GET', '/api/venture-projects', { token: tokens.viewer });
    const seen = viewerList.body.items.find((p: { id: string }) => p.id === id);
    expect(seen).toMatchObject({ status: 'evaluated', residentsServed: 65 });
    expect(seen).not.toHaveProperty('approvedBy');
    expect(seen).not.toHaveProperty('evaluation');

    const audit = await store.db.selectFrom('audit_log').select('action').where('entity_id', '=', id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['create', 'approved', 'running', 'evaluated']));
  });
});
