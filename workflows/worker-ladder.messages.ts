// The workerLadder workflow's messages and types (`worker-ladder:<cycleId>:<workerId>`): one
// worker's sessions, reminders, attendance, assessments and promotions in a training cycle.
// No side effects; the data types and pure rules live in src/domain/worker-ladder.ts.

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AssessmentRequest, AssessmentResult, AttendanceRequest, AttendanceResult, LadderEnd, LadderResult, LadderSessionChange, LadderSessionView,
  LadderState, LadderStopRequest, TrackStatus, TrackView,
} from '../src/domain/worker-ladder.js';
export type {
  AssessmentRequest, AssessmentResult, AttendanceRequest, AttendanceResult, LadderEnd, LadderResult, LadderSessionChange, LadderSessionView,
  LadderState, LadderStopRequest, TrackStatus, TrackView,
};

export const WORKER_LADDER_WORKFLOW = 'workerLadder';

export interface WorkerLadderInput {
  cycleId: string;
  workerId: string;
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
