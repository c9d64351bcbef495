import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/time.js';
import { createUser } from '../../src/services/user.js';
import { STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';

// A station's brand (一站一品牌一特色) in headless Chromium against the real API: the station lead
// finds none on the station page, is told which field is wrong, records the brand with one of the
// community's venture projects and follows the project's link; a viewer reads it on the community
// page with nothing to edit.
describe('station brand in a browser', () => {
  let store: TestStore;
  let harness: Harness;
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    // The API alone (no workflow runs here) over the default data, serving the built dashboard.
    harness = await startHarness({ name: 'web-station-brand', seed: true, today: shanghaiDate(new Date()), worker: false, api: { app: { staticDir: builtDashboard() } } });
    ({ store } = harness);
    api = harness.api!;
    await createUser(store.db, { username: 'brand.lead', displayName: '万明园站长', password: 'lead password 123', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' });
    await createUser(store.db, { username: 'brand.viewer', displayName: '街道领导', password: 'viewer password 12', role: 'viewer', scopeId: STREET });
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('lets the station lead record the brand on the station page and shows it with its project', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'brand.lead', 'lead password 123');
    await page.goto(`${api.url}/stations/${WANMINGYUAN}`);
    const section = page.locator('#station-brand');
    await section.getByText('本站还没有登记品牌。').waitFor();

    await section.getByRole('button', { name: '登记品牌' }).click();
    const form = page.getByRole('form', { name: '登记品牌' });
    await form.getByLabel('特色（中文，最多 500 字）').fill('以楼道为单元组织居民自治，邻里互助');
    await form.getByRole('checkbox', { name: '我的楼道我的家' }).check();
    // No name: refused, and the name field says so.
    await form.getByRole('button', { name: '保存' }).click();
    await form.locator('input[name="brand-name-zh"][aria-invalid="true"]').waitFor();
    expect((await form.locator('.field-error').first().textContent())?.trim()).toBeTruthy();
    expect(await store.db.selectFrom('station_brands').selectAll().execute()).toEqual([]);

    await form.getByLabel('品牌名称（中文，最多 60 字）').fill('楼道之家');
    await form.getByRole('button', { name: '保存' }).click();
    await section.getByTestId('brand-name').filter({ hasText: '楼道之家' }).waitFor();
    expect(await section.getByTestId('brand-feature').textContent()).toBe('以楼道为单元组织居民自治，邻里互助');
    // Recorded once, by this user, in the audit log.
    const entries = await store.db.selectFrom('audit_log').selectAll().where('entity', '=', 'station_brand').where('entity_id', '=', WANMINGYUAN).execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'create', after: { name: { zh: '楼道之家' }, projectIds: ['vp-zhanlanlu-wanmingyuan-loudao'] } });
    // The form is closed, and now offers an edit.
    await section.getByRole('button', { name: '修改品牌' }).waitFor();

    await section.getByTestId('brand-projects').getByRole('link', { name: '我的楼道我的家' }).click();
    await page.waitForURL(/\/ventures\/vp-zhanlanlu-wanmingyuan-loudao$/);
  });

  it('shows a viewer the brand on the community page, with nothing to edit', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'brand.viewer', 'viewer password 12');
    await page.goto(`${api.url}/communities/${WANMINGYUAN}`);
    const section = page.locator('#station-brand');
    await section.getByTestId('brand-name').filter({ hasText: '楼道之家' }).waitFor();
    await section.getByTestId('brand-projects').getByRole('link', { name: '我的楼道我的家' }).waitFor();
    expect(await section.getByRole('button', { name: /登记品牌|修改品牌/ }).count()).toBe(0);
    expect(await section.getByText('万明园站长').count()).toBe(0);
  });
});
