import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/services/user.js';
import { recordCallStep } from '../../src/store/repositories/case-call.js';
import { STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { writeCaseCall } from '../helpers/case-call.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { addSecondDistrict, DISTRICT } from '../helpers/second-district.js';
import type { TestStore } from '../helpers/store.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';
import { createDashboardUsers } from './support.js';

// The reports pages in headless Chromium: the printable monthly report, the roll-up and the
// download buttons, against the real API and store.
describe('reports in the dashboard', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startHarness({ name: 'web-reports', seed: true, today: '2026-11-28', worker: false, tokens: false, api: { app: { staticDir: builtDashboard() } } });
    ({ store } = harness);
    api = harness.api!;
    await addSecondDistrict(store, '2026-11-20');
    await createDashboardUsers(store.db, ['supervisor']);
    await createUser(store.db, { username: 'district', displayName: '区领导', password: 'district password', role: 'viewer', scopeId: DISTRICT, workerId: null });
    browser = await openBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('shows the monthly report as a page with print and download buttons', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'supervisor', 'supervisor password');
    await page.goto(`${api.url}/reports/monthly?month=2026-11`);
    const figures = page.getByTestId('monthly-figures');
    await figures.waitFor();
    expect(await page.getByRole('heading', { name: /展览路街道社会工作月报 · 2026-11/ }).count()).toBe(1);
    expect(await figures.textContent()).toContain('已运营社工站11');
    expect(await page.getByRole('button', { name: '打印' }).count()).toBe(1);
    const pdf = page.locator('a[data-export="pdf"]');
    expect(await pdf.getAttribute('href')).toBe('/api/exports/monthly?month=2026-11&format=pdf');
    // The link downloads the file with the page's session.
    const download = page.waitForEvent('download');
    await page.locator('a[data-export="xlsx"]').click();
    expect((await download).suggestedFilename()).toBe(`monthly-${STREET}-2026-11.xlsx`);
  });

  it("offers a case call's scores for download once its review has closed, not before", async () => {
    const { page } = browser;
    const callId = 'call-web-scores';
    await writeCaseCall(store.db, { callId, caseId: 'case-web-scores', orgUnitId: STREET, communityId: WANMINGYUAN, reviewerId: 'w-zhanlanlu-supervisor-01', published: false });
    await signInThroughForm(page, api.url, 'supervisor', 'supervisor password');
    await page.goto(`${api.url}/cases/${callId}`);
    await page.locator('[data-case="case-web-scores"]').waitFor();
    expect(await page.locator('a[data-export]').count()).toBe(0);
    await recordCallStep(store.db, { callId, step: 'review_closes', at: new Date(), actor: null, detail: {}, phase: 'selection' });
    await page.reload();
    const xlsx = page.locator('a[data-export="xlsx"]');
    await xlsx.waitFor();
    expect(await xlsx.getAttribute('href')).toBe(`/api/exports/case-calls/${callId}/scores?format=xlsx`);
    const download = page.waitForEvent('download');
    await xlsx.click();
    expect((await download).suggestedFilename()).toBe(`case-scores-${callId}.xlsx`);
  });

  it("shows a district its streets side by side, sorted by a column's button", async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'district', 'district password');
    await page.goto(`${api.url}/reports/rollup`);
    const table = page.getByTestId('rollup-table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: /服务(居民)?人次/ }).click();
    await expect.poll(() => table.locator('tbody tr').first().getAttribute('data-unit'), { timeout: 30_000 }).toBe(STREET);
    expect(await table.locator('tfoot').textContent()).toContain('1190');
    expect(await page.locator('canvas').count()).toBeGreaterThan(0);
  });
});
