import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Client } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifyActivities } from '../../activities/notification.js';
import { createToken } from '../../src/services/api-token.js';
import { STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { silentLogger, testConfig } from '../helpers/temporal.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';
import { createDashboardUsers } from './support.js';

// The admin screens in a browser against the real API, store and Temporal: failed deliveries,
// the audit log, API tokens, and a community's own page reached from the overview and the
// rollout lists; each offered in the navigation only to roles that may use it, in both
// languages, usable at 390 px, without serious accessibility violations.

const SW1 = 'w-wanmingyuan-sw1';
const SW2 = 'w-wanmingyuan-sw2';
const ROLLOUT = 'cn-bj-xicheng-zhanlanlu-placeholder-13';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const RUN_AXE = `axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations
  .filter((v) => v.impact === 'serious' || v.impact === 'critical')
  .map((v) => v.id + ' (' + v.impact + ': ' + v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join('; ') + ')'))`;
const OVERFLOW = '(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)()';
const MAIN_TEXT = '(() => document.querySelector("main").innerText)()';

const setLocale = async (page: Page, locale: 'zh-CN' | 'en') => {
  await page.evaluate(`window.localStorage.setItem('shegong.locale', ${JSON.stringify(locale)})`);
  await page.reload();
};

describe('admin screens in a browser', () => {
  let harness: Harness;
  let store: TestStore;
  let temporal: Client;
  let api: TestApi;
  let browser: Browser;
  let tokens: Harness['tokens'];
  let streetAdmin: string;
  let sw2Name: string;

  beforeAll(async () => {
    harness = await startHarness({ name: 'web-admin', seed: true, api: { app: { staticDir: builtDashboard() } } });
    ({ store, client: temporal, tokens } = harness);
    api = harness.api!;
    streetAdmin = (await createToken(store.db, { name: '街道管理员令牌', role: 'admin', scopeId: STREET })).token;
    await createDashboardUsers(store.db, ['admin', 'supervisor', 'lead', 'leader']);
    // Real deliveries through the real notify activity that fail for good: SW2's e-mail (no SMTP
    // configured) and SW1's WeCom (no robot anywhere).
    await store.db.updateTable('workers').set({ channels: ['inbox', 'email'], email: 'sw2@example.org' }).where('id', '=', SW2).execute();
    await store.db.updateTable('workers').set({ channels: ['inbox', 'wecom'] }).where('id', '=', SW1).execute();
    sw2Name = (await store.db.selectFrom('workers').select('name').where('id', '=', SW2).executeTakeFirstOrThrow()).name;
    const { notify } = createNotifyActivities({ store, config: testConfig({ SMTP_URL: '', WECOM_WEBHOOK_URL: '' }), logger: silentLogger, temporal, clock: () => new Date() });
    await notify({ key: 'web-admin:1', recipientId: SW2, kind: 'task_due', data: { taskTitle: '岗位设置', communityName: '万明园', stage: 'guide', dueAt: 0 } });
    await notify({ key: 'web-admin:2', recipientId: SW1, kind: 'task_overdue', data: { taskTitle: '岗位设置', communityName: '万明园', stage: 'guide', dueAt: 0 } });
    browser = await openBrowser({ width: 390, height: 844 });
  }, 300_000);
  afterAll(async () => {
    await api?.call('POST', `/api/rollout/${ROLLOUT}/cancel`, { token: tokens.admin, body: { reason: 'test over' } });
    await browser?.close();
    await harness?.close();
  });

  it('shows failed deliveries to admins and supervisors with the reason in their language, filtered by channel; no entry for other roles', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'supervisor', 'supervisor password');
    await page.locator('.menu-toggle').click();
    await page.getByRole('link', { name: '投递失败' }).click();
    const items = page.locator('li.failure');
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(2);
    const email = page.locator('li.failure[data-reason="email_not_configured"]');
    expect(await email.textContent()).toContain('系统未配置邮件服务器（SMTP），无法发送邮件。');
    expect(await email.textContent()).toContain(sw2Name);
    expect(await email.textContent()).toContain('任务即将到期');
    expect(await email.textContent()).toContain('万明园');
    expect(await page.locator('li.failure[data-reason="wecom_not_configured"]').textContent()).toContain('任务逾期');
    expect(await page.getByTestId('failures-total').textContent()).toContain('邮件 1 条，企业微信 1 条');

    await page.getByLabel('渠道').selectOption('wecom');
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.first().getAttribute('data-reason')).toBe('wecom_not_configured');
    await page.getByLabel('投递状态').selectOption('retrying');
    await page.getByText('没有投递失败的消息。').waitFor();

    await setLocale(page, 'en');
    await page.getByLabel('Delivery status').waitFor();
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(2);
    expect(await page.locator('li.failure[data-reason="email_not_configured"]').textContent()).toContain('No mail server (SMTP) is configured');
    await setLocale(page, 'zh-CN');

    // A station lead and street leadership have no such entry, and the path shows them nothing of it.
    for (const [username, password] of [['lead', 'lead password 123'], ['leader', 'leader password 1']] as const) {
      await signInThroughForm(page, api.url, username, password);
      expect(await page.getByRole('link', { name: '投递失败' }).count()).toBe(0);
      await page.goto(`${api.url}/notifications/failures`);
      await page.getByTestId('signed-in-as').waitFor({ state: 'attached' });
      await page.locator('main section').first().waitFor();
      expect(await page.locator('li.failure').count()).toBe(0);
      expect(await page.getByRole('heading', { name: '消息投递失败' }).count()).toBe(0);
    }
  });

  it('reads the audit log in the admin\'s scope, filtered and a page at a time; only admins see it', async () => {
    // Twenty-six tokens made by an admin of the street (inside the signed-in admin's scope), one by
    // the city's admin (outside it).
    for (let index = 0; index < 26; index += 1) {
      expect((await api.call('POST', '/api/tokens', { token: streetAdmin, body: { name: `审计测试 ${index}`, role: 'viewer', scopeId: STREET } })).status).toBe(201);
    }
    const outside = await api.call('POST', '/api/tokens', { token: tokens.admin, body: { name: '市级令牌', role: 'viewer', scopeId: 'cn-bj' } });
    expect(outside.status).toBe(201);

    const { page } = browser;
    await signInThroughForm(page, api.url, 'admin', 'admin password 1');
    await page.locator('.menu-toggle').click();
    await page.getByRole('link', { name: '审计日志' }).click();
    await page.getByLabel('对象', { exact: true }).selectOption('api_token');
    await page.getByLabel('操作', { exact: true }).selectOption('create');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    const entries = page.locator('li.audit-entry');
    await expect.poll(() => entries.count(), { timeout: 30_000 }).toBe(25);
    expect(await entries.first().textContent()).toContain('创建');
    expect(await entries.first().textContent()).toContain('API 令牌');
    expect(await entries.first().textContent()).toContain('街道管理员令牌');
    expect(await page.locator('main').textContent()).not.toContain(outside.body.id as string);
    await page.getByRole('button', { name: '下一页' }).click();
    await expect.poll(() => entries.count()).toBe(1);
    await entries.first().getByText('变更内容').click();
    expect(await entries.first().locator('pre').first().textContent()).toContain('审计测试 0');

    // A window that ended long ago holds nothing; clearing the filters shows entries again.
    await page.getByLabel('截止时间').fill('2021-01-01T00:00');
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await page.getByText('没有符合条件的记录。').waitFor();
    await page.getByRole('button', { name: '清除筛选' }).click();
    await expect.poll(() => entries.count()).toBeGreaterThan(0);

    await signInThroughForm(page, api.url, 'supervisor', 'supervisor password');
    expect(await page.getByRole('link', { name: '审计日志' }).count()).toBe(0);
    await page.goto(`${api.url}/audit`);
    await page.getByTestId('signed-in-as').waitFor({ state: 'attached' });
    expect(await page.getByRole('heading', { name: '审计日志' }).count()).toBe(0);
  });

  it('makes a token and shows it once, then revokes it after asking, and the token stops working', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'admin', 'admin password 1');
    await page.locator('.menu-toggle').click();
    await page.getByRole('link', { name: 'API 令牌' }).click();
    // A problem is shown next to its field.
    await page.getByRole('button', { name: '创建令牌' }).click();
    await expect.poll(() => page.getByLabel('用途（谁在使用）').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('用途（谁在使用）').fill('数据对接系统');
    await page.getByLabel('角色').selectOption('viewer');
    await page.getByRole('button', { name: '创建令牌' }).click();
    const shown = page.getByTestId('new-token');
    await shown.waitFor();
    const secret = (await shown.locator('code').textContent())!;
    expect(secret).toMatch(/^sg_/);
    expect((await api.call('GET', '/api/me', { token: secret })).status).toBe(200);
    await shown.getByRole('button', { name: '我已保存' }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.locator('main').textContent()).not.toContain(secret);

    const item = page.locator('li.token', { hasText: '数据对接系统' });
    await expect.poll(() => item.getAttribute('data-status')).toBe('active');
    await item.getByRole('button', { name: '撤销' }).click();
    const dialog = page.getByRole('dialog', { name: '撤销令牌“数据对接系统”？' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect((await api.call('GET', '/api/me', { token: secret })).status).toBe(200);
    await item.getByRole('button', { name: '撤销' }).click();
    await dialog.getByRole('button', { name: '确认撤销' }).click();
    await expect.poll(() => item.getAttribute('data-status'), { timeout: 30_000 }).toBe('revoked');
    await page.getByText('令牌“数据对接系统”已撤销。').waitFor();
    expect((await api.call('GET', '/api/me', { token: secret })).status).toBe(401);

    await signInThroughForm(page, api.url, 'supervisor', 'supervisor password');
    expect(await page.getByRole('link', { name: 'API 令牌' }).count()).toBe(0);
  });

  it("opens a community's page from the overview and from the rollout lists, with its station, its rollout and the way on", async () => {
    const target = new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10);
    const started = await api.call('POST', `/api/rollout/${ROLLOUT}`, { token: tokens.admin, body: { targetDate: target } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const { page } = browser;
    await signInThroughForm(page, api.url, 'supervisor', 'supervisor password');
    await page.locator(`li[data-community="${WANMINGYUAN}"] a`).click();
    await page.waitForURL(`**/communities/${WANMINGYUAN}`);
    const facts = page.getByTestId('community-facts');
    await facts.waitFor();
    expect(await facts.textContent()).toContain('万明园社区');
    expect(await facts.textContent()).toContain('运营中');
    await page.getByRole('link', { name: '查看服务站计划' }).click();
    await page.waitForURL(`**/stations/${WANMINGYUAN}`);

    // From the rollout page: the running rollout's community, with its milestones.
    await page.goto(`${api.url}/rollout`);
    const running = page.locator(`li.rollout[data-community="${ROLLOUT}"]`).first();
    await running.getByRole('link').first().click();
    await page.waitForURL(`**/communities/${ROLLOUT}`);
    await expect.poll(async () => (await page.getByTestId('community-rollout-status').textContent()) ?? '', { timeout: 30_000 }).toContain('建设中');
    expect(await page.locator('.milestones li').count()).toBe(4);
    expect(await page.locator('.milestones').textContent()).toContain('选址');
    expect(await facts.textContent()).toContain('占位社区');
    expect(await page.getByRole('link', { name: '查看服务站计划' }).count()).toBe(0);

    // Street leadership reaches the page too, without the worker-facing links.
    await signInThroughForm(page, api.url, 'leader', 'leader password 1');
    await page.locator(`li[data-community="${WANMINGYUAN}"] a`).click();
    await facts.waitFor();
    expect(await facts.textContent()).toContain('运营中');
    expect(await page.getByRole('link', { name: '查看服务站计划' }).count()).toBe(0);
  });

  it('fits 390 px in both languages, with no ISO timestamp shown and no serious accessibility violation', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'admin', 'admin password 1');
    const problems: string[] = [];
    for (const locale of ['zh-CN', 'en'] as const) {
      await setLocale(page, locale);
      for (const path of ['/notifications/failures', '/audit', '/tokens', `/communities/${WANMINGYUAN}`, `/communities/${ROLLOUT}`]) {
        await page.goto(`${api.url}${path}?poll=600000`);
        await page.waitForLoadState('networkidle');
        await expect.poll(() => page.locator('.loading').count(), { timeout: 30_000 }).toBe(0);
        const overflow = await page.evaluate(OVERFLOW) as number;
        if (overflow > 1) problems.push(`${locale} ${path}: scrolls sideways by ${overflow}px`);
        const text = await page.evaluate(MAIN_TEXT) as string;
        const iso = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.exec(text);
        if (iso) problems.push(`${locale} ${path}: ISO timestamp ${iso[0]}`);
        await page.addScriptTag({ content: AXE });
        for (const violation of await page.evaluate(RUN_AXE) as string[]) problems.push(`${locale} ${path}: ${violation}`);
      }
    }
    await setLocale(page, 'zh-CN');
    expect(problems).toEqual([]);
  }, 300_000);
});
