import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/services/api-token.js';
import { STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { builtDashboard, openBrowser, signInThroughForm, type Browser } from './browser.js';
import { createDashboardUsers } from './support.js';

// Every page, as an admin (who sees them all), at a small phone, a phone and a desk, in both
// languages: nothing scrolls sideways, the navigation is reachable and not cut off, no raw enum
// value, id or ISO timestamp shows where a reader expects words, and axe-core finds no serious
// or critical violation.

const CYCLE = 'cyc-craft-0001';
const WIDTHS = [320, 390, 1280] as const;
const LOCALES = ['zh-CN', 'en'] as const;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const PAGES = [
  '/', '/stations', `/stations/${WANMINGYUAN}`, '/training', `/training/${CYCLE}`, '/workers', '/workers/w-wanmingyuan-sw1',
  '/rollout', '/requests', '/inbox', '/users', '/account', '/notifications/failures', '/tokens', `/communities/${WANMINGYUAN}`, '/manual',
];

// What a reader must never meet in the page's text.
const ISO_TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const RAW_ID = /\b(cn-bj-[a-z0-9-]+|w-[a-z]+-[a-z0-9-]+|cyc-[a-z0-9-]+)\b/;
const SNAKE_CASE = /\b[a-z]+(?:_[a-z]+)+\b/;
// In a Chinese page, an English status word is an untranslated enum value.
const ENUM_WORDS = /\b(enrolled|withdrawn|recorded|missed|scheduled|moved|held|running|completed|cancelled|present|late|excused|absent|operating|pending|open|done|paused|guide|support|supervise)\b/;

interface Measure {
  overflow: number;
  clipped: string[];
  text: string;
}

// Runs in the page (a string, as the test's own TypeScript has no DOM types).
const MEASURE = `(() => {
  const width = document.documentElement.clientWidth;
  const links = [...document.querySelectorAll('#main-menu nav a')];
  const clipped = links.filter((link) => {
    const box = link.getBoundingClientRect();
    return box.width === 0 || box.left < 0 || box.right > width + 1;
  }).map((link) => link.textContent || '');
  const header = document.querySelector('header');
  const main = document.querySelector('main');
  return { overflow: document.documentElement.scrollWidth - width, clipped, text: (header ? header.innerText : '') + '\\n' + (main ? main.innerText : '') };
})()`;

async function measure(page: Page): Promise<Measure> {
  return page.evaluate(MEASURE) as Promise<Measure>;
}

const setLocale = (page: Page, locale: string) => page.evaluate(`window.localStorage.setItem('shegong.locale', ${JSON.stringify(locale)})`);

const RUN_AXE = `axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations
  .filter((v) => v.impact === 'serious' || v.impact === 'critical')
  .map((v) => v.id + ' (' + v.impact + ', ' + v.nodes.length + ': ' + v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join('; ') + ')'))`;

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect.poll(() => page.locator('.loading').count(), { timeout: 30_000 }).toBe(0);
}

