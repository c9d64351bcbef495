import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../src/api/route.js';
import { allRoutes } from '../../src/api/routes/index.js';
import { workflowIds } from '../../src/domain/workflow-ids.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { fillPath, inScopeParams, label } from '../helpers/routes.js';

// No request can hang the service. Every date and duration the API accepts is bounded (dates in
// 2000–2100, durations by their schema), and the calendar behind them is bounded by construction.
// Before, `POST /api/rollout/:communityId` with 9999-12-31 never answered and 3000-01-01 took a
// second. Here every route that takes a date or a duration is driven across the accepted range
// and past its edges: each answer must come back (or the request is abandoned and the test fails)
// and /healthz must keep answering in between.

const PLACEHOLDER = (n: number) => `cn-bj-xicheng-zhanlanlu-placeholder-${String(n).padStart(2, '0')}`;
/** Abandon a request after this long: far above any honest answer, far below "never". */
const HANG_MS = 30_000;

const TEMPORAL_KEY = /(Date|On|At|Ms|Seconds|WorkingDays)$|^(since|until|today)$/;

/** The dotted paths (`*` for array items) of every date or duration in a schema. */
function temporalPaths(schema: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (!schema || typeof schema !== 'object') return out;
  const node = schema as { anyOf?: unknown[]; oneOf?: unknown[]; allOf?: unknown[]; items?: unknown; properties?: Record<string, unknown> };
  for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) temporalPaths(branch, prefix, out);
  if (node.items) temporalPaths(node.items, [...prefix, '*'], out);
  for (const [key, value] of Object.entries(node.properties ?? {})) {
    if (TEMPORAL_KEY.test(key)) out.push([...prefix, key]);
    else temporalPaths(value, [...prefix, key], out);
  }
  return out;
}

function routeTemporalPaths(spec: RouteSpec): Array<{ where: 'body' | 'query'; path: string[] }> {
  const found: Array<{ where: 'body' | 'query'; path: string[] }> = [];
  for (const where of ['body', 'query'] as const) {
    const schema = spec[where];
    if (!schema) continue;
    const seen = new Set<string>();
    for (const path of temporalPaths(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }))) {
      if (seen.has(path.join('.'))) continue;
      seen.add(path.join('.'));
      found.push({ where, path });
    }
  }
  return found;
}

const kind = (key: string): 'date' | 'instant' | 'duration' => {
  if (/(Ms|Seconds|WorkingDays)$/.test(key)) return 'duration';
  if (/(At|^since|^until)$/.test(key)) return 'instant';
  return 'date';
};

const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const anyDate = fc.oneof(
  fc.constantFrom('1999-12-31', '2000-01-01', '2026-12-31', '2100-12-31', '2101-01-01', '3000-01-01', '9999-12-31', '0000-01-01', '2025-02-29', '2028-02-29'),
  fc.integer({ min: Date.UTC(1990, 0, 1) / DAY, max: Date.UTC(2110, 11, 31) / DAY }).map((day) => dayOf(day * DAY)),
);
const anyInstant = fc.tuple(anyDate, fc.constantFrom('T00:00:00Z', 'T23:59:59+08:00', 'T09:30:00.000Z')).map(([date, time]) => `${date}${time}`);
const anyDuration = fc.oneof(
  fc.constantFrom(-1, 0, 1, 260, 261, 1000, 90 * DAY, 90 * DAY + 1, 366 * 86_400, 2 ** 31, Number.MAX_SAFE_INTEGER),
  fc.integer({ min: -1000, max: 100 * 365 * DAY }),
);

/** A copy of `base` with the value at `path` replaced; array items (`*`) all get it. Parents that do not exist are left alone. */
function withValue(base: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (head === '*') {
    if (!Array.isArray(base)) return base;
    return base.length === 0 && rest.length === 0 ? [value] : base.map((item) => withValue(item, rest, value));
  }
  if (!base || typeof base !== 'object' || Array.isArray(base)) return base;
  const record = base as Record<string, unknown>;
  if (rest.length > 0 && !(head! in record)) return base;
  return { ...record, [head!]: withValue(record[head!], rest, value) };
}

