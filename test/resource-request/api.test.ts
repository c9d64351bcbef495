import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { createToken } from '../../src/services/api-token.js';
import { WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// A resource request over HTTP and the CLI, with the worker killed twice: once while a reminder
// falls due (it goes out once, after the restart), once while a supervisor's answer is in flight
// (the answer waits for the new worker and is applied once). Roles and scope: a station lead
// opens and delivers but never matches, another station sees nothing, a viewer reads counts only;
// bad input answers 400 naming the field.

describe('resource requests over HTTP and the CLI, across worker restarts', () => {
  let harness: Harness;
  let api: TestApi;
  let tokens: Harness['tokens'];
  let otherLead: string;
  let dir: string;

  beforeAll(async () => {
    harness = await startHarness({ name: 'resource-request-api', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    api = harness.api!;
    tokens = harness.tokens;
    otherLead = (await createToken(harness.store.db, { name: 'yushuguan lead', role: 'station_lead', scopeId: YUSHUGUAN, workerId: 'w-yushuguan-lead' })).token;
    dir = mkdtempSync(join(tmpdir(), 'shegong-requests-'));
  }, 300_000);
  afterAll(() => harness?.close());

  const cli = async (args: string[], token: string) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli([...args, '--json'], { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; }, env: { SHEGONG_URL: api.url, SHEGONG_TOKEN: token } });
    return { code, stdout, stderr, json: () => JSON.parse(stdout) };
  };
  const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
  const notices = (id: string) => harness.store.db.selectFrom('notifications').select(['recipient_id', 'kind'])
    .where('workflow_id', '=', `resource-request:${id}`).where('channel', '=', 'inbox').execute();

  it('refuses bad input by field and keeps each role to its part', async () => {
    const bad = await api.call('POST', '/api/resource-requests', { token: tokens.station_lead, body: { communityId: WANMINGYUAN, theme: 'gardening', need: 'x', quantity: 0, unit: '人', neededBy: at(60) } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((problem: { path: string }) => problem.path).sort()).toEqual(['body.quantity', 'body.theme']);
    const past = await api.call('POST', '/api/resource-requests', { token: tokens.station_lead, body: { communityId: WANMINGYUAN, theme: 'elderly', need: 'x', quantity: 1, unit: '人', neededBy: at(-60) } });
    expect(past.status).toBe(400);
    expect(past.body.error).toMatchObject({ reason: 'needed_by_past', details: [{ path: 'body.neededBy' }] });
    expect((await api.call('POST', '/api/resource-requests', { token: otherLead, body: { communityId: WANMINGYUAN, theme: 'elderly', need: 'x', quantity: 1, unit: '人', neededBy: at(600) } })).status).toBe(404);
    const script = await api.call('POST', '/api/resource-requests/rr-none/deliver', { token: tokens.station_lead, body: { note: '送达', link: 'javascript:alert(document.cookie)' } });
    expect(script.status).toBe(400);
    expect(script.body.error.details).toMatchObject([{ path: 'body.link' }]);
    expect((await api.call('GET', '/api/resource-requests', { token: tokens.viewer })).status).toBe(403);
    expect((await api.call('GET', '/api/resource-requests/summary', { token: tokens.viewer })).status).toBe(200);
  });

  it('sends a reminder due while the worker is down once, applies an answer sent while it is down once, and closes', async () => {
    const id = `rr-api-${Date.now().toString(36)}`;
    const file = join(dir, `${id}.json`);
    writeFileSync(file, JSON.stringify({ id, communityId: WANMINGYUAN, theme: 'disabled', need: '无障碍坡道临时借用', quantity: 2, unit: '套', matchBy: at(50), neededBy: at(150), reminderOffsetsSeconds: [25] }));
    const opened = await cli(['request', 'open', file], tokens.station_lead);
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.json()).toMatchObject({ id, phase: 'open', workflowId: `resource-request:${id}` });
    const matched = await cli(['request', 'match', id, '--match', 'social_org:助残服务社:010-0000', '--match', 'resource:爱心企业捐赠'], tokens.supervisor);
    expect(matched.code, matched.stderr).toBe(0);
    const [first, second] = matched.json().matches as Array<{ matchId: string; kind: string; name: string; ref: string }>;
    expect([first, second].map((match) => [match!.kind, match!.name, match!.ref])).toEqual([['social_org', '助残服务社', '010-0000'], ['resource', '爱心企业捐赠', '']]);

    // Scope and roles on a real request.
    expect((await api.call('GET', `/api/resource-requests/${id}`, { token: otherLead })).status).toBe(404);
    expect((await api.call('POST', `/api/resource-requests/${id}/matches`, { token: tokens.station_lead, body: { matches: [{ kind: 'other', name: 'x' }] } })).status).toBe(403);
    const badKind = await api.call('POST', `/api/resource-requests/${id}/matches`, { token: tokens.supervisor, body: { matches: [{ kind: 'company', name: 'x' }] } });
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.details[0].path).toBe('body.matches.0.kind');
    const summary = await api.call('GET', '/api/resource-requests/summary', { token: tokens.viewer });
    expect(summary.body.byPhase).toEqual(expect.arrayContaining([expect.objectContaining({ phase: 'matched' })]));
    expect(JSON.stringify(summary.body)).not.toContain('助残服务社');

    // Killed while the center's reminder (25 s from the start) falls due; a new worker sends it, once.
    await harness.stopWorker();
    await sleep(Math.max(0, Date.parse(opened.json().matchBy) - 25_000 - Date.now()) + 3_000);
    expect(await notices(id)).toEqual([]);
    await harness.restartWorker();
    await eventually('the reminder after the restart', async () => (await notices(id)).length === 1, { timeoutMs: 60_000, everyMs: 500 });

    // Killed again while the supervisor records a confirmation: the answer waits for the new worker.
    await harness.stopWorker();
    const answering = api.call('POST', `/api/resource-requests/${id}/matches/${second!.matchId}/answer`, { token: tokens.supervisor, body: { response: 'confirmed', note: '周五送达' } });
    await sleep(2_000);
    await harness.restartWorker();
    const answered = await answering;
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    expect(answered.body.phase).toBe('confirmed');

    const declined = await cli(['request', 'answer', id, first!.matchId, '--decline', '--note', '本周无车辆'], tokens.supervisor);
    expect(declined.code, declined.stderr).toBe(0);
    const delivered = await cli(['request', 'deliver', id, '--note', '2 套坡道已送达并安装', '--link', 'https://example.org/receipt/2'], tokens.station_lead);
    expect(delivered.code, delivered.stderr).toBe(0);
    expect(delivered.json()).toMatchObject({ phase: 'delivered', delivery: { note: '2 套坡道已送达并安装', link: 'https://example.org/receipt/2' } });
    expect((await cli(['request', 'close', id, '--note', '居民满意'], tokens.station_lead)).code).toBe(0);
    const late = await cli(['request', 'cancel', id, '--reason', '太晚了'], tokens.supervisor);
    expect(late.code).toBe(1);
    expect(`${late.stdout}${late.stderr}`).toContain('request_wrong_phase');

    const final = (await cli(['request', 'status', id], tokens.supervisor)).json();
    expect(final.phase).toBe('closed');
    expect(final.matches.map((match: { status: string }) => match.status)).toEqual(['declined', 'confirmed']);
    const steps = (final.events as Array<{ step: string }>).map((event) => event.step);
    expect(steps.filter((step) => step === `confirmed:${second!.matchId}`)).toHaveLength(1);
    expect(steps.filter((step) => step === 'deliver')).toHaveLength(1);
    expect((await harness.client.workflow.getHandle(`resource-request:${id}`).result()).phase).toBe('closed');
    // Nothing twice: the one reminder to the center, no escalation (the match confirmed before its date).
    expect((await notices(id)).map((notice) => `${notice.kind}→${notice.recipient_id}`)).toEqual(['resource_request_reminder→w-zhanlanlu-supervisor-01']);
  }, 240_000);
});
