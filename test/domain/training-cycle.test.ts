import { describe, expect, it } from 'vitest';
import { ErrorType } from '../../src/domain/errors.js';
import { checkSessionMove, CycleMachine, FRESH_CARRY, type SessionSpan } from '../../src/domain/training-cycle.js';

// The training cycle's bookkeeping and session-move checks without Temporal.

describe('a cycle run', () => {
  it('reads the launch cohort a page at a time and knows the last page by its length', () => {
    const cycle = new CycleMachine('cyc-1');
    expect(cycle.needsPage()).toBe(true);
    cycle.acceptPage(['w1', 'w2'], 2);
    expect(cycle).toMatchObject({ cursor: 'w2', exhausted: false });
    expect(cycle.takeNext()).toBe('w1');
    expect(cycle.needsPage()).toBe(false);
    expect(cycle.takeNext()).toBe('w2');
    cycle.acceptPage(['w3'], 2);
    expect(cycle).toMatchObject({ cursor: 'w3', exhausted: true });
  });

  it('starts within its share, hands over the worker it could not start, and skips one already running', () => {
    const cycle = new CycleMachine('cyc-1');
    expect(cycle.admit('w1', 2, false)).toBe('start');
    expect(cycle.admit('w1', 2, false)).toBe('skip');
    expect(cycle.admit('w2', 2, false)).toBe('start');
    expect(cycle.admit('w3', 2, false)).toBe('hand_over');
    expect(cycle.pending).toEqual(['w3']);
    expect(cycle).toMatchObject({ started: 2, startedThisRun: 2, inFlight: 2 });
    cycle.startSettled();
    expect(cycle.inFlight).toBe(1);

    const suggested = new CycleMachine('cyc-2');
    expect(suggested.admit('w1', 100, true)).toBe('hand_over');
  });

  it('counts a ladder finished once, whether it reported or never started', () => {
    const cycle = new CycleMachine('cyc-1');
    cycle.admit('w1', 10, false);
    cycle.ladderFinished('w1');
    cycle.ladderFinished('w1');
    cycle.ladderFinished('w-unknown');
    expect(cycle).toMatchObject({ finished: 1 });
    expect(cycle.running.size).toBe(0);
  });

  it('carries its state into the next run, which counts itself', () => {
    const cycle = new CycleMachine('cyc-1', { ...FRESH_CARRY, runs: 2, started: 5, finished: 1 });
    cycle.admit('w9', 10, false);
    cycle.admit('w1', 10, false);
    cycle.pending.push('w4');
    const carry = cycle.carry();
    expect(carry).toMatchObject({ running: ['w1', 'w9'], pending: ['w4'], started: 7, finished: 1, runs: 3 });
    const next = new CycleMachine('cyc-1', carry);
    expect(next.runs).toBe(4);
    expect(next.startedThisRun).toBe(0);
    expect(next.progress(42)).toEqual({
      cycleId: 'cyc-1', status: 'running', started: 7, running: 2, finished: 1, pending: 1, exhausted: false, inFlight: 0, runs: 4, historyLength: 42,
    });
  });

  it('queues added workers once and unqueues withdrawn ones, naming the withdrawn whose ladders run', () => {
    const cycle = new CycleMachine('cyc-1');
    cycle.admit('w1', 10, false);
    cycle.pending.push('w2');
    expect(cycle.participantsChanged({ added: ['w1', 'w2', 'w3'], withdrawn: [] })).toEqual([]);
    expect(cycle.pending).toEqual(['w2', 'w3']);
    expect(cycle.participantsChanged({ added: [], withdrawn: ['w1', 'w3'] })).toEqual(['w1']);
    expect(cycle.pending).toEqual(['w2']);
  });

  it('refuses changes once cancelled or closing, with stable reasons', () => {
    const cycle = new CycleMachine('cyc-1');
    expect(cycle.refuseChange()).toBeNull();
    cycle.closing = true;
    expect(cycle.refuseChange()).toMatchObject({ type: ErrorType.Conflict, reason: 'cycle_closing' });
    expect(cycle.progress(1).status).toBe('closing');
    cycle.cancel({ reason: '暂停', by: 'sup' });
    expect(cycle.refuseChange()).toMatchObject({ reason: 'cycle_cancelled', message: 'the training cycle is cancelled', values: { cycleId: 'cyc-1' } });
    expect(cycle.result()).toMatchObject({ status: 'cancelled' });
  });
});

describe('moving a session', () => {
  const span = (id: string, level: number, start: number, end: number, dimension = 'party_policy'): SessionSpan => ({ id, dimension, level, start, end });

  it('keeps the ladder order, the future, and each taker free of overlaps', () => {
    const session = span('s2', 2, 500, 600);
    const others = [span('s1', 1, 100, 200), span('s3', 3, 900, 1000), span('x', 1, 250, 350, 'resource_linkage')];
    const check = (start: number, end: number, takersOf = new Map<string, string[]>()) =>
      checkSessionMove({ session, others, start, end, now: 150, takers: new Set(['w1', 'w2']), takersOf });
    expect(check(400, 500)).toEqual([]);
    expect(check(120, 100).map((p) => p.path)).toEqual(['body.endsAt', 'body.startsAt', 'body.startsAt']);
    expect(check(850, 950)).toMatchObject([{ path: 'body.endsAt', message: 'level 2 would end after level 3 session s3 starts' }]);
    expect(check(300, 400, new Map([['x', ['w2', 'w3']]]))).toMatchObject([{ path: 'body.startsAt', message: 'overlaps session x for 1 worker(s) who take both: w2' }]);
  });
});
