import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MISSING_CYCLE_ATTEMPTS } from '../../activities/training-cycle.js';
import { workflowIds } from '../../src/domain/workflow-ids.js';
import type { TrainingCycleResult } from '../../workflows/training-cycle.messages.js';
import type { LadderResult } from '../../workflows/worker-ladder.messages.js';
import { startTestApi, type TestApi } from '../helpers/app.js';
import type { Harness } from '../helpers/harness.js';
import { startTrainingHarness, terminateAll, timeline } from './support.js';

// A launch writes the cycle's records and commits them before it starts the workflow, so no
// workflow runs without its records; a start that fails is recorded on the cycle. Faults are
// injected into a second API over the same store and Temporal: the records write fails once, or
// the workflow start fails once (before reaching Temporal, or after, with its answer lost).

/** What the next launch through the faulty API meets (each fault fires once). */
const faults = { failRecords: false, start: 'pass' as 'pass' | 'fail' | 'lose_answer' };

const unavailable = () => Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });

/** A proxy that passes everything through (methods bound to the target), with some members replaced. */
function intercept<T extends object>(target: T, replace: (prop: string | symbol) => unknown): T {
  return new Proxy(target, {
    get(object, prop) {
      const replaced = replace(prop);
      if (replaced !== undefined) return replaced;
      const value: unknown = Reflect.get(object, prop, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

describe('launching a training cycle', () => {
  let harness: Harness;
  let client: Client;
  let faulty: TestApi;
  const started: string[] = [];

  beforeAll(async () => {
    harness = await startTrainingHarness('training-launch');
    client = harness.client;
    const db = intercept(harness.store.db, (prop) => {
      if (prop !== 'transaction' || !faults.failRecords) return undefined;
      faults.failRecords = false;
      return () => ({ execute: async () => { throw new Error('Connection terminated unexpectedly'); } });
    });
    const workflow = intercept(client.workflow, (prop) => {
      if (prop !== 'start' || faults.start === 'pass') return undefined;
      const mode = faults.start;
      faults.start = 'pass';
      return async (...args: Parameters<Client['workflow']['start']>) => {
        if (mode === 'lose_answer') await client.workflow.start(...args);
        throw unavailable();
      };
    });
    const temporal = intercept(client, (prop) => (prop === 'workflow' ? workflow : undefined));
    faulty = await startTestApi({ store: { ...harness.store, db }, temporal, config: harness.config });
  });
  afterAll(async () => {
    await faulty?.close();
    if (client) await terminateAll(client, started);
    await harness?.close();
  });

  const launchBody = (id: string) => {
    const t = timeline();
    return {
      id, name: 'launch faults',
      cohort: { workerIds: ['w-hongmaogou-sw1', 'w-hongmaogou-sw2'] },
      sessions: [{ dimension: 'party_policy', level: 1, startsAt: t.iso(86_400), endsAt: t.iso(90_000), place: 'p', trainer: 't', capacity: 5 }],
      assessment: { passMark: 60, retakeWindowSeconds: 60 },
    };
  };
  const launch = (id: string) => faulty.call('POST', '/api/training-cycles', { token: harness.tokens.supervisor, body: launchBody(id) });
  const cycleRow = (id: string) => harness.store.db.selectFrom('training_cycles').select(['status', 'cancel_reason', 'cancelled_by']).where('id', '=', id).executeTakeFirst();
  const workflowOf = (id: string) => client.workflow.getHandle(workflowIds.trainingCycle(id)).describe();

  it('writes nothing and starts nothing when the store fails before the start, and a retried launch goes through', async () => {
    const id = `cyc-store-down-${Date.now().toString(36)}`;
    faults.failRecords = true;
    const refused = await launch(id);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'unavailable', message: expect.any(String) });
    expect(await cycleRow(id)).toBeUndefined();
    await expect(workflowOf(id)).rejects.toBeInstanceOf(WorkflowNotFoundError);

    const retried = await launch(id);
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    started.push(retried.body.workflowId);
    expect((await workflowOf(id)).status.name).toBe('RUNNING');
    expect(await cycleRow(id)).toMatchObject({ status: 'running' });
  });

  it('records the cycle cancelled when its workflow does not start, and answers 503 in the error shape', async () => {
    const id = `cyc-temporal-down-${Date.now().toString(36)}`;
    faults.start = 'fail';
    const refused = await launch(id);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'unavailable', message: expect.any(String) });
    await expect(workflowOf(id)).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(await cycleRow(id)).toMatchObject({ status: 'cancelled', cancelled_by: 'system', cancel_reason: expect.stringContaining('did not start') });
    const enrolments = await harness.store.db.selectFrom('enrolments').select('status').where('cycle_id', '=', id).execute();
    expect(enrolments.map((row) => row.status)).toEqual(['cancelled', 'cancelled']);

    // The same id again: refused, nothing started twice.
    const again = await launch(id);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', reason: 'cycle_exists', values: { cycleId: id } });
    await expect(workflowOf(id)).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('counts a start whose answer was lost as started', async () => {
    const id = `cyc-lost-answer-${Date.now().toString(36)}`;
    faults.start = 'lose_answer';
    const launched = await launch(id);
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    started.push(launched.body.workflowId);
    expect((await workflowOf(id)).status.name).toBe('RUNNING');
    expect(await cycleRow(id)).toMatchObject({ status: 'running', cancel_reason: null });
  });

  it('ends a workflow whose cycle the store does not have instead of retrying forever', async () => {
    const cycleId = `cyc-missing-${Date.now().toString(36)}`;
    const ladderId = workflowIds.workerLadder(cycleId, 'w-hongmaogou-sw1');
    const ladder = await client.workflow.start('workerLadder', { taskQueue: harness.taskQueue, workflowId: ladderId, args: [{ cycleId, workerId: 'w-hongmaogou-sw1' }] });
    const cycle = await client.workflow.start('trainingCycle', {
      taskQueue: harness.taskQueue, workflowId: workflowIds.trainingCycle(cycleId), args: [{ cycleId, fanOut: { window: 5, childrenPerRun: 10, pageSize: 10 } }],
    });
    started.push(ladderId, cycle.workflowId);

    // The cohort page is empty: the cycle ends at once with nothing started.
    const cycleResult: TrainingCycleResult = await cycle.result();
    expect(cycleResult).toMatchObject({ status: 'completed', started: 0 });
    // The ladder reads its plan a bounded number of times, then ends (cancelled).
    const ladderResult: LadderResult = await ladder.result();
    expect(ladderResult).toMatchObject({ status: 'cancelled', tracks: [] });
    const events = (await ladder.fetchHistory()).events ?? [];
    const attempts = events.map((event) => event.activityTaskStartedEventAttributes?.attempt).filter((attempt) => attempt !== undefined && attempt !== null);
    expect(attempts).toEqual([MISSING_CYCLE_ATTEMPTS]);
    expect(events.some((event) => event.activityTaskFailedEventAttributes)).toBe(true);
  }, 60_000);
});
