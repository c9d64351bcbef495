import { sql, type Kysely } from 'kysely';
import type { ZodType } from 'zod';
import { ApiError } from '../../src/api/errors.js';
import type { RouteSpec } from '../../src/api/route.js';
import type { Role } from '../../src/domain/types.js';
import type { Database } from '../../src/store/database.js';
import { WANMINGYUAN } from './app.js';

/** A route's label in test names: `POST /api/tokens`. */
export const label = (spec: RouteSpec) => `${spec.method.toUpperCase()} ${spec.path}`;

/** The `:name` parameters of an express path, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
}

/** A concrete path: each `:name` replaced by its (already encoded) value. */
export function fillPath(path: string, encoded: Record<string, string>): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => encoded[name] ?? 'x');
}

/** The worker each test token of tokensForRoles acts for. */
export const ROLE_WORKERS: Record<Role, string | null> = {
  admin: null,
  supervisor: 'w-zhanlanlu-supervisor-01',
  station_lead: 'w-wanmingyuan-lead',
  social_worker: 'w-wanmingyuan-sw1',
  viewer: 'w-zhanlanlu-leader-01',
};

/** A default-data casework record of Wanmingyuan (src/seed/zhanlanlu.ts, seedServiceRecords). */
export const WANMINGYUAN_CASEWORK_RECORD = 'sr-seed-vp-zhanlanlu-wanmingyuan-loudao-2021-11';

/** A default-data example volunteer of Wanmingyuan (src/seed/zhanlanlu.ts, seedFiveParty). */
export const WANMINGYUAN_VOLUNTEER = 'vol-example-wanmingyuan-1';

/** A default-data example post of Wanmingyuan (src/seed/zhanlanlu.ts, seedPosts). */
export const WANMINGYUAN_POST = 'post-wanmingyuan-full-time';

/**
 * Path values a role may reasonably use: its own community (Wanmingyuan, in every test token's
 * scope), its own worker, and names of things that exist in every plan and rollout.
 */
export function inScopeParams(spec: RouteSpec, role: Role): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of pathParams(spec.path)) {
    values[name] = encodeURIComponent(inScopeValue(name, role));
  }
  return values;
}

function inScopeValue(name: string, role: Role): string {
  switch (name) {
    case 'communityId':
      return WANMINGYUAN;
    case 'workerId':
    case 'recipientId':
      return ROLE_WORKERS[role] ?? 'w-wanmingyuan-sw1';
    case 'stage':
      return 'guide';
    case 'milestone':
      return 'site';
    case 'recordId':
      return WANMINGYUAN_CASEWORK_RECORD;
    case 'postId':
      return WANMINGYUAN_POST;
    case 'volunteerId':
      return WANMINGYUAN_VOLUNTEER;
    case 'tokenId':
    case 'userId':
    case 'notificationId':
      return '00000000-0000-4000-8000-000000000000';
    default:
      return 'test-none';
  }
}

export interface RouteInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

const passes = (schema: ZodType | undefined, value: unknown) => !schema || schema.safeParse(value).success;

/** Whether the app's validation would accept these (decoded) inputs, i.e. the handler would run. */
export function passesValidation(spec: RouteSpec, input: RouteInput): boolean {
  return passes(spec.params, input.params) && passes(spec.query, input.query) && passes(spec.body, input.body ?? {});
}

// Objects and arrays only: the JSON parser is strict, and anything else is refused before the
// role check, which would hide what the role tests look for.
const BAD_BODIES: unknown[] = [
  [],
  {},
  { unexpectedField: true },
  { id: 42, name: [], role: {}, communityId: false, today: 'not a date' },
  [{ id: '' }],
];
const BAD_PARAM = '!not an id!';

/**
 * Inputs that pass the role check but fail validation (400), if the route has any: a way to see
 * that a role is let through without letting a write or a workflow start happen.
 */
