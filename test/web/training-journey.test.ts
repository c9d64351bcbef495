import type { Client } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/services/user.js';
import { startTestApi, STREET, tokensForRoles, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { createTestStore, type TestStore } from '../helpers/store.js';
import { connectClient, startTestWorker, testConfig, uniqueTaskQueue, type RunningWorker } from '../helpers/temporal.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';

// A training cycle's whole journey on the page, with seconds-long durations: the session runs,
// the station lead takes attendance for their own workers on a phone, the supervisor records the
// assessments, and the cycle's report appears. The cycle is launched through the API because the
// page's time inputs have minute precision (the launch form has its own test in workflows.test.ts).

const CYCLE = 'cyc-journey-0001';
const WORKERS = ['w-wanmingyuan-sw1', 'w-wanmingyuan-sw2'];

describe('a training cycle from launch through attendance and assessments to its report', () => {
  let store: TestStore;
  let temporal: Client;
  let worker: RunningWorker;
  let api: TestApi;
  let supervisor: Browser;
  let lead: Browser;

  beforeAll(async () => {
    store = await createTestStore('pglite', { seed: true });
    temporal = await connectClient();
    const taskQueue = uniqueTaskQueue('web-journey');
    const config = testConfig({ TEMPORAL_TASK_QUEUE: taskQueue });
    worker = await startTestWorker({ store, client: temporal, taskQueue, config });
    api = await startTestApi({ store, temporal, config, app: { staticDir: builtDashboard() } });
    await createUser(store.db, { username: 'lead', displayName: '万明园站长', password: 'lead password 123', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' });
    await createUser(store.db, { username: 'supervisor', displayName: '张督导', password: 'supervisor password', role: 'supervisor', scopeId: STREET, workerId: 'w-zhanlanlu-supervisor-01' });
    supervisor = await openBrowser();
    lead = await openBrowser({ width: 390, height: 844 });
  }, 300_000);
  afterAll(async () => {
    await lead?.close();
    await supervisor?.close();
    await api?.close();
    await worker?.stop();
    await temporal?.connection.close();
    await store?.dispose();
  });

  // In the page: the assessment form has answered (a refusal shown, or the score cleared on success).
  const ANSWERED = `(() => {
    const form = document.querySelector('form[aria-label="登记考核"]');
    const score = form && form.querySelector('input[type=number]');
    return !!form && (!!form.querySelector('.note.error') || (!!score && score.value === ''));
  })()`;

  async function recordAssessment(page: Page, name: string, score: string) {
    const form = page.getByRole('form', { name: '登记考核' });
    // The assessment opens once the ladder has seen the session end; until then the page refuses
    // in Chinese and the next refresh of the cycle is awaited before trying again.
    for (let attempt = 0; attempt < 40; attempt += 1) {
      await form.getByLabel('社工', { exact: true }).selectOption({ label: name });
      await form.getByLabel('分数').fill(score);
      await form.getByRole('button', { name: '登记考核' }).click();
      await page.waitForFunction(ANSWERED);
      if ((await form.locator('.note.error').count()) === 0) return;
      expect(await form.locator('.note.error').textContent()).toMatch(/[\u4e00-\u9fff]/);
      await page.waitForResponse((answer) => answer.url().includes(`/api/training-cycles/${CYCLE}?`) || answer.url().endsWith(`/api/training-cycles/${CYCLE}`));
    }
    throw new Error(`the assessment of ${name} was refused 40 times`);
  }

  it('runs the session, takes attendance (station lead), records assessments (supervisor) and shows the report', async () => {
    const tokens = await tokensForRoles(store);
    const startsAt = Date.now() + 25_000;
    const launched = await api.call('POST', '/api/training-cycles', {
      token: tokens.supervisor,
      body: {
        id: CYCLE, name: '秒级培训旅程', cohort: { workerIds: WORKERS },
        sessions: [{ id: 's-1', dimension: 'party_policy', level: 1, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 20_000).toISOString(), place: '社工中心', trainer: '王老师', capacity: 10 }],
        assessment: { passMark: 60, retakeWindowSeconds: 60, assessmentWindowSeconds: 300, attendanceGraceSeconds: 90, checkInOpensSeconds: 20, lateAfterSeconds: 5 },
        reminderPolicy: { offsetsSeconds: [], quietHours: null, workingDaysOnly: false },
      },
    });
    expect(launched.status).toBe(201);

    await signInThroughForm(lead.page, api.url, 'lead', 'lead password 123');
    await lead.page.goto(`${api.url}/training/${CYCLE}?poll=1000`);
    const session = lead.page.locator('[data-session="s-1"]');
    await lead.page.locator('[data-session="s-1"][data-phase="in_progress"], [data-session="s-1"][data-phase="ended"]').first().waitFor({ timeout: 90_000 });
    await session.getByText('记录考勤').click();
    for (const row of await session.locator('select[aria-label^="考勤"]').all()) await row.selectOption({ label: '出勤' });
    await session.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => session.locator('.task-head').textContent(), { timeout: 60_000 }).toContain('出勤 2');

    await signInThroughForm(supervisor.page, api.url, 'supervisor', 'supervisor password');
    await supervisor.page.goto(`${api.url}/training/${CYCLE}?poll=1000`);
    await supervisor.page.locator('[data-session="s-1"][data-phase="ended"]').waitFor({ timeout: 90_000 });
    const names = await supervisor.page.getByRole('form', { name: '登记考核' }).getByLabel('社工', { exact: true }).locator('option').allTextContents();
    for (const [index, name] of names.filter((text) => text !== '—').entries()) await recordAssessment(supervisor.page, name, index === 0 ? '85' : '92');

    const report = supervisor.page.getByTestId('cycle-report');
    await report.waitFor({ timeout: 120_000 });
    const text = await report.textContent();
    expect(text).toContain('党建引领与政策');
    expect(text).toContain('100%');
    expect(await supervisor.page.getByText('培训周期报告').count()).toBe(1);
  }, 600_000);
});
