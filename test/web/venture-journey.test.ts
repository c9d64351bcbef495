import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/services/user.js';
import { STREET, WANMINGYUAN } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';

// A venture project (公益创投) from proposal to evaluation in the dashboard: the station lead
// proposes and, once approved, starts it and records its services; the street's supervisor
// approves and evaluates it.
describe('a venture project from proposal to evaluation, in the dashboard', () => {
  let harness: Harness;
  let supervisor: Browser;
  let lead: Browser;

  beforeAll(async () => {
    harness = await startHarness({ name: 'venture-journey', seed: true, worker: false, api: { app: { staticDir: builtDashboard() } } });
    await createUser(harness.store.db, { username: 'venture.lead', displayName: '万明园站长', password: 'lead password 123', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' });
    await createUser(harness.store.db, { username: 'venture.supervisor', displayName: '张督导', password: 'supervisor password', role: 'supervisor', scopeId: STREET, workerId: 'w-zhanlanlu-supervisor-01' });
    supervisor = await openBrowser();
    lead = await openBrowser({ width: 390, height: 844 });
  });
  afterAll(async () => {
    await lead?.close();
    await supervisor?.close();
    await harness?.close();
  });

  it('is proposed, approved, started, serves residents and is evaluated', async () => {
    const url = harness.api!.url;
    await signInThroughForm(lead.page, url, 'venture.lead', 'lead password 123');
    await lead.page.goto(`${url}/ventures?poll=1000`);
    const propose = lead.page.getByRole('form', { name: '申报项目' });
    await propose.locator('select[name="community"]').selectOption(WANMINGYUAN);
    await propose.locator('select[name="theme"]').selectOption('elderly');
    await propose.getByLabel('项目名称（中文）').fill('银龄互助茶话会');
    await propose.getByLabel('预算（元）').fill('20000');
    await propose.getByRole('button', { name: '申报项目' }).click();
    // The new project's page opens.
    await lead.page.waitForURL(/\/ventures\/[^/?]+/, { timeout: 30_000 });
    const detail = new URL(lead.page.url()).pathname;
    const row = await harness.store.db.selectFrom('venture_projects').select(['id', 'status', 'community_id']).where('title_zh', '=', '银龄互助茶话会').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'proposed', community_id: WANMINGYUAN });
    // A station lead proposes; deciding is the supervisor's.
    expect(await lead.page.getByRole('button', { name: '批准立项' }).count()).toBe(0);

    const { page } = supervisor;
    await signInThroughForm(page, url, 'venture.supervisor', 'supervisor password');
    await page.goto(`${url}${detail}?poll=1000`);
    await page.getByRole('button', { name: '批准立项' }).first().click();
    const approve = page.getByRole('form', { name: '批准立项' });
    await approve.getByLabel('签批意见').fill('同意立项，注意台账');
    await approve.getByRole('button', { name: '批准立项' }).click();
    await expect.poll(async () => (await harness.store.db.selectFrom('venture_projects').select('status').where('id', '=', row.id).executeTakeFirstOrThrow()).status, { timeout: 30_000 }).toBe('approved');

    await lead.page.goto(`${url}${detail}?poll=1000`);
    await lead.page.getByRole('button', { name: '启动项目' }).click();
    await lead.page.getByRole('button', { name: '记录一次服务' }).first().waitFor({ timeout: 30_000 });
    await lead.page.getByRole('button', { name: '记录一次服务' }).first().click();
    const service = lead.page.getByRole('form', { name: '记录一次服务' });
    await service.locator('input[name="residents-served"]').fill('25');
    await service.locator('input[name="service-note"]').fill('第一次茶话会');
    await service.getByRole('button', { name: '记录一次服务' }).click();
    await expect.poll(() => lead.page.getByTestId('residents-served').textContent(), { timeout: 30_000 }).toBe('25');

    await page.goto(`${url}${detail}?poll=1000`);
    await page.getByRole('button', { name: '评估项目' }).first().click();
    const evaluate = page.getByRole('form', { name: '评估项目' });
    await evaluate.locator('select[name="venture-score"]').selectOption('4');
    await evaluate.locator('textarea[name="venture-evaluation"]').fill('服务对象满意度高');
    await evaluate.getByRole('button', { name: '评估项目' }).click();
    await expect.poll(() => page.getByTestId('venture-evaluation').textContent(), { timeout: 30_000 }).toContain('服务对象满意度高');
    expect(await page.getByTestId('venture-evaluation').textContent()).toContain('4 / 5');
    expect((await harness.store.db.selectFrom('venture_projects').select('status').where('id', '=', row.id).executeTakeFirstOrThrow()).status).toBe('evaluated');
  }, 300_000);
});