describe('bounded requests', () => {
  let harness: Harness;
  let api: NonNullable<Harness['api']>;
  const started = new Set<string>();

  beforeAll(async () => {
    harness = await startHarness({ name: 'bounds', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    api = harness.api!;
  }, 300_000);
  afterAll(async () => {
    for (const workflowId of started) await harness?.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
    await harness?.close();
  });

  /** Calls the API, abandoning the request (and failing) if it does not answer. */
  const call = async (method: string, path: string, body?: unknown, query?: Record<string, string>) => {
    const search = query ? `?${new URLSearchParams(query)}` : '';
    const response = await fetch(`${api.url}${path}${search}`, {
      method: method.toUpperCase(),
      headers: { authorization: `Bearer ${harness.tokens.admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(HANG_MS),
    });
    const answer = (await response.json().catch(() => null)) as { workflowId?: string; started?: Array<{ workflowId?: string }>; error?: { details?: Array<{ path: string; message: string }> } } | null;
    if (answer?.workflowId) started.add(answer.workflowId);
    return { status: response.status, body: answer };
  };
  const healthy = async () => {
    const response = await fetch(`${api.url}/healthz`, { signal: AbortSignal.timeout(HANG_MS) });
    expect(response.status).toBeLessThan(600);
  };

  it('refuses a rollout target of 9999-12-31 with a 400 naming the field, and answers for the last accepted day', async () => {
    const refused = await call('post', `/api/rollout/${PLACEHOLDER(13)}`, { targetDate: '9999-12-31' });
    expect(refused.status).toBe(400);
    expect(refused.body!.error!.details).toMatchObject([{ path: 'body.targetDate', message: 'must be within the years 2000–2100' }]);
    const milestones = await call('post', `/api/rollout/${PLACEHOLDER(13)}`, {
      milestones: { site: { targetDate: '2027-01-04' }, staffing: { targetDate: '2027-02-01' }, fit_out: { targetDate: '3000-01-01' }, opening: { targetDate: '9999-12-31' } },
    });
    expect(milestones.status).toBe(400);
    expect(milestones.body!.error!.details!.map((problem) => problem.path)).toEqual(['body.milestones.fit_out.targetDate', 'body.milestones.opening.targetDate']);

    const last = await call('post', `/api/rollout/${PLACEHOLDER(13)}`, { targetDate: '2100-12-31' });
    expect(last.status).toBe(201);
    started.add(workflowIds.stationRollout(PLACEHOLDER(13)));
    await healthy();
  });

  it('finds every route that takes a date or a duration (so a new one cannot be skipped)', () => {
    const routes = allRoutes().filter((spec) => routeTemporalPaths(spec).length > 0).map(label);
    expect(routes).toEqual(expect.arrayContaining([
      'POST /api/rollout/:communityId', 'POST /api/rollout', 'POST /api/rollout/:communityId/milestones/:milestone/replan',
      'POST /api/stations/:communityId/plan', 'POST /api/stations/plans', 'POST /api/stations/:communityId/plan/reschedule',
      'POST /api/training-cycles', 'POST /api/training-cycles/:id/sessions/:sessionId/move', 'GET /api/audit',
      'POST /api/venture-projects', 'POST /api/venture-projects/:projectId/service-records', 'POST /api/tokens', 'POST /api/admin/seed',
    ]));
    // Every such route has an example body to vary, or takes its dates in the query.
    for (const spec of allRoutes()) {
      if (routeTemporalPaths(spec).some((entry) => entry.where === 'body')) expect(spec.example, label(spec)).toBeDefined();
    }
  });

  const drivenRoutes = allRoutes().filter((spec) => routeTemporalPaths(spec).length > 0);
  it.each(drivenRoutes.map((spec) => [label(spec), spec] as const))('%s answers across the accepted range and past its edges, and /healthz keeps answering', async (_, spec) => {
    const paths = routeTemporalPaths(spec);
    const params = inScopeParams(spec, 'admin');
    // A community with no station yet, so a rollout gets as far as spreading its milestones.
    if (spec.path.startsWith('/api/rollout/:communityId')) params.communityId = PLACEHOLDER(14);
    const path = fillPath(spec.path, params);
    const value = (key: string): fc.Arbitrary<string | number> => ({ date: anyDate, instant: anyInstant, duration: anyDuration })[kind(key)];
    const inputs = fc.tuple(...paths.map((entry) => fc.option(value(entry.path[entry.path.length - 1]!), { nil: undefined, freq: 3 })));
    await fc.assert(fc.asyncProperty(inputs, async (values) => {
      let body: unknown = spec.body ? spec.example ?? {} : undefined;
      const query: Record<string, string> = {};
      paths.forEach((entry, index) => {
        const chosen = values[index];
        if (chosen === undefined) return;
        if (entry.where === 'query') query[entry.path.join('.')] = String(chosen);
        else body = withValue(body, entry.path, chosen);
      });
      const answer = await call(spec.method, path, body, query);
      expect(answer.status, JSON.stringify({ body, query, answer: answer.body })).toBeLessThan(500);
      await healthy();
    }), { numRuns: 12 });
  }, 600_000);
});
