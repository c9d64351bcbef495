import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeReport } from '../../src/store/repositories/training-cycle.js';
import { STREET } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// Every export opened with exceljs: its sheets, its headers and its totals against the API's JSON.
describe('report exports (.xlsx, .csv)', () => {
  let harness: Harness;
  let api: NonNullable<Harness['api']>;
  let tokens: Harness['tokens'];

  beforeAll(async () => {
    harness = await startHarness({ name: 'exports', seed: true, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ tokens } = harness);
    api = harness.api!;
    const db = harness.store.db;
    await db.insertInto('training_cycles').values({ id: 'cycle-export', org_unit_id: STREET, name: '2026年秋季培训', status: 'completed', definition: '{}', created_by: 'test supervisor' }).execute();
    const report = await computeReport(db, 'cycle-export', 'completed', new Date());
    await db.updateTable('training_cycles').set({ report: JSON.stringify(report) }).where('id', '=', 'cycle-export').execute();
    await db.insertInto('worker_levels').values({ worker_id: 'w-wanmingyuan-sw1', dimension_key: 'party_policy', level: 2 }).execute();
  }, 300_000);
  afterAll(async () => {
    await harness?.close();
  });

  const download = async (path: string, token: string) => {
    const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), body: Buffer.from(await response.arrayBuffer()) };
  };
  const workbook = async (path: string, token = tokens.supervisor) => {
    const file = await download(path, token);
    expect(file.status, file.body.toString()).toBe(200);
    expect(file.type).toContain('spreadsheetml');
    expect(file.disposition).toMatch(/^attachment; filename=".+\.xlsx"/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.body as unknown as ArrayBuffer);
    return book;
  };
  const headers = (sheet: ExcelJS.Worksheet) => (sheet.getRow(1).values as unknown[]).slice(1);
  const lastRow = (sheet: ExcelJS.Worksheet) => (sheet.getRow(sheet.rowCount).values as unknown[]).slice(1);
  const column = (sheet: ExcelJS.Worksheet, header: string) => headers(sheet).indexOf(header) + 1;

  it('exports the summary: a sheet per section, Chinese headers, frozen header row, totals that match the JSON', async () => {
    const json = (await api.call('GET', '/api/reports/summary', { token: tokens.supervisor })).body;
    const book = await workbook('/api/exports/summary');
    expect(book.worksheets.map((s) => s.name)).toEqual(['概况', '按主题服务人次', '按站点服务人次', '计划阶段', '培训完成情况', '公益创投']);
    const overview = book.getWorksheet('概况')!;
    expect(overview.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const figures = Object.fromEntries(overview.getSheetValues().slice(2).map((row) => [(row as unknown[])[1], (row as unknown[])[2]]));
    expect(figures).toMatchObject({ 社区总数: json.communities, 已运营社工站: json.stationsOperating, 待覆盖社区: json.communitiesRemaining, 服务居民人次: json.residentsServed.total });
    const byTheme = book.getWorksheet('按主题服务人次')!;
    expect(headers(byTheme)).toEqual(['主题', '项目数', '服务人次']);
    expect(lastRow(byTheme)).toEqual(['合计', json.residentsServed.byTheme.reduce((n: number, t: { projects: number }) => n + t.projects, 0), json.residentsServed.total]);
    expect(byTheme.getColumn(3).numFmt).toBe('#,##0');
    const training = book.getWorksheet('培训完成情况')!;
    expect(headers(training)).toEqual(['能力维度', '社工人数', '通过第1级', '通过第2级', '通过第3级', '完成率']);
    expect(training.getRow(2).getCell(column(training, '社工人数')).value).toBe(json.trainingCompletion[0].workers);
    expect(training.getRow(2).getCell(column(training, '通过第1级')).value).toBe(1);
    expect(training.getColumn(column(training, '完成率')).numFmt).toBe('0.0%');
  });

  it('exports the summary as CSV with a BOM, each section under its name', async () => {
    const file = await download('/api/exports/summary?format=csv', tokens.viewer);
    expect(file.status).toBe(200);
    expect(file.type).toBe('text/csv; charset=utf-8');
    const text = file.body.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('# 按主题服务人次\r\n主题,项目数,服务人次\r\n');
    expect(text).toContain('服务居民人次,1100');
    expect(text).toContain('合计,4,1100');
  });

  it('exports coverage and rollout: viewers get no owners', async () => {
    const json = (await api.call('GET', '/api/rollout', { token: tokens.supervisor })).body;
    const book = await workbook('/api/exports/coverage');
    expect(book.worksheets.map((s) => s.name)).toEqual(['覆盖概况', '社区', '里程碑']);
    expect(book.getWorksheet('社区')!.rowCount).toBe(1 + json.communities.length);
    expect(headers(book.getWorksheet('里程碑')!)).toContain('负责人');
    const viewer = await workbook('/api/exports/coverage', tokens.viewer);
    expect(headers(viewer.getWorksheet('里程碑')!)).not.toContain('负责人');
    expect(headers(viewer.getWorksheet('社区')!)).toEqual(['社区', '社工站', '开站日期', '建设状态', '进度', '预计开站']);
  });

  it('exports station plans, venture projects and a cycle report with totals matching the JSON', async () => {
    const plans = await workbook('/api/exports/station-plans');
    expect(plans.worksheets.map((s) => s.name)).toEqual(['站点计划']);
    expect(headers(plans.worksheets[0]!)).toEqual(['社区', '计划状态', '当前阶段', '启动日期', '任务总数', '已完成', '进行中', '逾期', '下一截止', '待签批']);

    const projects = (await api.call('GET', '/api/venture-projects', { token: tokens.viewer })).body.items;
    const venture = await workbook('/api/exports/venture-projects', tokens.viewer);
    const sheet = venture.getWorksheet('公益创投项目')!;
    expect(sheet.rowCount).toBe(1 + projects.length + 1);
    expect(lastRow(sheet)[column(sheet, '服务人次') - 1]).toBe(projects.reduce((n: number, p: { residentsServed: number }) => n + p.residentsServed, 0));
    expect(lastRow(sheet)[column(sheet, '服务人次') - 1]).toBe(1100);

    const cycle = await workbook('/api/exports/training-cycles/cycle-export');
    expect(cycle.worksheets.map((s) => s.name)).toEqual(['总体', '按维度', '按站点']);
    expect(cycle.getWorksheet('总体')!.getRow(2).values).toEqual([undefined, '培训周期', '2026年秋季培训']);
    expect((await download('/api/exports/training-cycles/no-such-cycle', tokens.supervisor)).status).toBe(404);
  });

  it("exports a worker's ladder to those who may see it, audited, and never to viewers", async () => {
    const json = (await api.call('GET', '/api/workers/w-wanmingyuan-sw1/ladder', { token: tokens.station_lead })).body;
    const book = await workbook('/api/exports/workers/w-wanmingyuan-sw1/ladder?format=xlsx', tokens.station_lead);
    expect(book.worksheets.map((s) => s.name)).toEqual(['阶梯', '考核记录', '参训记录']);
    const ladder = book.getWorksheet('阶梯')!;
    expect(ladder.rowCount).toBe(1 + json.dimensions.length);
    expect(ladder.getRow(2).getCell(2).value).toBe(2);
    expect((await download('/api/exports/workers/w-wanmingyuan-sw1/ladder', tokens.viewer)).status).toBe(403);
    expect((await download('/api/exports/workers/w-wanmingyuan-lead/ladder', tokens.social_worker)).status).toBe(404);
    const audited = await harness.store.db.selectFrom('audit_log').select(['entity', 'entity_id', 'actor']).where('entity', '=', '/api/exports/workers/:workerId/ladder').execute();
    expect(audited).toContainEqual({ entity: '/api/exports/workers/:workerId/ladder', entity_id: 'w-wanmingyuan-sw1', actor: 'test station_lead' });
  });

  it('refuses an unknown format, naming the field', async () => {
    const answer = await api.call('GET', '/api/exports/summary?format=pdf', { token: tokens.supervisor });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details[0].path).toBe('query.format');
  });
});
