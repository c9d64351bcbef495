import http from 'node:http';
import querystring from 'node:querystring';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z, type ZodType } from 'zod';
import type { RouteSpec } from '../../src/api/route.js';
import { allRoutes } from '../../src/api/routes/index.js';
import { ROLES, type Role } from '../../src/domain/types.js';
import { ImportError, validateRows } from '../../src/import/rows.js';
import { communityInputSchema } from '../../src/schemas/community.js';
import { workerInputSchema } from '../../src/schemas/worker.js';
import type { TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { fillPath, guardedRoutes, label, passesValidation, pathParams, storeSnapshot, type RouteInput } from '../helpers/routes.js';
import type { TestStore } from '../helpers/store.js';

// ≥ 10,000 generated bad requests across every route of allRoutes(), through the real HTTP app.
// Only invalid requests are sent: each is checked against the route's own schemas first and
// dropped if they would accept it. Handlers that change something are guarded, so a generator
// mistake shows up as a failure instead of a write or a started workflow.

const BATCH = 10;
// 900 batches across every route and 100 of bulk imports: 10,000 requests (FUZZ_RUNS scales it).
const GENERIC_RUNS = Number(process.env.FUZZ_RUNS ?? 900);
const IMPORT_RUNS = Math.ceil(GENERIC_RUNS / 9);
const DEFAULT_LIMIT_BYTES = 256 * 1024;

// Bulk imports reject rows in the handler, all or nothing, before writing; they run for real.
const IMPORT_PATHS = new Set(['/api/communities', '/api/workers']);
const isImport = (spec: RouteSpec) => spec.method === 'post' && IMPORT_PATHS.has(spec.path);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type PathKey = string | number;

interface FuzzRequest {
  spec: RouteSpec;
  method: string;
  /** The request target as sent: path and query, percent-encoded (malformed on purpose at times). */
  target: string;
  body?: string;
  contentType?: string;
  /** What the app's validation would see, or null when the request is refused before it. */
  input: RouteInput | null;
  why: string;
}

// ---------------------------------------------------------------- values

const ODD_TEXT = [
  '\ud800', '\udfff', 'a\ud800b', '\udc00\ud800', // lone and reversed surrogates
  '\u202eevil\u202c', '\u200f\u05e9\u05dc\u05d5\u05dd', '\u0627\u0644\u0639\u0631\u0628\u064a\u0629', // RTL override, Hebrew, Arabic
  '\u200b', 'id\u200d', '\ufeff', '\u2060', '\u00ad', // zero-width and invisible
  'e\u0301\u0301\u0301', '\u0000', 'a\u0000b', '\u001b[31mred', '\r\n', '\t', '   ', '',
  '\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67', '\ud835\udd4f', '\uff11\uff12\uff13', '\u0663', '\u2028', '\uffff', '\ufffd',
  '社区\u0000', '万明园'.repeat(100), "'; DROP TABLE workers; --", '${7*7}', '<script>alert(1)</script>', '../../etc/passwd', '%00', '%',
];
const BAD_DATES = [
  '2026-02-30', '2026-13-01', '2026-00-10', '2026-1-1', '20260101', '2026/01/01', '01-01-2026', '2026-02-29', '0000-00-00',
  '2026-01-01T25:00:00+08:00', '2026-01-01T10:00:00', '2026-01-01T10:00:00+25:00', '2026-01-01T10:60:00Z', '2026-01-01T10:00:00+0800',
  '2026-01-01T10:00:00 Asia/Shanghai', '2026-01-01T10:00:00[Asia/Shanghai]', 'Asia/Mars', 'Mars/Olympus_Mons', 'UTC+8', 'GMT+08:00',
  '+275760-09-13T00:00:00.001Z', '-000001-01-01T00:00:00Z', 'tomorrow', 'now', '2026-W01-1', '1e10', 'NaN', 'Invalid Date',
];
const HUGE = [1000, 10_000, 100_000];
const NUMBERS: Json[] = [-1, -0, 0.5, -2147483649, 2147483648, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER - 2, 1e21, -1e308, 1.7976931348623157e308, 5e-324];

const oddString = fc.oneof(
  fc.constantFrom(...ODD_TEXT),
  fc.string({ unit: fc.constantFrom(...ODD_TEXT), maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const badValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: oddString },
  { weight: 2, arbitrary: fc.constantFrom(...BAD_DATES) },
  { weight: 2, arbitrary: fc.constantFrom<Json>(null, true, false, 0, [], {}, [null], { $gt: '' }, ['a', 'a'], [1, 2, 3], '1', 'true') },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom(...NUMBERS), fc.integer({ min: -1_000_000_000, max: -1 }), fc.double({ noNaN: true, noDefaultInfinity: true })) },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE.slice(0, 2)).map((n) => '社'.repeat(n)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
);
const EXTRA_KEYS = ['extra', '__proto__', 'constructor', 'prototype', '', ' id', 'ID', '\u200bid', 'id\u0000', '$where', 'toString'];

