import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/services/api-token.js';
import { createUser } from '../../src/services/user.js';
import { createPayloadCodec } from '../../src/temporal/codec.js';
import { newPayloadKeyEntry, parsePayloadKeys } from '../../src/temporal/payload-keys.js';
import { WANMINGYUAN } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { testNamespace, testPayloadCodec } from '../helpers/temporal.js';

// The codec endpoint the Temporal UI calls: admins at the top of the org tree decode, everyone
// else is refused, browsers are answered from the UI's origin only, and every call is audited.

const UI = 'http://127.0.0.1:8233';
const note = { communityName: '万明园社区', evidence: { note: '入户走访记录' } };

const toJson = (payload: Payload) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});
const fromJson = (json: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(json.metadata).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
  data: Buffer.from(json.data, 'base64'),
});
const encrypted = async () => toJson((await testPayloadCodec().encode([defaultPayloadConverter.toPayload(note)]))[0]!);

describe('codec endpoint', () => {
  let h: Harness;
  let sessionCookie: string;

  const decode = async (options: { token?: string; headers?: Record<string, string>; body?: unknown } = {}) =>
    h.api!.call('POST', '/api/codec/decode', {
      token: options.token,
      headers: { 'x-namespace': testNamespace(), ...options.headers },
      body: options.body ?? { payloads: [await encrypted()] },
    });

  beforeAll(async () => {
    h = await startHarness({ name: 'codec-endpoint', seed: true, worker: false, env: { TEMPORAL_UI_URL: `${UI}/`, RATE_LIMIT_PER_MINUTE: '100000' } });
    await createUser(h.store.db, { username: 'root-admin', displayName: 'Root admin', password: 'a long enough password', role: 'admin', scopeId: 'cn-bj' });
    const login = await h.api!.call('POST', '/api/auth/login', { body: { username: 'root-admin', password: 'a long enough password' } });
    expect(login.status).toBe(200);
    sessionCookie = login.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('decodes payloads for an admin, as the codec server protocol says, and audits who decoded what', async () => {
    const plain = toJson(defaultPayloadConverter.toPayload({ before: 'encryption' }));
    const answer = await decode({
      token: h.tokens.admin,
      headers: { referer: `${UI}/namespaces/${testNamespace()}/workflows/station-plan%3Acn-bj-1/run-1/history` },
      body: { payloads: [await encrypted(), plain] },
    });
    expect(answer.status).toBe(200);
    const [opened, passed] = answer.body.payloads.map(fromJson);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual(note);
    expect(Buffer.from(opened.metadata.encoding).toString()).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(passed)).toEqual({ before: 'encryption' });

    const audit = await h.store.db.selectFrom('audit_log').selectAll().where('entity', '=', 'temporal_payloads').execute();
    expect(audit).toEqual([expect.objectContaining({
      actor: 'test admin', action: 'decode', entity_id: `${testNamespace()}/station-plan:cn-bj-1`, request_id: answer.headers.get('x-request-id'),
    })]);
    expect(audit[0]!.after).toEqual({
      namespace: testNamespace(), workflowId: 'station-plan:cn-bj-1', payloads: 2, undecodable: 0, keyIds: ['test-k1'], origin: null,
    });
  });

  it('encodes for an admin with the newest key, and returns a payload it cannot open as it came', async () => {
    const encoded = await h.api!.call('POST', '/api/codec/encode', {
      token: h.tokens.admin, headers: { 'x-namespace': testNamespace() }, body: { payloads: [toJson(defaultPayloadConverter.toPayload(note))] },
    });
    expect(encoded.status).toBe(200);
    const sealed = fromJson(encoded.body.payloads[0]);
    expect(Buffer.from(sealed.metadata!['encryption-key-id']!).toString()).toBe('test-k1');
    expect(defaultPayloadConverter.fromPayload((await testPayloadCodec().decode([sealed]))[0]!)).toEqual(note);

    const foreign = toJson((await createPayloadCodec(parsePayloadKeys(newPayloadKeyEntry('elsewhere'))).encode([defaultPayloadConverter.toPayload(note)]))[0]!);
    const answer = await decode({ token: h.tokens.admin, body: { payloads: [foreign] } });
    expect(answer.status).toBe(200);
    expect(answer.body.payloads).toEqual([foreign]);
    const audit = await h.store.db.selectFrom('audit_log').select(['action', 'after']).where('entity', '=', 'temporal_payloads').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ undecodable: 1, keyIds: ['elsewhere'] });
  });

  it('refuses every other role (403), an admin of one community (403), and a missing or unknown token (401)', async () => {
    for (const role of ['supervisor', 'station_lead', 'social_worker', 'viewer'] as const) {
      const answer = await decode({ token: h.tokens[role] });
      expect(answer.status, role).toBe(403);
      expect(answer.body.error).toMatchObject({ code: 'forbidden', reason: 'codec_admins_only' });
    }
    const communityAdmin = (await createToken(h.store.db, { name: 'community admin', role: 'admin', scopeId: WANMINGYUAN })).token;
    expect((await decode({ token: communityAdmin })).body.error).toMatchObject({ code: 'forbidden', reason: 'codec_scope_too_narrow' });

    const anonymous = await decode();
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthorized');
    expect((await decode({ token: 'sg_not-a-token' })).status).toBe(401);
    expect((await decode({ headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } })).status).toBe(401);

    const refused = await h.store.db.selectFrom('audit_log').select('actor').where('entity', '=', 'temporal_payloads').where('actor', '!=', 'test admin').execute();
    expect(refused).toEqual([]);
  });

  it('answers a CORS preflight from the UI origin with credentials allowed, and refuses other origins', async () => {
    const preflight = (origin: string) => h.api!.call('OPTIONS', '/api/codec/decode', {
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
    const allowed = await preflight(UI);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    expect(allowed.headers.get('access-control-allow-headers')!.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['content-type', 'x-namespace']));

    for (const origin of ['http://evil.example', 'http://127.0.0.1:8234', 'null']) {
      const refused = await preflight(origin);
      expect(refused.status, origin).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    }
    const crossPost = await decode({ token: h.tokens.admin, headers: { origin: 'http://evil.example' } });
    expect(crossPost.status).toBe(403);
    expect(crossPost.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('takes the dashboard session cookie on requests from the UI origin only', async () => {
    const fromUi = await decode({ headers: { origin: UI, cookie: sessionCookie } });
    expect(fromUi.status).toBe(200);
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(UI);
    expect(defaultPayloadConverter.fromPayload(fromJson(fromUi.body.payloads[0]))).toEqual(note);
    const audit = await h.store.db.selectFrom('audit_log').select(['actor', 'after']).where('entity', '=', 'temporal_payloads').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.actor).toBe('root-admin');
    expect(audit.after).toMatchObject({ origin: UI });

    // Without the UI's Origin (a same-site form, curl) the cookie counts for nothing here.
    expect((await decode({ headers: { cookie: sessionCookie } })).status).toBe(403);
    // A 401 to the UI is still readable by it, so it can show why.
    const signedOut = await decode({ headers: { origin: UI } });
    expect(signedOut.status).toBe(401);
    expect(signedOut.headers.get('access-control-allow-origin')).toBe(UI);
  });

  it('takes an empty X-Namespace, as the Temporal CLI sends it, as the configured namespace', async () => {
    const answer = await decode({ token: h.tokens.admin, headers: { 'x-namespace': '' } });
    expect(answer.status).toBe(200);
    expect(defaultPayloadConverter.fromPayload(fromJson(answer.body.payloads[0]))).toEqual(note);
    const audit = await h.store.db.selectFrom('audit_log').select('entity_id').where('entity', '=', 'temporal_payloads').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit.entity_id).toBe(testNamespace());
  });

  it('validates the body and allows POST only', async () => {
    const bad = await decode({ token: h.tokens.admin, body: { payloads: [{ data: 'not base64!' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.payloads.0.data']);
    expect((await h.api!.call('GET', '/api/codec/decode', { token: h.tokens.admin })).status).toBe(405);
  });
});
