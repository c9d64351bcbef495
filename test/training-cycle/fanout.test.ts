import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertWorkers } from '../../src/store/repositories/worker.js';
import { workflowIds } from '../../src/domain/workflow-ids.js';
import { type TrainingCycleResult } from '../../workflows/training-cycle.messages.js';
import type { TestApi } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import type { Harness } from '../helpers/harness.js';
import { startTrainingHarness, terminateAll, timeline, WANMINGYUAN } from './support.js';

const WORKERS = 400;
const FAN_OUT = { window: 50, childrenPerRun: 100, pageSize: 100 };

// A cohort larger than one run may start: the cycle starts at most `window` ladders at a time and
// `childrenPerRun` per run, then continues as new with its state, so no run's history or pending
// children grow with the cohort.
describe('training cycle fan-out', () => {
  let harness: Harness;
  let store: Harness['store'];
  let client: Client;
  let api: TestApi;
  let tokens: Harness['tokens'];
  const started: string[] = [];

  beforeAll(async () => {
    harness = await startTrainingHarness('training-fanout');
    ({ store, client, tokens } = harness);
    api = harness.api!;
    await upsertWorkers(store.db, Array.from({ length: WORKERS }, (_, i) => ({
      id: `w-fanout-${String(i).padStart(4, '0')}`, orgUnitId: WANMINGYUAN, communityId: WANMINGYUAN, name: `社工${i}`, position: 'social_worker' as const,
    })));
  });
  afterAll(async () => {
    if (client) await terminateAll(client, started);
    await harness?.close();
  });

  it('starts 400 ladders through a window of 50, 100 per run, and keeps every run\'s history small', async () => {
    const t = timeline();
    const cycleId = `cyc-fanout-${Date.now().toString(36)}`;
    const launch = await api.call('POST', '/api/training-cycles', {
      token: tokens.supervisor,
      body: {
        id: cycleId,
        name: 'fan-out',
        cohort: { workerIds: Array.from({ length: WORKERS }, (_, i) => `w-fanout-${String(i).padStart(4, '0')}`) },
        sessions: [{ dimension: 'party_policy', level: 1, startsAt: t.iso(5), endsAt: t.iso(6), place: 'p', trainer: 't', capacity: 1000 }],
        assessment: { passMark: 60, assessmentWindowSeconds: 1, retakeWindowSeconds: 1, attendanceGraceSeconds: 0 },
        reminderPolicy: { offsetsSeconds: [], quietHours: null, workingDaysOnly: false },
        fanOut: FAN_OUT,
      },
    });
    expect(launch.status, JSON.stringify(launch.body)).toBe(201);
    expect(launch.body.enrolled).toBe(WORKERS);
    started.push(launch.body.workflowId);

    const result: TrainingCycleResult = await client.workflow.getHandle(launch.body.workflowId).result();
    expect(result).toMatchObject({ status: 'completed', started: WORKERS, finished: WORKERS });
    expect(result.runs).toBeGreaterThanOrEqual(WORKERS / FAN_OUT.childrenPerRun);

    const runs = await eventually('every run to be listed', async () => {
      const listed = [];
      for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowIds.trainingCycle(cycleId)}"` })) listed.push(execution);
      return listed.length === result.runs ? listed : undefined;
    }, { timeoutMs: 60_000, everyMs: 250 });
    let largest = 0;
    for (const run of runs) {
      const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
      const events = history.events ?? [];
      const childStarts = events.filter((event) => event.startChildWorkflowExecutionInitiatedEventAttributes).length;
      // Pending children per run never exceed a run's share, far under Temporal's 2,000.
      expect(childStarts).toBeLessThanOrEqual(FAN_OUT.childrenPerRun);
      largest = Math.max(largest, events.length);
    }
    // Each run holds its own starts and the ends reported to it: a few events per worker, never the cohort's history.
    expect(largest).toBeLessThan(2_500);

    const counts = await store.db.selectFrom('enrolments').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).where('cycle_id', '=', cycleId).groupBy('status').execute();
    expect(counts.map((row) => [row.status, Number(row.n)])).toEqual([['completed', WORKERS]]);
    const report = (await store.db.selectFrom('training_cycles').select('report').where('id', '=', cycleId).executeTakeFirstOrThrow()).report;
    expect(report).toMatchObject({ participants: { enrolled: WORKERS, completed: WORKERS }, attendance: { absent: WORKERS, rate: 0 } });
  }, 600_000);
});
