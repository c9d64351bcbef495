import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childOrgUnits, communityIdsUnder, subtreeIds } from '../../src/store/repositories/org-unit.js';
import { plansByStage, residentsServed, stationCounts, trainingCompletion } from '../../src/store/repositories/report.js';
import { STREET } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { addSecondDistrict, DISTRICT, OTHER_DISTRICT, rollupTokens, SECOND_STREET } from '../helpers/second-district.js';

// A district sees its streets side by side, a city its districts: a second street and a second
// district generated beside the default data.
describe('district and city roll-up', () => {
  let harness: Harness;
  let api: NonNullable<Harness['api']>;
  let tokens: Harness['tokens'];
  let others: Awaited<ReturnType<typeof rollupTokens>>;

  beforeAll(async () => {
    harness = await startHarness({ name: 'rollup', seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ tokens } = harness);
    api = harness.api!;
    await addSecondDistrict(harness.store, '2026-11-20');
    others = await rollupTokens(harness.store);
  }, 300_000);
  afterAll(async () => {
    await harness?.close();
  });

  it("shows a district's streets side by side, each with its own figures", async () => {
    const { status, body } = await api.call('GET', '/api/reports/rollup', { token: others.districtViewer });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.scope).toMatchObject({ id: DISTRICT, kind: 'district' });
    expect(body.total).toBe(2);
    const byId = Object.fromEntries(body.items.map((row: { id: string }) => [row.id, row]));
    expect(byId[STREET]).toMatchObject({ kind: 'street', communities: 23, stationsOperating: 11, communitiesRemaining: 12, residentsServed: 1100, plansByStage: { notStarted: 11 } });
    expect(byId[SECOND_STREET]).toMatchObject({ communities: 4, stationsOperating: 3, communitiesRemaining: 1, coverageRatio: 0.75, residentsServed: 90 });
    // Its one worker passed level 1 in one of six dimensions.
    expect(byId[SECOND_STREET].trainingCompletion).toBeCloseTo(3 / 3 / 6, 3);
    expect(body.totals).toMatchObject({ communities: 27, stationsOperating: 14, residentsServed: 1190 });
  });

  it('agrees with the same figures counted one unit at a time, for a street, a district and the city', async () => {
    const db = harness.store.db;
    // Plans in every state, some communities with two (the latest counts), so each figure is exercised.
    const communities = await communityIdsUnder(db, STREET);
    const plan = (id: string, communityId: string, status: string, stage: string | null, createdAt: string) => db.insertInto('plans').values({
      id, community_id: communityId, template_id: 'default', template_version: 1, status, current_stage: stage, started_on: '2026-01-05', created_at: new Date(createdAt),
    } as never).execute();
    await plan('rollup-p1', communities[0]!, 'completed', null, '2026-02-01T00:00:00Z');
    await plan('rollup-p2', communities[0]!, 'running', 'support', '2026-06-01T00:00:00Z');
    await plan('rollup-p3', communities[1]!, 'paused', 'guide', '2026-03-01T00:00:00Z');
    await plan('rollup-p4', communities[2]!, 'cancelled', 'supervise', '2026-03-01T00:00:00Z');
    await plan('rollup-p5', communities[3]!, 'running', 'supervise', '2026-03-01T00:00:00Z');
    try {
      for (const [scopeId, token] of [[STREET, tokens.viewer], [DISTRICT, others.districtViewer], ['cn-bj', others.cityViewer]] as const) {
        const { body } = await api.call('GET', `/api/reports/rollup?scopeId=${scopeId}&limit=200`, { token });
        const expected = [];
        for (const unit of await childOrgUnits(db, scopeId)) {
          const ids = await communityIdsUnder(db, unit.id);
          const counts = await stationCounts(db, ids);
          const training = await trainingCompletion(db, await subtreeIds(db, unit.id));
          expected.push({
            id: unit.id, communities: counts.communities, stationsOperating: counts.operating, stationsInRollout: counts.inRollout,
            plansByStage: await plansByStage(db, ids),
            trainingCompletion: training.length === 0 ? 0 : Math.round((training.reduce((sum, d) => sum + d.completionRate, 0) / training.length) * 1000) / 1000,
            residentsServed: (await residentsServed(db, ids)).total,
          });
        }
        expect(body.items.length, scopeId).toBe(expected.length);
        expect(body.items, scopeId).toEqual(expect.arrayContaining(expected.map((row) => expect.objectContaining(row))));
      }
      const street = (await api.call('GET', `/api/reports/rollup?scopeId=${DISTRICT}`, { token: others.districtViewer })).body.items.find((row: { id: string }) => row.id === STREET);
      expect(street.plansByStage).toMatchObject({ completed: 0, support: 1, guide: 1, paused: 1, cancelled: 1, supervise: 1 });
    } finally {
      await db.deleteFrom('plans').where('id', 'like', 'rollup-p%').execute();
    }
  });

  it('sorts by any figure with ties broken by id, and pages', async () => {
    const sorted = await api.call('GET', '/api/reports/rollup?sort=coverageRatio&order=desc', { token: others.districtSupervisor });
    expect(sorted.body.items.map((row: { id: string }) => row.id)).toEqual([SECOND_STREET, STREET]);
    const ascending = await api.call('GET', '/api/reports/rollup?sort=residentsServed&order=asc', { token: others.districtSupervisor });
    expect(ascending.body.items.map((row: { id: string }) => row.id)).toEqual([SECOND_STREET, STREET]);
    const page = await api.call('GET', '/api/reports/rollup?sort=residentsServed&limit=1&offset=1', { token: others.districtSupervisor });
    expect(page.body).toMatchObject({ total: 2, items: [{ id: SECOND_STREET }] });
    const bad = await api.call('GET', '/api/reports/rollup?sort=nothing', { token: others.districtSupervisor });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('query.sort');
  });

  it('shows a city its districts, and keeps a street user out of its district', async () => {
    const city = await api.call('GET', '/api/reports/rollup?sort=name', { token: others.cityViewer });
    expect(city.body.items.map((row: { id: string; kind: string }) => [row.id, row.kind])).toEqual(expect.arrayContaining([[DISTRICT, 'district'], [OTHER_DISTRICT, 'district']]));
    const other = city.body.items.find((row: { id: string }) => row.id === OTHER_DISTRICT);
    expect(other).toMatchObject({ communities: 2, stationsOperating: 1, residentsServed: 40 });
    const drill = await api.call('GET', `/api/reports/rollup?scopeId=${DISTRICT}`, { token: others.cityViewer });
    expect(drill.body.total).toBe(2);
    expect((await api.call('GET', `/api/reports/rollup?scopeId=${DISTRICT}`, { token: tokens.supervisor })).status).toBe(403);
    // A street user's own roll-up lists its communities.
    expect((await api.call('GET', '/api/reports/rollup', { token: tokens.viewer })).body.total).toBe(23);
  });

  it('exports the roll-up in the order asked for, with a totals row matching the JSON', async () => {
    const json = (await api.call('GET', '/api/reports/rollup?sort=residentsServed', { token: others.districtViewer })).body;
    const response = await fetch(`${api.url}/api/exports/rollup?sort=residentsServed`, { headers: { authorization: `Bearer ${others.districtViewer}` } });
    expect(response.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await response.arrayBuffer());
    const sheet = book.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['街道', '社区数', '已运营社工站']);
    expect(sheet.getRow(2).getCell(1).value).toBe(json.items[0].name.zh);
    const last = (sheet.getRow(sheet.rowCount).values as unknown[]).slice(1);
    expect(last[0]).toBe('合计');
    expect(last[1]).toBe(json.totals.communities);
    expect(last[11]).toBe(json.totals.residentsServed);
  });
});
