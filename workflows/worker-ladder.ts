import {
  ApplicationFailure, allHandlersFinished, condition, getExternalWorkflowHandle, log, proxyActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NOTIFY_ACTIVITY, RECORDS_ACTIVITY } from './activity-options.js';
import {
  checkInStatus, groupTracks, hasConsecutiveAbsences, isPass, type LadderPlan, type LadderSession,
} from '../src/domain/ladder.js';
import type { NotificationData, NotificationKind, NotifyRequest, StateCheck } from '../src/domain/notifications.js';
import { reminderSchedule } from '../src/domain/reminders.js';
import type { AttendanceStatus } from '../src/domain/types.js';
import { nowMs } from './clock.js';
import { ErrorType } from '../src/domain/errors.js';
import { ladderQueries, ladderSignals, ladderUpdates, type AssessmentResult, type AttendanceResult, type LadderEnd, type LadderResult, type LadderSessionChange, type LadderSessionView, type LadderState, type LadderStopRequest, type TrackStatus, type TrackView, type WorkerLadderInput } from './worker-ladder.messages.js';
import { trainingSignals } from './training-cycle.messages.js';
import { workflowIds } from '../src/domain/workflow-ids.js';

// Records-store writes: retried without limit (a store outage heals), a bad request stops at once.
const store = proxyActivities<Activities>(RECORDS_ACTIVITY);
const notifier = proxyActivities<Activities>(NOTIFY_ACTIVITY);

interface SessionState extends LadderSession {
  /** Taken off the worker's plan (its level became out of reach). */
  dropped: boolean;
  attendance: { status: AttendanceStatus; by: string } | null;
  /** Attendance is closed: no more records or corrections. */
  final: boolean;
  /** A write of this session's attendance is under way. */
  writing: boolean;
  /** The reminders planned for this session's current time (computed when the time became known). */
  reminders: Array<{ at: number; offsetMs: number; key: string }>;
}

interface TrackState {
  dimension: string;
  level: number;
  sessionIds: string[];
  status: TrackStatus;
  attempts: TrackView['attempts'];
  deadline: number | null;
  /** An assessment is being recorded. */
  busy: boolean;
}

const FINAL_TRACK: TrackStatus[] = ['passed', 'failed', 'not_assessed', 'not_eligible', 'cancelled'];

/**
 * One worker's way through one training cycle: reminders before each session, attendance,
 * assessment after each dimension-level, promotion or one retake, and a coaching flag after a
 * second fail or two absences in a row. Runs as a child of trainingCycle.
 */
