import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';
import { createDashboardUsers } from './support.js';

// The resource requests page in headless Chromium, driving a real resourceRequest workflow: a
// station lead asks, a supervisor matches two parties — one declines (the reason is required in
// the dialog), one confirms — the lead records the delivery with its evidence and closes it; a
// viewer sees the counts only.

describe('resource requests in the dashboard', () => {
  let harness: Harness;
  let temporal: Client;
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startHarness({ name: 'web-requests', seed: true, tokens: false, api: { app: { staticDir: builtDashboard() } } });
    temporal = harness.client;
    api = harness.api!;
    await createDashboardUsers(harness.store.db, ['lead', 'supervisor', 'leader'], { leader: { password: 'viewer password 123', workerId: null } });
    browser = await openBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  const dialog = () => browser.page.locator('dialog[open]');

  it('runs a request from the station lead\'s form through matching, a decline and a confirmation to the delivery and closing', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'lead', 'lead password 123');
    await page.getByRole('link', { name: '资源链接' }).click();
    await page.getByRole('heading', { name: '资源需求概况' }).waitFor();
    await page.getByLabel('需求内容').fill('独居老人助餐志愿者');
    await page.getByLabel('数量').fill('6');
    await page.getByLabel('单位').fill('人');
    const day = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('需求日期').fill(`${day}T09:00`);
    await page.getByRole('button', { name: '提出资源需求' }).click();
    await page.getByRole('heading', { name: '独居老人助餐志愿者' }).waitFor();
    await page.getByText('待对接').first().waitFor();
    const requestId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    expect(requestId).toMatch(/^rr-/);
    // A station lead neither matches nor cancels.
    expect(await page.getByRole('button', { name: '添加对接' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: '取消需求' }).count()).toBe(0);

    await signInThroughForm(page, api.url, 'supervisor', 'supervisor password');
    await page.goto(`${api.url}/requests/${encodeURIComponent(requestId)}?poll=1000`);
    const addMatch = async (kind: string, name: string) => {
      const form = page.getByRole('form', { name: '添加对接' });
      await form.getByLabel('类型').selectOption({ label: kind });
      await form.getByLabel('名称').fill(name);
      await form.getByRole('button', { name: '添加对接' }).click();
      await page.locator('[data-match]', { hasText: name }).waitFor();
    };
    await addMatch('社会组织', '展览路为老服务社');
    await page.getByText('待确认').first().waitFor();
    const org = page.locator('[data-match]', { hasText: '展览路为老服务社' });
    await org.getByRole('button', { name: '婉拒' }).click();
    // The reason is required before anything is sent.
    await dialog().getByRole('button', { name: '婉拒' }).click();
    await dialog().getByText('请填写原因').or(dialog().locator('.field-error')).first().waitFor();
    await dialog().getByRole('textbox').first().fill('本月人手不足');
    await dialog().getByRole('button', { name: '婉拒' }).click();
    await org.getByText('已婉拒').waitFor();
    await org.getByText('本月人手不足').waitFor();

    await addMatch('志愿者', '楼门志愿队');
    const volunteers = page.locator('[data-match]', { hasText: '楼门志愿队' });
    await volunteers.getByRole('button', { name: '确认' }).click();
    await dialog().getByRole('button', { name: '确认' }).click();
    await volunteers.getByText('已确认', { exact: true }).waitFor();
    await page.getByText('已确认，待送达').first().waitFor();

    await signInThroughForm(page, api.url, 'lead', 'lead password 123');
    await page.goto(`${api.url}/requests/${encodeURIComponent(requestId)}?poll=1000`);
    await page.getByRole('button', { name: '登记送达' }).click();
    await dialog().getByLabel(/送达凭证/).fill('6 名志愿者已到岗，首周送餐 42 份');
    await dialog().getByLabel(/照片或签收单链接/).fill('https://example.org/receipt/1');
    await dialog().getByRole('button', { name: '登记送达' }).click();
    await page.locator('[data-delivery]').getByText(/首周送餐 42 份/).waitFor();
    expect(await page.locator('[data-delivery] a').getAttribute('href')).toBe('https://example.org/receipt/1');
    await page.getByRole('button', { name: '结案' }).click();
    await dialog().getByRole('button', { name: '结案' }).click();
    await page.getByText('已结案').first().waitFor();
    await page.getByText('对接方婉拒').first().waitFor();
    expect((await temporal.workflow.getHandle(`resource-request:${requestId}`).result()).phase).toBe('closed');

    // The street's leadership sees counts, never the need or the parties.
    await signInThroughForm(page, api.url, 'leader', 'viewer password 123');
    await page.getByRole('link', { name: '资源链接' }).click();
    await page.getByRole('heading', { name: '资源需求概况' }).waitFor();
    await page.getByText('需求总数').waitFor();
    const text = await page.locator('main').textContent();
    expect(text).toContain('已结案');
    expect(text).not.toContain('独居老人助餐志愿者');
    expect(text).not.toContain('楼门志愿队');
    expect(await page.getByRole('heading', { name: '提出资源需求' }).count()).toBe(0);
  }, 240_000);
});
