import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/services/user.js';
import { STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';

// The services page in headless Chromium against the real API: residents served by month from the
// default data's spread, recording a service, an import refused row by row, and a case file that
// a station lead writes and reads (the read audited) while a viewer is offered none.
describe('services page in a browser', () => {
  let store: TestStore;
  let harness: Harness;
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    // The API alone (no workflow runs here) over the default data, serving the built dashboard.
    harness = await startHarness({ name: 'web-services', seed: true, today: '2026-11-18' , worker: false, api: { app: { staticDir: builtDashboard() } } });
    ({ store } = harness);
    api = harness.api!;
    await createUser(store.db, { username: 'svc.lead', displayName: '万明园站长', password: 'lead password 123', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' });
    await createUser(store.db, { username: 'svc.viewer', displayName: '街道领导', password: 'viewer password 12', role: 'viewer', scopeId: STREET });
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('records a service, refuses a bad spreadsheet line by line, and keeps a case file to the station lead', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'svc.lead', 'lead password 123');
    await page.getByRole('link', { name: '服务记录' }).click();
    await page.getByTestId('services-total').filter({ hasText: '320' }).waitFor();
    const months = await page.getByTestId('residents-by-month').locator('th').allTextContents();
    expect(months.length).toBeGreaterThan(5);
    expect(months.every((month) => month >= '2021-01' && month <= '2023-05')).toBe(true);

    const form = page.getByRole('form', { name: '登记一次服务' });
    await form.getByLabel('服务日期').fill('2026-11-10');
    await form.getByLabel('类型').selectOption('group');
    await form.getByLabel('活动名称').fill('读报小组');
    await form.getByLabel('服务居民人次').fill('12');
    await form.getByLabel('其中新服务居民').fill('20');
    await form.getByRole('button', { name: '提交' }).click();
    // The cross-field check's own problem, in the reader's language, under the field it concerns.
    const newResidentsError = form.locator('#add-newResidents-error');
    await newResidentsError.filter({ hasText: '其中新服务居民（20）不能多于服务居民人次（12）。' }).waitFor();
    expect(await form.getByLabel('其中新服务居民').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByText('填写的内容无效。').count()).toBe(0);
    await form.getByLabel('其中新服务居民').fill('2');
    await form.getByRole('button', { name: '提交' }).click();
    await form.getByRole('status').filter({ hasText: '已登记' }).waitFor();
    await page.getByTestId('services-total').filter({ hasText: '332' }).waitFor();
    await page.getByTestId('service-records').getByText('读报小组').waitFor();

    const dir = mkdtempSync(join(tmpdir(), 'services-import-'));
    const file = join(dir, 'records.csv');
    writeFileSync(file, `communityId,servedOn,kind,theme,titleZh,residentsServed,newResidents\n${WANMINGYUAN},2023-03-01,小组,elderly,手工小组,8,\n${WANMINGYUAN},2023-02-30,小组,elderly,手工小组,x,\n${WANMINGYUAN},2023-03-02,小组,elderly,手工小组,3,9\n`);
    await page.locator('input[type=file]').setInputFiles(file);
    const problems = page.getByTestId('import-problems');
    await problems.getByText('line 3.servedOn').waitFor();
    await problems.getByText('line 3.residentsServed').waitFor();
    await problems.getByText('line 4.newResidents').waitFor();
    // Each problem in the reader's language, the refinement's by its own sentence.
    await problems.getByText('没有这一天，请检查日期。').waitFor();
    await problems.getByText('其中新服务居民（9）不能多于服务居民人次（3）。').waitFor();
    // Nothing of the file was imported, not even its good line.
    expect(await store.db.selectFrom('service_records').select('id').where('title_zh', '=', '手工小组').execute()).toEqual([]);

    await page.getByRole('combobox', { name: /^类型/ }).first().selectOption('casework');
    // The Excel button downloads the records the filters show, with the page's session.
    const xlsx = page.locator('a[data-export="xlsx"]');
    await expect.poll(() => xlsx.getAttribute('href')).toBe('/api/exports/service-records?kind=casework&format=xlsx');
    const download = page.waitForEvent('download');
    await xlsx.click();
    expect((await download).suggestedFilename()).toBe(`service-records-${WANMINGYUAN}.xlsx`);
    const caseRow = page.getByTestId('service-records').locator('tr[data-record]').filter({ hasText: '个案服务' }).first();
    await caseRow.getByRole('button', { name: '查看档案' }).click();
    const caseForm = page.getByRole('form', { name: '个案档案' });
    await page.getByText('这条个案记录还没有档案。').first().waitFor();
    await caseForm.getByLabel('居民姓名').fill('王某某');
    await caseForm.getByLabel('需求评估').fill('独居，需要买菜帮助');
    await caseForm.getByRole('button', { name: '保存' }).click();
    await caseForm.getByRole('status').filter({ hasText: '档案已保存' }).waitFor();
    const reads = await store.db.selectFrom('audit_log').select('entity').where('action', '=', 'read').where('entity', '=', '/api/service-records/:recordId/case-file').execute();
    expect(reads.length).toBeGreaterThan(0);
  });

  it('shows a viewer the counts and no case file', async () => {
    const { page } = browser;
    await page.context().clearCookies();
    await signInThroughForm(page, api.url, 'svc.viewer', 'viewer password 12');
    await page.getByRole('link', { name: '服务记录' }).click();
    await page.getByTestId('service-records').waitFor();
    expect(await page.getByRole('button', { name: '查看档案' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: '登记一次服务' }).count()).toBe(0);
    expect(await page.locator('input[type=file]').count()).toBe(0);
    await page.getByText('示例分布').first().waitFor();
  });
});
