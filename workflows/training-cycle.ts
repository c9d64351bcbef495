import {
  ParentClosePolicy, WorkflowIdReusePolicy,
  allHandlersFinished, condition, continueAsNew, log, proxyActivities, setHandler, startChild, workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { rejectIf } from './refusal.js';
import { FAN_OUT_ACTIVITY, RECORDS_PAGE_ACTIVITY } from './activity-options.js';
import { CycleMachine } from '../src/domain/training-cycle.js';
import { workflowIds } from '../src/domain/workflow-ids.js';
import { trainingQueries, trainingSignals, trainingUpdates, type TrainingCycleInput, type TrainingCycleResult } from './training-cycle.messages.js';
import { workerLadder } from './worker-ladder.js';

const store = proxyActivities<Activities>(RECORDS_PAGE_ACTIVITY);
const fanOutSignals = proxyActivities<Activities>(FAN_OUT_ACTIVITY);

/**
 * A training cycle: starts one workerLadder child per enrolled worker, a sliding window of starts
 * at a time and a bounded number per run (then continue-as-new), so the history and the pending
 * children stay far inside Temporal's limits at thousands of workers. Children are abandoned on
 * continue-as-new and report their end by signal to the cycle's latest run. The bookkeeping lives
 * in src/domain/training-cycle.ts; this shell owns the activities, child starts and their order.
 */
export async function trainingCycle(input: TrainingCycleInput): Promise<TrainingCycleResult> {
  const { cycleId, fanOut } = input;
  const cycle = new CycleMachine(cycleId, input.carry);

  setHandler(trainingSignals.ladderFinished, ({ workerId }) => cycle.ladderFinished(workerId));

  setHandler(trainingQueries.progress, () => cycle.progress(workflowInfo().historyLength));

  setHandler(trainingUpdates.changeParticipants, async (request) => {
    const result = await store.applyParticipantChanges({ cycleId, add: request.add, withdraw: request.withdraw });
    const withdrawnRunning = cycle.participantsChanged(result);
    if (withdrawnRunning.length > 0) {
      await fanOutSignals.signalLadders({
        cycleId,
        target: { kind: 'workers', workerIds: withdrawnRunning },
        signal: { type: 'stop', stop: { status: 'withdrawn', reason: request.reason, by: request.by } },
      });
    }
    return result;
  }, { validator: (_request) => rejectIf(cycle.refuseChange()) });

  setHandler(trainingUpdates.changeSession, async (request) => {
    const change = await store.applySessionChange({
      cycleId, sessionId: request.sessionId, action: request.action,
      startsAt: request.startsAt, endsAt: request.endsAt, place: request.place, reason: request.reason,
    });
    const told = await fanOutSignals.signalLadders({ cycleId, target: { kind: 'session', sessionId: request.sessionId }, signal: { type: 'sessionChanged', change } });
    return { sessionId: request.sessionId, status: change.status, laddersSignalled: told.signalled };
  }, { validator: (_request) => rejectIf(cycle.refuseChange()) });

  setHandler(trainingUpdates.cancelCycle, async (request) => {
    cycle.cancel(request);
    await store.cancelCycleRecords({ cycleId, reason: request.reason, by: request.by });
    // Wait for starts in flight, so every ladder that exists is told.
    await condition(() => cycle.inFlight === 0);
    const told = await fanOutSignals.signalLadders({
      cycleId,
      target: { kind: 'workers', workerIds: [...cycle.running].sort() },
      signal: { type: 'stop', stop: { status: 'cancelled', reason: request.reason, by: request.by } },
    });
    return { cycleId, status: 'cancelled' as const, laddersSignalled: told.signalled };
  }, { validator: (_request) => rejectIf(cycle.refuseChange()) });

  async function nextWorker(): Promise<string | undefined> {
    while (cycle.needsPage()) {
      const page = await store.loadCohortPage({ cycleId, after: cycle.cursor, limit: fanOut.pageSize });
      cycle.acceptPage(page.workerIds, fanOut.pageSize);
    }
    return cycle.takeNext();
  }

  async function startLadder(workerId: string): Promise<void> {
    try {
      await startChild(workerLadder, {
        workflowId: workflowIds.workerLadder(cycleId, workerId),
        args: [{ cycleId, workerId }],
        // The cycle continues as new many times at scale: its ladders must outlive each run.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return; // started by an earlier run: it will report
      log.error('ladder did not start', { cycleId, workerId, error: String(error) });
      cycle.ladderFinished(workerId);
    } finally {
      cycle.startSettled();
    }
  }

  /** Starts ladders until the cohort is exhausted, the run's share is used, or the cycle is cancelled. */
  async function fanOutLadders(): Promise<'exhausted' | 'continue' | 'cancelled'> {
    for (;;) {
      if (cycle.cancelled) return 'cancelled';
      await condition(() => cycle.inFlight < fanOut.window || cycle.cancelled !== null);
      if (cycle.cancelled) return 'cancelled';
      const workerId = await nextWorker();
      if (workerId === undefined) return 'exhausted';
      if (cycle.cancelled) return 'cancelled';
      const admission = cycle.admit(workerId, fanOut.childrenPerRun, workflowInfo().continueAsNewSuggested);
      if (admission === 'skip') continue;
      if (admission === 'hand_over') return 'continue';
      void startLadder(workerId);
    }
  }

  const handOver = async () => {
    log.info('training cycle continues as new', { cycleId, runs: cycle.runs, started: cycle.started, running: cycle.running.size, finished: cycle.finished });
    return continueAsNew<typeof trainingCycle>({ ...input, carry: cycle.carry() });
  };

  for (;;) {
    const outcome = await fanOutLadders();
    await condition(() => cycle.inFlight === 0);
    if (outcome === 'continue') {
      await condition(allHandlersFinished);
      if (!cycle.cancelled) return handOver();
    }
    if (!cycle.cancelled) {
      // Everyone is started: wait for ladders to end, for a late addition, or for a history to hand over.
      await condition(() => cycle.cancelled !== null || cycle.pending.length > 0 || cycle.running.size === 0 || workflowInfo().continueAsNewSuggested);
      if (!cycle.cancelled && cycle.pending.length > 0) continue;
      if (!cycle.cancelled && cycle.running.size > 0) {
        await condition(allHandlersFinished);
        if (!cycle.cancelled) return handOver();
      }
    }
    cycle.closing = true;
    await condition(allHandlersFinished);
    // An update accepted just before closing may have added workers: go back and start them.
    if (!cycle.cancelled && cycle.pending.length > 0) {
      cycle.closing = false;
      continue;
    }
    break;
  }

  const result = cycle.result();
  await store.finishTrainingCycle({ cycleId, status: result.status });
  return result;
}