// ---------------------------------------------------------------- JSON paths

const isObject = (value: unknown): value is Record<string, Json> => value !== null && typeof value === 'object' && !Array.isArray(value);

function allPaths(value: Json, prefix: PathKey[] = []): PathKey[][] {
  const result: PathKey[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => result.push(...allPaths(item, [...prefix, index])));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) result.push(...allPaths(item, [...prefix, key]));
  return result;
}

function getAt(value: Json, path: PathKey[]): Json | undefined {
  let node: Json | undefined = value;
  for (const key of path) node = node !== null && typeof node === 'object' ? (node as Record<PathKey, Json>)[key] : undefined;
  return node;
}

/** Applies an edit at a path of `root`, in place; an edit whose parent is gone leaves it as it is. */
function edit(root: Json, path: PathKey[], change: (parent: Record<PathKey, Json> | Json[], key: PathKey) => void): Json {
  if (path.length === 0) return root;
  const parent = getAt(root, path.slice(0, -1));
  if (parent !== null && typeof parent === 'object') change(parent as Record<PathKey, Json>, path[path.length - 1]!);
  return root;
}

type Mutation =
  | { kind: 'replace'; path: PathKey[]; value: Json }
  | { kind: 'delete'; path: PathKey[] }
  | { kind: 'extra'; path: PathKey[]; key: string; value: Json }
  | { kind: 'duplicate'; path: PathKey[] };

// Generated values may be shared instances (constantFrom's {} and []): every one is cloned before a
// body holds it, or a later edit would change the constant itself (even make it its own property).
function apply(body: Json, mutation: Mutation): Json {
  switch (mutation.kind) {
    case 'replace':
      return mutation.path.length === 0 ? structuredClone(mutation.value) : edit(body, mutation.path, (parent, key) => {
        (parent as Record<PathKey, Json>)[key] = structuredClone(mutation.value);
      });
    case 'delete':
      return edit(body, mutation.path, (parent, key) => {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
      });
    case 'extra': {
      const target = getAt(body, mutation.path);
      // defineProperty, so "__proto__" becomes a key as JSON.parse would make it, not a prototype.
      if (isObject(target)) Object.defineProperty(target, mutation.key, { value: structuredClone(mutation.value), enumerable: true, writable: true, configurable: true });
      return body;
    }
    case 'duplicate': {
      const target = getAt(body, mutation.path);
      if (Array.isArray(target) && target.length > 0) target.push(structuredClone(target[0]!));
      return body;
    }
  }
}

