import {
  ApplicationFailure, ParentClosePolicy, WorkflowIdReusePolicy,
  allHandlersFinished, condition, continueAsNew, log, proxyActivities, setHandler, startChild, workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { FAN_OUT_ACTIVITY, RECORDS_PAGE_ACTIVITY } from './activity-options.js';
import { ErrorType } from '../src/domain/errors.js';
import { trainingQueries, trainingSignals, trainingUpdates, type TrainingCycleCarry, type TrainingCycleInput, type TrainingCycleProgress, type TrainingCycleResult } from './training-cycle.messages.js';
import { workflowIds } from '../src/domain/workflow-ids.js';
import { workerLadder } from './worker-ladder.js';

const store = proxyActivities<Activities>(RECORDS_PAGE_ACTIVITY);
const fanOutSignals = proxyActivities<Activities>(FAN_OUT_ACTIVITY);

const FRESH: TrainingCycleCarry = { cursor: null, exhausted: false, pending: [], running: [], started: 0, finished: 0, runs: 0, cancelled: null };

/**
 * A training cycle: starts one workerLadder child per enrolled worker, a sliding window of starts
 * at a time and a bounded number per run (then continue-as-new), so the history and the pending
 * children stay far inside Temporal's limits at thousands of workers. Children are abandoned on
 * continue-as-new and report their end by signal to the cycle's latest run.
 */
export async function trainingCycle(input: TrainingCycleInput): Promise<TrainingCycleResult> {
  const { cycleId, fanOut } = input;
  const carry = input.carry ?? FRESH;
  const running = new Set(carry.running);
  const pending = [...carry.pending];
  let cursor = carry.cursor;
  let exhausted = carry.exhausted;
  let started = carry.started;
  let finished = carry.finished;
  let cancelled = carry.cancelled;
  const runs = carry.runs + 1;
  let startedThisRun = 0;
  let inFlight = 0;
  let closing = false;

  setHandler(trainingSignals.ladderFinished, ({ workerId }) => {
    if (running.delete(workerId)) finished += 1;
  });

  setHandler(trainingQueries.progress, (): TrainingCycleProgress => ({
    cycleId,
    status: cancelled ? 'cancelled' : closing ? 'closing' : 'running',
    started, running: running.size, finished, pending: pending.length, exhausted, inFlight, runs,
    historyLength: workflowInfo().historyLength,
  }));

  const refuseWhenClosed = () => {
    if (cancelled) throw ApplicationFailure.nonRetryable('the training cycle is cancelled', ErrorType.Conflict);
    if (closing) throw ApplicationFailure.nonRetryable('the training cycle is closing: every ladder has ended', ErrorType.Conflict);
  };

  setHandler(trainingUpdates.changeParticipants, async (request) => {
    const result = await store.applyParticipantChanges({ cycleId, add: request.add, withdraw: request.withdraw });
    for (const workerId of result.added) {
      if (!running.has(workerId) && !pending.includes(workerId)) pending.push(workerId);
    }
    const withdrawnRunning: string[] = [];
    for (const workerId of result.withdrawn) {
      const queued = pending.indexOf(workerId);
      if (queued >= 0) pending.splice(queued, 1);
      if (running.has(workerId)) withdrawnRunning.push(workerId);
    }
    if (withdrawnRunning.length > 0) {
      await fanOutSignals.signalLadders({
        cycleId,
        target: { kind: 'workers', workerIds: withdrawnRunning },
        signal: { type: 'stop', stop: { status: 'withdrawn', reason: request.reason, by: request.by } },
      });
    }
    return result;
  }, { validator: (_request) => refuseWhenClosed() });

  setHandler(trainingUpdates.changeSession, async (request) => {
    const change = await store.applySessionChange({
      cycleId, sessionId: request.sessionId, action: request.action,
      startsAt: request.startsAt, endsAt: request.endsAt, place: request.place, reason: request.reason,
    });
    const told = await fanOutSignals.signalLadders({ cycleId, target: { kind: 'session', sessionId: request.sessionId }, signal: { type: 'sessionChanged', change } });
    return { sessionId: request.sessionId, status: change.status, laddersSignalled: told.signalled };
  }, { validator: (_request) => refuseWhenClosed() });

  setHandler(trainingUpdates.cancelCycle, async (request) => {
    cancelled = { reason: request.reason, by: request.by };
    await store.cancelCycleRecords({ cycleId, reason: request.reason, by: request.by });
    // Wait for starts in flight, so every ladder that exists is told.
    await condition(() => inFlight === 0);
    const told = await fanOutSignals.signalLadders({
      cycleId,
      target: { kind: 'workers', workerIds: [...running].sort() },
      signal: { type: 'stop', stop: { status: 'cancelled', reason: request.reason, by: request.by } },
    });
    return { cycleId, status: 'cancelled' as const, laddersSignalled: told.signalled };
  }, { validator: (_request) => refuseWhenClosed() });

  async function nextWorker(): Promise<string | undefined> {
    while (pending.length === 0 && !exhausted) {
      const page = await store.loadCohortPage({ cycleId, after: cursor, limit: fanOut.pageSize });
      if (page.workerIds.length < fanOut.pageSize) exhausted = true;
      if (page.workerIds.length > 0) cursor = page.workerIds[page.workerIds.length - 1]!;
      pending.push(...page.workerIds.filter((id) => !running.has(id)));
    }
    return pending.shift();
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
      if (running.delete(workerId)) finished += 1;
    } finally {
      inFlight -= 1;
    }
  }

  /** Starts ladders until the cohort is exhausted, the run's share is used, or the cycle is cancelled. */
  async function fanOutLadders(): Promise<'exhausted' | 'continue' | 'cancelled'> {
    for (;;) {
      if (cancelled) return 'cancelled';
      await condition(() => inFlight < fanOut.window || cancelled !== null);
      if (cancelled) return 'cancelled';
      const workerId = await nextWorker();
      if (workerId === undefined) return 'exhausted';
      if (cancelled) return 'cancelled';
      if (running.has(workerId)) continue;
      // Hand over only when there is someone left to start: the next run begins with this worker.
      if (startedThisRun >= fanOut.childrenPerRun || workflowInfo().continueAsNewSuggested) {
        pending.unshift(workerId);
        return 'continue';
      }
      running.add(workerId);
      started += 1;
      startedThisRun += 1;
      inFlight += 1;
      void startLadder(workerId);
    }
  }

  const handOver = async () => {
    const next: TrainingCycleCarry = { cursor, exhausted, pending, running: [...running].sort(), started, finished, runs, cancelled };
    log.info('training cycle continues as new', { cycleId, runs, started, running: running.size, finished });
    return continueAsNew<typeof trainingCycle>({ ...input, carry: next });
  };

  for (;;) {
    const outcome = await fanOutLadders();
    await condition(() => inFlight === 0);
    if (outcome === 'continue') {
      await condition(allHandlersFinished);
      if (!cancelled) return handOver();
    }
    if (!cancelled) {
      // Everyone is started: wait for ladders to end, for a late addition, or for a history to hand over.
      await condition(() => cancelled !== null || pending.length > 0 || running.size === 0 || workflowInfo().continueAsNewSuggested);
      if (!cancelled && pending.length > 0) continue;
      if (!cancelled && running.size > 0) {
        await condition(allHandlersFinished);
        if (!cancelled) return handOver();
      }
    }
    closing = true;
    await condition(allHandlersFinished);
    // An update accepted just before closing may have added workers: go back and start them.
    if (!cancelled && pending.length > 0) {
      closing = false;
      continue;
    }
    break;
  }

  const status = cancelled ? 'cancelled' : 'completed';
  await store.finishTrainingCycle({ cycleId, status });
  return { cycleId, status, started, finished, runs };
}
