// `npm run screenshots`: every page of the dashboard at desktop and phone sizes, written to
// docs/screenshots/<page>-{desktop,phone}.png. It runs the real thing — `src/main.ts` as `npm start`
// does (dev server, worker, API, default data) in a throwaway DATA_DIR — starts a station plan, a
// training cycle and a rollout through the API so the pages show work in progress, signs a
// supervisor in through the form in Debian's chromium, and stops everything at the end.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDays, shanghaiDate } from '../src/domain/time.js';
import { freePort } from '../src/temporal/dev-server.js';
import type { Page } from 'playwright-core';
import { openBrowser, signInThroughForm } from '../test/web/browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs', 'screenshots');
const WANMINGYUAN = 'cn-bj-xicheng-zhanlanlu-wanmingyuan';
const PLACEHOLDER = 'cn-bj-xicheng-zhanlanlu-placeholder-12';
const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;
const PASSWORD = 'screenshots only, never kept';

/** The pages the signed-in user's menu offers (so a new page is not forgotten), named by their path. */
async function menuPages(page: Page): Promise<Array<{ name: string; path: string }>> {
  const paths = await page.locator('nav a[href^="/"]').evaluateAll((links) => links.map((link) => link.getAttribute('href')!));
  return [...new Set(paths)].map((path) => ({ name: path === '/' ? 'overview' : path.slice(1).replaceAll('/', '-'), path }));
}

const dataDir = mkdtempSync(join(tmpdir(), 'shegong-screenshots-'));
const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
const base = `http://127.0.0.1:${ports.api}`;
const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
  cwd: root,
  env: {
    ...process.env, DATA_DIR: dataDir, PORT: String(ports.api), TEMPORAL_DEV_PORT: String(ports.temporal), TEMPORAL_UI_PORT: String(ports.ui),
    TEMPORAL_ADDRESS: '', DATABASE_URL: '', LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const output: string[] = [];
const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));

try {
  const ready = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('Press Ctrl-C to stop.')) resolve(output.join(''));
    });
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`src/main.ts exited with ${code}:\n${output.join('')}`)));
  });
  const token = /Admin token\s+(sg_\S+)/.exec(ready)?.[1];
  if (!token) throw new Error(`no admin token in the start-up output:\n${ready}`);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json() as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };

  // Work in progress for the pages to show.
  await call('POST', '/api/users', { username: 'supervisor', displayName: '中心督导', password: PASSWORD, role: 'supervisor', scopeId: 'cn-bj-xicheng-zhanlanlu', workerId: 'w-zhanlanlu-supervisor-01' });
  await call('POST', `/api/stations/${WANMINGYUAN}/plan`, {});
  const launch = JSON.parse(readFileSync(join(root, 'docs', 'examples', 'training-cycle.json'), 'utf8')) as Record<string, unknown>;
  const cycle = await call('POST', '/api/training-cycles', launch);
  const today = shanghaiDate(new Date());
  await call('POST', '/api/workers', { id: 'w-placeholder-12-sw1', orgUnitId: PLACEHOLDER, communityId: PLACEHOLDER, name: '新站社工（示例）', position: 'social_worker' });
  await call('POST', `/api/rollout/${PLACEHOLDER}`, {
    milestones: { site: { targetDate: addDays(today, 20) }, staffing: { targetDate: addDays(today, 50) }, fit_out: { targetDate: addDays(today, 80) }, opening: { targetDate: addDays(today, 110) } },
    owner: 'w-zhanlanlu-supervisor-01',
  });

  const adminPassword = /Dashboard sign-in\s+admin \/ (\S+)/.exec(ready)?.[1];
  if (!adminPassword) throw new Error(`no first admin password in the start-up output:\n${ready}`);
  const details = [
    { name: 'station', path: `/stations/${WANMINGYUAN}` },
    { name: 'training-cycle', path: `/training/${encodeURIComponent(String(cycle.id))}` },
    { name: 'worker', path: '/workers/w-wanmingyuan-sw1' },
  ];
  mkdirSync(out, { recursive: true });
  for (const [size, viewport] of Object.entries(SIZES)) {
    const browser = await openBrowser(viewport);
    try {
      const { page } = browser;
      const shoot = async ({ name, path }: { name: string; path: string }) => {
        await page.goto(`${base}${path}?poll=600000`);
        await page.locator('main').first().waitFor();
        await page.waitForFunction('!document.querySelector(".note.loading")');
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(800); // chart animations settle
        await page.screenshot({ path: join(out, `${name}-${size}.png`), fullPage: true });
        console.log(`wrote docs/screenshots/${name}-${size}.png`);
      };
      // The street's supervisor, whose dashboard this mostly is; then the admin's own pages.
      await signInThroughForm(page, base, 'supervisor', PASSWORD);
      const supervisorPages = await menuPages(page);
      for (const shot of [...supervisorPages, ...details]) await shoot(shot);
      await signInThroughForm(page, base, 'admin', adminPassword);
      const seen = new Set(supervisorPages.map((shot) => shot.path));
      for (const shot of (await menuPages(page)).filter((shot) => !seen.has(shot.path))) await shoot(shot);
    } finally {
      await browser.close();
    }
  }
} finally {
  if (child.exitCode === null) child.kill('SIGINT');
  await stopped;
  rmSync(dataDir, { recursive: true, force: true });
}
