import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { createApp, type AppOptions } from '../../src/api/app.js';
import { createToken } from '../../src/services/api-token.js';
import type { AppDeps } from '../../src/api/route.js';
import type { Config } from '../../src/config.js';
import type { Role } from '../../src/domain/types.js';
import type { Store } from '../../src/store/connect.js';
import { silentLogger, testConfig } from './temporal.js';

export interface TestApi {
  url: string;
  deps: AppDeps;
  /** Calls the API; `body` is sent as JSON unless `raw` is given. */
  // Tests read answers loosely and assert on their shape; `any` keeps those assertions short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(method: string, path: string, options?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestApi(options: { store: Store; temporal: Client; config?: Config; clock?: () => Date; app?: AppOptions }): Promise<TestApi> {
  const deps: AppDeps = {
    store: options.store,
    temporal: options.temporal,
    config: options.config ?? testConfig(),
    logger: silentLogger,
    clock: options.clock ?? (() => new Date()),
  };
  const app = createApp(deps, options.app);
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    deps,
    async call(method, path, { token, body, raw, headers = {} } = {}) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: the assertion that follows will show the text
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const STREET = 'cn-bj-xicheng-zhanlanlu';
export const WANMINGYUAN = 'cn-bj-xicheng-zhanlanlu-wanmingyuan';
export const YUSHUGUAN = 'cn-bj-xicheng-zhanlanlu-yushuguan';

/** One token per role over the default data: admin and viewer at the street, leads and workers at Wanmingyuan. */
export async function tokensForRoles(store: Store): Promise<Record<Role, string>> {
  const make = async (role: Role, scopeId: string, workerId: string | null) =>
    (await createToken(store.db, { name: `test ${role}`, role, scopeId, workerId })).token;
  return {
    admin: await make('admin', 'cn-bj', null),
    supervisor: await make('supervisor', STREET, 'w-zhanlanlu-supervisor-01'),
    station_lead: await make('station_lead', WANMINGYUAN, 'w-wanmingyuan-lead'),
    social_worker: await make('social_worker', WANMINGYUAN, 'w-wanmingyuan-sw1'),
    viewer: await make('viewer', STREET, 'w-zhanlanlu-leader-01'),
  };
}
