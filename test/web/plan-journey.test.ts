import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/services/user.js';
import { STREET, WANMINGYUAN } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';

// A station's three-stage plan taken from start to completed in the dashboard alone, by the two
// people who run it: the station lead (on a phone) completes the tasks with evidence; the
// street's supervisor starts the plan, signs each stage off (asked first when optional tasks would
// close), records the supervision visits and the evaluation, and reads the plan's report.
describe('a station plan from start to completed, in the dashboard', () => {
  let harness: Harness;
  let supervisor: Browser;
  let lead: Browser;

  beforeAll(async () => {
    harness = await startHarness({ name: 'plan-journey', seed: true, api: { app: { staticDir: builtDashboard() } } });
    await createUser(harness.store.db, { username: 'journey.lead', displayName: '万明园站长', password: 'lead password 123', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' });
    await createUser(harness.store.db, { username: 'journey.supervisor', displayName: '张督导', password: 'supervisor password', role: 'supervisor', scopeId: STREET, workerId: 'w-zhanlanlu-supervisor-01' });
    supervisor = await openBrowser();
    lead = await openBrowser({ width: 390, height: 844 });
  });
  afterAll(async () => {
    await lead?.close();
    await supervisor?.close();
    await harness?.close();
  });

  it('goes through guide, support and supervise (visits and evaluation) to completed, with the report', async () => {
    const url = harness.api!.url;
    const station = `${url}/stations/${WANMINGYUAN}?poll=1000`;
    const { page } = supervisor;
    await signInThroughForm(page, url, 'journey.supervisor', 'supervisor password');
    await page.goto(station);
    await page.getByRole('button', { name: '启动行动计划' }).click();
    await page.locator('#stage-guide li.task').first().waitFor({ timeout: 30_000 });
    await signInThroughForm(lead.page, url, 'journey.lead', 'lead password 123');

    /** The lead completes every required task of a stage open to them, and `optional` of the optional ones. */
    const completeTasks = async (stage: string, optional: 'all' | 'none') => {
      await lead.page.goto(station);
      const card = lead.page.locator(`#stage-${stage}`);
      await card.locator('li.task').first().waitFor({ timeout: 30_000 });
      for (;;) {
        const open = card.locator('li.task').filter({ has: lead.page.getByRole('button', { name: '完成任务' }) });
        const candidates = optional === 'all' ? open : open.filter({ hasText: '必做' });
        if ((await candidates.count()) === 0) break;
        const task = candidates.first();
        const id = await task.getAttribute('data-task');
        await task.getByLabel('完成情况说明').fill(`${stage} 阶段任务已完成`);
        await task.getByLabel('佐证材料链接').fill('https://example.org/evidence.pdf');
        await task.getByRole('button', { name: '完成任务' }).click();
        await card.locator(`li.task[data-task="${id}"] .evidence`).waitFor({ timeout: 30_000 });
      }
    };
    const signOff = async (stage: string, comment: string, confirm: boolean) => {
      await page.goto(station);
      const card = page.locator(`#stage-${stage}`);
      await card.getByRole('button', { name: '阶段签批' }).waitFor({ timeout: 30_000 });
      await card.getByLabel(/签批意见/).fill(comment);
      await card.getByRole('button', { name: '阶段签批' }).click();
      if (confirm) {
        // Optional tasks still open: the page names them and asks before closing them.
        const dialog = page.getByRole('dialog', { name: '签批后以下选做任务将被取消' });
        await dialog.waitFor();
        expect(await dialog.locator('li').count()).toBeGreaterThan(0);
        await dialog.getByRole('button', { name: '阶段签批' }).click();
      }
      await expect.poll(() => page.getByTestId(`signed-off-${stage}`).textContent(), { timeout: 30_000 }).toContain(comment);
    };

    await completeTasks('guide', 'all');
    await signOff('guide', '指导阶段完成良好', false);
    // Support: the optional tasks are left open, so the sign-off asks first.
    await completeTasks('support', 'none');
    const optionalLeft = await page.locator('#stage-support li.task').filter({ hasNotText: '必做' }).count();
    await signOff('support', '支持阶段按期完成', optionalLeft > 0);

    // Supervise: the visits and the evaluation are the supervisor's; the tasks the lead's.
    await page.goto(station);
    const visits = page.locator('#visits');
    await visits.locator('tr[data-visit]').first().waitFor({ timeout: 30_000 });
    const planned = await visits.locator('tr[data-visit]').count();
    expect(planned).toBeGreaterThan(0);
    for (let no = 1; no <= planned; no += 1) {
      // The disclosure's own button (its form closed), not the form's submit button of the same name.
      await visits.locator('button[aria-expanded="false"]', { hasText: '记录督导走访' }).click();
      const form = visits.getByRole('form', { name: '记录督导走访' });
      await form.getByLabel('走访发现').fill(`第 ${no} 次走访：台账规范`);
      await form.getByRole('button', { name: '记录督导走访' }).click();
      await expect.poll(() => visits.locator(`tr[data-visit="${no}"]`).textContent(), { timeout: 30_000 }).toContain(`第 ${no} 次走访`);
      // The form closes once the answer is in; the next visit opens it afresh.
      await form.waitFor({ state: 'detached', timeout: 30_000 });
    }
    const evaluation = page.locator('#evaluation');
    await evaluation.getByRole('button', { name: '填写评估' }).click();
    const scores = evaluation.getByRole('form', { name: '填写评估' });
    for (const [index, score] of ['5', '4', '4', '5'].entries()) await scores.locator('fieldset[data-main-task] select').nth(index).selectOption(score);
    // The second rubric, the five qualities of the operating pattern: one chosen asks for all five.
    const qualities = scores.locator('fieldset[data-rubric="qualities"]');
    await qualities.getByLabel('完善体系').selectOption('4');
    await scores.getByLabel('总体评语').fill('站点运行规范，服务成效明显');
    await scores.getByRole('button', { name: '填写评估' }).click();
    expect(await qualities.getByLabel('健全制度').evaluate((select) => (select as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing)).toBe(true);
    for (const [label, score] of [['健全制度', '5'], ['明确职责', '4'], ['规范运行', '3'], ['专业高效', '5']] as const) await qualities.getByLabel(label).selectOption(score);
    await scores.getByRole('button', { name: '填写评估' }).click();
    await expect.poll(() => evaluation.textContent(), { timeout: 30_000 }).toContain('4.5');
    const shown = evaluation.getByRole('table', { name: '运行标准（五项）' });
    await expect.poll(() => shown.textContent(), { timeout: 30_000 }).toContain('4.2');
    expect(await shown.locator('tr', { hasText: '规范运行' }).textContent()).toContain('3 / 5');

    await completeTasks('supervise', 'all');
    await signOff('supervise', '督导阶段结束，计划完成', false);

    // Completed: the report counts what happened, and the store agrees.
    const report = page.locator('#report');
    await report.waitFor({ timeout: 30_000 });
    expect(await report.textContent()).toContain(`${planned} / ${planned}`);
    const plan = await harness.store.db.selectFrom('plans').select(['status']).where('community_id', '=', WANMINGYUAN).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(plan.status).toBe('completed');
  }, 600_000);
});
