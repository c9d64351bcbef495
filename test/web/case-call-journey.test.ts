import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/services/user.js';
import { STREET, WANMINGYUAN, YUSHUGUAN } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { pdfBytes, pngBytes } from '../helpers/files.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';

// An excellent-case call (优秀案例征集) run whole in the dashboard with deadlines seconds apart:
// the center's supervisor opens it on the page (title, kinds, stations, deadlines, the default
// rubric, the panel picked by name, one case per kind); the leads of Wanmingyuan and Yushuguan
// write their cases, each with an evidence file uploaded through the case's file control, and
// submit them; once submissions close the supervisor and the Yushuguan lead score every case they
// are offered per criterion with a comment — the lead is never offered Yushuguan's own case; once
// the review closes the supervisor reads the proposal, changes its order, records the selection
// with a reason and publishes; the collection page lists the chosen cases in that order and its
// PDF, downloaded from the page, holds their titles (read back with pdftotext) and not the third.

const CASES = {
  loudao: { station: 'wanmingyuan', kind: 'community', title: '我的楼道我的家：楼门自治', file: { name: '楼门议事会.png', mimeType: 'image/png', buffer: pngBytes() } },
  sancan: { station: 'wanmingyuan', kind: 'casework', title: '独居老人的一日三餐', file: { name: '服务协议.pdf', mimeType: 'application/pdf', buffer: pdfBytes('signed agreement') } },
  changqing: { station: 'yushuguan', kind: 'casework', title: '榆树常青：失能老人个案', file: { name: '家访记录.png', mimeType: 'image/png', buffer: pngBytes() } },
} as const;
type CaseName = keyof typeof CASES;

// Each reviewer's score (every criterion, 0–10) per case; the weighted mean is ten times it.
const SCORES: Record<'supervisor' | 'yushuguan', Partial<Record<CaseName, number>>> = {
  supervisor: { loudao: 8, sancan: 5, changqing: 9 },
  yushuguan: { loudao: 8, sancan: 6 },
};

// Long enough for two stations (and then two reviewers) to do their part on a loaded machine:
// each took about 20 s with two cores at a load of 20, and 4 s when quiet.
const SUBMISSION_SECONDS = 45;
const REVIEW_SECONDS = 45;

/** A datetime-local value on the Shanghai wall clock, to the second (the form takes Beijing time). */
function beijingInput(ms: number): string {
  const local = new Date(Math.ceil(ms / 1000) * 1000 + 8 * 3_600_000).toISOString().slice(0, 19);
  // The input normalises ":00" seconds away; the value must read back as filled.
  return local.endsWith(':00') ? local.slice(0, 16) : local;
}

