import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { createToken } from '../../src/services/api-token.js';
import type { Role } from '../../src/domain/types.js';
import { shanghaiDate } from '../../src/domain/time.js';
import { WANMINGYUAN, YUSHUGUAN } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { addSecondDistrict, DISTRICT, SECOND_STREET } from '../helpers/second-district.js';
import { BACKENDS } from '../helpers/store.js';

// A station's brand (一站一品牌一特色): none until recorded (404), field problems named, venture
// projects of the station's own community only (another station's named as such, one out of sight
// as unknown), scope for reading and writing alike, an audit entry per change with what it was
// before, nothing written for the same brand sent again; and the CLI's show and set.

const WANMINGYUAN_PROJECT = 'vp-zhanlanlu-wanmingyuan-loudao';
const YUSHUGUAN_PROJECT = 'vp-zhanlanlu-yushuguan-changqing';
/** The second street's venture project (test/helpers/second-district.ts), outside Zhanlanlu's scope. */
const SECOND_STREET_PROJECT = `vp-${SECOND_STREET}`;

describe.each(BACKENDS)('station brand on %s', (backend) => {
  let harness: Harness;
  let api: NonNullable<Harness['api']>;
  let tokens: Harness['tokens'];
  let otherStreetSupervisor: string;
  let districtSupervisor: string;
  const path = `/api/stations/${WANMINGYUAN}/brand`;
  const brand = (name: string, extra: object = {}) => ({ name: { zh: name }, feature: { zh: '以楼道为单元组织居民自治，邻里互助' }, projectIds: [WANMINGYUAN_PROJECT], ...extra });
  const audits = () => harness.store.db.selectFrom('audit_log').selectAll().where('entity', '=', 'station_brand').where('entity_id', '=', WANMINGYUAN).orderBy('id').execute();

  beforeAll(async () => {
    harness = await startHarness({ name: `station-brand-${backend}`, backend, seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ tokens } = harness);
    api = harness.api!;
    await addSecondDistrict(harness.store, shanghaiDate(new Date()));
    otherStreetSupervisor = (await createToken(harness.store.db, { name: 'second street supervisor', role: 'supervisor', scopeId: SECOND_STREET, workerId: null })).token;
    districtSupervisor = (await createToken(harness.store.db, { name: 'district supervisor', role: 'supervisor', scopeId: DISTRICT, workerId: null })).token;
  }, 120_000);
  afterAll(() => harness?.close());

  it('answers 404 brand_not_found while none is recorded, and community_not_found outside the scope', async () => {
    for (const role of ['supervisor', 'station_lead', 'social_worker', 'viewer'] as const) {
      const none = await api.call('GET', path, { token: tokens[role] });
      expect(none.status, role).toBe(404);
      expect(none.body.error).toMatchObject({ reason: 'brand_not_found', values: { communityId: WANMINGYUAN } });
    }
    const outside = await api.call('GET', `/api/stations/${YUSHUGUAN}/brand`, { token: tokens.station_lead });
    expect(outside.status).toBe(404);
    expect(outside.body.error.reason).toBe('community_not_found');
    expect((await api.call('GET', '/api/stations/cn-bj-no-such-community/brand', { token: tokens.admin })).body.error.reason).toBe('community_not_found');
  });

  it('names each bad field, refuses projects that are not the station\'s own, and writes nothing', async () => {
    const problems = async (body: unknown, token = tokens.station_lead) => {
      const answer = await api.call('PUT', path, { token, body });
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      return answer.body.error as { reason: string; details: Array<{ path: string; code: string; values?: Record<string, unknown> }> };
    };
    expect((await problems({ name: { zh: '  ' }, feature: { zh: '特色' } })).details).toEqual([expect.objectContaining({ path: 'body.name.zh', code: 'too_small' })]);
    expect((await problems(brand('名'.repeat(61)))).details).toEqual([expect.objectContaining({ path: 'body.name.zh', code: 'too_big' })]);
    expect((await problems(brand('楼道之家', { feature: { zh: '特'.repeat(501) } }))).details).toEqual([expect.objectContaining({ path: 'body.feature.zh', code: 'too_big' })]);
    expect((await problems(brand('楼道\t之家'))).details).toEqual([expect.objectContaining({ path: 'body.name.zh', code: 'control_characters' })]);
    expect((await problems({ feature: { zh: '特色' } })).details).toEqual([expect.objectContaining({ path: 'body.name', code: 'required' })]);
    expect((await problems(brand('楼道之家', { slogan: 'x' }))).details).toEqual([expect.objectContaining({ path: 'body', code: 'unrecognized_keys' })]);
    expect((await problems(brand('楼道之家', { projectIds: Array.from({ length: 21 }, (_, n) => `vp-${n}`) }))).details)
      .toEqual([expect.objectContaining({ path: 'body.projectIds', code: 'too_big' })]);

    // A station lead cannot see Yushuguan's project: it is unknown to them, as one that does not exist.
    const lead = await problems(brand('楼道之家', { projectIds: [WANMINGYUAN_PROJECT, YUSHUGUAN_PROJECT, 'vp-does-not-exist'] }));
    expect(lead.reason).toBe('brand_invalid');
    expect(lead.details).toEqual([
      expect.objectContaining({ path: 'body.projectIds', code: 'project_unknown', values: { projectId: YUSHUGUAN_PROJECT } }),
      expect.objectContaining({ path: 'body.projectIds', code: 'project_unknown', values: { projectId: 'vp-does-not-exist' } }),
    ]);
    // The street's supervisor sees it: it is named as another station's.
    const supervisor = await problems(brand('楼道之家', { projectIds: [YUSHUGUAN_PROJECT] }), tokens.supervisor);
    expect(supervisor.details).toEqual([expect.objectContaining({ path: 'body.projectIds', code: 'project_other_station', values: { projectId: YUSHUGUAN_PROJECT, communityId: YUSHUGUAN } })]);
    // Another street's project is out of the street supervisor's sight; a district supervisor sees where it belongs.
    expect((await problems(brand('楼道之家', { projectIds: [SECOND_STREET_PROJECT] }), tokens.supervisor)).details)
      .toEqual([expect.objectContaining({ code: 'project_unknown', values: { projectId: SECOND_STREET_PROJECT } })]);
    expect((await problems(brand('楼道之家', { projectIds: [SECOND_STREET_PROJECT] }), districtSupervisor)).details)
      .toEqual([expect.objectContaining({ code: 'project_other_station', values: { projectId: SECOND_STREET_PROJECT, communityId: `${SECOND_STREET}-c1` } })]);

    expect(await harness.store.db.selectFrom('station_brands').selectAll().execute()).toEqual([]);
    expect(await audits()).toEqual([]);
  });

  it('lets the station lead record the brand, shows it to every role in scope, and audits it', async () => {
    const recorded = await api.call('PUT', path, { token: tokens.station_lead, body: brand('楼道之家', { name: { zh: '楼道之家', en: 'Stairwell home' } }) });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(200);
    expect(recorded.body).toMatchObject({
      communityId: WANMINGYUAN, name: { zh: '楼道之家', en: 'Stairwell home' },
      // No English feature given: the Chinese stands in.
      feature: { zh: '以楼道为单元组织居民自治，邻里互助', en: '以楼道为单元组织居民自治，邻里互助' },
      projects: [{ id: WANMINGYUAN_PROJECT, title: { zh: '我的楼道我的家' }, status: 'running' }],
      updatedBy: 'test station_lead', created: true, changed: true,
    });
    for (const role of ['admin', 'supervisor', 'station_lead', 'social_worker'] as const) {
      const shown = await api.call('GET', path, { token: tokens[role] });
      expect(shown.status, role).toBe(200);
      expect(shown.body).toMatchObject({ name: { zh: '楼道之家' }, projects: [{ id: WANMINGYUAN_PROJECT }], updatedBy: 'test station_lead' });
    }
    const viewer = await api.call('GET', path, { token: tokens.viewer });
    expect(viewer.body).toMatchObject({ name: { zh: '楼道之家' }, projects: [{ id: WANMINGYUAN_PROJECT }] });
    expect(viewer.body).not.toHaveProperty('updatedBy');

    const [created] = await audits();
    expect(created).toMatchObject({
      action: 'create', actor: 'test station_lead', scope_id: WANMINGYUAN, before: null,
      after: { name: { zh: '楼道之家', en: 'Stairwell home' }, projectIds: [WANMINGYUAN_PROJECT] },
    });
  });

  it('refuses social workers and viewers the change (403)', async () => {
    for (const role of ['social_worker', 'viewer'] as const) {
      const answer = await api.call('PUT', path, { token: tokens[role], body: brand('越权品牌') });
      expect(answer.status, role).toBe(403);
    }
    expect((await api.call('GET', path, { token: tokens.supervisor })).body.name.zh).toBe('楼道之家');
  });

  it('hides the station from a supervisor of another street, for reading and writing (404), and changes nothing', async () => {
    const read = await api.call('GET', path, { token: otherStreetSupervisor });
    expect(read.status).toBe(404);
    expect(read.body.error.reason).toBe('community_not_found');
    expect(JSON.stringify(read.body)).not.toContain('楼道之家');
    const write = await api.call('PUT', path, { token: otherStreetSupervisor, body: brand('越界品牌', { projectIds: [] }) });
    expect(write.status).toBe(404);
    expect(write.body.error.reason).toBe('community_not_found');
    // And a station lead at another station.
    const yushuguanLead = (await createToken(harness.store.db, { name: 'yushuguan lead', role: 'station_lead', scopeId: YUSHUGUAN, workerId: 'w-yushuguan-lead' })).token;
    expect((await api.call('PUT', path, { token: yushuguanLead, body: brand('越界品牌', { projectIds: [] }) })).status).toBe(404);
    expect((await api.call('GET', path, { token: tokens.supervisor })).body.name.zh).toBe('楼道之家');
    expect(await audits()).toHaveLength(1);
  });

  it('replaces the brand whole, auditing what it was; the same brand again writes nothing', async () => {
    const first = (await api.call('GET', path, { token: tokens.supervisor })).body;
    const changed = await api.call('PUT', path, { token: tokens.supervisor, body: { name: { zh: '楼道之家' }, feature: { zh: '楼道议事，邻里守望' }, projectIds: [] } });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ name: { zh: '楼道之家', en: '楼道之家' }, feature: { zh: '楼道议事，邻里守望' }, projects: [], updatedBy: 'test supervisor', created: false, changed: true });
    const entries = await audits();
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({
      action: 'update', actor: 'test supervisor',
      before: { name: { zh: '楼道之家', en: 'Stairwell home' }, feature: { zh: first.feature.zh }, projectIds: [WANMINGYUAN_PROJECT] },
      after: { feature: { zh: '楼道议事，邻里守望' }, projectIds: [] },
    });

    const again = await api.call('PUT', path, { token: tokens.station_lead, body: { name: { zh: '楼道之家' }, feature: { zh: '楼道议事，邻里守望' } } });
    expect(again.body).toMatchObject({ created: false, changed: false, updatedBy: 'test supervisor', updatedAt: changed.body.updatedAt });
    expect(await audits()).toHaveLength(2);
  });

  it('leaves out a linked project once it has moved to another community', async () => {
    expect((await api.call('PUT', path, { token: tokens.station_lead, body: brand('楼道之家') })).body.projects).toHaveLength(1);
    await harness.store.db.updateTable('venture_projects').set({ community_id: YUSHUGUAN }).where('id', '=', WANMINGYUAN_PROJECT).execute();
    try {
      expect((await api.call('GET', path, { token: tokens.station_lead })).body.projects).toEqual([]);
    } finally {
      await harness.store.db.updateTable('venture_projects').set({ community_id: WANMINGYUAN }).where('id', '=', WANMINGYUAN_PROJECT).execute();
    }
    expect((await api.call('GET', path, { token: tokens.station_lead })).body.projects).toHaveLength(1);
  });

  it('shows and sets the brand from the CLI, refusals exiting 1 with the field named', async () => {
    const cli = async (args: string[], role: Role = 'station_lead') => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(args, {
        stdout: (text) => { stdout += text; },
        stderr: (text) => { stderr += text; },
        env: { SHEGONG_URL: api.url, SHEGONG_TOKEN: tokens[role] },
      });
      return { code, stdout, stderr };
    };
    const none = await cli(['station', 'brand', 'show', YUSHUGUAN], 'supervisor');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('404');

    const set = await cli(['station', 'brand', 'set', WANMINGYUAN, '--name', '命令行品牌', '--name-en', 'CLI brand', '--feature', '命令行登记的特色', '--project', WANMINGYUAN_PROJECT]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(`Updated the brand of ${WANMINGYUAN}.`);
    expect(set.stdout).toContain('命令行品牌 / CLI brand');
    expect(set.stdout).toContain(WANMINGYUAN_PROJECT);
    const shown = await cli(['station', 'brand', 'show', WANMINGYUAN, '--json'], 'viewer');
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ name: { zh: '命令行品牌', en: 'CLI brand' }, feature: { zh: '命令行登记的特色' }, projects: [{ id: WANMINGYUAN_PROJECT }] });

    const refused = await cli(['station', 'brand', 'set', WANMINGYUAN, '--name', '命令行品牌', '--feature', '特色', '--project', YUSHUGUAN_PROJECT], 'supervisor');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('body.projectIds');
    expect((await cli(['station', 'brand', 'set', WANMINGYUAN, '--name', '命令行品牌', '--feature', '特色'], 'social_worker')).code).toBe(1);
    expect((await cli(['station', 'brand', 'set', WANMINGYUAN, '--feature', '特色'])).code).toBe(2);
  });
});
