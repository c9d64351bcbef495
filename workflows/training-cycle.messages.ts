// The trainingCycle workflow's messages and types (`training-cycle:<cycleId>`). The cycle fans
// out one child workerLadder per enrolled worker (worker-ladder.messages.ts). No side effects; the
// data types and the cycle's bookkeeping live in src/domain/training-cycle.ts.

import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  CycleAddition, CycleFanOut, LadderFinished, ParticipantChangeResult, TrainingCycleCarry, TrainingCycleProgress, TrainingCycleResult,
} from '../src/domain/training-cycle.js';
export type {
  CycleAddition, CycleFanOut, LadderFinished, ParticipantChangeResult, TrainingCycleCarry, TrainingCycleProgress, TrainingCycleResult,
};
export { DEFAULT_FAN_OUT } from '../src/domain/training-cycle.js';

export const TRAINING_CYCLE_WORKFLOW = 'trainingCycle';

export interface TrainingCycleInput {
  cycleId: string;
  fanOut: CycleFanOut;
  carry?: TrainingCycleCarry;
}

export interface ParticipantChangeRequest {
  add: CycleAddition[];
  withdraw: string[];
  by: string;
  reason: string | null;
}

export interface SessionChangeRequest {
  sessionId: string;
  /** `restore` takes back a cancellation, before the session was due. */
  action: 'move' | 'cancel' | 'restore';
  /** ISO instants, for a move. */
  startsAt?: string;
  endsAt?: string;
  place?: string;
  by: string;
  reason: string | null;
}

export interface SessionChangeResult {
  sessionId: string;
  status: 'moved' | 'cancelled' | 'restored';
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