export async function workerLadder(input: WorkerLadderInput): Promise<LadderResult> {
  const { cycleId, workerId } = input;
  const workflowId = workflowInfo().workflowId;
  // eslint-disable-next-line prefer-const -- assigned after the handlers are registered, which read it first
  let plan: LadderPlan | undefined;
  const sessions = new Map<string, SessionState>();
  const tracks: TrackState[] = [];
  const early: LadderSessionChange[] = [];
  let stop: LadderStopRequest | null = null;
  // Read through a function where control flow would otherwise keep an early narrowing of `stop`.
  const stopRequest = (): LadderStopRequest | null => stop;
  let finished = false;
  let coachingFlag: string | null = null;
  let remindersSent = 0;
  /** Bumped on every change a waiting loop may care about. */
  let version = 0;
  const touch = () => {
    version += 1;
  };

  // Store writes of one ladder go one after another, so a later correction never lands before an earlier one.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work);
    chain = next.catch(() => undefined);
    return next;
  };

  const sessionsInOrder = () => [...sessions.values()].sort((a, b) => a.startsAt - b.startsAt || (a.id < b.id ? -1 : 1));
  const active = (session: SessionState) => !session.dropped && session.status !== 'cancelled';
  const trackOf = (dimension: string, level: number) => tracks.find((t) => t.dimension === dimension && t.level === level);
  const closeAt = (session: SessionState) => session.endsAt + plan!.rules.attendanceGraceMs;

  function planReminders(session: SessionState, from: number) {
    session.reminders = reminderSchedule(session.startsAt, plan!.reminderPolicy, plan!.calendar, from).map((reminder) => ({
      ...reminder,
      key: `${workflowId}:reminder:${session.id}:${session.startsAt}:${reminder.offsetMs}`,
    }));
  }

  function applyChange(change: LadderSessionChange): SessionState | undefined {
    const session = sessions.get(change.sessionId);
    if (!session) return undefined;
    if (change.status === 'cancelled') {
      session.status = 'cancelled';
      session.reminders = [];
    } else if (session.startsAt !== change.startsAt || session.endsAt !== change.endsAt || session.place !== change.place) {
      session.status = 'moved';
      session.startsAt = change.startsAt;
      session.endsAt = change.endsAt;
      session.place = change.place;
      planReminders(session, nowMs());
    } else {
      return undefined;
    }
    touch();
    return session;
  }

  function view(): LadderState {
    return {
      cycleId,
      workerId,
      status: finished ? (stop?.status ?? 'completed') : plan ? 'running' : 'loading',
      tracks: tracks.map((t) => ({ dimension: t.dimension, level: t.level, status: t.status, sessionIds: t.sessionIds, attempts: t.attempts, deadline: t.deadline })),
      sessions: sessionsInOrder().map((s): LadderSessionView => ({
        id: s.id, dimension: s.dimension, level: s.level, startsAt: s.startsAt, endsAt: s.endsAt,
        status: s.dropped ? 'dropped' : s.status, attendance: s.attendance?.status ?? null, final: s.final,
      })),
      coachingFlag,
      remindersSent,
    };
  }

  function notify(kind: NotificationKind, step: string, recipientId: string, data: NotificationData, extra: Partial<NotifyRequest> = {}) {
    return notifier.notify({ key: `${workflowId}:${step}`, workflowId, recipientId, kind, data: { cycleName: plan!.cycleName, workerName: plan!.workerName, ...data }, ...extra });
  }

  async function raiseCoachingFlag(reason: string, about: { dimension: string; level: number }) {
    if (coachingFlag !== null) return;
    coachingFlag = reason;
    touch();
    coachingFlag = (await serial(() => store.flagForCoaching({ cycleId, workerId, reason }))) ?? reason;
    const lead = plan!.stationLeadId;
    if (lead) await notify('coaching_flag', 'coaching-flag', lead, { workerId, dimension: about.dimension, level: about.level, reason });
  }

  // ── messages ──────────────────────────────────────────────────────────────────────────────
  setHandler(ladderQueries.state, view);

  setHandler(ladderSignals.stop, (request) => {
    stop ??= request;
    touch();
  });

  setHandler(ladderSignals.sessionChanged, async (change) => {
    if (!plan) {
      early.push(change);
      return;
    }
    if (finished || stop) return;
    const session = applyChange(change);
    if (!session || session.dropped) return;
    await notify('session_changed', `session-changed:${session.id}:${change.status === 'cancelled' ? 'cancelled' : change.startsAt}`, workerId, {
      sessionId: session.id, dimension: session.dimension, level: session.level,
      startsAt: change.startsAt, endsAt: change.endsAt, place: change.place,
      change: change.status === 'cancelled' ? `cancelled${change.reason ? `: ${change.reason}` : ''}` : (change.reason ?? 'moved'),
    });
  });

  setHandler(ladderUpdates.recordAttendance, async (request): Promise<AttendanceResult> => {
    const session = sessions.get(request.sessionId)!;
    const previous = session.attendance;
    const status = request.source === 'check_in' ? checkInStatus(nowMs(), session.startsAt, plan!.rules.lateAfterMs) : request.status!;
    session.attendance = { status, by: request.recordedBy };
    session.writing = true;
    touch();
    try {
      await serial(() => store.recordTrainingAttendance({ sessionId: session.id, workerId, status, recordedBy: request.recordedBy }));
    } catch (error) {
      session.attendance = previous;
      throw error;
    } finally {
      session.writing = false;
      touch();
    }
    return { sessionId: session.id, workerId, status, recordedBy: request.recordedBy };
  }, {
    validator: (request) => {
      if (!plan) throw ApplicationFailure.nonRetryable('the ladder is still starting; try again in a moment', ErrorType.Conflict);
      if (stop || finished) throw ApplicationFailure.nonRetryable(`the worker's ladder in this cycle has ended (${stop?.status ?? 'completed'})`, ErrorType.Conflict);
      const session = sessions.get(request.sessionId);
      if (!session) throw ApplicationFailure.nonRetryable(`worker ${workerId} does not take session ${request.sessionId}`, ErrorType.NotFound);
      if (session.status === 'cancelled') throw ApplicationFailure.nonRetryable(`session ${session.id} is cancelled`, ErrorType.Conflict);
      if (session.dropped) throw ApplicationFailure.nonRetryable(`session ${session.id} was taken off this worker's plan (level out of reach)`, ErrorType.Conflict);
      const now = nowMs();
      const opens = session.startsAt - plan.rules.checkInOpensMs;
      if (now < opens) throw ApplicationFailure.nonRetryable(`attendance for session ${session.id} opens at ${new Date(opens).toISOString()}`, ErrorType.Conflict);
      if (request.source === 'check_in') {
        if (now > session.endsAt) throw ApplicationFailure.nonRetryable(`check-in for session ${session.id} closed when it ended`, ErrorType.Conflict);
        if (session.attendance) throw ApplicationFailure.nonRetryable(`attendance for session ${session.id} is already recorded (${session.attendance.status})`, ErrorType.Conflict);
      } else if (!request.status) {
        throw ApplicationFailure.nonRetryable('a trainer records a status', ErrorType.InvalidInput);
      }
      if (session.final || now >= closeAt(session)) throw ApplicationFailure.nonRetryable(`attendance for session ${session.id} is closed`, ErrorType.Conflict);
    },
  });

  setHandler(ladderUpdates.recordAssessment, async (request): Promise<AssessmentResult> => {
    const track = trackOf(request.dimension, request.level)!;
    const attempt = track.status === 'retake_open' ? 2 : 1;
    const passed = isPass(request.score, plan!.rules.passMark);
    track.busy = true;
    touch();
    try {
      const stored = await serial(() => store.recordTrainingAssessment({
        cycleId, workerId, dimension: track.dimension, level: track.level, attempt, score: request.score, passed, assessor: request.assessor,
      }));
      track.attempts.push({ attempt, score: stored.score, passed: stored.passed, assessor: stored.assessor });
      let promotedTo: number | null = null;
      if (stored.passed) {
        const promotion = await serial(() => store.promoteWorker({ cycleId, workerId, dimension: track.dimension, level: track.level }));
        track.status = 'passed';
        track.deadline = null;
        if (promotion.outcome === 'promoted') {
          promotedTo = promotion.level;
          await notify('promotion', `promotion:${track.dimension}:${track.level}`, workerId, { dimension: track.dimension, level: track.level, score: stored.score });
        } else {
          log.warn('pass did not promote', { workerId, dimension: track.dimension, level: track.level, outcome: promotion.outcome });
        }
      } else if (attempt === 1) {
        track.status = 'retake_open';
        track.deadline = nowMs() + plan!.rules.retakeWindowMs;
      } else {
        track.status = 'failed';
        track.deadline = null;
        await raiseCoachingFlag('second_fail', track);
      }
      return { attempt, passed: stored.passed, trackStatus: track.status, promotedTo, coachingFlag };
    } finally {
      track.busy = false;
      touch();
    }
  }, {
    validator: (request) => {
      if (!plan) throw ApplicationFailure.nonRetryable('the ladder is still starting; try again in a moment', ErrorType.Conflict);
      if (stop || finished) throw ApplicationFailure.nonRetryable(`the worker's ladder in this cycle has ended (${stop?.status ?? 'completed'})`, ErrorType.Conflict);
      const track = trackOf(request.dimension, request.level);
      if (!track) throw ApplicationFailure.nonRetryable(`worker ${workerId} does not take level ${request.level} of ${request.dimension} in this cycle`, ErrorType.NotFound);
      if (track.busy) throw ApplicationFailure.nonRetryable('an assessment of this level is being recorded', ErrorType.Conflict);
      if (!Number.isFinite(request.score) || request.score < 0 || request.score > 100) throw ApplicationFailure.nonRetryable('score must be 0–100', ErrorType.InvalidInput);
      switch (track.status) {
        case 'awaiting_assessment':
        case 'retake_open':
          return;
        case 'scheduled':
          throw ApplicationFailure.nonRetryable(`level ${track.level} of ${track.dimension} is not open for assessment: its sessions have not all ended`, ErrorType.Conflict);
        case 'passed':
          throw ApplicationFailure.nonRetryable(`level ${track.level} of ${track.dimension} is already passed`, ErrorType.Conflict);
        case 'failed':
          throw ApplicationFailure.nonRetryable(`level ${track.level} of ${track.dimension} is failed; the one retake is used or its window closed`, ErrorType.Conflict);
        case 'not_assessed':
          throw ApplicationFailure.nonRetryable(`the assessment window of level ${track.level} of ${track.dimension} has closed`, ErrorType.Conflict);
        case 'not_eligible':
          throw ApplicationFailure.nonRetryable(`level ${track.level} of ${track.dimension} needs level ${track.level - 1} passed first`, ErrorType.Conflict);
        case 'cancelled':
          throw ApplicationFailure.nonRetryable(`every session of level ${track.level} of ${track.dimension} was cancelled`, ErrorType.Conflict);
      }
    },
  });

  // ── start ─────────────────────────────────────────────────────────────────────────────────
  plan = await store.loadLadderPlan({ cycleId, workerId });
  const loadedAt = nowMs();
  coachingFlag = plan.enrolment?.coachingFlag ?? null;
  if (!plan.enrolment || plan.enrolment.status !== 'enrolled') {
    const status: LadderEnd = plan.enrolment?.status === 'cancelled' ? 'cancelled' : plan.enrolment?.status === 'completed' ? 'completed' : 'withdrawn';
    return end(status);
  }
  const enrolledAt = plan.enrolment.enrolledAt;
  for (const session of plan.sessions) {
    const state: SessionState = { ...session, dropped: false, attendance: null, final: false, writing: false, reminders: [] };
    // A worker added late does not owe sessions that started before they were enrolled.
    if (session.startsAt < enrolledAt) state.dropped = true;
    // Reminders due since the enrolment are owed even when this ladder starts late (a busy worker).
    else if (session.status !== 'cancelled') planReminders(state, Math.min(loadedAt, enrolledAt));
    sessions.set(session.id, state);
  }
  for (const change of early.splice(0)) applyChange(change);
  for (const track of groupTracks(plan.sessions)) {
    tracks.push({ ...track, status: 'scheduled', attempts: [], deadline: null, busy: false });
  }

  /** Waits until `done()` holds (true) or `deadline()` passes (false), re-reading both on every change. */
  async function waitUntil(deadline: () => number | null, done: () => boolean): Promise<boolean> {
    for (;;) {
      if (done()) return true;
      const at = deadline();
      const now = nowMs();
      if (at !== null && now >= at) return false;
      const seen = version;
      if (at === null) await condition(() => done() || version !== seen);
      else await condition(() => done() || version !== seen, Math.max(1, at - now));
    }
  }

  async function runReminders() {
    const sent = new Set<string>();
    for (;;) {
      if (finished || stop) return;
      const now = nowMs();
      let next: { at: number; key: string; offsetMs: number; session: SessionState } | undefined;
      for (const session of sessions.values()) {
        if (!active(session) || now >= session.startsAt) continue;
        for (const reminder of session.reminders) {
          if (sent.has(reminder.key)) continue;
          if (!next || reminder.at < next.at) next = { ...reminder, session };
        }
      }
      if (!next) {
        const seen = version;
        await condition(() => finished || stop !== null || version !== seen);
        continue;
      }
      if (next.at > now) {
        const seen = version;
        await condition(() => finished || stop !== null || version !== seen, Math.max(1, next.at - now));
        continue;
      }
      // Due (or overdue after a worker outage): send it, late rather than never, while the session is ahead.
      sent.add(next.key);
      const session = next.session;
      const check: StateCheck = { type: 'session_scheduled', sessionId: session.id, startsAt: new Date(session.startsAt).toISOString() };
      const result = await notifier.notify({
        key: next.key,
        workflowId,
        recipientId: workerId,
        kind: 'session_reminder',
        dueAt: next.at,
        check,
        data: {
          cycleName: plan!.cycleName, sessionId: session.id, dimension: session.dimension, level: session.level,
          startsAt: session.startsAt, endsAt: session.endsAt, place: session.place, trainer: session.trainer,
        },
        calendarEvent: {
          uid: `${cycleId}.${session.id}.${workerId}@shegong`,
          title: `${plan!.cycleName}: ${session.dimension} L${session.level}`,
          place: session.place,
          startsAt: new Date(session.startsAt).toISOString(),
          endsAt: new Date(session.endsAt).toISOString(),
        },
      });
      if (result.outcome === 'sent') remindersSent += 1;
    }
  }

  /** Closes each session's attendance when its grace ends: a missing record becomes an absence. */
  async function runAttendance() {
    const open = () => sessionsInOrder().filter((s) => active(s) && !s.final);
    for (;;) {
      if (stop) return;
      if (open().length === 0) return;
      await waitUntil(() => (open().length === 0 ? nowMs() : Math.min(...open().map(closeAt))), () => stop !== null);
      if (stop) return;
      const now = nowMs();
      for (const session of open().filter((s) => closeAt(s) <= now)) {
        if (session.writing) await condition(() => !session.writing);
        if (!active(session) || session.final) continue;
        if (!session.attendance) {
          session.attendance = { status: 'absent', by: 'system' };
          await serial(() => store.recordTrainingAttendance({ sessionId: session.id, workerId, status: 'absent', recordedBy: 'system' }));
        }
        session.final = true;
        touch();
        const closed = sessionsInOrder().filter((s) => active(s) && s.final).map((s) => s.attendance?.status);
        if (hasConsecutiveAbsences(closed)) await raiseCoachingFlag('two_consecutive_absences', session);
      }
    }
  }

  function closeTrack(track: TrackState, status: TrackStatus) {
    track.status = status;
    track.deadline = null;
    for (const id of track.sessionIds) {
      const session = sessions.get(id);
      if (session && !session.final && status === 'not_eligible') session.dropped = true;
    }
    touch();
  }

  async function runDimension(levels: TrackState[]) {
    let reachable = true;
    for (const track of levels) {
      if (stop) return;
      if (!reachable) {
        closeTrack(track, 'not_eligible');
        continue;
      }
      const own = () => track.sessionIds.map((id) => sessions.get(id)!).filter((s) => !s.dropped);
      const live = () => own().filter((s) => s.status !== 'cancelled');
      const ends = () => (live().length === 0 ? nowMs() : Math.max(...live().map((s) => s.endsAt)));
      await waitUntil(ends, () => stop !== null);
      if (stop) return;
      if (live().length === 0) {
        closeTrack(track, 'cancelled');
        reachable = false;
        continue;
      }
      track.status = 'awaiting_assessment' as TrackStatus;
      track.deadline = nowMs() + plan!.rules.assessmentWindowMs;
      touch();
      for (;;) {
        const done = await waitUntil(() => track.deadline, () => stop !== null || (FINAL_TRACK.includes(track.status) && !track.busy));
        if (done) break;
        if (track.busy) {
          await condition(() => !track.busy);
          continue;
        }
        // The window closed with nothing recorded: a first window means not assessed, a retake window a fail.
        closeTrack(track, track.status === 'retake_open' ? 'failed' : 'not_assessed');
        break;
      }
      if (stop) return;
      reachable = track.status === 'passed';
    }
  }

  async function end(status: LadderEnd): Promise<LadderResult> {
    finished = true;
    touch();
    await condition(allHandlersFinished);
    await serial(() => store.closeEnrolment({ cycleId, workerId, status }));
    if (status === 'cancelled') {
      await notify('cycle_cancelled', 'cycle-cancelled', workerId, { reason: stop?.reason ?? null });
    }
    // A cancelled cycle has stopped waiting for its ladders: telling it would only fail.
    if (status !== 'cancelled') {
      try {
        await getExternalWorkflowHandle(workflowIds.trainingCycle(cycleId)).signal(trainingSignals.ladderFinished, { workerId, status });
      } catch (error) {
        // The cycle has closed (this ladder was started by hand, or the cycle was terminated): nobody is waiting.
        log.info('cycle not told of ladder end', { cycleId, workerId, error: String(error) });
      }
    }
    return { cycleId, workerId, status, tracks: tracks.map((t) => ({ dimension: t.dimension, level: t.level, status: t.status })), coachingFlag };
  }

  const dimensions = [...new Set(tracks.map((t) => t.dimension))];
  const reminders = runReminders();
  await Promise.all([
    runAttendance(),
    ...dimensions.map((dimension) => runDimension(tracks.filter((t) => t.dimension === dimension))),
  ]);
  finished = true;
  touch();
  await reminders;
  return end(stopRequest()?.status ?? 'completed');
}
