import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toApiError } from '../../src/api/errors.js';
import { conflict, DomainError, ErrorType, forbidden, invalid, notFound, unavailable } from '../../src/domain/errors.js';
import { shanghaiDate, addDays } from '../../src/domain/time.js';
import { workflowIds } from '../../src/domain/workflow-ids.js';
import { WANMINGYUAN, YUSHUGUAN } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// One failure, one answer: the central mapping (src/api/errors.ts) decides every status, so the
// same failure answers the same status on every route that can meet it.

const updateFailed = (type: string, detail?: unknown) =>
  new WorkflowUpdateFailedError('update failed', ApplicationFailure.nonRetryable('refused', type, ...(detail ? [detail] : [])));

describe('the one error mapping', () => {
  const table: Array<{ failure: string; error: unknown; status: number; code: string; reason?: string }> = [
    { failure: 'domain not found', error: notFound('thing', { reason: 'thing_not_found' }), status: 404, code: 'not_found', reason: 'thing_not_found' },
    { failure: 'domain conflict', error: conflict('busy', { reason: 'busy' }), status: 409, code: 'conflict', reason: 'busy' },
    { failure: 'domain invalid', error: invalid([{ path: 'body.x', message: 'bad' }], { reason: 'x_bad' }), status: 400, code: 'invalid_request', reason: 'x_bad' },
    { failure: 'domain forbidden', error: forbidden('no', { reason: 'out_of_scope' }), status: 403, code: 'forbidden', reason: 'out_of_scope' },
    { failure: 'domain unavailable', error: unavailable('down'), status: 503, code: 'unavailable' },
    { failure: 'workflow ended', error: new WorkflowNotFoundError('gone', 'station-plan:x', undefined), status: 409, code: 'conflict', reason: 'workflow_not_running' },
    { failure: 'workflow already running', error: new WorkflowExecutionAlreadyStartedError('taken', 'station-plan:x', 'stationPlan'), status: 409, code: 'conflict', reason: 'workflow_already_running' },
    { failure: 'update refused: not found', error: updateFailed(ErrorType.NotFound), status: 404, code: 'not_found' },
    { failure: 'update refused: invalid input', error: updateFailed(ErrorType.InvalidInput), status: 400, code: 'invalid_request' },
    { failure: 'update refused: conflict', error: updateFailed(ErrorType.Conflict, { reason: 'stage_not_started', values: { stage: 'support' } }), status: 409, code: 'conflict', reason: 'stage_not_started' },
    { failure: 'update failed in an activity', error: new WorkflowUpdateFailedError('update failed', new ActivityFailure('failed', 'mirrorPlan', '1', RetryState.NON_RETRYABLE_FAILURE, undefined)), status: 503, code: 'unavailable' },
    { failure: 'store unreachable', error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }), status: 503, code: 'unavailable' },
    { failure: 'anything else', error: new Error('boom'), status: 500, code: 'internal' },
  ];
  for (const row of table) {
    it(`answers ${row.status} ${row.code} for ${row.failure}`, () => {
      const answer = toApiError(row.error);
      expect(answer.status).toBe(row.status);
      expect(answer.body().error).toMatchObject({ code: row.code, ...(row.reason ? { reason: row.reason } : {}) });
    });
  }

  it('keeps a workflow refusal\'s reason and values', () => {
    const answer = toApiError(updateFailed(ErrorType.Conflict, { reason: 'stage_not_started', values: { stage: 'support' } }));
    expect(answer.body().error).toMatchObject({ reason: 'stage_not_started', values: { stage: 'support' } });
    expect(toApiError(new DomainError('conflict', 'x', { values: { id: 'a' } })).body().error).toMatchObject({ values: { id: 'a' } });
  });
});

