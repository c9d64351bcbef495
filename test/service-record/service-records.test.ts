import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/time.js';
import { WANMINGYUAN, YUSHUGUAN } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { BACKENDS } from '../helpers/store.js';

// Service records (专业服务): residents served everywhere are their sum; the default data spreads the
// source's 1,100 over 2021 – May 2023; imports are all or nothing; case files stay with the station's
// lead and supervisors, every read audited.

const LOAD_DAY = '2026-11-18';

describe.each(BACKENDS)('service records (%s)', (backend) => {
  let harness: Harness;
  let api: NonNullable<Harness['api']>;
  let tokens: Harness['tokens'];
  const today = shanghaiDate(new Date());

  beforeAll(async () => {
    harness = await startHarness({ name: 'service-records', backend, seed: true, today: LOAD_DAY, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ tokens } = harness);
    api = harness.api!;
  });
  afterAll(async () => {
    await harness?.close();
  });

  const summary = async () => (await api.call('GET', '/api/reports/summary', { token: tokens.viewer })).body;
  const recordSum = async () => {
    const row = await harness.store.db.selectFrom('service_records').select((eb) => eb.fn.sum<string>('residents_served').as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  };

  it('spreads the default 1,100 residents over 2021 to May 2023, none in the month the data was loaded', async () => {
    const body = await summary();
    expect(body.residentsServed.total).toBe(1100);
    const months: string[] = body.residentsServed.byMonth.map((m: { month: string }) => m.month);
    expect(months.length).toBeGreaterThan(5);
    expect(months.every((month) => month >= '2021-01' && month <= '2023-05')).toBe(true);
    expect(months).not.toContain(LOAD_DAY.slice(0, 7));
    // Each month splits by theme, and the split adds up: per month, and per theme across months.
    type Month = { residentsServed: number; byTheme: Record<string, number> };
    for (const month of body.residentsServed.byMonth as Month[]) {
      expect(Object.values(month.byTheme).reduce((sum, n) => sum + n, 0)).toBe(month.residentsServed);
    }
    for (const theme of body.residentsServed.byTheme as Array<{ theme: string; residentsServed: number }>) {
      expect((body.residentsServed.byMonth as Month[]).reduce((sum, m) => sum + (m.byTheme[theme.theme] ?? 0), 0)).toBe(theme.residentsServed);
    }
    expect(body.residentsServed.byKind.map((k: { kind: string }) => k.kind)).toEqual(['casework', 'group', 'community']);
    const byKind = body.residentsServed.byKind.reduce((sum: number, k: { residentsServed: number }) => sum + k.residentsServed, 0);
    expect(byKind).toBe(1100);
    const seeded = await harness.store.db.selectFrom('service_records').select(['provenance', 'served_on']).execute();
    expect(seeded.every((row) => row.provenance === 'illustrative')).toBe(true);
    const projects = await harness.store.db.selectFrom('venture_projects').select(['id', 'title_zh', 'provenance']).execute();
    const bench = projects.find((p) => p.id === 'vp-zhanlanlu-bench-council');
    expect(bench).toMatchObject({ title_zh: '板凳议事会', provenance: { title: 'back-translated', station: 'assumed', theme: 'assumed' } });
    expect(projects.find((p) => p.id === 'vp-zhanlanlu-hongmaogou-bangbang')?.provenance).toMatchObject({ theme: 'assumed' });
  });

  it('counts a new record in the summary: residents served equal the sum of the service records', async () => {
    const created = await api.call('POST', '/api/service-records', {
      token: tokens.social_worker,
      body: { id: `sr-test-${backend}-1`, communityId: WANMINGYUAN, servedOn: today, kind: 'group', theme: 'elderly', title: { zh: '读报小组' }, workerIds: ['w-wanmingyuan-sw1'], residentsServed: 14, newResidents: 4, volunteerHours: 3 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ created: true, residentsServed: 14, title: { zh: '读报小组', en: '读报小组' } });
    // A retry with the same id counts once.
    const again = await api.call('POST', '/api/service-records', {
      token: tokens.social_worker,
      body: { id: `sr-test-${backend}-1`, communityId: WANMINGYUAN, servedOn: today, kind: 'group', theme: 'elderly', title: { zh: '读报小组' }, residentsServed: 14 },
    });
    expect(again.body.created).toBe(false);
    const body = await summary();
    expect(body.residentsServed.total).toBe(await recordSum());
    expect(body.residentsServed.total).toBe(1114);
    expect(body.residentsServed.byMonth.find((m: { month: string }) => m.month === today.slice(0, 7))).toMatchObject({ residentsServed: 14, records: 1 });
    const lead = (await api.call('GET', '/api/reports/summary', { token: tokens.station_lead })).body;
    expect(lead.residentsServed.total).toBe(320 + 14);
  });

  it('refuses records of another station, unknown themes and workers of other stations, naming the field', async () => {
    const base = { communityId: WANMINGYUAN, servedOn: today, kind: 'community', theme: 'elderly', title: { zh: '义诊' }, residentsServed: 5 };
    expect((await api.call('POST', '/api/service-records', { token: tokens.station_lead, body: { ...base, communityId: YUSHUGUAN } })).status).toBe(404);
    const bad = await api.call('POST', '/api/service-records', { token: tokens.station_lead, body: { ...base, theme: 'gardening', workerIds: ['w-yushuguan-sw1'], projectId: 'vp-zhanlanlu-yushuguan-changqing' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.projectId', 'body.theme', 'body.workerIds']);
    const tooMany = await api.call('POST', '/api/service-records', { token: tokens.station_lead, body: { ...base, newResidents: 6 } });
    expect(tooMany.body.error.details[0].path).toBe('body.newResidents');
    expect((await api.call('POST', '/api/service-records', { token: tokens.viewer, body: base })).status).toBe(403);
  });

  it('lists records in scope; a viewer sees counts without workers, notes or evidence', async () => {
    const lead = await api.call('GET', `/api/service-records?communityId=${YUSHUGUAN}`, { token: tokens.station_lead });
    expect(lead.body).toMatchObject({ total: 0, items: [] });
    const own = await api.call('GET', '/api/service-records?kind=group&limit=5', { token: tokens.station_lead });
    expect(own.body.items.every((r: { communityId: string; kind: string }) => r.communityId === WANMINGYUAN && r.kind === 'group')).toBe(true);
    expect(own.body.items[0]).toHaveProperty('workerIds');
    const viewer = await api.call('GET', '/api/service-records?from=2021-01-01&to=2021-12-31', { token: tokens.viewer });
    expect(viewer.body.total).toBeGreaterThan(0);
    expect(viewer.body.items.every((r: { servedOn: string }) => r.servedOn.startsWith('2021'))).toBe(true);
    for (const item of viewer.body.items) {
      expect(item).not.toHaveProperty('workerIds');
      expect(item).not.toHaveProperty('note');
      expect(item).not.toHaveProperty('recordedBy');
    }
  });

  it('imports nothing from a CSV file with bad rows, naming each by line and field, then all of a good one', async () => {
    const header = 'communityId,servedOn,kind,theme,titleZh,residentsServed,newResidents,workerIds';
    const bad = [
      header,
      `${WANMINGYUAN},2023-03-01,小组,elderly,手工小组,8,2,w-wanmingyuan-sw1`,
      `${WANMINGYUAN},2023-13-01,小组,elderly,手工小组,8,2,`,
      `${YUSHUGUAN},2023-03-02,community,elderly,义剪,-3,,`,
      `${WANMINGYUAN},2023-03-03,party,nothing,读书会,5,,w-nobody`,
    ].join('\n');
    const before = await recordSum();
    const refused = await api.call('POST', '/api/service-records/import', { token: tokens.station_lead, body: { csv: bad } });
    expect(refused.status).toBe(400);
    const paths: string[] = refused.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['line 3.servedOn', 'line 4.residentsServed', 'line 5.kind']));
    expect(paths.some((path) => path.startsWith('line 2'))).toBe(false);
    expect(await recordSum()).toBe(before);

    // Rows that parse but name what the store does not hold (or the caller may not touch) refuse the file too.
    const outOfScope = [header, `${WANMINGYUAN},2023-03-01,小组,elderly,手工小组,8,2,`, `${YUSHUGUAN},2023-03-02,community,elderly,义剪,3,,`, `${WANMINGYUAN},2023-03-03,group,gardening,园艺,5,,w-nobody`].join('\n');
    const refusedAgain = await api.call('POST', '/api/service-records/import', { token: tokens.station_lead, body: { csv: outOfScope } });
    expect(refusedAgain.status).toBe(400);
    expect(refusedAgain.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['line 3.communityId', 'line 4.theme', 'line 4.workerIds']);
    expect(await recordSum()).toBe(before);

    const good = [header, `${WANMINGYUAN},2023-03-01,小组,elderly,手工小组,8,2,w-wanmingyuan-sw1`, `${WANMINGYUAN},2023-03-04,个案,elderly,独居老人探访,1,1,`].join('\n');
    const imported = await api.call('POST', '/api/service-records/import', { token: tokens.station_lead, body: { csv: good } });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toMatchObject({ imported: 2, unchanged: 0 });
    // The same file again counts once.
    expect((await api.call('POST', '/api/service-records/import', { token: tokens.station_lead, body: { csv: good } })).body).toMatchObject({ imported: 0, unchanged: 2 });
    expect(await recordSum()).toBe(before + 9);
    expect((await summary()).residentsServed.total).toBe(await recordSum());
  });

  it('imports an .xlsx workbook, reporting bad rows by their row number in the sheet', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('服务记录');
    sheet.addRow(['communityId', 'servedOn', 'kind', 'theme', 'titleZh', 'residentsServed']);
    sheet.addRow([WANMINGYUAN, '2022-06-01', '社区活动', 'community_governance', '楼道清洁日', 30]);
    sheet.addRow([WANMINGYUAN, '2022-06-02', 'group', 'youth', '', 10]);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const refused = await api.call('POST', '/api/service-records/import', { token: tokens.supervisor, body: { xlsx } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toEqual(['line 3.titleZh']);
    sheet.getRow(3).getCell(5).value = '青少年四点半课堂';
    const fixed = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const imported = await api.call('POST', '/api/service-records/import', { token: tokens.supervisor, body: { xlsx: fixed } });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.imported).toBe(2);
    const notXlsx = await api.call('POST', '/api/service-records/import', { token: tokens.supervisor, body: { xlsx: Buffer.from('hello').toString('base64') } });
    expect(notXlsx.status).toBe(400);
    expect(notXlsx.body.error.details[0].path).toBe('line 1.(file)');
  });

  it("keeps a casework record's case file to the station's lead and supervisors, auditing every read", async () => {
    const id = `sr-case-${backend}`;
    expect((await api.call('POST', '/api/service-records', {
      token: tokens.station_lead,
      body: { id, communityId: WANMINGYUAN, servedOn: today, kind: 'casework', theme: 'elderly', title: { zh: '独居老人个案' }, residentsServed: 1, newResidents: 1 },
    })).status).toBe(201);
    const file = { residentName: '王某某', gender: '女', birthYear: 1942, phone: '13800000000', needs: '独居，需要买菜帮助' };
    expect((await api.call('PUT', `/api/service-records/${id}/case-file`, { token: tokens.social_worker, body: file })).status).toBe(403);
    expect((await api.call('PUT', `/api/service-records/${id}/case-file`, { token: tokens.admin, body: file })).status).toBe(403);
    const written = await api.call('PUT', `/api/service-records/${id}/case-file`, { token: tokens.station_lead, body: file });
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    expect(written.body).toMatchObject({ created: true, residentName: '王某某' });
    for (const role of ['viewer', 'social_worker', 'admin'] as const) {
      expect((await api.call('GET', `/api/service-records/${id}/case-file`, { token: tokens[role] })).status, role).toBe(403);
    }
    const requestId = `case-read-${backend}-${Date.now()}`;
    const read = await api.call('GET', `/api/service-records/${id}/case-file`, { token: tokens.supervisor, headers: { 'x-request-id': requestId } });
    expect(read.body).toMatchObject({ residentName: '王某某', phone: '13800000000' });
    const audit = await harness.store.db.selectFrom('audit_log').selectAll().where('request_id', '=', requestId).execute();
    expect(audit).toHaveLength(1);
    // The write's audit entry names fields, never the resident.
    const writes = await harness.store.db.selectFrom('audit_log').selectAll().where('entity', '=', 'case_file').where('entity_id', '=', id).execute();
    expect(JSON.stringify(writes)).not.toContain('王某某');
    // Not in lists or reports.
    const list = await api.call('GET', `/api/service-records?kind=casework`, { token: tokens.supervisor });
    expect(JSON.stringify(list.body)).not.toContain('王某某');
    expect(list.body.items.find((r: { id: string }) => r.id === id)).toMatchObject({ hasCaseFile: true });
    expect(JSON.stringify(await summary())).not.toContain('王某某');
    // Only casework carries a case file.
    const group = (await api.call('GET', '/api/service-records?kind=group&limit=1', { token: tokens.station_lead })).body.items[0].id;
    expect((await api.call('PUT', `/api/service-records/${group}/case-file`, { token: tokens.station_lead, body: file })).status).toBe(409);
  });
});
