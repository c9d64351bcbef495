import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import { officialCalendar } from '../src/calendar/official.js';
import type { WorkCalendar } from '../src/domain/calendar.js';
import type { LadderPlan, LadderSession } from '../src/domain/worker-ladder.js';
import type { AttendanceStatus } from '../src/domain/types.js';
import * as training from '../src/store/repositories/training-cycle.js';
import { ErrorType } from '../src/domain/errors.js';
import { ladderSignals, type LadderSessionChange, type LadderStopRequest } from '../workflows/worker-ladder.messages.js';
import { workflowIds } from '../src/domain/workflow-ids.js';
import type { CycleAddition } from '../workflows/training-cycle.messages.js';
import type { ActivityDeps } from './deps.js';

/** Which ladders a fan-out signal goes to. */
export type LadderTarget =
  | { kind: 'workers'; workerIds: string[] }
  | { kind: 'session'; sessionId: string }
  | { kind: 'status'; statuses: Array<'enrolled' | 'cancelled'> };

export type LadderSignal =
  | { type: 'sessionChanged'; change: LadderSessionChange }
  | { type: 'stop'; stop: LadderStopRequest };

const SIGNAL_CONCURRENCY = 16;

/** What a cycle's session change becomes for the ladders that take the session. */
const SESSION_CHANGE_STATUS = { move: 'moved', cancel: 'cancelled', restore: 'restored' } as const satisfies Record<string, LadderSessionChange['status']>;

/** Attempts to read a ladder's cycle before its absence is final (about 7 s with the records retry policy). */
export const MISSING_CYCLE_ATTEMPTS = 4;

/** The calendar slice a cycle's sessions need: the official data from the first session's year on. */
function calendarFor(sessions: LadderSession[]): WorkCalendar {
  if (sessions.length === 0) return officialCalendar(9999);
  const years = sessions.map((session) => new Date(session.startsAt).getUTCFullYear());
  const first = Math.min(...years);
  const last = Math.max(...years) + 1;
  const calendar = officialCalendar(first);
  const keep = (date: string) => Number(date.slice(0, 4)) <= last;
  return { ...calendar, years: calendar.years.filter((year) => year <= last), holidays: calendar.holidays.filter(keep), workdays: calendar.workdays.filter(keep) };
}

/**
 * The training pipeline's side effects: reading plans, recording attendance, assessments,
 * promotions, coaching flags and the report, and telling many ladders at once about a change.
 * Each write is keyed by its business key, so a retry or a replayed worker changes nothing twice.
 */
