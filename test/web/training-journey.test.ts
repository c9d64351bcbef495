import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/services/user.js';
import { STREET } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';

// A training cycle from launch to its report, with seconds-long durations: launched through the
// API (as the CLI does; the launch form takes minutes, see workflows.test.ts), its session's
// attendance and both workers' assessments recorded on the page, and the report the cycle writes
// when its ladders end shown there.
const WORKERS = [{ id: 'w-fuwaixi-sw1', score: '85' }, { id: 'w-fuwaixi-sw2', score: '70' }];

describe('a training cycle from launch to its report, in the dashboard', () => {
  let harness: Harness;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startHarness({ name: 'training-journey', seed: true, api: { app: { staticDir: builtDashboard() } } });
    await createUser(harness.store.db, { username: 'cycle.supervisor', displayName: '张督导', password: 'supervisor password', role: 'supervisor', scopeId: STREET, workerId: 'w-zhanlanlu-supervisor-01' });
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('takes attendance and assessments on the page and shows the report once the cycle ends', async () => {
    const t0 = Date.now();
    const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();
    const cycleId = `cyc-journey-${t0.toString(36)}`;
    const sessionId = `${cycleId}-a`;
    const launch = await harness.api!.call('POST', '/api/training-cycles', {
      token: harness.tokens.supervisor,
      body: {
        id: cycleId, name: '浏览器全程培训', cohort: { workerIds: WORKERS.map((w) => w.id) },
        sessions: [{ id: sessionId, dimension: 'party_policy', level: 1, startsAt: at(6), endsAt: at(12), place: '街道社工中心', trainer: '王老师', capacity: 10 }],
        // The ladders end once the levels are decided and the attendance closed (20 s after the session).
        assessment: { passMark: 60, assessmentWindowSeconds: 120, retakeWindowSeconds: 60, attendanceGraceSeconds: 20 },
        reminderPolicy: { offsetsSeconds: [3], quietHours: null, workingDaysOnly: false },
      },
    });
    expect(launch.status, JSON.stringify(launch.body)).toBe(201);

    const { page } = browser;
    await signInThroughForm(page, harness.api!.url, 'cycle.supervisor', 'supervisor password');
    await page.goto(`${harness.api!.url}/training/${cycleId}?poll=1000`);
    const session = page.locator(`li.session[data-session="${sessionId}"]`);
    // Attendance opens once the session has begun.
    await session.locator('summary', { hasText: '记录考勤' }).click({ timeout: 30_000 });
    const sheet = session.getByTestId(`attendance-${sessionId}`);
    for (const select of await sheet.locator('select').all()) await select.selectOption('present');
    await session.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => session.textContent(), { timeout: 30_000 }).toMatch(/出勤 2/);

    // Once the session has ended, each worker's level is assessed.
    await expect.poll(() => session.getAttribute('data-phase'), { timeout: 30_000 }).toBe('ended');
    const form = page.getByRole('form', { name: '登记考核' });
    for (const worker of WORKERS) {
      const name = await harness.store.db.selectFrom('workers').select('name').where('id', '=', worker.id).executeTakeFirstOrThrow();
      await form.getByLabel('社工').selectOption({ label: name.name });
      // The ladder opens the level's assessment once it has seen the session end; on a loaded
      // machine that can lag the page, which then shows the refusal: the supervisor tries again.
      const recorded = async () => (await harness.store.db.selectFrom('assessments').select('score').where('cycle_id', '=', cycleId).where('worker_id', '=', worker.id).execute()).length;
      await expect.poll(async () => {
        if ((await recorded()) > 0) return true;
        await form.getByLabel('分数').fill(worker.score);
        await form.getByRole('button', { name: '登记考核' }).click();
        return false;
      }, { timeout: 60_000, interval: 3_000 }).toBe(true);
      expect(await recorded()).toBe(1);
    }

    // Both passed: the ladders end, the cycle completes and writes its report, which the page shows.
    const report = page.getByTestId('cycle-report');
    await report.waitFor({ timeout: 90_000 });
    expect(await page.locator('section', { has: report }).textContent()).toMatch(/100%/);
    const stored = await harness.store.db.selectFrom('training_cycles').select(['status']).where('id', '=', cycleId).executeTakeFirstOrThrow();
    expect(stored.status).toBe('completed');
  }, 300_000);
});