export function invalidInput(spec: RouteSpec, params: Record<string, string>): { path: string; body?: unknown } | undefined {
  const decoded = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, decodeURIComponent(value)]));
  if (spec.body) {
    const body = BAD_BODIES.find((candidate) => !passesValidation(spec, { params: decoded, query: {}, body: candidate }));
    if (body !== undefined) return { path: fillPath(spec.path, params), body };
  }
  for (const name of pathParams(spec.path)) {
    const bad = { ...decoded, [name]: BAD_PARAM };
    if (!passesValidation(spec, { params: bad, query: {}, body: {} })) {
      return { path: fillPath(spec.path, { ...params, [name]: encodeURIComponent(BAD_PARAM) }), body: spec.body ? {} : undefined };
    }
  }
  return undefined;
}

/**
 * The routes with every handler that changes something replaced by one that refuses to run, so a
 * test that must never write or start a workflow proves it never got that far. `reached` lists
 * what got through.
 */
export function guardedRoutes(routes: readonly RouteSpec[], reached: string[], allow: (spec: RouteSpec) => boolean = (spec) => spec.method === 'get'): RouteSpec[] {
  return routes.map((spec) => (allow(spec) ? spec : {
    ...spec,
    handler: async () => {
      reached.push(label(spec));
      throw new ApiError('conflict', `test guard: the handler of ${label(spec)} was reached`);
    },
  }));
}

export interface TableSnapshot {
  rows: number;
  checksum: string;
}

/**
 * Row count and a checksum of the contents of every table in the store's schema. A token's
 * `last_used_at` is left out: using a token is meant to touch it.
 */
export async function storeSnapshot(db: Kysely<Database>): Promise<Record<string, TableSnapshot>> {
  const tables = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
  const snapshot: Record<string, TableSnapshot> = {};
  for (const { table_name: name } of tables.rows) {
    const result = await sql<{ rows: number; checksum: string }>`
      SELECT count(*)::int AS rows, coalesce(md5(string_agg(r::text, E'\n' ORDER BY r::text)), '') AS checksum
      FROM (SELECT to_jsonb(t) - 'last_used_at' AS r FROM ${sql.table(name)} t) s`.execute(db);
    snapshot[name] = result.rows[0]!;
  }
  return snapshot;
}

// ── Records by path parameter: the route table's second half ─────────────────────────────────
// Tests that try every route against particular records (the cross-scope matrix, the viewer walk)
// fill each `:name` of a path from a table of records keyed by parameter name. A route with a
// parameter the table does not know fails those tests by name, so a new route is never skipped.

/** The path parameters the route table knows how to fill with a record. */
export const PATH_PARAMS = ['communityId', 'workerId', 'id', 'sessionId', 'projectId', 'notificationId', 'tokenId', 'userId', 'taskId', 'stage', 'milestone', 'attachmentId', 'callId', 'caseId', 'recordId', 'postId', 'organisationId', 'volunteerId', 'resourceId', 'requestId', 'matchId'] as const;
export type PathParam = (typeof PATH_PARAMS)[number];
export type Records = Record<PathParam, string>;

/** The parameters of a route that the table does not know (empty when every one can be filled). */
export function unknownParams(spec: RouteSpec): string[] {
  return pathParams(spec.path).filter((name) => !(PATH_PARAMS as readonly string[]).includes(name));
}

/** A route's path parameters filled (encoded) from records. */
export function recordParams(spec: RouteSpec, records: Partial<Records>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of pathParams(spec.path)) {
    const value = records[name as PathParam];
    if (value === undefined) throw new Error(`${label(spec)}: no record for :${name}; add it to PATH_PARAMS in test/helpers/routes.ts`);
    values[name] = encodeURIComponent(value);
  }
  return values;
}

