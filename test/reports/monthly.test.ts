import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREET } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { addSecondDistrict, SECOND_STREET } from '../helpers/second-district.js';

// The monthly report (月报): JSON, .xlsx and a PDF whose text (pdftotext, poppler-utils) names
// the street and carries the figures.
describe('monthly report', () => {
  let harness: Harness;
  let api: NonNullable<Harness['api']>;
  let tokens: Harness['tokens'];
  const dir = mkdtempSync(join(tmpdir(), 'shegong-monthly-'));

  beforeAll(async () => {
    harness = await startHarness({ name: 'monthly', seed: true, today: '2026-11-28', worker: false, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ tokens } = harness);
    api = harness.api!;
    await addSecondDistrict(harness.store, '2026-11-20');
    const project = await harness.store.db.selectFrom('venture_projects').select(['id', 'community_id', 'theme_key', 'title_zh', 'title_en']).where('community_id', '=', 'cn-bj-xicheng-zhanlanlu-wanmingyuan').executeTakeFirstOrThrow();
    // The default data's records lie in 2021 – May 2023: November 2026 holds only this test's
    // record (elderly, 40), and October's counts in the year, not in November.
    await harness.store.db.insertInto('service_records').values([
      { id: 'monthly-nov', project_id: project.id, community_id: project.community_id, theme_key: 'elderly', title_zh: project.title_zh, title_en: project.title_en, served_on: '2026-11-12', residents_served: 40 },
      { id: 'monthly-oct', project_id: project.id, community_id: project.community_id, theme_key: project.theme_key, title_zh: project.title_zh, title_en: project.title_en, served_on: '2026-10-09', residents_served: 25 },
    ]).execute();
  }, 300_000);
  afterAll(async () => {
    await harness?.close();
  });

  const download = async (path: string, token = tokens.supervisor) => {
    const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
  };

  it("answers a street's month: coverage, residents served by theme this month and this year", async () => {
    const { status, body } = await api.call('GET', '/api/reports/monthly?month=2026-11', { token: tokens.viewer });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      street: { id: STREET, name: { zh: '展览路街道' } }, month: '2026-11', period: { from: '2026-11-01', to: '2026-11-30' },
      coverage: { communities: 23, operating: 11, remaining: 12 },
      residentsServed: { month: 40, yearToDate: 65 },
      ventureProjects: { total: 5 },
    });
    expect(body.residentsServed.byTheme.find((t: { theme: string }) => t.theme === 'elderly')).toMatchObject({ residentsServed: 40 });
    const october = await api.call('GET', '/api/reports/monthly?month=2026-10', { token: tokens.viewer });
    expect(october.body.residentsServed).toMatchObject({ month: 25, yearToDate: 25 });
  });

  it('needs a street from a caller above streets, and keeps a street to callers in its scope', async () => {
    const city = await api.call('GET', '/api/reports/monthly?month=2026-11', { token: tokens.admin });
    expect(city.status).toBe(400);
    expect(city.body.error.details[0].path).toBe('query.streetId');
    const second = await api.call('GET', `/api/reports/monthly?month=2026-11&streetId=${SECOND_STREET}`, { token: tokens.admin });
    expect(second.body).toMatchObject({ coverage: { communities: 4, operating: 3 }, residentsServed: { month: 90 } });
    expect((await api.call('GET', `/api/reports/monthly?streetId=${SECOND_STREET}`, { token: tokens.supervisor })).status).toBe(403);
    expect((await api.call('GET', '/api/reports/monthly?month=2026-13', { token: tokens.supervisor })).body.error.details[0].path).toBe('query.month');
  });

  it('writes the month as a workbook whose figures match the JSON', async () => {
    const json = (await api.call('GET', '/api/reports/monthly?month=2026-11', { token: tokens.supervisor })).body;
    const file = await download('/api/exports/monthly?month=2026-11');
    expect(file.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.body as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['概况', '计划阶段', '培训完成情况', '按主题服务人次', '公益创投', '逾期事项']);
    const themes = book.getWorksheet('按主题服务人次')!;
    expect((themes.getRow(1).values as unknown[]).slice(1)).toEqual(['主题', '服务记录', '服务人次']);
    expect((themes.getRow(themes.rowCount).values as unknown[]).slice(1)).toEqual(['合计', 1, json.residentsServed.month]);
    const overview = Object.fromEntries(book.getWorksheet('概况')!.getSheetValues().slice(2).map((row) => [(row as unknown[])[1], (row as unknown[])[2]]));
    expect(overview).toMatchObject({ 街道: '展览路街道', 月份: '2026年11月', 已运营社工站: 11, 本月服务居民人次: 40, 本年累计服务人次: 65 });
  });

  it('prints the month as a PDF with the Chinese text embedded: the street, the month and the figures', async () => {
    const file = await download('/api/exports/monthly?month=2026-11&format=pdf', tokens.viewer);
    expect(file.status).toBe(200);
    expect(file.type).toBe('application/pdf');
    expect(file.body.subarray(0, 5).toString()).toBe('%PDF-');
    const path = join(dir, 'monthly.pdf');
    writeFileSync(path, file.body);
    execFileSync('pdftotext', ['-layout', path, join(dir, 'monthly.txt')]);
    const text = readFileSync(join(dir, 'monthly.txt'), 'utf8');
    expect(text).toContain('展览路街道社会工作月报');
    expect(text).toContain('2026年11月');
    expect(text).toMatch(/已运营社工站\s+11/);
    expect(text).toMatch(/待覆盖社区\s+12/);
    expect(text).toMatch(/本月服务居民人次\s+40/);
    expect(text).toMatch(/为老服务\s+1\s+40/);
    expect(text).toContain('按主题服务人次');
  });
});