function shapeKeys(schema: ZodType | undefined): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Bodies made from the route's example (or {}) by one to three edits, mostly ones that break it. */
function badBodies(spec: RouteSpec): fc.Arbitrary<Json> {
  const base = (spec.example ?? {}) as Json;
  const paths = allPaths(base);
  const objectPaths = paths.filter((path) => isObject(getAt(base, path)));
  const arrayPaths = paths.filter((path) => Array.isArray(getAt(base, path)));
  const innerPaths = paths.filter((path) => path.length > 0);
  const keys = [...new Set([...shapeKeys(spec.body), ...EXTRA_KEYS])];
  const mutations: Array<fc.Arbitrary<Mutation>> = [
    fc.record({ kind: fc.constant('replace' as const), path: fc.constantFrom(...paths), value: badValue }),
  ];
  if (innerPaths.length > 0) mutations.push(fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...innerPaths) }));
  if (objectPaths.length > 0) mutations.push(fc.record({ kind: fc.constant('extra' as const), path: fc.constantFrom(...objectPaths), key: fc.constantFrom(...keys), value: badValue }));
  if (arrayPaths.length > 0) mutations.push(fc.record({ kind: fc.constant('duplicate' as const), path: fc.constantFrom(...arrayPaths) }));
  // One copy per body: the edits then change it in place (values generated are never shared).
  return fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 3 }).map((list) => list.reduce(apply, structuredClone(base)));
}

// ---------------------------------------------------------------- encoding

/** Percent-encodes text; a lone surrogate becomes its (invalid) UTF-8 bytes, which decoding refuses. */
function encodeLoose(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i += 1;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += `%${(0xe0 | (unit >> 12)).toString(16).toUpperCase()}%${(0x80 | ((unit >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (unit & 0x3f)).toString(16).toUpperCase()}`;
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
}

const MALFORMED_ESCAPES = ['%', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%FF', 'a%2', '%%'];

const badParam: fc.Arbitrary<{ raw: string }> = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(oddString, fc.constantFrom('.', '..', ' ', 'a b', '-x', '_x', 'x'.repeat(121), 'x'.repeat(5000), 'not-a-uuid', '00000000-0000-0000-0000-00000000000g', 'null', 'undefined', '0', '-1', '1e309')).map((text) => ({ raw: encodeLoose(text) })) },
  { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_ESCAPES).map((raw) => ({ raw })) },
// An empty segment is another route's path (`/api/communities/` is the list), not a bad parameter.
).filter(({ raw }) => raw !== '');

