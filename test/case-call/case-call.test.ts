import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/services/api-token.js';
import { STREET, WANMINGYUAN, YUSHUGUAN, type TestApi } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { multipart, pngBytes } from '../helpers/files.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { saveHistoryIfRequested } from '../helpers/histories.js';

// A case call run end to end through the API with deadlines seconds apart: stations save drafts,
// submit with a photo and withdraw; the deadline moves (recorded); reminders go to the station
// that never submitted and the deadline escalates to the center supervisor; the worker is killed
// and restarted mid-call and nothing is sent or written twice; reviewers score, never their own
// station's case, without seeing each other's scores until the review closes; the supervisor
// selects against the proposal with a reason and publishes; the collection's PDF (read back with
// pdftotext) holds the selected titles in Chinese.

const HONGMAOGOU = 'cn-bj-xicheng-zhanlanlu-hongmaogou';
const SCORES = (base: number) => ({ needs_assessment: base, professional_method: base, outcomes_evidence: base, innovation: base - 1, replicability: base - 1 });

describe('a case call from opening to the published collection', () => {
  let harness: Harness;
  let api: TestApi;
  let tokens: Harness['tokens'];
  let yushuguanLead: string;

  beforeAll(async () => {
    harness = await startHarness({ name: 'case-call', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    api = harness.api!;
    tokens = harness.tokens;
    yushuguanLead = (await createToken(harness.store.db, { name: 'yushuguan lead', role: 'station_lead', scopeId: YUSHUGUAN, workerId: 'w-yushuguan-lead' })).token;
  }, 300_000);
  afterAll(() => harness?.close());

  const ok = (answer: { status: number; body: unknown }, status = 200) => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    return answer.body as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

  it('runs submissions, reminders, escalation, a worker restart, review, selection and publication', async () => {
    const callId = `call-e2e-${Date.now().toString(36)}`;
    const opened = ok(await api.call('POST', '/api/case-calls', {
      token: tokens.supervisor,
      body: {
        id: callId, title: { zh: '展览路优秀案例征集', en: 'Zhanlanlu excellent cases' }, kinds: ['casework', 'community'], orgUnitId: STREET,
        stationIds: [WANMINGYUAN, YUSHUGUAN, HONGMAOGOU], submissionDeadline: at(40), reviewDeadline: at(150),
        panel: ['w-zhanlanlu-supervisor-01', 'w-yushuguan-lead'], selectPerKind: 1, reminderOffsetsSeconds: [15], spreadThreshold: 30,
      },
    }), 201);
    expect(opened).toMatchObject({ id: callId, phase: 'submission', workflowId: `case-call:${callId}`, rubric: { source: 'project_default' } });
    expect(opened.panel).toEqual([{ reviewerId: 'w-zhanlanlu-supervisor-01', stationId: null }, { reviewerId: 'w-yushuguan-lead', stationId: YUSHUGUAN }]);

    // Wanmingyuan: a draft, then edited and submitted with a photo; another case submitted and withdrawn.
    const draft = ok(await api.call('POST', `/api/case-calls/${callId}/cases`, {
      token: tokens.station_lead, body: { caseId: `${callId}-a`, communityId: WANMINGYUAN, kind: 'community', title: '楼道草稿' },
    }));
    expect(draft).toMatchObject({ status: 'draft', revision: 1 });
    const photo = multipart([{ name: '议事会.png', content: pngBytes() }]);
    const upload = await fetch(`${api.url}/api/case-calls/${callId}/cases/${callId}-a/attachments`, {
      method: 'POST', headers: { authorization: `Bearer ${tokens.station_lead}`, 'content-type': photo.contentType }, body: photo.body,
    });
    expect(upload.status).toBe(201);
    const attachmentId = ((await upload.json()) as { items: Array<{ id: string }> }).items[0]!.id;
    // Another station's reviewer does not read the case's files while submissions are open.
    expect(ok(await api.call('GET', `/api/attachments?ownerKind=case&ownerId=${callId}-a`, { token: yushuguanLead })).items).toEqual([]);
    const submitted = ok(await api.call('POST', `/api/case-calls/${callId}/cases`, {
      token: tokens.station_lead,
      body: { caseId: `${callId}-a`, communityId: WANMINGYUAN, kind: 'community', title: '我的楼道我的家', background: '老旧小区楼道堆物', outcomes: '清理楼道 36 个', submit: true },
    }));
    expect(submitted).toMatchObject({ status: 'submitted', revision: 2, attachmentIds: [attachmentId] });
    ok(await api.call('POST', `/api/case-calls/${callId}/cases`, { token: tokens.station_lead, body: { caseId: `${callId}-d`, communityId: WANMINGYUAN, kind: 'casework', title: '撤回的案例', submit: true } }));
    expect(ok(await api.call('POST', `/api/case-calls/${callId}/cases/${callId}-d/withdraw`, { token: tokens.station_lead, body: { reason: '居民撤回同意' } }))).toMatchObject({ status: 'withdrawn' });
    // Yushuguan submits a casework case; it cannot write for Wanmingyuan.
    ok(await api.call('POST', `/api/case-calls/${callId}/cases`, { token: yushuguanLead, body: { caseId: `${callId}-b`, communityId: YUSHUGUAN, kind: 'casework', title: '榆树常青：独居老人个案', submit: true } }));
    expect((await api.call('POST', `/api/case-calls/${callId}/cases`, { token: yushuguanLead, body: { caseId: `${callId}-x`, communityId: WANMINGYUAN, kind: 'casework', title: 'x' } })).status).toBe(404);
    // A kind the call does not take, and a score before the review, are refused.
    expect((await api.call('POST', `/api/case-calls/${callId}/cases`, { token: tokens.station_lead, body: { communityId: WANMINGYUAN, kind: 'group', title: 'x' } })).status).toBe(400);
    expect((await api.call('POST', `/api/case-calls/${callId}/cases/${callId}-a/scores`, { token: tokens.supervisor, body: { scores: SCORES(8), comment: 'early' } })).status).toBe(409);

    // The deadline moves later, recorded with its reason.
    const call = ok(await api.call('GET', `/api/case-calls/${callId}`, { token: tokens.supervisor }));
    const later = new Date(Date.parse(call.submissionDeadline) + 5_000).toISOString();
    const extended = ok(await api.call('POST', `/api/case-calls/${callId}/extend`, { token: tokens.supervisor, body: { phase: 'submission', deadline: later, reason: '站点申请延期' } }));
    expect(extended.submissionDeadline).toBe(later);
    expect(extended.events.map((event: { step: string }) => event.step)).toEqual(expect.arrayContaining([`extend:submission:${Date.parse(later)}`, `withdraw:${callId}-d`]));

    // The worker dies and a new one takes over before the reminder and the deadline.
    await harness.restartWorker();

    const review = await eventually('the review phase', async () => {
      const answer = await api.call('GET', `/api/case-calls/${callId}`, { token: tokens.supervisor });
      return answer.body.phase === 'review' && answer.body;
    }, { timeoutMs: 200_000, everyMs: 1000 });
    expect([...review.toScore].sort()).toEqual([`${callId}-a`, `${callId}-b`]);
    // In review a reviewer reads the files of the cases they score, from any station; removing them stays the station's.
    expect(ok(await api.call('GET', `/api/attachments?ownerKind=case&ownerId=${callId}-a`, { token: yushuguanLead })).items.map((file: { id: string }) => file.id)).toEqual([attachmentId]);
    expect((await fetch(`${api.url}/api/attachments/${attachmentId}/content`, { headers: { authorization: `Bearer ${yushuguanLead}` } })).status).toBe(200);
    expect((await api.call('POST', `/api/attachments/${attachmentId}/remove`, { token: yushuguanLead })).status).toBe(404);
    expect((await api.call('POST', `/api/case-calls/${callId}/cases`, { token: tokens.station_lead, body: { caseId: `${callId}-a`, communityId: WANMINGYUAN, kind: 'community', title: 'late' } })).status).toBe(409);
    // The escalation follows the phase change: wait for it.
    await eventually('the reminder and the escalation', async () => {
      const notices = await harness.store.db.selectFrom('notifications').select(['recipient_id', 'kind']).where('workflow_id', '=', `case-call:${callId}`).where('channel', '=', 'inbox').execute();
      expect(notices.filter((n) => n.kind === 'case_call_reminder').map((n) => n.recipient_id)).toEqual(['w-hongmaogou-lead']);
      expect(notices.filter((n) => n.kind === 'case_call_escalation').map((n) => n.recipient_id)).toEqual(['w-zhanlanlu-supervisor-01']);
      return true;
    }, { timeoutMs: 60_000 });

    // Review: never one's own station's case; one's own scores only until the review closes.
    expect((await api.call('POST', `/api/case-calls/${callId}/cases/${callId}-b/scores`, { token: yushuguanLead, body: { scores: SCORES(9), comment: '自己站' } })).body.error.reason).toBe('own_station_case');
    expect((await api.call('POST', `/api/case-calls/${callId}/cases/${callId}-a/scores`, { token: yushuguanLead, body: { scores: { ...SCORES(9), innovation: 11 }, comment: 'x' } })).status).toBe(400);
    ok(await api.call('POST', `/api/case-calls/${callId}/cases/${callId}-a/scores`, { token: yushuguanLead, body: { scores: SCORES(9), comment: '评估扎实' } }));
    ok(await api.call('POST', `/api/case-calls/${callId}/cases/${callId}-a/scores`, { token: tokens.supervisor, body: { scores: SCORES(5), comment: '成效可再量化' } }));
    ok(await api.call('POST', `/api/case-calls/${callId}/cases/${callId}-b/scores`, { token: tokens.supervisor, body: { scores: SCORES(7), comment: '方法规范' } }));
    const duringReview = ok(await api.call('GET', `/api/case-calls/${callId}`, { token: tokens.supervisor }));
    expect(duringReview.reviews.map((r: { reviewerId: string }) => r.reviewerId)).toEqual(['w-zhanlanlu-supervisor-01', 'w-zhanlanlu-supervisor-01']);
    expect(duringReview.results).toBeNull();
    expect((ok(await api.call('GET', `/api/case-calls/${callId}`, { token: yushuguanLead }))).reviews).toHaveLength(1);

    const selection = await eventually('the selection phase', async () => {
      const answer = await api.call('GET', `/api/case-calls/${callId}`, { token: tokens.supervisor });
      return answer.body.phase === 'selection' && answer.body;
    }, { timeoutMs: 200_000, everyMs: 1000 });
    expect(selection.reviews).toHaveLength(3);
    const resultA = selection.results.find((r: { caseId: string }) => r.caseId === `${callId}-a`);
    // The call's own threshold (30) is the one applied, in the results and the score export alike.
    expect(selection.spreadThreshold).toBe(30);
    expect(resultA).toMatchObject({ reviews: 2, spreadFlagged: resultA.spread > 30 });
    expect(resultA.spread).toBeGreaterThan(20);
    const scoreExport = await api.call('GET', `/api/exports/case-calls/${callId}/scores?format=csv`, { token: tokens.supervisor });
    expect(scoreExport.status).toBe(200);
    expect(String(scoreExport.body)).toContain('极差>30');
    expect(selection.proposed).toEqual([`${callId}-b`, `${callId}-a`]);

    // The supervisor's choice is theirs: another order, with a reason; then publication.
    ok(await api.call('POST', `/api/case-calls/${callId}/selection`, { token: tokens.supervisor, body: { caseIds: [`${callId}-a`, `${callId}-b`], reason: '社区工作案例更具示范性' } }));
    const published = ok(await api.call('POST', `/api/case-calls/${callId}/publish`, { token: tokens.supervisor, body: {} }));
    expect(published).toMatchObject({ phase: 'published', selection: { caseIds: [`${callId}-a`, `${callId}-b`], proposed: [`${callId}-b`, `${callId}-a`], reason: '社区工作案例更具示范性' } });

    const collection = ok(await api.call('GET', `/api/case-calls/${callId}/collection`, { token: tokens.viewer }));
    expect(collection.items.map((item: { title: string; order: number }) => [item.order, item.title])).toEqual([[1, '我的楼道我的家'], [2, '榆树常青：独居老人个案']]);
    expect(JSON.stringify(collection)).not.toContain('评估扎实');
    const viewerCall = ok(await api.call('GET', `/api/case-calls/${callId}`, { token: tokens.viewer }));
    expect(viewerCall.panel).toBeUndefined();
    expect(viewerCall.reviews).toEqual([]);

    const pdf = await fetch(`${api.url}/api/case-calls/${callId}/collection.pdf`, { headers: { authorization: `Bearer ${tokens.viewer}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const file = join(mkdtempSync(join(tmpdir(), 'shegong-collection-')), 'collection.pdf');
    writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('展览路优秀案例征集');
    expect(text).toContain('我的楼道我的家');
    expect(text).toContain('榆树常青：独居老人个案');
    expect(text).not.toContain('撤回的案例');

    const handle = harness.client.workflow.getHandle(`case-call:${callId}`);
    expect((await handle.result()).phase).toBe('published');
    // Nothing twice after the restart: one reminder, one escalation per deadline.
    const after = await harness.store.db.selectFrom('notifications').select(['recipient_id', 'kind']).where('workflow_id', '=', `case-call:${callId}`).where('channel', '=', 'inbox').execute();
    expect(after.filter((n) => n.kind === 'case_call_reminder')).toHaveLength(1);
    expect(after.filter((n) => n.kind === 'case_call_escalation')).toHaveLength(2);
    await saveHistoryIfRequested(harness.client, `case-call:${callId}`, 'caseCall--submit-review-publish');
  }, 400_000);

  it('records a cancellation with its reason and refuses changes after it', async () => {
    const callId = `call-cancel-${Date.now().toString(36)}`;
    ok(await api.call('POST', '/api/case-calls', {
      token: tokens.supervisor,
      body: { id: callId, title: { zh: '取消的征集' }, kinds: ['group'], stationIds: [WANMINGYUAN], submissionDeadline: at(3600), reviewDeadline: at(7200), panel: ['w-zhanlanlu-supervisor-01'], selectPerKind: 1 },
    }), 201);
    ok(await api.call('POST', `/api/case-calls/${callId}/cases`, { token: tokens.station_lead, body: { caseId: `${callId}-a`, communityId: WANMINGYUAN, kind: 'group', title: '小组' } }));
    const cancelled = ok(await api.call('POST', `/api/case-calls/${callId}/cancel`, { token: tokens.supervisor, body: { reason: '并入区级征集' } }));
    expect(cancelled).toMatchObject({ phase: 'cancelled', cancelReason: '并入区级征集' });
    expect(cancelled.events.map((event: { step: string }) => event.step)).toContain('cancel');
    expect((await api.call('POST', `/api/case-calls/${callId}/cases`, { token: tokens.station_lead, body: { caseId: `${callId}-a`, communityId: WANMINGYUAN, kind: 'group', title: 'x' } })).status).toBe(409);
    expect((await harness.client.workflow.getHandle(`case-call:${callId}`).result()).phase).toBe('cancelled');
    expect((await api.call('GET', `/api/case-calls/${callId}/collection`, { token: tokens.supervisor })).status).toBe(404);
    await saveHistoryIfRequested(harness.client, `case-call:${callId}`, 'caseCall--cancelled');
  }, 120_000);
});