describe('every page fits, speaks the reader\'s language and is accessible', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let browser: Browser;

  beforeAll(async () => {
    harness = await startHarness({
      name: 'web-craft', seed: true, env: { TEMPORAL_UI_URL: 'http://127.0.0.1:8233' },
      // No harness tokens (named `test <role>`): the API tokens page lists only the two made below.
      tokens: false, api: { app: { staticDir: builtDashboard() } },
    });
    ({ store } = harness);
    api = harness.api!;
    // Tokens named as people name them: the API tokens page lists them, and a name is text to read.
    const tokens = {
      admin: (await createToken(store.db, { name: '测试管理员', role: 'admin', scopeId: 'cn-bj' })).token,
      supervisor: (await createToken(store.db, { name: '测试督导', role: 'supervisor', scopeId: STREET, workerId: 'w-zhanlanlu-supervisor-01' })).token,
    };
    await createDashboardUsers(store.db, ['admin'], { admin: { workerId: 'w-zhanlanlu-supervisor-01' } });
    // A live plan, and a cycle with sessions, so the pages show real records.
    expect((await api.call('POST', `/api/stations/${WANMINGYUAN}/plan`, { token: tokens.admin, body: {} })).status).toBe(201);
    const at = (days: number, hour: number) => `${new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00+08:00`;
    const launched = await api.call('POST', '/api/training-cycles', {
      token: tokens.supervisor,
      body: {
        id: CYCLE, name: '2026 冬季培训', cohort: { workerIds: ['w-wanmingyuan-sw1', 'w-wanmingyuan-sw2'] },
        sessions: [{ dimension: 'party_policy', level: 1, startsAt: at(3, 9), endsAt: at(3, 11), place: '社工中心', trainer: '王老师', capacity: 30 }],
        assessment: { passMark: 60, retakeWindowSeconds: 86_400 },
      },
    });
    expect(launched.status).toBe(201);
    browser = await openBrowser();
    await signInThroughForm(browser.page, api.url, 'admin', 'admin password 1');
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  for (const locale of LOCALES) {
    for (const width of WIDTHS) {
      it(`fits ${width} px in ${locale}: no sideways scroll, navigation whole${width === 390 ? ', no raw values' : ''}`, async () => {
        const { page } = browser;
        await page.goto(`${api.url}/account?poll=600000`);
        await setLocale(page, locale);
        await page.setViewportSize({ width, height: width < 1000 ? 844 : 800 });
        const problems: string[] = [];
        for (const path of PAGES) {
          await page.goto(`${api.url}${path}?poll=600000`);
          await settle(page);
          const where = `${locale} ${width}px ${path}`;
          if (width < 1000) {
            // The menu button opens the whole navigation inside the screen.
            const toggle = page.locator('.menu-toggle');
            expect(await toggle.isVisible(), `${where}: menu button`).toBe(true);
            await toggle.click();
          }
          const seen = await measure(page);
          if (seen.overflow > 1) problems.push(`${where}: scrolls sideways by ${seen.overflow}px`);
          if (seen.clipped.length > 0) problems.push(`${where}: navigation cut off: ${seen.clipped.join(', ')}`);
          if (width < 1000) await page.locator('.menu-toggle').click();
          if (width !== 390) continue;
          const text = seen.text;
          for (const [name, pattern] of [['ISO timestamp', ISO_TIMESTAMP], ['raw id', RAW_ID], ['snake_case value', SNAKE_CASE]] as const) {
            const found = pattern.exec(text);
            if (found) problems.push(`${where}: ${name} "${found[0]}"`);
          }
          if (locale === 'zh-CN') {
            const found = ENUM_WORDS.exec(text);
            if (found) problems.push(`${where}: untranslated "${found[0]}"`);
          }
        }
        expect(problems).toEqual([]);
      }, 600_000);
    }
  }

  it('has no serious or critical axe-core violations on any page, in either language', async () => {
    const { page } = browser;
    const problems: string[] = [];
    for (const [locale, width] of [['zh-CN', 1280], ['en', 390]] as const) {
      await page.goto(`${api.url}/account?poll=600000`);
      await setLocale(page, locale);
      await page.setViewportSize({ width, height: 844 });
      for (const path of PAGES) {
        await page.goto(`${api.url}${path}?poll=600000`);
        await settle(page);
        await page.addScriptTag({ content: AXE });
        const violations = await page.evaluate(RUN_AXE) as string[];
        for (const violation of violations) problems.push(`${locale} ${width}px ${path}: ${violation}`);
      }
    }
    expect(problems).toEqual([]);
  }, 600_000);

  it('asks before cancelling a session, names who is told, needs a reason, keeps the dialog on the keyboard, and takes it back before it was due', async () => {
    const { page } = browser;
    await page.goto(`${api.url}/account?poll=600000`);
    await setLocale(page, 'zh-CN');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${api.url}/training/${CYCLE}?poll=1000`);
    await page.getByRole('button', { name: '取消本次课程' }).click();
    const dialog = page.getByRole('dialog', { name: '取消这次课程？' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('2 名社工');
    // Escape closes it and nothing is cancelled.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.locator('[data-phase="scheduled"]').count()).toBe(1);
    await page.getByRole('button', { name: '取消本次课程' }).click();
    await dialog.getByRole('button', { name: '确认取消课程' }).click();
    expect(await dialog.locator('.field-error').textContent()).toBe('请填写原因。');
    await dialog.getByLabel(/原因/).fill('场地维修');
    await dialog.getByRole('button', { name: '确认取消课程' }).click();
    await page.locator('[data-phase="cancelled"]').waitFor({ timeout: 30_000 });
    // The workers' inboxes say it in Chinese, with the reason given, and no canned English.
    await expect.poll(async () => {
      const row = await store.db.selectFrom('notifications').select(['body_text as body']).where('recipient_id', '=', 'w-wanmingyuan-sw1').where('kind', '=', 'session_changed').executeTakeFirst();
      return row?.body ?? '';
    }, { timeout: 30_000 }).toContain('场地维修');
    const body = (await store.db.selectFrom('notifications').select(['body_text as body']).where('recipient_id', '=', 'w-wanmingyuan-sw1').where('kind', '=', 'session_changed').executeTakeFirstOrThrow()).body;
    expect(body).toContain('本次课程已取消');
    expect(body).not.toMatch(/cancelled/);

    // Cancelled by mistake: taken back before it was due, asked first, with a reason the workers get.
    await page.getByRole('button', { name: '恢复本次课程' }).click();
    const restore = page.getByRole('dialog', { name: '恢复这次已取消的课程？' });
    await restore.waitFor();
    expect(await restore.textContent()).toContain('2 名社工');
    await restore.getByLabel(/原因/).fill('场地已修好');
    await restore.getByRole('button', { name: '确认恢复课程' }).click();
    await page.locator('[data-phase="scheduled"]').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('button', { name: '恢复本次课程' }).count()).toBe(0);
    await expect.poll(async () => {
      const rows = await store.db.selectFrom('notifications').select(['body_text as body']).where('recipient_id', '=', 'w-wanmingyuan-sw1').where('kind', '=', 'session_changed').execute();
      return rows.map((row) => row.body).join('\n');
    }, { timeout: 30_000 }).toMatch(/已恢复[\s\S]*场地已修好|场地已修好[\s\S]*已恢复/);
  }, 300_000);
});
