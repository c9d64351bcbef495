import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../src/domain/time.js';
import { createUser } from '../../src/services/user.js';
import { STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';

// The five-party page in headless Chromium against the real API: a station lead registers an
// organisation, shows volunteers' names (the read audited), registers a volunteer and logs hours,
// registers a resource after a refused amount, and reads the linkage index on the station page;
// a viewer gets no such page and reads the index on the overview.
describe('five-party page in a browser', () => {
  let store: TestStore;
  let harness: Harness;
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    // The API alone (no workflow runs here) over the default data, serving the built dashboard.
    harness = await startHarness({ name: 'web-partners', seed: true, today: shanghaiDate(new Date()) , worker: false, api: { app: { staticDir: builtDashboard() } } });
    ({ store } = harness);
    api = harness.api!;
    await createUser(store.db, { username: 'fp.lead', displayName: '万明园站长', password: 'lead password 123', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' });
    await createUser(store.db, { username: 'fp.viewer', displayName: '街道领导', password: 'viewer password 12', role: 'viewer', scopeId: STREET });
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('lets a station lead register an organisation, a volunteer, hours and a resource, showing names only on request', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'fp.lead', 'lead password 123');
    await page.getByRole('link', { name: '五社联动' }).click();
    const organisations = page.getByTestId('organisations');
    await organisations.getByText('为老服务社（示例）').waitFor();
    expect(await organisations.getByText('邻里互助会（示例）').count()).toBe(0);

    const orgForm = page.getByRole('form', { name: '登记社会组织' });
    await orgForm.getByLabel('名称（中文）').fill('万明园读书会');
    await orgForm.getByLabel('类型').selectOption('community_based');
    await orgForm.getByRole('checkbox', { name: '万明园社区' }).check();
    await orgForm.getByRole('button', { name: '保存' }).click();
    await orgForm.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    await organisations.getByText('万明园读书会').waitFor();

    await page.getByRole('tab', { name: '志愿者' }).click();
    const volunteers = page.getByTestId('volunteers');
    await volunteers.locator('tr[data-volunteer]').first().waitFor();
    expect(await volunteers.getByText('万明园社区志愿者1（示例）').count()).toBe(0);
    await page.getByRole('button', { name: '显示姓名和电话' }).click();
    await volunteers.getByText('万明园社区志愿者1（示例）').waitFor();
    const reads = await store.db.selectFrom('audit_log').select('id').where('action', '=', 'read').where('entity', '=', '/api/volunteers/contacts').execute();
    expect(reads.length).toBe(1);

    const volunteerForm = page.getByRole('form', { name: '登记志愿者' });
    await volunteerForm.getByLabel('姓名').fill('测试志愿者丙');
    await volunteerForm.getByLabel('电话').fill('13900000003');
    await volunteerForm.getByLabel('技能').fill('摄影; 助老');
    await volunteerForm.getByRole('button', { name: '保存' }).click();
    await volunteerForm.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    await volunteers.getByText('测试志愿者丙').waitFor();

    const logForm = page.getByRole('form', { name: '记录服务时长' });
    await logForm.getByLabel('时长').fill('2');
    await logForm.getByRole('button', { name: '保存' }).click();
    await logForm.locator('#log-record-error').filter({ hasText: /.+/ }).waitFor(); // neither a record nor an activity: refused, by field
    await logForm.getByLabel('或活动名称').fill('楼道清扫');
    await logForm.getByRole('button', { name: '保存' }).click();
    await logForm.getByRole('status').filter({ hasText: '已记录 2 小时' }).waitFor();

    await page.getByRole('tab', { name: '慈善资源' }).click();
    const resourceForm = page.getByRole('form', { name: '登记慈善资源' });
    await resourceForm.getByLabel('捐赠方或基金').fill('测试爱心企业');
    await resourceForm.getByLabel('类型').selectOption('goods');
    await resourceForm.getByLabel('单位').fill('份');
    await resourceForm.getByRole('button', { name: '保存' }).click();
    await resourceForm.locator('#resource-amount-error').filter({ hasText: /.+/ }).waitFor();
    await resourceForm.getByLabel('数量').fill('30');
    await resourceForm.getByRole('button', { name: '保存' }).click();
    await resourceForm.getByRole('status').filter({ hasText: '已保存' }).waitFor();
    await page.getByTestId('resources').getByText('测试爱心企业').waitFor();

    await page.goto(`${api.url}/stations/${WANMINGYUAN}`);
    const linkage = page.getByTestId('linkage-station');
    await linkage.locator('tr[data-party="volunteer"]').getByText('参与').first().waitFor();
    await linkage.locator('tr[data-party="charitableResource"]').getByText('参与').first().waitFor();
  });

  it('offers a viewer no five-party page and the linkage index on the overview', async () => {
    const { page } = browser;
    await page.context().clearCookies();
    await signInThroughForm(page, api.url, 'fp.viewer', 'viewer password 12');
    const streets = page.getByTestId('linkage-streets');
    await streets.getByText('展览路街道（11 个站）').waitFor();
    expect(await page.getByRole('link', { name: '五社联动' }).count()).toBe(0);
    expect(await page.getByText('测试志愿者丙').count()).toBe(0);
  });
});
