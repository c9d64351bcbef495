import { sql } from 'kysely';
import { z } from 'zod';
import { route } from '../route.js';
import { healthExtras } from '../health-extras.js';

const componentStatus = z.object({ status: z.enum(['up', 'down']), detail: z.string().optional() });

export const healthRoutes = [
  route({
    method: 'get',
    path: '/healthz',
    summary: 'Reachability of Temporal and the records store',
    tag: 'health',
    roles: 'public',
    response: z.object({ status: z.enum(['ok', 'degraded']), temporal: componentStatus, store: componentStatus }).passthrough(),
    handler: async ({ deps }) => {
      const [temporal, store] = await Promise.all([
        check(async () => {
          await deps.temporal.workflowService.getSystemInfo({});
          return deps.temporal.options.namespace;
        }),
        check(async () => {
          await sql`select 1`.execute(deps.store.db);
          return deps.store.location;
        }),
      ]);
      const ok = temporal.status === 'up' && store.status === 'up';
      return { status: ok ? 'ok' : 'degraded', temporal, store, ...(await healthExtras(deps)) };
    },
  }),
];

async function check(probe: () => Promise<string>): Promise<{ status: 'up' | 'down'; detail?: string }> {
  try {
    const detail = await withTimeout(probe(), 3000);
    return { status: 'up', detail };
  } catch (error) {
    return { status: 'down', detail: (error as Error).message };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}