describe('an excellent-case call from opening to the published collection, in the dashboard', () => {
  let harness: Harness;
  let supervisor: Browser;
  let wanmingyuan: Browser;
  let yushuguan: Browser;

  beforeAll(async () => {
    harness = await startHarness({ name: 'case-call-journey', seed: true, api: { app: { staticDir: builtDashboard() } } });
    await createUser(harness.store.db, { username: 'call.supervisor', displayName: '张督导', password: 'supervisor password', role: 'supervisor', scopeId: STREET, workerId: 'w-zhanlanlu-supervisor-01' });
    await createUser(harness.store.db, { username: 'wanmingyuan.lead', displayName: '万明园站长', password: 'lead password 123', role: 'station_lead', scopeId: WANMINGYUAN, workerId: 'w-wanmingyuan-lead' });
    await createUser(harness.store.db, { username: 'yushuguan.lead', displayName: '榆树馆站长', password: 'lead password 456', role: 'station_lead', scopeId: YUSHUGUAN, workerId: 'w-yushuguan-lead' });
    supervisor = await openBrowser();
    wanmingyuan = await openBrowser({ width: 390, height: 844 });
    yushuguan = await openBrowser();
  }, 300_000);
  afterAll(async () => {
    await yushuguan?.close();
    await wanmingyuan?.close();
    await supervisor?.close();
    await harness?.close();
  });

  it('opens, takes cases with files, is scored (never by the own station), selected, published and downloaded as a PDF', async () => {
    const url = harness.api!.url;
    await Promise.all([
      signInThroughForm(supervisor.page, url, 'call.supervisor', 'supervisor password'),
      signInThroughForm(wanmingyuan.page, url, 'wanmingyuan.lead', 'lead password 123'),
      signInThroughForm(yushuguan.page, url, 'yushuguan.lead', 'lead password 456'),
    ]);

    // ── The supervisor opens the call.
    const { page } = supervisor;
    await page.goto(`${url}/cases?poll=1000`);
    const open = page.getByRole('form', { name: '发起征集' });
    await open.getByLabel('征集名称').fill('展览路优秀案例征集（演练）');
    await open.getByRole('group', { name: '案例类型' }).getByLabel('小组工作').uncheck();
    const stations = open.getByRole('group', { name: '可提交的站点' });
    await stations.getByLabel('万明园社区', { exact: true }).check({ timeout: 30_000 });
    await stations.getByLabel('榆树馆社区', { exact: true }).check();
    const panel = open.getByRole('group', { name: '评审组' });
    for (const [search, name] of [['中心督导', '中心督导（示例）'], ['榆树馆', '榆树馆社区站长（示例）']]) {
      await panel.getByLabel('按姓名、编号或服务站搜索社工').fill(search!);
      await panel.getByRole('button', { name: `添加 ${name}` }).click({ timeout: 30_000 });
      await panel.getByRole('list', { name: '已选' }).getByText(name!).waitFor();
    }
    await open.getByLabel('每类入选数').fill('1');
    expect(await open.textContent()).toContain('评分标准（本项目默认');
    // This call's own rubric: innovation weighs 30 instead of 15, replicability is left out, and a
    // criterion is added; "back to the default" would undo it all.
    const rubric = open.getByRole('group', { name: '评分标准（本项目默认，非来源报告内容）' });
    await rubric.locator('[data-criterion="innovation"]').getByLabel('权重').fill('30');
    await open.getByRole('group', { name: '评分标准（本次征集修订）' }).getByRole('button', { name: '删除评分项 可复制推广' }).click();
    await open.getByRole('button', { name: '增加评分项' }).click();
    const added = open.locator('fieldset[data-criterion]').last();
    await added.getByLabel('评分项', { exact: true }).fill('居民参与');
    await added.getByLabel('权重').fill('10');
    const submissionCloses = Date.now() + SUBMISSION_SECONDS * 1000;
    const reviewCloses = submissionCloses + REVIEW_SECONDS * 1000;
    await open.getByLabel('提交截止').fill(beijingInput(submissionCloses));
    await open.getByLabel('评审截止').fill(beijingInput(reviewCloses));
    await open.getByRole('button', { name: '发起征集' }).click();
    await page.waitForURL(/\/cases\/call-[^/?]+$/, { timeout: 30_000 });
    const callId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    const callPage = `${url}/cases/${encodeURIComponent(callId)}?poll=1000`;
    await page.getByText('征集中').first().waitFor({ timeout: 30_000 });
    const opened = await harness.store.db.selectFrom('case_calls').selectAll().where('id', '=', callId).executeTakeFirstOrThrow();
    expect(opened).toMatchObject({ org_unit_id: STREET, select_per_kind: 1, workflow_id: `case-call:${callId}` });
    expect(opened.kinds).toEqual(['casework', 'community']);
    expect([...opened.station_ids as string[]].sort()).toEqual([WANMINGYUAN, YUSHUGUAN].sort());
    expect(opened.panel).toEqual([{ reviewerId: 'w-zhanlanlu-supervisor-01', stationId: null }, { reviewerId: 'w-yushuguan-lead', stationId: YUSHUGUAN }]);
    const criteria = (opened.rubric as { source: string; criteria: Array<{ key: string; name: { zh: string }; weight: number; min: number; max: number }> });
    expect(criteria.source).toBe('call');
    expect(criteria.criteria.map((c) => [c.name.zh, c.weight, c.min, c.max])).toEqual([
      ['需求评估', 20, 0, 10], ['专业方法', 25, 0, 10], ['成效与证据', 25, 0, 10], ['创新性', 30, 0, 10], ['居民参与', 10, 0, 10],
    ]);

    // ── Each station writes its cases, saves a draft, uploads the evidence and submits.
    const submitCases = async (browser: Browser, names: CaseName[]) => {
      const lead = browser.page;
      await lead.goto(callPage);
      for (const [index, name] of names.entries()) {
        const entry = CASES[name];
        if (index > 0) await lead.getByRole('button', { name: '再填写一个案例' }).click();
        const form = lead.getByRole('form', { name: '填写案例' });
        await form.locator('select[name="kind"]').selectOption(entry.kind, { timeout: 30_000 });
        await form.getByLabel('案例标题').fill(entry.title);
        await form.getByLabel('背景').fill(`${entry.title}：背景`);
        await form.getByLabel('成效（尽量量化）').fill('服务居民 36 户');
        await form.getByRole('button', { name: '保存草稿' }).click();
        await form.getByText('草稿已保存').waitFor({ timeout: 30_000 });
        await form.getByLabel('上传文件').setInputFiles(entry.file);
        // Listed under the case once stored (an image also as its thumbnail).
        await form.locator(`a[download="${entry.file.name}"]`).waitFor({ timeout: 30_000 });
        await form.getByRole('button', { name: '提交案例' }).click();
        await form.getByText('案例已提交').waitFor({ timeout: 30_000 });
        await lead.locator('li.task', { hasText: entry.title }).getByText('已提交').waitFor({ timeout: 30_000 });
      }
    };
    await Promise.all([submitCases(wanmingyuan, ['loudao', 'sancan']), submitCases(yushuguan, ['changqing'])]);
    expect(Date.now(), 'the stations submitted before the deadline').toBeLessThan(submissionCloses);
    const cases = await harness.store.db.selectFrom('call_cases').select(['id', 'title', 'community_id', 'status', 'content']).where('call_id', '=', callId).execute();
    const stationOf = { wanmingyuan: WANMINGYUAN, yushuguan: YUSHUGUAN };
    expect(cases.map((entry) => [entry.title, entry.community_id, entry.status]).sort())
      .toEqual(Object.values(CASES).map((entry) => [entry.title, stationOf[entry.station], 'submitted']).sort());
    const idOf = (name: CaseName) => cases.find((entry) => entry.title === CASES[name].title)!.id;
    // Each case was submitted carrying the id of the file uploaded to it.
    const files = await harness.store.db.selectFrom('attachments').select(['id', 'owner_id', 'file_name']).where('owner_kind', '=', 'case').where('owner_id', 'in', cases.map((entry) => entry.id)).execute();
    for (const name of Object.keys(CASES) as CaseName[]) {
      const file = files.find((candidate) => candidate.owner_id === idOf(name));
      expect(file?.file_name).toBe(CASES[name].file.name);
      expect((cases.find((entry) => entry.id === idOf(name))!.content as { attachmentIds: string[] }).attachmentIds).toEqual([file!.id]);
    }

    // ── Once submissions close, each reviewer scores the cases the page offers them.
    const scoreCases = async (browser: Browser, who: keyof typeof SCORES) => {
      const reviewer = browser.page;
      await reviewer.goto(callPage);
      const offered = Object.keys(SCORES[who]) as CaseName[];
      for (const name of offered) {
        const item = reviewer.locator('li.task', { hasText: CASES[name].title });
        const form = item.getByRole('form', { name: '提交评分' });
        await form.waitFor({ timeout: (submissionCloses - Date.now()) + 60_000 });
        // The reviewer reads the evidence beside the form.
        await item.locator(`a[download="${CASES[name].file.name}"]`).waitFor();
        const inputs = form.locator('input[type="number"]');
        expect(await inputs.count()).toBe(5);
        for (const input of await inputs.all()) await input.fill(String(SCORES[who][name]));
        await form.getByLabel('评语').fill(`${CASES[name].title}：过程记录完整`);
        await form.getByRole('button', { name: '提交评分' }).click();
        await form.waitFor({ state: 'detached', timeout: 30_000 });
        await item.getByText(`${CASES[name].title}：过程记录完整`).waitFor({ timeout: 30_000 });
      }
      return offered;
    };
    const [, yushuguanScored] = await Promise.all([scoreCases(supervisor, 'supervisor'), scoreCases(yushuguan, 'yushuguan')]);
    expect(Date.now(), 'the reviewers scored before the review closed').toBeLessThan(reviewCloses);
    // Yushuguan's lead sees the station's own case in the list, marked, and is never offered it.
    const own = yushuguan.page.locator('li.task', { hasText: CASES.changqing.title });
    await own.getByTestId('own-station-case').waitFor();
    expect(await own.getByRole('form', { name: '提交评分' }).count()).toBe(0);
    expect(await yushuguan.page.getByRole('form', { name: '提交评分' }).count()).toBe(0);
    expect(yushuguanScored).not.toContain('changqing');
    const reviews = await harness.store.db.selectFrom('case_reviews').select(['case_id', 'reviewer_id']).where('call_id', '=', callId).execute();
    expect(reviews.filter((review) => review.reviewer_id === 'w-yushuguan-lead').map((review) => review.case_id).sort()).toEqual([idOf('loudao'), idOf('sancan')].sort());
    expect(reviews).toHaveLength(5);

    // ── Once the review closes, the supervisor reads the proposal (the top case of each kind).
    await page.goto(callPage);
    const proposal = page.getByTestId('proposal');
    await proposal.waitFor({ timeout: (reviewCloses - Date.now()) + 60_000 });
    expect(await proposal.locator('li').allTextContents()).toEqual([
      expect.stringMatching(new RegExp(`^${CASES.changqing.title}.*加权均分 90`)),
      expect.stringMatching(new RegExp(`^${CASES.loudao.title}.*加权均分 80`)),
    ]);
    expect(await page.locator('li.task', { hasText: CASES.sancan.title }).textContent()).toContain('加权均分 55');

    // The choice is theirs: the community case first, with the reason; then publication, confirmed.
    const selection = page.getByRole('form', { name: '确定入选' });
    const order = selection.getByTestId('selection-order').locator('li');
    expect(await order.allTextContents()).toEqual([expect.stringContaining(CASES.changqing.title), expect.stringContaining(CASES.loudao.title)]);
    expect(await selection.getByLabel(CASES.sancan.title).isChecked()).toBe(false);
    await selection.getByRole('button', { name: `上移 ${CASES.loudao.title}` }).click();
    expect(await order.allTextContents()).toEqual([expect.stringContaining(CASES.loudao.title), expect.stringContaining(CASES.changqing.title)]);
    await selection.getByLabel('入选理由（会记录在案）').fill('社区工作案例示范性更强，放在首位');
    await selection.getByRole('button', { name: '确定入选' }).click();
    await page.getByTestId('selection-recorded').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: '发布案例集' }).click();
    const confirm = page.getByRole('dialog', { name: '发布案例集？' });
    await confirm.getByRole('button', { name: '发布案例集' }).click();
    await page.getByText('已发布').first().waitFor({ timeout: 30_000 });
    const published = await eventually('the published call in the store', async () => {
      const row = await harness.store.db.selectFrom('case_calls').select(['phase', 'selection']).where('id', '=', callId).executeTakeFirstOrThrow();
      return row.phase === 'published' && row;
    });
    expect(published).toMatchObject({
      phase: 'published',
      selection: { caseIds: [idOf('loudao'), idOf('changqing')], proposed: [idOf('changqing'), idOf('loudao')], reason: '社区工作案例示范性更强，放在首位' },
    });

    // ── The collection page lists the chosen cases in order; its PDF holds their titles.
    await page.getByRole('link', { name: '优秀案例集', exact: true }).click();
    const collection = page.locator('ol.collection');
    await collection.waitFor({ timeout: 30_000 });
    expect(await collection.locator('li h3').allTextContents()).toEqual([CASES.loudao.title, CASES.changqing.title]);
    expect(await collection.textContent()).not.toContain(CASES.sancan.title);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: '下载案例集 PDF' }).click();
    const pdf = await (await download).path();
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('展览路优秀案例征集（演练）');
    expect(text).toContain(CASES.loudao.title);
    expect(text).toContain(CASES.changqing.title);
    expect(text.indexOf(CASES.loudao.title)).toBeLessThan(text.indexOf(CASES.changqing.title));
    expect(text).not.toContain(CASES.sancan.title);
    expect((await harness.client.workflow.getHandle(`case-call:${callId}`).result()).phase).toBe('published');
  }, 600_000);
});
