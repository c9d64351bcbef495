import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../src/domain/time.js';
import { loadDefaultData } from '../../src/store/seed/default-data.js';
import { STREET, WANMINGYUAN, YUSHUGUAN } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { BACKENDS } from '../helpers/store.js';

// Five-party linkage (五社联动): the registries of social organisations, volunteers (personal data:
// the station's lead and supervisors only, every read audited, never in a list, a report or an
// audit entry) and charitable resources, with role and scope; volunteer hours linked to service
// records and summed per month; the linkage index checked against the records it counts.

const HONGMAOGOU = 'cn-bj-xicheng-zhanlanlu-hongmaogou';

describe.each(BACKENDS)('five-party linkage on %s', (backend) => {
  let harness: Harness;
  let api: NonNullable<Harness['api']>;
  let tokens: Harness['tokens'];
  const today = shanghaiDate(new Date());

  beforeAll(async () => {
    harness = await startHarness({ name: `five-party-${backend}`, backend, seed: true, today, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ tokens } = harness);
    api = harness.api!;
  }, 120_000);
  afterAll(() => harness?.close());

  it('ships marked examples, shows a station lead only what concerns their station, and gives viewers no list', async () => {
    const orgs = await api.call('GET', '/api/social-organisations', { token: tokens.supervisor });
    expect(orgs.status, JSON.stringify(orgs.body)).toBe(200);
    expect(orgs.body.items.map((o: { id: string }) => o.id).sort()).toEqual(['org-example-hongmaogou-neighbours', 'org-example-zhanlanlu-elderly']);
    expect(orgs.body.items.every((o: { isExample: boolean; name: { zh: string } }) => o.isExample && o.name.zh.includes('示例'))).toBe(true);
    const leadOrgs = await api.call('GET', '/api/social-organisations', { token: tokens.station_lead });
    expect(leadOrgs.body.items.map((o: { id: string }) => o.id)).toEqual(['org-example-zhanlanlu-elderly']);

    const volunteers = await api.call('GET', '/api/volunteers', { token: tokens.supervisor });
    expect(volunteers.body.items).toHaveLength(4);
    expect(volunteers.body.items.every((v: object) => !('name' in v) && !('phone' in v))).toBe(true);
    expect(JSON.stringify(volunteers.body)).not.toContain('志愿者1');
    const leadVolunteers = await api.call('GET', '/api/volunteers', { token: tokens.station_lead });
    expect(leadVolunteers.body.items.map((v: { communityId: string }) => v.communityId)).toEqual([WANMINGYUAN]);

    const resources = await api.call('GET', '/api/charitable-resources', { token: tokens.supervisor });
    expect(resources.body.items).toHaveLength(3);
    expect(resources.body.items.every((r: { isExample: boolean }) => r.isExample)).toBe(true);
    expect((await api.call('GET', '/api/charitable-resources', { token: tokens.station_lead })).body.items).toEqual([]);

    for (const path of ['/api/social-organisations', '/api/volunteers', '/api/volunteers/contacts', '/api/volunteers/hours', '/api/charitable-resources']) {
      expect((await api.call('GET', path, { token: tokens.viewer })).status, path).toBe(403);
    }

    // An example the street removed stays removed when the default data is loaded again (every start does).
    await harness.store.db.deleteFrom('charitable_resources').where('id', '=', 'res-example-fuwaixi-venue').execute();
    await loadDefaultData(harness.store.db, today);
    expect((await api.call('GET', '/api/charitable-resources', { token: tokens.supervisor })).body.items).toHaveLength(2);
  });

  it('registers and edits social organisations within scope, naming each bad field', async () => {
    const body = {
      orgUnitId: STREET, name: { zh: '测试社工事务所' }, kind: 'social_service_agency', registrationNumber: '52110102MJ0000001X',
      services: ['个案'], themes: ['elderly'], stationIds: [WANMINGYUAN, YUSHUGUAN],
    };
    const created = await api.call('POST', '/api/social-organisations', { token: tokens.supervisor, body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ created: true, name: { zh: '测试社工事务所', en: '测试社工事务所' }, stations: [{ id: WANMINGYUAN }, { id: YUSHUGUAN }] });
    const id = created.body.id as string;

    const bad = await api.call('POST', '/api/social-organisations', { token: tokens.supervisor, body: { ...body, themes: ['nothing'], registrationNumber: '注册号' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toContain('body.registrationNumber');
    const badTheme = await api.call('POST', '/api/social-organisations', { token: tokens.supervisor, body: { ...body, themes: ['nothing'] } });
    expect(badTheme.body.error.details[0].path).toBe('body.themes');

    // A station lead registers for their own station only, and cannot touch the street's.
    expect((await api.call('POST', '/api/social-organisations', { token: tokens.station_lead, body })).status).toBe(404);
    const ownBody = { ...body, orgUnitId: WANMINGYUAN, kind: 'community_based', registrationNumber: null };
    const cross = await api.call('POST', '/api/social-organisations', { token: tokens.station_lead, body: ownBody });
    expect(cross.status).toBe(400);
    expect(cross.body.error.details[0].path).toBe('body.stationIds');
    const own = await api.call('POST', '/api/social-organisations', { token: tokens.station_lead, body: { ...ownBody, stationIds: [WANMINGYUAN] } });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect((await api.call('PUT', `/api/social-organisations/${id}`, { token: tokens.station_lead, body: { ...ownBody, stationIds: [WANMINGYUAN] } })).status).toBe(404);
    expect((await api.call('POST', '/api/social-organisations', { token: tokens.social_worker, body })).status).toBe(403);

    const edited = await api.call('PUT', `/api/social-organisations/${id}`, { token: tokens.supervisor, body: { ...body, stationIds: [YUSHUGUAN], contact: '010-12345678' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ created: false, contact: '010-12345678', stations: [{ id: YUSHUGUAN }] });
    const leadSees = (await api.call('GET', '/api/social-organisations', { token: tokens.station_lead })).body.items.map((o: { id: string }) => o.id);
    expect(leadSees).not.toContain(id);
    expect(leadSees).toContain(own.body.id);
  });

  it("keeps a volunteer's name and phone to the station's lead and supervisors, auditing every read and never logging them", async () => {
    const body = { communityId: WANMINGYUAN, name: '测试志愿者甲', phone: '13900000001', skills: ['助老'] };
    for (const role of ['admin', 'social_worker', 'viewer'] as const) {
      expect((await api.call('POST', '/api/volunteers', { token: tokens[role], body })).status, role).toBe(403);
    }
    expect((await api.call('POST', '/api/volunteers', { token: tokens.station_lead, body: { ...body, communityId: YUSHUGUAN } })).status).toBe(404);
    const created = await api.call('POST', '/api/volunteers', { token: tokens.station_lead, body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).not.toHaveProperty('name');
    const id = created.body.id as string;
    expect(id).not.toContain('测试');

    // Another station's volunteer does not exist for the lead: neither to edit nor to read.
    const other = (await api.call('GET', `/api/volunteers?communityId=${YUSHUGUAN}`, { token: tokens.supervisor })).body.items[0].id as string;
    expect((await api.call('PUT', `/api/volunteers/${other}`, { token: tokens.station_lead, body })).status).toBe(404);
    expect((await api.call('GET', `/api/volunteers/contacts?communityId=${YUSHUGUAN}`, { token: tokens.station_lead })).body.items).toEqual([]);
    expect((await api.call('GET', `/api/volunteers/contacts?volunteerId=${other}`, { token: tokens.station_lead })).body.items).toEqual([]);
    expect((await api.call('GET', `/api/volunteers?communityId=${YUSHUGUAN}`, { token: tokens.station_lead })).body.items).toEqual([]);
    // … nor may it be moved into their station.
    expect((await api.call('PUT', `/api/volunteers/${other}`, { token: tokens.station_lead, body: { ...body, name: 'x' } })).status).toBe(404);

    for (const role of ['admin', 'social_worker', 'viewer'] as const) {
      expect((await api.call('GET', '/api/volunteers/contacts', { token: tokens[role] })).status, role).toBe(403);
    }
    const requestId = `volunteer-read-${backend}-${Date.now()}`;
    const contacts = await api.call('GET', `/api/volunteers/contacts?communityId=${WANMINGYUAN}`, { token: tokens.station_lead, headers: { 'x-request-id': requestId } });
    expect(contacts.body.items).toContainEqual({ id, communityId: WANMINGYUAN, name: '测试志愿者甲', phone: '13900000001' });
    const reads = await harness.store.db.selectFrom('audit_log').selectAll().where('request_id', '=', requestId).execute();
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ action: 'read', entity: '/api/volunteers/contacts' });
    const supervisorRead = `volunteer-read-supervisor-${backend}-${Date.now()}`;
    expect((await api.call('GET', '/api/volunteers/contacts', { token: tokens.supervisor, headers: { 'x-request-id': supervisorRead } })).body.items.length).toBe(5);
    expect(await harness.store.db.selectFrom('audit_log').select('id').where('request_id', '=', supervisorRead).execute()).toHaveLength(1);

    const edited = await api.call('PUT', `/api/volunteers/${id}`, { token: tokens.station_lead, body: { ...body, phone: '13900000002', active: false } });
    expect(edited.body).toMatchObject({ created: false, active: false });
    // Audit entries of the writes name the personal fields, never their values; lists and reports never hold them.
    const writes = await harness.store.db.selectFrom('audit_log').selectAll().where('entity', '=', 'volunteer').where('entity_id', '=', id).execute();
    expect(writes).toHaveLength(2);
    expect(JSON.stringify(writes)).not.toMatch(/测试志愿者甲|1390000000/);
    expect(JSON.stringify((await api.call('GET', '/api/volunteers', { token: tokens.station_lead })).body)).not.toContain('测试志愿者甲');
    expect(JSON.stringify((await api.call('GET', '/api/reports/summary', { token: tokens.supervisor })).body)).not.toMatch(/测试志愿者甲|志愿者1（示例）/);
  });

  it('logs volunteer hours to a service record up to what it states, and sums them per month', async () => {
    const volunteer = (await api.call('POST', '/api/volunteers', { token: tokens.station_lead, body: { communityId: WANMINGYUAN, name: '测试志愿者乙' } })).body.id as string;
    const record = await api.call('POST', '/api/service-records', {
      token: tokens.station_lead,
      body: { communityId: WANMINGYUAN, servedOn: today, kind: 'group', theme: 'elderly', title: { zh: '志愿者小组' }, workerIds: ['w-wanmingyuan-sw1'], residentsServed: 8, volunteerHours: 5 },
    });
    expect(record.status, JSON.stringify(record.body)).toBe(201);
    const log = (body: object, token = tokens.social_worker, who = volunteer) => api.call('POST', `/api/volunteers/${who}/hours`, { token, body });
    const first = await log({ servedOn: today, hours: 3, serviceRecordId: record.body.id });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const over = await log({ servedOn: today, hours: 2.5, serviceRecordId: record.body.id });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ reason: 'volunteer_hours_exceed_record', values: { recordHours: 5, logged: 3 } });
    expect((await log({ servedOn: today, hours: 2, serviceRecordId: record.body.id })).status).toBe(201);
    expect((await log({ servedOn: today, hours: 1 })).body.error.details[0].path).toBe('body.serviceRecordId');
    expect((await log({ servedOn: today, hours: 30, activity: '清扫' })).body.error.details[0].path).toBe('body.hours');
    expect((await log({ servedOn: addDays(today, 2), hours: 1, activity: '清扫' })).body.error.details[0].path).toBe('body.servedOn');
    const yushuguanRecord = (await api.call('GET', `/api/service-records?communityId=${YUSHUGUAN}&limit=1`, { token: tokens.supervisor })).body.items[0].id;
    expect((await log({ servedOn: today, hours: 1, serviceRecordId: yushuguanRecord })).body.error.details[0].path).toBe('body.serviceRecordId');
    const other = (await api.call('GET', `/api/volunteers?communityId=${YUSHUGUAN}`, { token: tokens.supervisor })).body.items[0].id as string;
    expect((await log({ servedOn: today, hours: 1, activity: '清扫' }, tokens.station_lead, other)).status).toBe(404);
    // The index is polled with ETags: logging hours changes what it answers, and its version.
    const before = await api.call('GET', `/api/linkage-index?communityId=${WANMINGYUAN}`, { token: tokens.station_lead });
    const etag = before.headers.get('etag')!;
    expect(etag).toBeTruthy();
    expect((await api.call('GET', `/api/linkage-index?communityId=${WANMINGYUAN}`, { token: tokens.station_lead, headers: { 'if-none-match': etag } })).status).toBe(304);
    const lastMonth = addDays(`${today.slice(0, 7)}-01`, -1);
    expect((await log({ servedOn: lastMonth, hours: 1.5, activity: '社区清扫' })).status).toBe(201);

    const after = await api.call('GET', `/api/linkage-index?communityId=${WANMINGYUAN}`, { token: tokens.station_lead, headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    const hours = await api.call('GET', `/api/volunteers/hours?volunteerId=${volunteer}`, { token: tokens.station_lead });
    expect(hours.body).toEqual({
      months: [
        { month: lastMonth.slice(0, 7), communityId: WANMINGYUAN, hours: 1.5, entries: 1, volunteers: 1 },
        { month: today.slice(0, 7), communityId: WANMINGYUAN, hours: 5, entries: 2, volunteers: 1 },
      ],
      total: 6.5,
    });
    const listed = (await api.call('GET', '/api/volunteers', { token: tokens.station_lead })).body.items.find((v: { id: string }) => v.id === volunteer);
    expect(listed.hours).toEqual({ month: today.slice(0, 7), inMonth: 5, total: 6.5 });
    const inLastMonth = (await api.call('GET', `/api/volunteers?month=${lastMonth.slice(0, 7)}`, { token: tokens.station_lead })).body.items.find((v: { id: string }) => v.id === volunteer);
    expect(inLastMonth.hours.inMonth).toBe(1.5);
  });

  it('registers charitable resources for a station, a project or the street within scope', async () => {
    const body = { orgUnitId: WANMINGYUAN, donor: '测试基金会', kind: 'goods', amount: 50, unit: '份', restrictions: '仅限独居老人', receivedOn: today };
    const created = await api.call('POST', '/api/charitable-resources', { token: tokens.station_lead, body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ created: true, orgUnit: { id: WANMINGYUAN }, amount: 50, unit: '份' });
    expect((await api.call('POST', '/api/charitable-resources', { token: tokens.station_lead, body: { ...body, orgUnitId: STREET } })).status).toBe(404);
    const project = await api.call('POST', '/api/charitable-resources', { token: tokens.station_lead, body: { ...body, projectId: 'vp-zhanlanlu-yushuguan-changqing' } });
    expect(project.body.error.details[0].path).toBe('body.projectId');
    expect((await api.call('POST', '/api/charitable-resources', { token: tokens.station_lead, body: { ...body, receivedOn: addDays(today, 1) } })).body.error.details[0].path).toBe('body.receivedOn');
    expect((await api.call('POST', '/api/charitable-resources', { token: tokens.station_lead, body: { ...body, amount: -1 } })).body.error.details[0].path).toBe('body.amount');
    expect((await api.call('POST', '/api/charitable-resources', { token: tokens.station_lead, body: { ...body, kind: 'shares' } })).body.error.details[0].path).toBe('body.kind');
    expect((await api.call('POST', '/api/charitable-resources', { token: tokens.station_lead, body: { ...body, organisationId: 'org-example-hongmaogou-neighbours' } })).body.error.details[0].path).toBe('body.organisationId');
    const example = 'res-example-yushuguan-visits';
    expect((await api.call('PUT', `/api/charitable-resources/${example}`, { token: tokens.station_lead, body })).status).toBe(404);
    const edited = await api.call('PUT', `/api/charitable-resources/${created.body.id}`, { token: tokens.station_lead, body: { ...body, amount: 60 } });
    expect(edited.body).toMatchObject({ created: false, amount: 60 });
    const street = await api.call('POST', '/api/charitable-resources', { token: tokens.supervisor, body: { ...body, orgUnitId: STREET, projectId: 'vp-zhanlanlu-yushuguan-changqing' } });
    expect(street.status).toBe(201);
    expect((await api.call('GET', `/api/charitable-resources?communityId=${YUSHUGUAN}`, { token: tokens.supervisor })).body.items.map((r: { id: string }) => r.id))
      .toEqual(expect.arrayContaining([street.body.id, example]));
  });

  it('computes the linkage index from the records, per station and street, for every role and in the summary', async () => {
    // Wanmingyuan gets all five: community work, a worker named on a record, volunteer hours, a resource and one from an organisation.
    const community = await api.call('POST', '/api/service-records', {
      token: tokens.station_lead,
      body: { communityId: WANMINGYUAN, servedOn: addDays(today, -89), kind: 'community', theme: 'elderly', title: { zh: '社区议事会' }, residentsServed: 20 },
    });
    expect(community.status).toBe(201);
    // Outside the window: counts for nothing.
    await api.call('POST', '/api/service-records', {
      token: tokens.station_lead,
      body: { communityId: WANMINGYUAN, servedOn: addDays(today, -90), kind: 'community', theme: 'elderly', title: { zh: '窗口外' }, workerIds: ['w-wanmingyuan-lead'], residentsServed: 1 },
    });
    expect((await api.call('POST', '/api/charitable-resources', {
      token: tokens.supervisor,
      body: { orgUnitId: WANMINGYUAN, organisationId: 'org-example-zhanlanlu-elderly', donor: '为老服务社（示例）', kind: 'service', amount: 4, unit: '次', receivedOn: today },
    })).status).toBe(201);

    const index = await api.call('GET', '/api/linkage-index', { token: tokens.viewer });
    expect(index.status, JSON.stringify(index.body)).toBe(200);
    expect(index.body).toMatchObject({ from: addDays(today, -89), to: today, days: 90 });
    expect(index.body.stations).toHaveLength(11);
    expect(JSON.stringify(index.body)).not.toMatch(/志愿者|服务社|基金/);

    // Every station's figures, counted again here from the rows themselves.
    const { db } = harness.store;
    const from = addDays(today, -89);
    const records = await db.selectFrom('service_records').select(['community_id', 'kind', 'worker_ids', 'volunteer_hours']).where('served_on', '>=', from).where('served_on', '<=', today).execute();
    const hours = await db.selectFrom('volunteer_hours').select(['community_id', 'volunteer_id', 'hours']).where('served_on', '>=', from).where('served_on', '<=', today).execute();
    const resources = await db.selectFrom('charitable_resources as r').leftJoin('venture_projects as p', 'p.id', 'r.project_id')
      .select(['r.org_unit_id', 'p.community_id', 'r.organisation_id']).where('r.received_on', '>=', from).where('r.received_on', '<=', today).execute();
    for (const station of index.body.stations as Array<{ communityId: string; parties: Record<string, boolean>; figures: Record<string, number>; score: number }>) {
      const id = station.communityId;
      const mine = records.filter((r) => r.community_id === id);
      const logged = hours.filter((h) => h.community_id === id);
      const given = resources.filter((r) => (r.community_id ?? r.org_unit_id) === id);
      const expected = {
        communityRecords: mine.filter((r) => r.kind === 'community').length,
        serviceRecords: mine.length,
        socialWorkers: new Set(mine.flatMap((r) => r.worker_ids)).size,
        volunteers: new Set(logged.map((h) => h.volunteer_id)).size,
        volunteerHours: Math.max(logged.reduce((sum, h) => sum + Number(h.hours), 0), mine.reduce((sum, r) => sum + Number(r.volunteer_hours), 0)),
        resources: given.length,
        organisations: new Set(given.flatMap((r) => (r.organisation_id ? [r.organisation_id] : []))).size,
      };
      expect(station.figures, id).toEqual(expected);
      expect(station.parties, id).toEqual({
        community: expected.communityRecords > 0, socialOrganisation: expected.organisations > 0, socialWorker: expected.socialWorkers > 0,
        volunteer: expected.volunteers > 0 || expected.volunteerHours > 0, charitableResource: expected.resources > 0,
      });
    }
    const wanmingyuan = index.body.stations.find((s: { communityId: string }) => s.communityId === WANMINGYUAN);
    expect(wanmingyuan.score).toBe(5);
    expect(wanmingyuan.figures.socialWorkers).toBe(1);
    const hongmaogou = index.body.stations.find((s: { communityId: string }) => s.communityId === HONGMAOGOU);
    expect(hongmaogou.parties).toEqual({ community: false, socialOrganisation: false, socialWorker: false, volunteer: true, charitableResource: false });

    const [street] = index.body.streets;
    expect(street).toMatchObject({ streetId: STREET, stations: 11, parties: { community: true, socialOrganisation: true, socialWorker: true, volunteer: true, charitableResource: true }, score: 5 });
    for (const party of ['community', 'socialOrganisation', 'socialWorker', 'volunteer', 'charitableResource']) {
      expect(street.stationsWith[party], party).toBe(index.body.stations.filter((s: { parties: Record<string, boolean> }) => s.parties[party]).length);
    }

    const lead = await api.call('GET', '/api/linkage-index', { token: tokens.station_lead });
    expect(lead.body.stations.map((s: { communityId: string }) => s.communityId)).toEqual([WANMINGYUAN]);
    expect((await api.call('GET', `/api/linkage-index?communityId=${YUSHUGUAN}`, { token: tokens.station_lead })).body.stations).toEqual([]);
    const summary = await api.call('GET', '/api/reports/summary', { token: tokens.viewer });
    expect(summary.body.linkageIndex.stations).toEqual(index.body.stations);
    expect(summary.body.linkageIndex.streets).toEqual(index.body.streets);
  });
});