describe('the same failure, the same status, on every route that meets it', () => {
  let harness: Harness;
  let call: NonNullable<Harness['api']>['call'];
  const started: string[] = [];
  const today = shanghaiDate(new Date());
  const PLACEHOLDER = 'cn-bj-xicheng-zhanlanlu-placeholder-14';
  const CYCLE = `err-map-${Date.now().toString(36)}`;

  beforeAll(async () => {
    harness = await startHarness({ name: 'error-mapping', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    call = harness.api!.call;
    const { tokens } = harness;
    // A plan, a rollout and a cycle whose records say "running"; then their workflows end behind
    // the service's back (terminated), as a workflow that ended early would.
    expect((await call('POST', `/api/stations/${WANMINGYUAN}/plan`, { token: tokens.supervisor, body: {} })).status).toBe(201);
    const milestones = { site: { targetDate: addDays(today, 7) }, staffing: { targetDate: addDays(today, 14) }, fit_out: { targetDate: addDays(today, 30) }, opening: { targetDate: addDays(today, 45) } };
    expect((await call('POST', `/api/rollout/${PLACEHOLDER}`, { token: tokens.supervisor, body: { milestones } })).status).toBe(201);
    const startsAt = Date.now() + 3 * 86_400_000;
    const launch = await call('POST', '/api/training-cycles', {
      token: tokens.supervisor,
      body: {
        id: CYCLE, name: 'error mapping',
        cohort: { workerIds: ['w-wanmingyuan-sw1'] },
        sessions: [{ id: `${CYCLE}-s1`, dimension: 'party_policy', level: 1, startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 3_600_000).toISOString(), place: 'p', trainer: 't', capacity: 5 }],
        assessment: { passMark: 60, retakeWindowSeconds: 60 },
      },
    });
    expect(launch.status).toBe(201);
    started.push(workflowIds.stationPlan(WANMINGYUAN), workflowIds.stationRollout(PLACEHOLDER), workflowIds.trainingCycle(CYCLE));
    for (const id of started) await harness.client.workflow.getHandle(id).terminate('ended behind the service\'s back');
  });
  afterAll(async () => {
    await harness?.close();
  });

  const sessionBody = () => {
    const startsAt = Date.now() + 5 * 86_400_000;
    return { startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 3_600_000).toISOString(), reason: 'room change' };
  };

  it('answers 409 workflow_not_running on every route whose record exists but whose workflow has ended', async () => {
    const routes: Array<[string, string, unknown]> = [
      ['POST', `/api/stations/${WANMINGYUAN}/plan/tasks/g-posts/complete`, { evidence: { note: 'done', links: [] } }],
      ['POST', `/api/stations/${WANMINGYUAN}/plan/stages/guide/sign-off`, {}],
      ['POST', `/api/stations/${WANMINGYUAN}/plan/pause`, { reason: 'x' }],
      ['POST', `/api/stations/${WANMINGYUAN}/plan/cancel`, { reason: 'x' }],
      ['POST', `/api/rollout/${PLACEHOLDER}/milestones/site/complete`, { evidence: { note: 'site found', links: [] } }],
      ['POST', `/api/rollout/${PLACEHOLDER}/milestones/opening/replan`, { targetDate: addDays(today, 60), reason: 'late' }],
      ['POST', `/api/training-cycles/${CYCLE}/participants`, { withdraw: ['w-wanmingyuan-sw1'] }],
      ['POST', `/api/training-cycles/${CYCLE}/sessions/${CYCLE}-s1/move`, sessionBody()],
      ['POST', `/api/training-cycles/${CYCLE}/cancel`, { reason: 'x' }],
    ];
    const answers = [];
    for (const [method, path, body] of routes) {
      const { status, body: answer } = await call(method, path, { token: harness.tokens.supervisor, body });
      answers.push({ path, status, reason: answer?.error?.reason });
    }
    expect(answers).toEqual(routes.map(([, path]) => ({ path, status: 409, reason: 'workflow_not_running' })));
  });

  it('answers 404 on every route whose record never existed', async () => {
    const routes: Array<[string, string, unknown]> = [
      ['POST', `/api/stations/${YUSHUGUAN}/plan/tasks/g-posts/complete`, { evidence: { note: 'done', links: [] } }],
      ['POST', `/api/stations/${YUSHUGUAN}/plan/stages/guide/sign-off`, {}],
      ['GET', `/api/stations/${YUSHUGUAN}/plan`, undefined],
      ['POST', '/api/rollout/cn-bj-xicheng-zhanlanlu-placeholder-15/milestones/site/complete', { evidence: { note: 'x', links: [] } }],
      ['GET', '/api/training-cycles/no-such-cycle', undefined],
      ['POST', '/api/training-cycles/no-such-cycle/cancel', { reason: 'x' }],
    ];
    const answers = [];
    for (const [method, path, body] of routes) {
      const { status } = await call(method, path, { token: harness.tokens.supervisor, body });
      answers.push({ path, status });
    }
    expect(answers).toEqual(routes.map(([, path]) => ({ path, status: 404 })));
  });
});