export function createTrainingActivities(deps: ActivityDeps) {
  const { db } = deps.store;

  async function signalOne(workflowId: string, signal: LadderSignal): Promise<boolean> {
    const handle = deps.temporal.workflow.getHandle(workflowId);
    try {
      if (signal.type === 'stop') await handle.signal(ladderSignals.stop, signal.stop);
      else await handle.signal(ladderSignals.sessionChanged, signal.change);
      return true;
    } catch (error) {
      // A ladder not started yet reads the change from the store when it starts; a finished one needs nothing.
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  return {
    /** A page of the launch cohort still enrolled, in worker-id order. */
    async loadCohortPage(input: { cycleId: string; after: string | null; limit: number }): Promise<{ workerIds: string[] }> {
      return { workerIds: await training.cohortPage(db, input.cycleId, input.after, input.limit) };
    },

    /**
     * Everything a ladder works from, as the store has it now. The cycle's records commit before
     * its workflow starts, so a cycle the store does not have is not a race to wait out: after
     * MISSING_CYCLE_ATTEMPTS the failure is non-retryable and the ladder ends (cancelled).
     */
    async loadLadderPlan(input: { cycleId: string; workerId: string }): Promise<LadderPlan> {
      const cycle = await training.ladderSettings(db, input.cycleId);
      if (!cycle) {
        const message = `training cycle ${input.cycleId} is not in the records store`;
        if (Context.current().info.attempt >= MISSING_CYCLE_ATTEMPTS) throw ApplicationFailure.nonRetryable(message, ErrorType.NotFound);
        throw ApplicationFailure.retryable(message, ErrorType.NotFound);
      }
      const enrolment = await training.getEnrolment(db, input.cycleId, input.workerId);
      const worker = await training.ladderWorker(db, input.workerId);
      const rows = await training.planSessions(db, input.cycleId, enrolment?.plan ?? []);
      const sessions: LadderSession[] = rows.map((row) => ({
        id: row.id, dimension: row.dimension_key, level: row.level, startsAt: row.starts_at.getTime(), endsAt: row.ends_at.getTime(),
        place: row.place, trainer: row.trainer, status: row.status,
      }));
      return {
        cycleName: cycle.name,
        enrolment: enrolment ? { status: enrolment.status, enrolledAt: enrolment.enrolled_at.getTime(), coachingFlag: enrolment.coaching_flag } : null,
        workerName: worker?.name ?? input.workerId,
        communityId: worker?.community_id ?? null,
        stationLeadId: (await training.stationLeadOf(db, worker?.community_id ?? null)) ?? cycle.supervisorId ?? null,
        startLevels: enrolment?.start_levels ?? {},
        sessions,
        rules: cycle.rules,
        reminderPolicy: cycle.reminderPolicy,
        calendar: calendarFor(sessions),
      };
    },

    async recordTrainingAttendance(input: { sessionId: string; workerId: string; status: AttendanceStatus; recordedBy: string }): Promise<void> {
      await training.upsertAttendance(db, { ...input, at: deps.clock() });
    },

    async recordTrainingAssessment(input: training.AssessmentRecord): Promise<training.AssessmentRecord> {
      return training.insertAssessment(db, input);
    },

    async promoteWorker(input: { workerId: string; dimension: string; level: number; cycleId: string }) {
      return training.promoteWorker(db, { ...input, at: deps.clock() });
    },

    async flagForCoaching(input: { cycleId: string; workerId: string; reason: string }): Promise<string | null> {
      return training.flagForCoaching(db, input.cycleId, input.workerId, input.reason);
    },

    async closeEnrolment(input: { cycleId: string; workerId: string; status: 'completed' | 'withdrawn' | 'cancelled' }): Promise<void> {
      await training.closeEnrolment(db, input.cycleId, input.workerId, input.status, deps.clock());
    },

    /** Adds and withdraws participants in the store; returns who is now added and withdrawn. */
    async applyParticipantChanges(input: { cycleId: string; add: CycleAddition[]; withdraw: string[] }) {
      const added = await training.addEnrolments(db, input.cycleId, input.add.map((a) => ({ workerId: a.workerId, sessionIds: a.sessionIds, levels: a.levels })));
      // A retried attempt finds its rows already there: report every requested worker now enrolled.
      const enrolled = new Set(await training.workersWithStatus(db, input.cycleId, ['enrolled']));
      const withdrawn = await training.withdrawEnrolments(db, input.cycleId, input.withdraw, deps.clock());
      return { added: [...new Set([...added, ...input.add.map((a) => a.workerId).filter((id) => enrolled.has(id))])], withdrawn };
    },

    async cancelCycleRecords(input: { cycleId: string; reason: string; by: string }): Promise<void> {
      await training.cancelCycleRecords(db, input.cycleId, input.reason, input.by, deps.clock());
    },

    /** Moves or cancels a session in the store; returns the change as ladders need it. */
    async applySessionChange(input: { cycleId: string; sessionId: string; action: 'move' | 'cancel' | 'restore'; startsAt?: string; endsAt?: string; place?: string; reason: string | null }): Promise<LadderSessionChange> {
      const row = await training.changeSession(db, { ...input, at: deps.clock() });
      return {
        sessionId: row.id,
        status: SESSION_CHANGE_STATUS[input.action],
        startsAt: row.starts_at.getTime(),
        endsAt: row.ends_at.getTime(),
        place: row.place,
        reason: input.reason,
      };
    },

    /**
     * Signals many ladders from one activity, so the cycle's history grows by one activity rather
     * than by two events per ladder. Heartbeats progress; a retry resumes after the last batch.
     */
    async signalLadders(input: { cycleId: string; target: LadderTarget; signal: LadderSignal }): Promise<{ signalled: number; missing: number }> {
      const workerIds = input.target.kind === 'workers'
        ? input.target.workerIds
        : input.target.kind === 'session'
          ? await training.workersTakingSession(db, input.cycleId, input.target.sessionId)
          : await training.workersWithStatus(db, input.cycleId, input.target.statuses);
      const context = Context.current();
      const resume = (context.info.heartbeatDetails as { done: number; signalled: number; missing: number } | undefined) ?? { done: 0, signalled: 0, missing: 0 };
      let { done, signalled, missing } = resume;
      while (done < workerIds.length) {
        const batch = workerIds.slice(done, done + SIGNAL_CONCURRENCY);
        const results = await Promise.all(batch.map((workerId) => signalOne(workflowIds.workerLadder(input.cycleId, workerId), input.signal)));
        signalled += results.filter(Boolean).length;
        missing += results.filter((ok) => !ok).length;
        done += batch.length;
        context.heartbeat({ done, signalled, missing });
      }
      return { signalled, missing };
    },

    /** Writes the cycle's report and closes it. */
    async finishTrainingCycle(input: { cycleId: string; status: 'completed' | 'cancelled' }): Promise<training.CycleReport> {
      return training.finishCycle(db, input.cycleId, input.status, deps.clock());
    },
  };
}

export type TrainingActivities = ReturnType<typeof createTrainingActivities>;
