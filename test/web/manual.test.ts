import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/services/user.js';
import { STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';

// The work manual page in headless Chromium against the real API: a supervisor reads version 1
// (labelled as the project's own text), makes a draft, edits a task, sees the draft's changes,
// publishes it with a change note after confirming, and reads version 2 and the diff; a station
// lead reads the same manual but is offered no draft, no editing and no publishing.
describe('work manual page in a browser', () => {
  let store: TestStore;
  let harness: Harness;
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    // The API alone (no workflow runs here) over the default data, serving the built dashboard.
    harness = await startHarness({ name: 'web-manual', seed: true, today: '2026-11-18' , worker: false, api: { app: { staticDir: builtDashboard() } } });
    ({ store } = harness);
    api = harness.api!;
    await createUser(store.db, { username: 'man.supervisor', displayName: '中心督导', password: 'supervisor pass 123', role: 'supervisor', scopeId: STREET, workerId: 'w-zhanlanlu-supervisor-01' });
    await createUser(store.db, { username: 'man.lead', displayName: '万明园站长', password: 'lead password 123', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' });
    browser = await openBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('lets a supervisor draft, edit and publish a version, then shows it and the diff', async () => {
    const { page } = browser;
    await signInThroughForm(page, api.url, 'man.supervisor', 'supervisor pass 123');
    await page.getByRole('link', { name: '工作手册' }).click();
    const version = page.getByTestId('manual-version');
    await version.locator('[data-task="guide-needs-assessment"]').getByText('社区需求评估').waitFor();
    await version.getByText('并非引自真实的工作手册').waitFor();
    await page.getByText('服务站做什么：四大任务').waitFor();

    await page.getByRole('button', { name: '从最新版本创建草稿' }).click();
    const editor = page.getByTestId('draft-editor');
    await editor.waitFor();
    await editor.locator('input[name="stages.0.tasks.1.title.zh"]').fill('社区需求评估（含样本量）');
    await editor.locator('textarea[name="stages.0.tasks.1.guidance.evidence.zh"]').fill('需求评估报告，写明样本量、方法和时间。');
    await editor.getByRole('button', { name: '保存草稿' }).click();
    await editor.getByRole('status').filter({ hasText: '草稿已保存（修订 2）' }).waitFor();
    await editor.locator('[data-change="changed"][data-task="guide-needs-assessment"]').getByText('title.zh').waitFor();

    // A bad edit is refused with the field named.
    await editor.locator('input[name="stages.1.tasks.0.title.zh"]').fill('');
    await editor.getByRole('button', { name: '保存草稿' }).click();
    await editor.locator('[data-field="stages.1.tasks.0.title.zh"]').waitFor();
    expect(await editor.locator('input[name="stages.1.tasks.0.title.zh"]').getAttribute('aria-invalid')).toBe('true');
    await editor.locator('input[name="stages.1.tasks.0.title.zh"]').fill('社区资源地图与五社联动机制');

    await editor.getByRole('button', { name: '发布为新版本' }).click();
    const dialog = page.getByRole('dialog', { name: '发布第 2 版？' });
    await dialog.getByText('正在进行的计划仍使用其启动时的版本').waitFor();
    await dialog.getByLabel('更新说明（改了什么、为什么）').fill('需求评估须写明样本量');
    await dialog.getByRole('button', { name: '发布为新版本' }).click();
    await page.locator('[data-testid="manual-version"][data-version="2"]').waitFor();
    await version.getByText('需求评估须写明样本量').waitFor();
    await version.locator('[data-task="guide-needs-assessment"]').getByText('社区需求评估（含样本量）').waitFor();
    await version.getByText('本版由街道编辑发布。').waitFor();
    await page.getByText('目前没有草稿。').waitFor();

    const diff = page.getByTestId('manual-diff').first();
    await diff.locator('[data-task="guide-needs-assessment"]').getByText('guidance.evidence.zh').waitFor();
    const rows = await store.db.selectFrom('plan_templates').select(['version', 'published_by', 'change_note']).orderBy('version').execute();
    expect(rows.map((row) => [row.version, row.published_by])).toEqual([[1, 'shegong (built-in)'], [2, 'man.supervisor']]);

    // Version 1 is still there to read and print.
    await page.getByRole('combobox', { name: '版本' }).selectOption('1');
    await page.locator('[data-testid="manual-version"][data-version="1"]').locator('[data-task="guide-needs-assessment"]').getByText('社区需求评估', { exact: true }).waitFor();
    expect(await page.getByTestId('manual-pdf').getAttribute('href')).toBe('/api/manual/version.pdf?version=1');
  });

  it('shows a station lead the manual and nothing to edit', async () => {
    const { page } = browser;
    await page.context().clearCookies();
    await signInThroughForm(page, api.url, 'man.lead', 'lead password 123');
    await page.getByRole('link', { name: '工作手册' }).click();
    await page.locator('[data-testid="manual-version"][data-version="2"]').waitFor();
    expect(await page.getByRole('button', { name: '从最新版本创建草稿' }).count()).toBe(0);
    expect(await page.getByTestId('draft-editor').count()).toBe(0);
    expect(await page.getByRole('button', { name: '发布为新版本' }).count()).toBe(0);
  });
});
