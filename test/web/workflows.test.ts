import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';
import { createDashboardUsers } from './support.js';

// The dashboard driving real workflows: a real worker on its own task queue, real activities.
const COMMUNITY = 'cn-bj-xicheng-zhanlanlu-placeholder-12';

describe('dashboard actions that run workflows', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let browser: Browser;
  let adminToken: string;

  beforeAll(async () => {
    harness = await startHarness({ name: 'web', seed: true, env: { TEMPORAL_UI_URL: 'http://127.0.0.1:8233' }, api: { app: { staticDir: builtDashboard() } } });
    ({ store } = harness);
    api = harness.api!;
    adminToken = harness.tokens.admin;
    await createDashboardUsers(store.db, ['lead', 'supervisor']);
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('launches a training cycle: workers found by a server-side search, a validation error next to its field in Chinese, then success', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'supervisor', 'supervisor password');
    await page.getByRole('link', { name: '培训' }).click();
    await page.getByLabel('周期名称').fill('2026 冬季党建政策培训');
    // The worker picker searches on the server, by a station's name too.
    await page.getByLabel('按姓名、编号或服务站搜索社工').first().fill('万明园');
    const adds = page.getByRole('button', { name: /^添加 / });
    await adds.first().waitFor();
    await adds.nth(0).click();
    await adds.nth(1).click();
    expect(await page.getByRole('button', { name: /^移除 / }).count()).toBe(2);
    await page.getByRole('button', { name: '发起', exact: true }).click();
    // No session times yet: the API names body.sessions.0.startsAt and the page puts it under that field, in Chinese.
    const first = page.getByRole('group', { name: '课程 1' });
    const starts = first.getByLabel('开始时间');
    await expect.poll(() => starts.getAttribute('aria-invalid')).toBe('true');
    const problem = await first.locator('.field-error').first().textContent();
    expect(problem).toMatch(/[\u4e00-\u9fff]/);
    expect(problem).not.toMatch(/Invalid|expected|Too small/);

    const day = new Date(Date.now() + 3 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    await starts.fill(`${day}T09:00`);
    await first.getByLabel('结束时间').fill(`${day}T11:00`);
    await first.getByLabel('地点').fill('展览路街道社工中心');
    await first.getByLabel('培训师').fill('王老师');
    await page.getByRole('button', { name: '发起', exact: true }).click();
    await page.getByText('已发起培训周期').waitFor();
    expect(await first.locator('.field-error').count()).toBe(0);
    await page.getByRole('link', { name: '2026 冬季党建政策培训' }).first().waitFor();
  });

  it('starts a rollout from the page, completes its milestones to opening, and the station gets coverage and a running plan', async () => {
    // The rollout is started and its milestones completed on the page; the new station's social
    // worker (whom staffing needs) is set up through the API beforehand.
    expect((await api.call('POST', '/api/workers', { token: adminToken, body: { id: 'w-placeholder-12-sw1', orgUnitId: COMMUNITY, communityId: COMMUNITY, name: '新站社工', position: 'social_worker' } })).status).toBe(201);

    const { page } = browser;
    await signInThroughForm(page, api.url, 'supervisor', 'supervisor password');
    await expect.poll(() => page.getByTestId('coverage-count').textContent()).toContain('11 / 23');
    await page.getByRole('link', { name: '建站进度' }).click();
    const waiting = page.locator(`#without-station li[data-community="${COMMUNITY}"]`);
    await waiting.getByRole('button', { name: '启动建站' }).first().click();
    const form = waiting.getByRole('form', { name: '启动建站' });
    for (const [index, milestone] of ['site', 'staffing', 'fit_out', 'opening'].entries()) {
      await form.locator(`input[name="target-${milestone}"]`).fill(new Date(Date.now() + (10 + 30 * index) * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10));
    }
    await form.getByRole('button', { name: '启动建站' }).click();
    // The running rollout's item (the one with milestones), not the start form's in the list below.
    const item = page.locator(`li.rollout[data-community="${COMMUNITY}"]`).filter({ has: page.locator('li[data-milestone]') });
    for (const milestone of ['site', 'staffing', 'fit_out', 'opening']) {
      const step = item.locator(`li[data-milestone="${milestone}"]`);
      // Completing takes a note and links, and asks first: it cannot be taken back.
      await step.getByRole('button', { name: '完成里程碑', exact: true }).click();
      await step.getByLabel('完成情况说明').fill(`${milestone} 已完成`);
      await step.getByLabel('佐证材料链接').fill('https://example.org/rollout/evidence.jpg');
      await step.getByRole('button', { name: '完成里程碑…' }).click();
      const dialog = step.getByRole('dialog');
      await dialog.waitFor();
      await dialog.getByRole('button', { name: '完成里程碑', exact: true }).click();
      if (milestone !== 'opening') {
        await item.locator(`li.step-done[data-milestone="${milestone}"]`).waitFor({ timeout: 30_000 });
        continue;
      }
      // Opening ends the rollout: the page lists running rollouts only, so once the workflow has
      // opened the station the item leaves the list (a reload before that shows the step done).
      const done = item.locator(`li.step-done[data-milestone="opening"]`);
      await expect.poll(async () => (await item.count()) === 0 || (await done.count()) > 0, { timeout: 30_000 }).toBe(true);
    }
    await page.getByRole('link', { name: '总览' }).click();
    await expect.poll(() => page.getByTestId('coverage-count').textContent(), { timeout: 30_000 }).toContain('12 / 23');
    expect(await page.locator(`li[data-community="${COMMUNITY}"]`).getAttribute('data-status')).toBe('operating');
    // Opening started the new station's plan: its page shows the guide stage's tasks.
    await page.goto(`${api.url}/stations/${COMMUNITY}?poll=1000`);
    await page.locator('#stage-guide li.task').first().waitFor({ timeout: 30_000 });
  });

  it('lets a station lead complete tasks with evidence and a supervisor sign off the stage, refusing it while tasks are open', async () => {
    expect((await api.call('POST', `/api/stations/${WANMINGYUAN}/plan`, { token: adminToken, body: {} })).status).toBe(201);
    const { page } = browser;

    await signInThroughForm(page, api.url, 'supervisor', 'supervisor password');
    await page.goto(`${api.url}/stations/${WANMINGYUAN}?poll=1000`);
    const guide = page.locator('#stage-guide');
    await guide.locator('li.task').first().waitFor();
    // The plan says which version of the work manual it runs, and links to it.
    const manualLink = page.getByTestId('plan-manual-version');
    expect(await manualLink.textContent()).toBe('工作手册第 1 版');
    expect(await manualLink.getAttribute('href')).toBe('/manual?template=zhanlanlu-station-plan&version=1');
    await guide.getByRole('button', { name: '阶段签批' }).click();
    await guide.locator('.note.error').waitFor();
    // The engine console (Temporal UI) is an operator's tool: a supervisor is not offered it.
    expect(await page.getByRole('link', { name: '在流程引擎控制台中查看' }).count()).toBe(0);

    const lead = await openBrowser({ width: 390, height: 844 });
    try {
      await signInThroughForm(lead.page, api.url, 'lead', 'lead password 123');
      await lead.page.goto(`${api.url}/stations?poll=1000`);
      const leadGuide = lead.page.locator('#stage-guide');
      await leadGuide.locator('li.task').first().waitFor();
      // A station lead is offered completing, never signing off.
      expect(await leadGuide.getByRole('button', { name: '阶段签批' }).count()).toBe(0);
      for (;;) {
        const open = leadGuide.locator('li.task').filter({ has: lead.page.getByRole('button', { name: '完成任务' }) });
        if ((await open.count()) === 0) break;
        const task = open.first();
        const id = await task.getAttribute('data-task');
        await task.getByLabel('完成情况说明').fill('岗位设置表已上墙');
        await task.getByLabel('佐证材料链接').fill('https://example.org/evidence.jpg');
        await task.getByRole('button', { name: '完成任务' }).click();
        await leadGuide.locator(`li.task[data-task="${id}"] .evidence`).waitFor({ timeout: 30_000 });
      }
      // Evidence links open safely in a new tab.
      const link = leadGuide.locator('.evidence a').first();
      expect(await link.getAttribute('href')).toBe('https://example.org/evidence.jpg');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    } finally {
      await lead.close();
    }

    await page.reload();
    await guide.getByRole('button', { name: '阶段签批' }).waitFor();
    await guide.getByLabel(/签批意见/).fill('指导阶段完成良好');
    await guide.getByRole('button', { name: '阶段签批' }).click();
    await expect.poll(() => page.locator('ol.timeline li').first().textContent(), { timeout: 30_000 }).toContain('已签批');
    // Who signed off, and their comment, are shown with the stage.
    await expect.poll(() => page.getByTestId('signed-off-guide').textContent(), { timeout: 30_000 }).toContain('指导阶段完成良好');
  });
});
