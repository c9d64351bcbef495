import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';
import { createDashboardUsers } from './support.js';

// The built dashboard in headless Chromium against the real API and a real store.
describe('dashboard in a browser', () => {
  let harness: Harness;
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startHarness({ name: 'web-dashboard', seed: true, worker: false, tokens: false, api: { app: { staticDir: builtDashboard() } } });
    api = harness.api!;
    await createDashboardUsers(harness.store.db, ['supervisor', 'lead', 'leader']);
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('signs in through the form, showing a wrong password next to the field, and signs out', async () => {
    const { page } = browser;
    await page.goto(`${api.url}/`);
    await page.getByLabel('用户名').fill('supervisor');
    await page.getByLabel('密码').fill('not the password');
    await page.getByRole('button', { name: '登录' }).click();
    const error = page.locator('#password-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/wrong username or password|用户名或密码错误/);
    expect(await page.getByLabel('密码').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('密码').fill('supervisor password');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('signed-in-as').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toContain('张督导');
    const cookies = await browser.context.cookies();
    expect(cookies.find((cookie) => cookie.name === 'sg_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await page.getByRole('button', { name: '退出' }).click();
    await page.getByRole('button', { name: '登录' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: '登录' }).waitFor();
  });

  it('shows coverage 11 / 23 on the overview as a grid of communities coloured by status', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'supervisor', 'supervisor password');
    await expect.poll(() => page.getByTestId('coverage-count').textContent()).toContain('11 / 23');
    expect(await page.locator('.community-grid li').count()).toBe(23);
    expect(await page.locator('.community-grid li[data-status="operating"]').count()).toBe(11);
    expect(await page.locator('.community-grid li[data-status="none"]').count()).toBe(12);
    expect(await page.locator(`li[data-community="${WANMINGYUAN}"]`).textContent()).toContain('万明园');
  });

  it('switches between Chinese and English, and remembers the choice', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'supervisor', 'supervisor password');
    await page.getByRole('link', { name: '总览' }).waitFor();
    await page.getByRole('button', { name: /English/ }).click();
    await page.getByRole('link', { name: 'Overview' }).waitFor();
    await expect.poll(() => page.getByTestId('coverage-count').textContent()).toContain('communities have an operating station');
    expect(await page.locator(`li[data-community="${WANMINGYUAN}"]`).textContent()).toContain('Wanmingyuan');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await page.reload();
    await page.getByRole('link', { name: 'Overview' }).waitFor();
    await page.getByRole('button', { name: /中文/ }).click();
    await page.getByRole('link', { name: '总览' }).waitFor();
  });

  it('keeps a station lead to their own station: no other community, no other station page', async () => {
    const lead = await openBrowser();
    try {
      const { page } = lead;
      await signInThroughForm(page, api.url, 'lead', 'lead password 123');
      await page.locator('.community-grid li').first().waitFor();
      expect(await page.locator('.community-grid li').count()).toBe(1);
      expect(await page.locator(`li[data-community="${YUSHUGUAN}"]`).count()).toBe(0);
      // Not offered: the users page and the rollout page.
      expect(await page.getByRole('link', { name: '用户' }).count()).toBe(0);
      // Typed by hand: the API refuses another station's data, and the page says so in words.
      const answer = await page.evaluate(async (id) => (await fetch(`/api/communities/${id}`)).status, YUSHUGUAN);
      expect(answer).toBe(404);
      await page.goto(`${api.url}/stations/${YUSHUGUAN}`);
      await page.locator('main').waitFor();
      await expect.poll(async () => (await page.locator('main').textContent()) ?? '').not.toMatch(/榆树馆/);
    } finally {
      await lead.close();
    }
  });

  it('offers street leadership aggregates only, never the worker pages', async () => {
    const viewer = await openBrowser();
    try {
      const { page } = viewer;
      await signInThroughForm(page, api.url, 'leader', 'leader password 1');
      await expect.poll(() => page.getByTestId('coverage-count').textContent()).toContain('11 / 23');
      expect(await page.getByRole('link', { name: '社工成长' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: '服务站' }).count()).toBe(0);
      // Each tile opens the community's own page, never a station's plan.
      expect(await page.locator('.community-grid a[href^="/stations/"]').count()).toBe(0);
      expect(await page.locator('.community-grid a[href^="/communities/"]').count()).toBe(23);
      const workers = await page.evaluate(async () => (await fetch('/api/workers')).status);
      expect(workers).toBe(403);
    } finally {
      await viewer.close();
    }
  });
});
