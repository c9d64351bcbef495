import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, hashPassword } from '../../src/services/user.js';
import { STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';

// The users page's actions (disable, enable, reset a password, end sessions) and the account page
// (change one's own password), in headless Chromium against the real API.
describe('users and account pages in a browser', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let browser: Browser;

  const login = (username: string, password: string) => api.call('POST', '/api/auth/login', { body: { username, password } });
  const sessionCookie = async (username: string, password: string) => {
    const answer = await login(username, password);
    expect(answer.status).toBe(200);
    return answer.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  };
  const alive = async (cookie: string) => (await api.call('GET', '/api/auth/session', { headers: { cookie } })).status === 200;

  beforeAll(async () => {
    harness = await startHarness({ name: 'web-account', seed: true, worker: false, tokens: false, api: { app: { staticDir: builtDashboard() } } });
    ({ store } = harness);
    api = harness.api!;
    await createUser(store.db, { username: 'web.admin', displayName: '网页管理员', password: 'admin password 12', role: 'admin', scopeId: STREET });
    await createUser(store.db, { username: 'web.lead', displayName: '万明园站长', password: 'lead password 123', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' });
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('disables and enables a user, resets their password (shown once) and ends their sessions from the users page', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'web.admin', 'admin password 12');
    await page.getByRole('link', { name: '用户' }).click();
    const row = page.getByRole('row').filter({ hasText: 'web.lead' });
    await row.waitFor();

    const leadSession = await sessionCookie('web.lead', 'lead password 123');
    await row.getByRole('button', { name: '停用' }).click();
    await page.getByRole('status').filter({ hasText: 'web.lead：已结束 1 个登录会话' }).waitFor();
    await row.getByText('已停用').waitFor();
    expect(await alive(leadSession)).toBe(false);
    expect((await login('web.lead', 'lead password 123')).status).toBe(401);
    // One's own sign-in is not offered for disabling.
    expect(await page.getByRole('row').filter({ hasText: 'web.admin' }).getByRole('button', { name: '停用' }).isDisabled()).toBe(true);

    await row.getByRole('button', { name: '启用' }).click();
    await row.getByRole('button', { name: '停用' }).waitFor();
    expect((await login('web.lead', 'lead password 123')).status).toBe(200);

    const again = await sessionCookie('web.lead', 'lead password 123');
    await row.getByRole('button', { name: '重置密码' }).click();
    const shown = page.getByTestId('new-password');
    await shown.waitFor();
    const password = (await shown.locator('code').textContent())!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(await alive(again)).toBe(false);
    await row.getByText('待改密码').waitFor();
    expect((await login('web.lead', password)).status).toBe(200);

    const third = await sessionCookie('web.lead', password);
    await row.getByRole('button', { name: '结束登录会话' }).click();
    await page.getByRole('status').filter({ hasText: /web\.lead：已结束 \d+ 个登录会话/ }).waitFor();
    expect(await page.getByTestId('new-password').count()).toBe(0);
    expect(await alive(third)).toBe(false);

    // Put the known password back for the next case (one the user chose: no change owed).
    await store.db.updateTable('users').set({ password_hash: await hashPassword('lead password 123'), password_change_required: false })
      .where('username', '=', 'web.lead').execute();
  });

  it('changes your own password on the account page, naming a wrong current or weak new one next to its field', async () => {
    const lead = await openBrowser();
    try {
      const { page } = lead;
      await signInThroughForm(page, api.url, 'web.lead', 'lead password 123');
      const elsewhere = await sessionCookie('web.lead', 'lead password 123');
      await page.getByRole('link', { name: '我的账户' }).click();
      const current = page.getByLabel('当前密码');
      const next = page.getByLabel('新密码');
      const submit = page.getByRole('button', { name: '修改密码' });

      await current.fill('not my password');
      await next.fill('a brand new passphrase');
      await submit.click();
      await page.locator('#current-password-error').waitFor();
      expect(await current.getAttribute('aria-invalid')).toBe('true');

      await current.fill('lead password 123');
      await next.fill('short');
      await submit.click();
      await page.locator('#new-password-error').waitFor();
      expect(await page.locator('#new-password-error').textContent()).toMatch(/12/);
      expect(await next.getAttribute('aria-describedby')).toContain('new-password-error');

      await next.fill('a brand new passphrase');
      await submit.click();
      await page.getByRole('status').filter({ hasText: '密码已修改；其他 1 个登录会话已结束。' }).waitFor();
      expect(await current.inputValue()).toBe('');
      expect(await alive(elsewhere)).toBe(false);
      expect((await login('web.lead', 'lead password 123')).status).toBe(401);
      expect((await login('web.lead', 'a brand new passphrase')).status).toBe(200);
      // This page's own session goes on.
      await page.reload();
      await page.getByTestId('signed-in-as').waitFor();
      expect(await page.getByLabel('当前密码').count()).toBe(1);
    } finally {
      await lead.close();
    }
  });

  it('after a reset, the next sign-in shows only the change-password form until the user chooses their own', async () => {
    const user = await createUser(store.db, { username: 'web.reset', displayName: '重置用户', password: 'reset user password 1', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' });
    const adminCookie = await sessionCookie('web.admin', 'admin password 12');
    const csrf = /sg_csrf=([^;]+)/.exec(adminCookie)![1]!;
    const reset = await api.call('POST', `/api/users/${user.id}/reset-password`, { headers: { cookie: adminCookie, 'x-csrf-token': csrf }, body: {} });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    const given = reset.body.password as string;

    const resetUser = await openBrowser();
    try {
      const { page } = resetUser;
      await signInThroughForm(page, api.url, 'web.reset', given);
      await page.getByTestId('password-change-required').filter({ hasText: '管理员重置了您的密码' }).waitFor();
      // Nothing else is offered: no page links, only the form and signing out.
      expect(await page.getByRole('navigation').getByRole('link').count()).toBe(0);
      await page.getByRole('button', { name: '退出', exact: true }).waitFor();
      await page.getByLabel('当前密码').fill(given);
      await page.getByLabel('新密码').fill('my very own passphrase');
      await page.getByRole('button', { name: '修改密码' }).click();
      // Changed: the dashboard opens as usual.
      await page.getByRole('navigation').getByRole('link', { name: '我的账户' }).waitFor();
      expect(await page.getByTestId('password-change-required').count()).toBe(0);
      expect((await login('web.reset', 'my very own passphrase')).body.user).toMatchObject({ passwordChangeRequired: false });
    } finally {
      await resetUser.close();
    }
  });
});
