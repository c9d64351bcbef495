// The trainingCycle workflow's messages and types (`training-cycle:<cycleId>`). The cycle fans
// out one child workerLadder per enrolled worker (worker-ladder.messages.ts). No side effects.

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { LadderEnd } from './worker-ladder.messages.js';

export const TRAINING_CYCLE_WORKFLOW = 'trainingCycle';

/** How the cycle starts its children; every knob explicit so a benchmark can state them. */
export interface CycleFanOut {
  /** Child starts in flight at once (a sliding window). */
  window: number;
  /** Children one run starts before it continues as new (keeps pending children well under 2,000). */
  childrenPerRun: number;
  /** Workers read from the records store per page. */
  pageSize: number;
}

// A window of 50 starts ladders as fast as a dev server records them (bench/RESULTS.md) with
// smaller bursts of ladder work than a wider one.
export const DEFAULT_FAN_OUT: CycleFanOut = { window: 50, childrenPerRun: 500, pageSize: 200 };

/** What one run of trainingCycle hands the next through continue-as-new. */
export interface TrainingCycleCarry {
  /** The last worker id read from the launch cohort (pages are read in worker-id order). */
  cursor: string | null;
  /** Every page of the launch cohort has been read. */
  exhausted: boolean;
  /** Read, or added while running, and not yet started. */
  pending: string[];
  /** Started ladders that have not reported their end. */
  running: string[];
  started: number;
  finished: number;
  runs: number;
  cancelled: { reason: string; by: string } | null;
}

export interface TrainingCycleInput {
  cycleId: string;
  fanOut: CycleFanOut;
  carry?: TrainingCycleCarry;
}

export interface TrainingCycleResult {
  cycleId: string;
  status: 'completed' | 'cancelled';
  started: number;
  finished: number;
  runs: number;
}

export interface TrainingCycleProgress {
  cycleId: string;
  status: 'running' | 'closing' | 'cancelled';
  started: number;
  running: number;
  finished: number;
  pending: number;
  exhausted: boolean;
  inFlight: number;
  /** Runs so far, this one included (continue-as-new starts a new run). */
  runs: number;
  historyLength: number;
}

/** A worker added while the cycle runs, with the sessions validation gave them. */
export interface CycleAddition {
  workerId: string;
  sessionIds: string[];
  levels: Record<string, number>;
}

export interface ParticipantChangeRequest {
  add: CycleAddition[];
  withdraw: string[];
  by: string;
  reason: string | null;
}

export interface ParticipantChangeResult {
  added: string[];
  withdrawn: string[];
}

export interface SessionChangeRequest {
  sessionId: string;
  action: 'move' | 'cancel';
  /** ISO instants, for a move. */
  startsAt?: string;
  endsAt?: string;
  place?: string;
  by: string;
  reason: string | null;
}

export interface SessionChangeResult {
  sessionId: string;
  status: 'moved' | 'cancelled';
  /** Ladders told about the change. */
  laddersSignalled: number;
}

export interface CancelCycleRequest {
  reason: string;
  by: string;
}

export interface CancelCycleResult {
  cycleId: string;
  status: 'cancelled';
  laddersSignalled: number;
}

export interface LadderFinished {
  workerId: string;
  status: LadderEnd;
}

export const trainingSignals = {
  /** A ladder tells its cycle it has ended (sent to the cycle's latest run). */
  ladderFinished: defineSignal<[LadderFinished]>('ladderFinished'),
};

export const trainingQueries = {
  progress: defineQuery<TrainingCycleProgress>('cycleProgress'),
};

export const trainingUpdates = {
  changeParticipants: defineUpdate<ParticipantChangeResult, [ParticipantChangeRequest]>('changeParticipants'),
  changeSession: defineUpdate<SessionChangeResult, [SessionChangeRequest]>('changeSession'),
  cancelCycle: defineUpdate<CancelCycleResult, [CancelCycleRequest]>('cancelCycle'),
};
