// `npm run screenshots`: the overview and station pages at desktop and phone sizes, written to
// docs/screenshots/{overview,station}-{desktop,phone}.png. Runs the API in-process over an in-memory
// store with the default data and the built dashboard, and drives Debian's chromium.
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../src/api/app.js';
import { createUser } from '../src/services/user.js';
import { loadConfig } from '../src/config.js';
import { shanghaiDate } from '../src/domain/time.js';
import { loadDefaultData } from '../src/store/seed/default-data.js';
import { openStore } from '../src/store/connect.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { builtDashboard, openBrowser, signInThroughForm } from '../test/web/browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'docs', 'screenshots');
const WANMINGYUAN = 'cn-bj-xicheng-zhanlanlu-wanmingyuan';
const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

const store = await openStore({});
await migrateToLatest(store.db);
await loadDefaultData(store.db, shanghaiDate(new Date()));
await createUser(store.db, { username: 'supervisor', displayName: '中心督导', password: 'screenshots only', role: 'supervisor', scopeId: 'cn-bj-xicheng-zhanlanlu', workerId: 'w-zhanlanlu-supervisor-01' });
// The pages shown read the records store only; the Temporal connection is never dialled.
const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_UI_URL: 'http://127.0.0.1:8233' });
const app = createApp({ store, temporal, config, logger: pino({ level: 'silent' }), clock: () => new Date() }, { staticDir: builtDashboard() });
const server = await new Promise<Server>((resolve) => {
  const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
});
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

mkdirSync(out, { recursive: true });
try {
  for (const [size, viewport] of Object.entries(SIZES)) {
    const browser = await openBrowser(viewport);
    try {
      const { page } = browser;
      await signInThroughForm(page, base, 'supervisor', 'screenshots only');
      await page.getByTestId('coverage-count').waitFor();
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(800); // chart animations settle
      await page.screenshot({ path: join(out, `overview-${size}.png`), fullPage: true });
      await page.goto(`${base}/stations/${WANMINGYUAN}`);
      await page.locator('main .card').first().waitFor();
      await page.waitForFunction('!document.querySelector(".note.loading")');
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(out, `station-${size}.png`), fullPage: true });
      console.log(`wrote docs/screenshots/overview-${size}.png and station-${size}.png`);
    } finally {
      await browser.close();
    }
  }
} finally {
  server.close();
  await store.close();
  await temporal.connection.close().catch(() => {});
}
