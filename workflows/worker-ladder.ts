import {
  ActivityFailure, allHandlersFinished, ApplicationFailure, condition, getExternalWorkflowHandle, log, patched, proxyActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { rejectIf } from './refusal.js';
import { NOTIFY_ACTIVITY, RECORDS_ACTIVITY } from './activity-options.js';
import { ErrorType } from '../src/domain/errors.js';
import { workflowIds } from '../src/domain/workflow-ids.js';
import { LadderMachine, type LadderPlan, type TrackState } from '../src/domain/worker-ladder.js';
import { nowMs } from './clock.js';
import { trainingSignals } from './training-cycle.messages.js';
import {
  ladderQueries, ladderSignals, ladderUpdates, type AssessmentResult, type AttendanceResult, type LadderEnd, type LadderResult, type WorkerLadderInput,
} from './worker-ladder.messages.js';

// Records-store writes: retried without limit (a store outage heals), a bad request stops at once.
const store = proxyActivities<Activities>(RECORDS_ACTIVITY);
const notifier = proxyActivities<Activities>(NOTIFY_ACTIVITY);

/**
 * Ladders started before cancellations could be taken back closed a level the moment its last
 * session was cancelled; this patch keeps it open until that session was due.
 */
const RESTORABLE_CANCELLATIONS = 'restorable-cancellations';

/**
 * One worker's way through one training cycle: reminders before each session, attendance,
 * assessment after each dimension-level, promotion or one retake, and a coaching flag after a
 * second fail or two absences in a row. Runs as a child of trainingCycle. The rules live in
 * src/domain/worker-ladder.ts; this shell owns the timers, the activities and their order.
 */
export async function workerLadder(input: WorkerLadderInput): Promise<LadderResult> {
  const { cycleId, workerId } = input;
  const ladder = new LadderMachine(workflowInfo().workflowId, cycleId, workerId);

  // Store writes of one ladder go one after another, so a later correction never lands before an earlier one.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work);
    chain = next.catch(() => undefined);
    return next;
  };

  async function raiseCoachingFlag(reason: string, about: { dimension: string; level: number }) {
    if (!ladder.raiseFlag(reason)) return;
    ladder.coachingFlag = (await serial(() => store.flagForCoaching({ cycleId, workerId, reason }))) ?? reason;
    const lead = ladder.plan!.stationLeadId;
    if (lead) await notifier.notify(ladder.notice('coaching_flag', 'coaching-flag', lead, { workerId, dimension: about.dimension, level: about.level, reason }));
  }

  // ── messages ──────────────────────────────────────────────────────────────────────────────
  setHandler(ladderQueries.state, () => ladder.view());

  setHandler(ladderSignals.stop, (request) => ladder.requestStop(request));

  setHandler(ladderSignals.sessionChanged, async (change) => {
    const notice = ladder.sessionChanged(change, nowMs());
    if (notice) await notifier.notify(notice);
  });

  setHandler(ladderUpdates.recordAttendance, async (request): Promise<AttendanceResult> => {
    const write = ladder.beginAttendance(request, nowMs());
    try {
      await serial(() => store.recordTrainingAttendance({ sessionId: write.session.id, workerId, status: write.result.status, recordedBy: request.recordedBy }));
    } catch (error) {
      ladder.attendanceFailed(write);
      throw error;
    } finally {
      ladder.attendanceSettled(write);
    }
    return write.result;
  }, { validator: (request) => rejectIf(ladder.refuseAttendance(request, nowMs())) });

  setHandler(ladderUpdates.recordAssessment, async (request): Promise<AssessmentResult> => {
    const step = ladder.beginAssessment(request);
    const { track, attempt } = step;
    try {
      const stored = await serial(() => store.recordTrainingAssessment({
        cycleId, workerId, dimension: track.dimension, level: track.level, attempt, score: request.score, passed: step.passed, assessor: request.assessor,
      }));
      const outcome = ladder.assessmentRecorded(step, stored, nowMs());
      let promotedTo: number | null = null;
      if (outcome === 'pass') {
        const promotion = await serial(() => store.promoteWorker({ cycleId, workerId, dimension: track.dimension, level: track.level }));
        ladder.markPassed(track);
        if (promotion.outcome === 'promoted') {
          promotedTo = promotion.level;
          await notifier.notify(ladder.notice('promotion', `promotion:${track.dimension}:${track.level}`, workerId, { dimension: track.dimension, level: track.level, score: stored.score }));
        } else {
          log.warn('pass did not promote', { workerId, dimension: track.dimension, level: track.level, outcome: promotion.outcome });
        }
      } else if (outcome === 'second_fail') {
        await raiseCoachingFlag('second_fail', track);
      }
      return { attempt, passed: stored.passed, trackStatus: track.status, promotedTo, coachingFlag: ladder.coachingFlag };
    } finally {
      ladder.assessmentSettled(step);
    }
  }, { validator: (request) => rejectIf(ladder.refuseAssessment(request)) });

  // ── start ─────────────────────────────────────────────────────────────────────────────────
  let plan: LadderPlan;
  try {
    plan = await store.loadLadderPlan({ cycleId, workerId });
  } catch (error) {
    // The store has no such cycle (its launch was never recorded): end rather than wait for it.
    if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === ErrorType.NotFound) return gone();
    throw error;
  }
  const early = ladder.load(plan, nowMs());
  if (early) return end(early);

  /** Waits until `done()` holds (true) or `deadline()` passes (false), re-reading both on every change. */
  async function waitUntil(deadline: () => number | null, done: () => boolean): Promise<boolean> {
    for (;;) {
      if (done()) return true;
      const at = deadline();
      const now = nowMs();
      if (at !== null && now >= at) return false;
      const seen = ladder.version;
      if (at === null) await condition(() => done() || ladder.version !== seen);
      else await condition(() => done() || ladder.version !== seen, Math.max(1, at - now));
    }
  }

  async function runReminders() {
    const sent = new Set<string>();
    for (;;) {
      if (ladder.over) return;
      const now = nowMs();
      const next = ladder.nextReminder(now, sent);
      if (!next) {
        const seen = ladder.version;
        await condition(() => ladder.over || ladder.version !== seen);
        continue;
      }
      if (next.at > now) {
        const seen = ladder.version;
        await condition(() => ladder.over || ladder.version !== seen, Math.max(1, next.at - now));
        continue;
      }
      // Due (or overdue after a worker outage): send it, late rather than never, while the session is ahead.
      sent.add(next.key);
      const result = await notifier.notify(ladder.reminderRequest(next));
      if (result.outcome === 'sent') ladder.remindersSent += 1;
    }
  }

  /** Closes each session's attendance when its grace ends: a missing record becomes an absence. */
  async function runAttendance() {
    for (;;) {
      if (ladder.stop) return;
      if (ladder.openSessions().length === 0) return;
      await waitUntil(() => ladder.nextAttendanceClose(nowMs()), () => ladder.stop !== null);
      if (ladder.stop) return;
      for (const session of ladder.sessionsClosingBy(nowMs())) {
        if (session.writing) await condition(() => !session.writing);
        if (!ladder.openSessions().includes(session)) continue;
        if (ladder.markAbsentIfUnrecorded(session)) {
          await serial(() => store.recordTrainingAttendance({ sessionId: session.id, workerId, status: 'absent', recordedBy: 'system' }));
        }
        if (ladder.closeAttendance(session)) await raiseCoachingFlag('two_consecutive_absences', session);
      }
    }
  }

  /** One dimension's levels in order: wait for a level's sessions, then its assessment window. */
  async function runDimension(levels: TrackState[]) {
    let reachable = true;
    for (const track of levels) {
      if (ladder.stop) return;
      if (!reachable) {
        ladder.closeTrack(track, 'not_eligible');
        continue;
      }
      for (;;) {
        await waitUntil(() => ladder.levelEndsAt(track, nowMs()), () => ladder.stop !== null);
        if (ladder.stop) return;
        if (ladder.liveSessions(track).length > 0 || !patched(RESTORABLE_CANCELLATIONS)) break;
        // Every session of the level is cancelled. A cancellation may be taken back until the
        // session was due, so the level stays open until the last of them was to start.
        await waitUntil(() => ladder.restorableUntil(track), () => ladder.stop !== null || ladder.liveSessions(track).length > 0);
        if (ladder.stop) return;
        if (ladder.liveSessions(track).length === 0) break;
      }
      if (ladder.liveSessions(track).length === 0) {
        ladder.closeTrack(track, 'cancelled');
        reachable = false;
        continue;
      }
      ladder.openAssessment(track, nowMs());
      for (;;) {
        const done = await waitUntil(() => track.deadline, () => ladder.stop !== null || ladder.isSettled(track));
        if (done) break;
        if (track.busy) {
          await condition(() => !track.busy);
          continue;
        }
        ladder.windowClosed(track);
        break;
      }
      if (ladder.stop) return;
      reachable = track.status === 'passed';
    }
  }

  async function end(status: LadderEnd): Promise<LadderResult> {
    ladder.finish();
    await condition(allHandlersFinished);
    await serial(() => store.closeEnrolment({ cycleId, workerId, status }));
    if (status === 'cancelled') {
      await notifier.notify(ladder.notice('cycle_cancelled', 'cycle-cancelled', workerId, { reason: ladder.stop?.reason ?? null }));
    }
    // A cancelled cycle has stopped waiting for its ladders: telling it would only fail.
    if (status !== 'cancelled') await tellCycle(status);
    return ladder.result(status);
  }

  /** The cycle's records are missing: nothing to record or notify; tell the cycle, if it waits, and end. */
  async function gone(): Promise<LadderResult> {
    log.error('training cycle not in the records store: ladder ends', { cycleId, workerId });
    ladder.requestStop({ status: 'cancelled', reason: 'the cycle is not in the records store', by: 'system' });
    ladder.finish();
    await condition(allHandlersFinished);
    await tellCycle('cancelled');
    return ladder.result('cancelled');
  }

  async function tellCycle(status: LadderEnd) {
    try {
      await getExternalWorkflowHandle(workflowIds.trainingCycle(cycleId)).signal(trainingSignals.ladderFinished, { workerId, status });
    } catch (error) {
      // The cycle has closed (this ladder was started by hand, or the cycle was terminated): nobody is waiting.
      log.info('cycle not told of ladder end', { cycleId, workerId, error: String(error) });
    }
  }

  const reminders = runReminders();
  await Promise.all([runAttendance(), ...ladder.dimensions().map((levels) => runDimension(levels))]);
  ladder.finish();
  await reminders;
  return end(ladder.stop?.status ?? 'completed');
}
