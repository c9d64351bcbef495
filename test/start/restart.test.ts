import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/temporal/dev-server.js';

// `npm start`'s process end to end: the dev server on a SQLite file, PGlite, the worker and the
// API, three processes under one supervisor (three Node processes to boot: minutes on a busy
// machine). Killed without warning and started again, it keeps every record.

interface Started {
  child: ChildProcess;
  output: string[];
  token: string;
  url: string;
}

const dataDir = mkdtempSync(join(tmpdir(), 'shegong-start-'));
let ports: { api: number; temporal: number; ui: number };

async function start(): Promise<Started> {
  ports ??= { api: await freePort(), temporal: await freePort(), ui: await freePort() };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      TEMPORAL_ADDRESS: '',
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const text = output.join('');
      const token = /Admin token\s+(sg_\S+)/.exec(text)?.[1];
      if (text.includes('Shegong is ready.') && token) resolve(token);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output.join('')}`)));
  });
  const token = await ready;
  return { child, output, token, url: `http://127.0.0.1:${ports.api}` };
}

function kill(started: Started, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (started.child.exitCode !== null || started.child.signalCode !== null) return resolve();
    started.child.once('exit', () => resolve());
    started.child.kill(signal);
  });
}

interface Answer {
  status?: string;
  name?: string;
  items?: unknown[];
}

const get = async (started: Started, path: string) => {
  const response = await fetch(`${started.url}${path}`, { headers: { authorization: `Bearer ${started.token}` } });
  return { status: response.status, body: (await response.json()) as Answer };
};

describe('npm start', () => {
  const running: Started[] = [];
  afterAll(async () => {
    for (const started of running) await kill(started, 'SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reaches ready, prints the addresses and an admin token, and serves the default data', async () => {
    const first = await start();
    running.push(first);
    const text = first.output.join('');
    expect(text).toContain(`Temporal UI        http://127.0.0.1:${ports.ui}`);
    expect(text).toContain('/docs');
    const health = await get(first, '/healthz');
    expect(health.body).toMatchObject({ status: 'ok', temporal: { status: 'up' }, store: { status: 'up' } });
    const communities = await get(first, '/api/communities');
    expect(communities.body.items).toHaveLength(23);
  }, 300_000);

  it('loses nothing when killed without warning and started again', async () => {
    const first = running[0]!;
    const created = await fetch(`${first.url}/api/workers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'w-restart-1', orgUnitId: 'cn-bj-xicheng-zhanlanlu-fuwaixi', communityId: 'cn-bj-xicheng-zhanlanlu-fuwaixi', name: '重启测试', position: 'social_worker' }),
    });
    expect(created.status).toBe(201);
    await kill(first, 'SIGKILL');

    const second = await start();
    running.push(second);
    expect(second.token).toBe(first.token);
    const worker = await get(second, '/api/workers/w-restart-1');
    expect(worker.status).toBe(200);
    expect(worker.body.name).toBe('重启测试');
    expect((await get(second, '/api/communities')).body.items).toHaveLength(23);
  }, 420_000);
});
