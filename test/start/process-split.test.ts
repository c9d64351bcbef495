import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate, shanghaiInstant } from '../../src/domain/time.js';
import { freePort } from '../../src/temporal/dev-server.js';
import { eventually } from '../helpers/eventually.js';

// `npm start` runs the platform, the worker and the API as separate processes: a fault in one half
// cannot stall the other. The API frozen outright (SIGSTOP: what a blocked event loop looks like
// from outside, only more so) and reminders still arrive; the worker killed and the API still
// answers, reports the worker down on /healthz, and the supervisor brings it back.

const dataDir = mkdtempSync(join(tmpdir(), 'shegong-split-'));
const PLACEHOLDER = 'cn-bj-xicheng-zhanlanlu-placeholder-15';
const OWNER = 'w-zhanlanlu-supervisor-01';

interface Health {
  status: string;
  worker?: { status: string };
}

describe('npm start: API and worker as separate processes', () => {
  let child: ChildProcess;
  const output: string[] = [];
  let url: string;
  let token: string;
  let pids: { platform: number; worker: number; api: number };
  let store: pg.Client;

  beforeAll(async () => {
    const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
    url = `http://127.0.0.1:${ports.api}`;
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env, DATA_DIR: dataDir, PORT: String(ports.api), TEMPORAL_DEV_PORT: String(ports.temporal), TEMPORAL_UI_PORT: String(ports.ui),
        TEMPORAL_ADDRESS: '', DATABASE_URL: '', LOG_LEVEL: 'warn', WORKER_HEARTBEAT_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const text = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output.push(chunk.toString());
        const all = output.join('');
        if (all.includes('Press Ctrl-C to stop.')) resolve(all);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output.join('')}`)));
    });
    token = /Admin token\s+(sg_\S+)/.exec(text)![1]!;
    const processes = /Processes\s+platform (\d+), worker (\d+), api (\d+)/.exec(text)!;
    pids = { platform: Number(processes[1]), worker: Number(processes[2]), api: Number(processes[3]) };
    const storePort = /served on 127\.0\.0\.1:(\d+)/.exec(text)![1]!;
    store = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${storePort}/postgres` });
    await store.connect();
  }, 300_000);

  afterAll(async () => {
    try {
      process.kill(pids?.api, 'SIGCONT');
    } catch {
      // already gone
    }
    await store?.end().catch(() => undefined);
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(20_000) });
    return { status: response.status, body: (await response.json()) as Health & { items?: unknown[] } };
  };

  it('runs three processes, and keeps DATA_DIR readable by its owner only', async () => {
    expect(new Set(Object.values(pids)).size).toBe(3);
    expect(pids.api).not.toBe(child.pid);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const file of ['admin-token', 'admin-password', 'payload-keys', join('temporal', 'temporal.db')]) {
      expect(statSync(join(dataDir, file)).mode & 0o077, file).toBe(0);
    }
    expect(statSync(join(dataDir, 'records')).mode & 0o077).toBe(0);
    const health = await get('/healthz');
    expect(health.body).toMatchObject({ status: 'ok', worker: { status: 'up' } });
  });

  it('delivers reminders while the API is frozen', async () => {
    const tomorrow = addDays(shanghaiDate(new Date()), 1);
    // The site reminder falls 30 s from now, whatever the hour.
    const offsetMs = shanghaiInstant(tomorrow, '18:00') - (Date.now() + 30_000);
    const started = await fetch(`${url}/api/rollout/${PLACEHOLDER}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        milestones: {
          site: { targetDate: tomorrow }, staffing: { targetDate: addDays(tomorrow, 30) }, fit_out: { targetDate: addDays(tomorrow, 60) }, opening: { targetDate: addDays(tomorrow, 90) },
        },
        owner: OWNER,
        reminderPolicy: { offsetsMs: [offsetMs], quietHours: null, workingDaysOnly: false, overdueRepeatMs: null, escalation: null },
      }),
    });
    expect(started.status).toBe(201);
    process.kill(pids.api, 'SIGSTOP');
    try {
      await eventually('a reminder written while the API is frozen', async () => {
        const rows = await store.query("SELECT count(*)::int AS n FROM notifications WHERE kind = 'milestone_due' AND recipient_id = $1 AND workflow_id = $2", [OWNER, `station-rollout:${PLACEHOLDER}`]);
        return rows.rows[0].n > 0;
      }, { timeoutMs: 180_000, everyMs: 1000 });
      // Still frozen all along: the API could not have done it.
      expect(statSync(`/proc/${pids.api}`).isDirectory()).toBe(true);
    } finally {
      process.kill(pids.api, 'SIGCONT');
    }
    expect((await get('/api/communities')).status).toBe(200);
  }, 300_000);

  it('keeps answering when the worker is killed, reports it down on /healthz, and gets it back', async () => {
    process.kill(pids.worker, 'SIGKILL');
    await eventually('the worker reported down', async () => {
      const health = await get('/healthz');
      return health.body.status === 'degraded' && health.body.worker?.status === 'down';
    }, { timeoutMs: 60_000, everyMs: 250 });
    expect((await get('/api/communities')).body.items).toHaveLength(23);
    // One stream: the supervisor's lines and each process's, prefixed.
    expect(output.join('')).toMatch(/supervisor \| worker exited \(SIGKILL\).*restarting in \d+ ms/);
    await eventually('the worker restarted and up', async () => (await get('/healthz')).body.worker?.status === 'up', { timeoutMs: 180_000, everyMs: 1000 });
  }, 300_000);
});
