import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

// Headless Chromium from Debian's `chromium` package (scripts/test.mjs installs it when missing),
// driven over CDP by playwright-core: no browser download, the system browser only.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

/** The built dashboard's folder; fails with the command to run when it is missing. */
export function builtDashboard(): string {
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error('web/dist is missing: run `npm run build:web` (npm test does it when stale)');
  return WEB_DIST;
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--lang=zh-CN',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A fresh browser profile (its own --user-data-dir, so its own cookies) at a viewport size. */
export async function openBrowser(viewport = { width: 1280, height: 900 }): Promise<Browser> {
  if (!existsSync(CHROMIUM) || !statSync(CHROMIUM).isFile()) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (npm test does it)`);
  const profile = mkdtempSync(join(tmpdir(), 'shegong-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    locale: 'zh-CN',
    // The dashboard must show Asia/Shanghai whatever zone the browser runs in.
    timezoneId: 'America/New_York',
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the form and waits for the signed-in header. */
export async function signInThroughForm(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/?poll=1000`);
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click();
  await page.getByTestId('signed-in-as').waitFor({ state: 'attached' });
}