function decodeParam(raw: string): string | null {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- requests

const MALFORMED_JSON = ['{', '{"a":', '[1,2', '{"a":1,}', "{'a':1}", 'nul', '"just a string"', '42', 'true', 'null', '{"a":"\\ud800', '{"a":1}{"b":2}', '{"a":NaN}', '{"a":Infinity}', '\u0000', '{"a":01}', '[,]', '{"__proto__":', '\ufeff{}'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/vnd.api+json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'];

interface Parts {
  params: Record<string, { raw: string }>;
  queryRaw: string;
  body?: string;
  contentType?: string;
  why: string;
}

function build(spec: RouteSpec, parts: Parts, limitBytes: number): FuzzRequest {
  const names = pathParams(spec.path);
  const encoded = Object.fromEntries(names.map((name) => [name, parts.params[name]?.raw ?? 'fuzz-none']));
  const target = fillPath(spec.path, encoded) + (parts.queryRaw ? `?${parts.queryRaw}` : '');
  const decoded: Record<string, string> = {};
  let refused = false;
  for (const name of names) {
    const value = decodeParam(encoded[name]!);
    if (value === null || encoded[name] === '') refused = true;
    else decoded[name] = value;
  }
  let body: unknown;
  const json = parts.contentType !== undefined && /^application\/(json|[^;]*\+json)(;\s*charset=utf-8)?$/i.test(parts.contentType);
  if (parts.body !== undefined && parts.contentType?.includes('latin1')) refused = true;
  if (parts.body !== undefined && json) {
    if (Buffer.byteLength(parts.body) > limitBytes) refused = true;
    else if (parts.body.length > 0) body = parseStrictJson(parts.body);
    if (body === REFUSED) refused = true;
  }
  const query = { ...querystring.parse(parts.queryRaw) };
  return printable({
    spec,
    method: spec.method.toUpperCase(),
    target,
    body: parts.body,
    contentType: parts.contentType,
    input: refused ? null : { params: decoded, query, body: body ?? {} },
    why: parts.why,
  });
}

/** Failing runs print as the request sent, not as the route spec's innards. */
function printable(request: FuzzRequest): FuzzRequest {
  return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
}

const REFUSED = Symbol('refused');

/** What express.json({ strict: true }) makes of a body: an object or array, or a refusal. */
function parseStrictJson(text: string): unknown {
  // The body parser decodes with the BOM stripped, then looks past JSON whitespace only.
  const decoded = text.replace(/^\ufeff/, '');
  const first = /^[ \t\n\r]*(.)/s.exec(decoded)?.[1];
  if (first !== '{' && first !== '[') return REFUSED;
  try {
    return JSON.parse(decoded);
  } catch {
    return REFUSED;
  }
}

function validParams(spec: RouteSpec): Record<string, { raw: string }> {
  return Object.fromEntries(pathParams(spec.path).map((name) => [name, { raw: 'fuzz-none' }]));
}

function requestsFor(spec: RouteSpec): fc.Arbitrary<FuzzRequest> {
  const limit = spec.bodyLimit ? Number.POSITIVE_INFINITY : DEFAULT_LIMIT_BYTES;
  const names = pathParams(spec.path);
  const plain = validParams(spec);
  const strategies: Array<fc.WeightedArbitrary<Parts>> = [
    { weight: 5, arbitrary: fc.record({ body: fc.oneof(fc.constantFrom(...MALFORMED_JSON), fc.string({ maxLength: 20 }).map((s) => `{${s}`)), contentType: fc.constant('application/json') }).map((p) => ({ ...p, params: plain, queryRaw: '', why: 'malformed JSON' })) },
  ];
  if (spec.body && spec.method !== 'get') {
    strategies.push({ weight: 40, arbitrary: fc.record({ body: badBodies(spec), contentType: fc.constantFrom(...CONTENT_TYPES.slice(0, 3)) }).map((p) => ({ params: plain, queryRaw: '', body: JSON.stringify(p.body) ?? '', contentType: p.contentType, why: 'bad body' })) });
    strategies.push({ weight: 5, arbitrary: fc.record({ body: badBodies(spec), contentType: fc.constantFrom(...CONTENT_TYPES) }).map((p) => ({ params: plain, queryRaw: '', body: JSON.stringify(p.body) ?? '', contentType: p.contentType, why: 'bad body, odd content type' })) });
    if (!spec.bodyLimit) strategies.push({ weight: 1, arbitrary: fc.constant({ params: plain, queryRaw: '', body: JSON.stringify({ name: 'x'.repeat(DEFAULT_LIMIT_BYTES + 10) }), contentType: 'application/json', why: 'oversized body' }) });
  }
  if (names.length > 0) {
    const params = fc.record(Object.fromEntries(names.map((name) => [name, fc.oneof(badParam, fc.constant({ raw: 'fuzz-none' }))])));
    strategies.push({ weight: 20, arbitrary: params.map((p) => ({ params: p, queryRaw: '', body: spec.body && spec.example !== undefined ? JSON.stringify(spec.example) : undefined, contentType: spec.body && spec.example !== undefined ? 'application/json' : undefined, why: 'bad path parameter' })) });
  }
  if (spec.query) {
    const keys = [...new Set([...shapeKeys(spec.query), 'unknown', '__proto__', 'limit[]', 'constructor', ''])];
    // Query values stay within what fits in a request line (Node refuses heads over 16 KB itself).
    const text = fc.oneof(oddString, fc.constantFrom(...BAD_DATES), fc.constantFrom(...NUMBERS).map(String), fc.integer({ min: 121, max: 3000 }).map((n) => 'x'.repeat(n)));
    const pair = fc.record({ key: fc.constantFrom(...keys), value: text });
    strategies.push({ weight: 20, arbitrary: fc.array(pair, { minLength: 1, maxLength: 4 }).map((pairs) => ({ params: plain, queryRaw: pairs.map(({ key, value }) => `${encodeLoose(key)}=${encodeLoose(value)}`).join('&'), why: 'bad query' })) });
  }
  return fc.oneof(...strategies).map((parts) => build(spec, parts, limit));
}

// ---------------------------------------------------------------- sending

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function send(port: number, agent: http.Agent, request: FuzzRequest, token: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (request.contentType) headers['content-type'] = request.contentType;
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
    const outgoing = http.request({ host: '127.0.0.1', port, method: request.method, path: request.target, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

function describeRequest(request: FuzzRequest): string {
  const body = request.body && request.body.length > 300 ? `${request.body.slice(0, 300)}… (${request.body.length} chars)` : request.body;
  return `${request.why}: ${request.method} ${request.target.slice(0, 300)} ${request.contentType ?? ''} ${body ?? ''}`;
}

/** The checks every answer to a bad request must pass. */
function checkAnswer(request: FuzzRequest, answer: Answer): void {
  const where = `${describeRequest(request)}\n→ ${answer.status} ${answer.headers['content-type'] ?? '(no content type)'} ${answer.text.slice(0, 500)}`;
  expect(answer.status, where).toBeGreaterThanOrEqual(400);
  expect(answer.status, where).toBeLessThan(500);
  expect(answer.headers['content-type'], where).toMatch(/^application\/json/);
  expect(answer.headers['x-request-id'], where).toEqual(expect.any(String));
  const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  expect(body.error?.code, where).toEqual(expect.any(String));
  expect(typeof body.error?.message === 'string' && body.error.message.length > 0, `${where}: a message`).toBe(true);
  if (answer.status === 400 && body.error?.code === 'invalid_request') {
    const details = body.error.details as Array<{ path?: unknown; message?: unknown }> | undefined;
    expect(Array.isArray(details) && details.length > 0, `${where}: details name a field`).toBe(true);
    for (const detail of details!) {
      expect(typeof detail.path === 'string' && detail.path.length > 0, `${where}: detail path ${JSON.stringify(detail)}`).toBe(true);
      expect(detail.message, where).toEqual(expect.any(String));
    }
  }
}

/** An admin or supervisor token where the route allows one, so the request gets past the role check. */
function tokenFor(spec: RouteSpec, tokens: Record<Role, string>): string | undefined {
  if (spec.roles === 'public') return undefined;
  const role = (['admin', 'supervisor', ...ROLES] as Role[]).find((candidate) => (spec.roles as readonly Role[]).includes(candidate));
  return role ? tokens[role] : undefined;
}

// ---------------------------------------------------------------- the tests

describe('bad-input fuzzing over every route', () => {
  let harness: Harness;
  let store: TestStore;
  let api: TestApi;
  let tokens: Record<Role, string>;
  let port: number;
  const agent = new http.Agent({ keepAlive: true, maxSockets: BATCH });
  const reached: string[] = [];
  const routes = allRoutes();
  const sent = new Map<string, number>();
  let before: Awaited<ReturnType<typeof storeSnapshot>>;

  beforeAll(async () => {
    harness = await startHarness({
      name: 'fuzz', seed: true, worker: false,
      env: { RATE_LIMIT_PER_MINUTE: '10000000' },
      api: { app: { routes: guardedRoutes(routes, reached, (spec) => spec.method === 'get' || isImport(spec) || spec.upload !== undefined) } },
    });
    ({ store, tokens } = harness);
    api = harness.api!;
    port = Number(new URL(api.url).port);
    before = await storeSnapshot(store.db);
  });
  afterAll(async () => {
    agent.destroy();
    await harness?.close();
  });

  const sendAll = async (batch: FuzzRequest[]) => {
    const answers = await Promise.all(batch.map((request) => send(port, agent, request, tokenFor(request.spec, tokens))));
    batch.forEach((request, index) => {
      sent.set(label(request.spec), (sent.get(label(request.spec)) ?? 0) + 1);
      checkAnswer(request, answers[index]!);
    });
  };

  it('answers every generated bad request 4xx in the error shape, never 5xx, never reaching a handler', async () => {
    const anyRequest = fc.constantFrom(...routes).chain(requestsFor)
      // Only requests the route's validation refuses: nothing here may legitimately succeed.
      .filter((request) => request.input === null || !passesValidation(request.spec, request.input));
    await fc.assert(fc.asyncProperty(fc.array(anyRequest, { minLength: BATCH, maxLength: BATCH }), sendAll), { numRuns: GENERIC_RUNS, endOnFailure: true });
    expect(reached).toEqual([]);
  }, 600_000);

  it('refuses bulk imports with bad or duplicated rows, naming each by line and field, importing nothing', async () => {
    const importRoutes = routes.filter(isImport);
    expect(importRoutes.map((spec) => spec.path).sort()).toEqual([...IMPORT_PATHS].sort());
    const schemas: Record<string, ZodType> = { '/api/communities': communityInputSchema, '/api/workers': workerInputSchema };
    const badImport = fc.constantFrom(...importRoutes).chain((spec) => {
      const row = spec.example as Record<string, Json>;
      const rows = fc.array(fc.oneof(
        { weight: 2, arbitrary: fc.constant(row) },
        { weight: 3, arbitrary: badBodies({ ...spec, example: row }) },
        { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map((suffix) => ({ ...row, id: `${row.id}-${suffix}` })) },
      ), { minLength: 1, maxLength: 6 });
      // Duplicated ids: the example row twice, or a row copied within the file.
      const withDuplicate = rows.chain((list) => fc.nat(list.length - 1).map((index) => [...list, structuredClone(list[index]!)]));
      const asCsv = (list: Json[]) => {
        const columns = [...new Set(list.flatMap((item) => (isObject(item) ? Object.keys(item) : [])))];
        // JSON text for anything but strings: String() throws on an object whose "toString" key is data.
        const text = (value: Json | undefined): string => (typeof value === 'string' ? value : Array.isArray(value) ? value.map(text).join(';') : JSON.stringify(value) ?? '');
        const cell = (value: Json | undefined) => `"${text(value).replace(/"/g, '""')}"`;
        return { csv: [columns.join(','), ...list.map((item) => columns.map((column) => cell(isObject(item) ? item[column] : undefined)).join(','))].join('\n') };
      };
      return fc.oneof(rows, withDuplicate).chain((list) => fc.constantFrom<Json>(list, asCsv(list))).map((body) => ({ spec, body }));
    }).filter(({ spec, body }) => {
      if (!passesValidation(spec, { params: {}, query: {}, body })) return true;
      try {
        validateRows(schemas[spec.path]!, Array.isArray(body) ? { json: body } : { csv: (body as { csv: string }).csv });
        return false;
      } catch (error) {
        return error instanceof ImportError;
      }
    }).map(({ spec, body }) => printable({
      spec, method: 'POST', target: spec.path, body: JSON.stringify(body), contentType: 'application/json', input: null, why: 'bad import',
    }));
    await fc.assert(fc.asyncProperty(fc.array(badImport, { minLength: BATCH, maxLength: BATCH }), sendAll), { numRuns: IMPORT_RUNS, endOnFailure: true });
  }, 300_000);

  it('sent at least 10,000 bad requests, to every route', () => {
    const total = [...sent.values()].reduce((sum, count) => sum + count, 0);
    expect(total).toBeGreaterThanOrEqual(Math.min(10_000, (GENERIC_RUNS + IMPORT_RUNS) * BATCH));
    expect(routes.map(label).filter((name) => !sent.has(name))).toEqual([]);
  });

  it('left the records store exactly as it was, and the service up', async () => {
    expect(await storeSnapshot(store.db)).toEqual(before);
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
