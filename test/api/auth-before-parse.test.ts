import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/types.js';
import { type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// The token or session is checked before a byte of the body is read. Before, JSON bodies were
// parsed (and gunzipped) first: ten anonymous gzip bombs of nested "[" to an import route delayed
// /healthz by seconds. The proof here does not time anything: a request whose body never finishes
// is answered 401 (or 403) all the same, which only happens when nothing waited for the body.

interface Answer {
  status: number;
  body: { error?: { code?: string } };
}

/** Sends the headers and the first bytes of a body announced as `length` bytes, and never the rest. */
function halfSent(url: string, path: string, headers: Record<string, string>, length: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['body'] });
        req.destroy();
      });
    });
    req.on('error', reject);
    // Abandoned rather than awaited for ever: without an answer the test fails here.
    req.setTimeout(20_000, () => req.destroy(new Error('no answer while the body was still arriving')));
    req.write('[[[[[[[[');
  });
}

describe('authentication before parsing', () => {
  let harness: Harness;
  let api: TestApi;
  let tokens: Record<Role, string>;

  beforeAll(async () => {
    // No workflow runs here: the API alone, over the default data, with a token per role.
    harness = await startHarness({ name: 'auth-before-parse', seed: true, worker: false });
    ({ tokens } = harness);
    api = harness.api!;
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('answers 401 to an anonymous request before its body has arrived', async () => {
    const answer = await halfSent(api.url, '/api/workers', {}, 4_000_000);
    expect(answer.status).toBe(401);
    expect(answer.body.error?.code).toBe('unauthorized');
    const forged = await halfSent(api.url, '/api/communities', { authorization: 'Bearer sg_not-a-token' }, 4_000_000);
    expect(forged.status).toBe(401);
  });

  it('answers 403 to a role the route does not let through before its body has arrived (import-sized bodies are for importers)', async () => {
    for (const role of ['station_lead', 'social_worker', 'viewer', 'supervisor'] as const) {
      const answer = await halfSent(api.url, '/api/workers', { authorization: `Bearer ${tokens[role]}` }, 4_000_000);
      expect(answer.status, role).toBe(403);
    }
  });

  it('refuses anonymous gzip bombs of nested "[" without inflating them, and /healthz answers throughout', async () => {
    const bomb = gzipSync(Buffer.alloc(4_000_000, '['));
    const attempts = await Promise.all(Array.from({ length: 10 }, () => fetch(`${api.url}/api/workers`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb,
    })));
    expect(attempts.map((answer) => answer.status)).toEqual(Array(10).fill(401));
    expect((await fetch(`${api.url}/healthz`)).status).toBeLessThan(600);
  });

  it('gives an admin the import-sized limit on an import route and the default limit elsewhere', async () => {
    const rows = Array.from({ length: 3000 }, (_, index) => ({ id: `w-big-${index}`, orgUnitId: 'nowhere', communityId: 'nowhere', name: 'x'.repeat(100), position: 'social_worker' }));
    const big = JSON.stringify(rows);
    expect(big.length).toBeGreaterThan(300_000);
    const imported = await api.call('POST', '/api/workers', { token: tokens.admin, raw: big });
    expect(imported.status).not.toBe(413);
    const elsewhere = await api.call('POST', '/api/venture-projects', { token: tokens.admin, raw: JSON.stringify({ padding: 'x'.repeat(300_000) }) });
    expect(elsewhere.status).toBe(413);
  });

  it('still reads the body of a public route (signing in), with a small limit', async () => {
    const wrong = await api.call('POST', '/api/auth/login', { body: { username: 'nobody', password: 'not the password' } });
    expect(wrong.status).toBe(401);
    const huge = await api.call('POST', '/api/auth/login', { raw: JSON.stringify({ username: 'x', password: 'y'.repeat(20_000) }) });
    expect(huge.status).toBe(413);
  });
});