/** The keys of a route's query schema (a zod object), for filling filters such as `?communityId=`. */
export function queryKeys(spec: RouteSpec): string[] {
  const shape = (spec.query as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/** A copy of a value with every property named like a record (workerId, communityId, sessionId …) aimed at that record. */
export function aimedAt<T>(value: T, records: Partial<Records>): T {
  if (Array.isArray(value)) return value.map((item) => aimedAt(item, records)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [
    key,
    key in records && typeof item === 'string' ? records[key as PathParam] : aimedAt(item, records),
  ])) as T;
}

/**
 * How each route without path parameters that changes something is tried across scopes: the body
 * that names the other community's records from the caller's own scope (what the scope check must
 * refuse; the route's example with its ids aimed at those records will do), or why the route
 * names no scoped record at all. A new such route fails the matrix until it is listed here.
 */
export const CROSS_SCOPE_BODIES: Record<string, ((records: Records & { street: string }, ownScope: string) => unknown) | 'example aimed at the records' | { none: string }> = {
  'POST /api/tokens': (r, own) => ({ name: 'cross-scope', role: 'social_worker', scopeId: own, workerId: r.workerId }),
  'POST /api/users': (r, own) => ({ username: 'cross.scope.user', displayName: '越权', password: 'a long cross-scope pass', role: 'social_worker', scopeId: own, workerId: r.workerId }),
  'POST /api/workers': (r, own) => ({ id: r.workerId, orgUnitId: own, communityId: own, name: '越权挪走', position: 'social_worker' }),
  'POST /api/communities': (r) => ({ id: r.communityId, streetId: r.street, nameZh: '越权改名', nameEn: 'Renamed' }),
  'POST /api/training-cycles': (r, own) => ({
    name: 'cross-scope', orgUnitId: own, cohort: { workerIds: [r.workerId] },
    sessions: [{ dimension: 'party_policy', level: 1, startsAt: '2030-03-01T09:00:00+08:00', endsAt: '2030-03-01T11:00:00+08:00', place: 'x', trainer: 'x', capacity: 5 }],
    assessment: { passMark: 60, retakeWindowSeconds: 86_400 },
  }),
  'POST /api/venture-projects': 'example aimed at the records',
  'POST /api/case-calls': (r, own) => ({
    title: { zh: '越权征集' }, kinds: ['community'], orgUnitId: own, stationIds: [r.communityId], submissionDeadline: '2030-05-01T18:00:00+08:00',
    reviewDeadline: '2030-05-20T18:00:00+08:00', panel: [r.workerId], selectPerKind: 1,
  }),
  'POST /api/service-records': 'example aimed at the records',
  'POST /api/resource-requests': 'example aimed at the records',
  'POST /api/posts': 'example aimed at the records',
  'POST /api/social-organisations': (r, own) => ({ orgUnitId: own, name: { zh: '越权组织' }, kind: 'community_based', stationIds: [r.communityId] }),
  'POST /api/volunteers': 'example aimed at the records',
  'POST /api/charitable-resources': 'example aimed at the records',
  'POST /api/post-types': { none: 'post types are a catalog shared by the whole tree, like themes (admins only)' },
  'POST /api/service-records/import': (r) => ({ csv: `communityId,servedOn,kind,theme,titleZh,residentsServed\n${r.communityId},2023-03-01,group,elderly,越权导入,5\n` }),
  'POST /api/digest/run': (r) => ({ streetId: r.street }),
  'POST /api/rollout': { none: "starts rollouts for the communities in the caller's own scope only" },
  'POST /api/calendar-feed': { none: "makes the caller's own calendar feed link: the body names no record" },
  'POST /api/calendar-feed/revoke': { none: "revokes the caller's own calendar feed link: the body names no record" },
  'POST /api/stations/plans': { none: "starts plans for the stations in the caller's own scope only" },
  // It names no record, but writes the default data (the first community's among them) and the city above.
  'POST /api/admin/seed': () => ({}),
  'POST /api/auth/logout': { none: "ends the caller's own session" },
  'POST /api/auth/password': { none: "changes the caller's own password" },
  // The work manual belongs to the street: a community's admin may read it but never edit it.
  'POST /api/manual/draft': () => ({ templateId: 'zhanlanlu-station-plan' }),
  'PUT /api/manual/draft': { none: 'replaces the draft that POST /api/manual/draft makes; both refuse callers below the manual\'s street (test/manual/manual.test.ts)' },
  'POST /api/manual/draft/discard': () => ({ templateId: 'zhanlanlu-station-plan' }),
  'POST /api/manual/draft/publish': () => ({ templateId: 'zhanlanlu-station-plan', changeNote: '越权发布' }),
};
