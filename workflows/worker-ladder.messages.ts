// The workerLadder workflow's messages and types (`worker-ladder:<cycleId>:<workerId>`): one
// worker's sessions, reminders, attendance, assessments and promotions in a training cycle.
// No side effects; pure rules live in src/domain/ladder.ts.

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AttendanceStatus } from '../src/domain/types.js';

export const WORKER_LADDER_WORKFLOW = 'workerLadder';

/** A session's new state, as the cycle passes it to the ladders that take it. */
export interface LadderSessionChange {
  sessionId: string;
  status: 'moved' | 'cancelled';
  startsAt: number;
  endsAt: number;
  place: string;
  reason: string | null;
}

export type LadderEnd = 'completed' | 'withdrawn' | 'cancelled';

export interface WorkerLadderInput {
  cycleId: string;
  workerId: string;
}

export type TrackStatus =
  | 'scheduled'
  | 'awaiting_assessment'
  | 'retake_open'
  | 'passed'
  | 'failed'
  | 'not_assessed'
  | 'not_eligible'
  | 'cancelled';

export interface TrackView {
  dimension: string;
  level: number;
  status: TrackStatus;
  sessionIds: string[];
  attempts: Array<{ attempt: number; score: number; passed: boolean; assessor: string }>;
  /** When the open assessment or retake window closes (epoch ms). */
  deadline: number | null;
}

export interface LadderSessionView {
  id: string;
  dimension: string;
  level: number;
  startsAt: number;
  endsAt: number;
  status: 'scheduled' | 'moved' | 'cancelled' | 'held' | 'dropped';
  attendance: AttendanceStatus | null;
  final: boolean;
}

export interface LadderState {
  cycleId: string;
  workerId: string;
  status: 'loading' | 'running' | LadderEnd;
  tracks: TrackView[];
  sessions: LadderSessionView[];
  coachingFlag: string | null;
  remindersSent: number;
}

export interface LadderResult {
  cycleId: string;
  workerId: string;
  status: LadderEnd;
  tracks: Array<{ dimension: string; level: number; status: TrackStatus }>;
  coachingFlag: string | null;
}

export interface AttendanceRequest {
  sessionId: string;
  /** A trainer or station lead gives the status; a check-in leaves it to the ladder (present or late). */
  status?: AttendanceStatus;
  source: 'trainer' | 'check_in';
  recordedBy: string;
}

export interface AttendanceResult {
  sessionId: string;
  workerId: string;
  status: AttendanceStatus;
  recordedBy: string;
}

export interface AssessmentRequest {
  dimension: string;
  level: number;
  score: number;
  assessor: string;
}

export interface AssessmentResult {
  attempt: number;
  passed: boolean;
  trackStatus: TrackStatus;
  /** The level the worker now holds when this pass promoted them. */
  promotedTo: number | null;
  coachingFlag: string | null;
}

export interface LadderStopRequest {
  status: 'withdrawn' | 'cancelled';
  reason: string | null;
  by: string;
}


export const ladderSignals = {
  sessionChanged: defineSignal<[LadderSessionChange]>('sessionChanged'),
  stop: defineSignal<[LadderStopRequest]>('stopLadder'),
};

export const ladderQueries = {
  state: defineQuery<LadderState>('ladderState'),
};

export const ladderUpdates = {
  recordAttendance: defineUpdate<AttendanceResult, [AttendanceRequest]>('recordAttendance'),
  recordAssessment: defineUpdate<AssessmentResult, [AssessmentRequest]>('recordAssessment'),
};
