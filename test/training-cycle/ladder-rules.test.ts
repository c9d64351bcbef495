import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DIMENSIONS } from '../../src/domain/catalog.js';
import { launchCycleSchema } from '../../src/schemas/training-cycle.js';
import { checkCohort, checkSessions, planForWorker, type CycleSession } from '../../src/domain/training-cycle.js';
import { checkInStatus, groupTracks, hasConsecutiveAbsences, promotionOutcome } from '../../src/domain/worker-ladder.js';

const CATALOG = { party_policy: [1, 2, 3], professional_methods: [1, 2, 3] };
const NOW = Date.parse('2027-03-01T00:00:00+08:00');
const at = (day: number, hour: number) => `2027-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+08:00`;
const session = (id: string, dimension: string, level: number, day: number, hour: number, capacity = 10): CycleSession => ({
  id, dimension, level, startsAt: at(day, hour), endsAt: at(day, hour + 2), place: 'center', trainer: 't', capacity,
});

describe('the ladder rule', () => {
  it('promotes only to the next level and never skips one', () => {
    expect(promotionOutcome(0, 1)).toBe('promote');
    expect(promotionOutcome(1, 2)).toBe('promote');
    expect(promotionOutcome(0, 2)).toBe('refused');
    expect(promotionOutcome(2, 2)).toBe('already');
    expect(promotionOutcome(3, 1)).toBe('already');
  });

  it('plans the levels that follow on from a worker\'s own and reports the ones out of reach', () => {
    const sessions = [session('a', 'party_policy', 1, 2, 9), session('b', 'party_policy', 2, 3, 9), session('c', 'professional_methods', 3, 4, 9)];
    expect(planForWorker(sessions, {})).toEqual({
      sessionIds: ['a', 'b'],
      ineligible: [{ dimension: 'professional_methods', level: 3, reason: expect.stringContaining('needs level 2 first') }],
    });
    expect(planForWorker(sessions, { party_policy: 1, professional_methods: 2 }).sessionIds).toEqual(['b', 'c']);
    expect(planForWorker(sessions, { party_policy: 3, professional_methods: 3 })).toEqual({ sessionIds: [], ineligible: [] });
  });

  it('counts two absences in a row, with excused breaking the run', () => {
    expect(hasConsecutiveAbsences(['absent', 'present', 'absent'])).toBe(false);
    expect(hasConsecutiveAbsences(['present', 'absent', 'absent'])).toBe(true);
    expect(hasConsecutiveAbsences(['absent', 'excused', 'absent'])).toBe(false);
  });

  it('marks a check-in late only after the grace', () => {
    expect(checkInStatus(1_000, 1_000, 600)).toBe('present');
    expect(checkInStatus(1_600, 1_000, 600)).toBe('present');
    expect(checkInStatus(1_601, 1_000, 600)).toBe('late');
  });

  it('groups a worker\'s sessions per dimension and level, levels ascending', () => {
    const tracks = groupTracks([
      { id: 'b', dimension: 'party_policy', level: 2, startsAt: 3, endsAt: 4, place: '', trainer: '', status: 'scheduled' },
      { id: 'a', dimension: 'party_policy', level: 1, startsAt: 1, endsAt: 2, place: '', trainer: '', status: 'scheduled' },
      { id: 'a2', dimension: 'party_policy', level: 1, startsAt: 2, endsAt: 3, place: '', trainer: '', status: 'scheduled' },
    ]);
    expect(tracks).toEqual([
      { dimension: 'party_policy', level: 1, sessionIds: ['a', 'a2'] },
      { dimension: 'party_policy', level: 2, sessionIds: ['b'] },
    ]);
  });
});

describe('launch validation', () => {
  it('reports every problem at once with its field path', () => {
    const sessions = [
      session('s1', 'party_policy', 1, 2, 9, 1),
      session('s2', 'professional_methods', 1, 2, 10),
      { ...session('s3', 'party_policy', 2, 1, 9), startsAt: '2027-02-27T09:00:00+08:00', endsAt: '2027-02-27T08:00:00+08:00' },
      session('s4', 'no_such_dimension', 1, 5, 9),
      session('s1', 'professional_methods', 3, 6, 9),
    ];
    const problems = checkSessions(sessions, CATALOG, NOW);
    const cohort = checkCohort({
      sessions: sessions.slice(0, 2), catalog: CATALOG, now: NOW,
      workers: [
        { workerId: 'w1', path: 'cohort.workerIds.0', levels: {} },
        { workerId: 'w2', path: 'cohort.workerIds.1', levels: {} },
        { workerId: 'w3', path: 'cohort.workerIds.2', levels: { party_policy: 3, professional_methods: 3 } },
      ],
    });
    const paths = [...problems, ...cohort.problems].map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([
      'sessions.2.endsAt', // ends before it starts
      'sessions.2.startsAt', // in the past
      'sessions.3.dimension', // unknown
      'sessions.4.id', // duplicate
      'sessions.1.startsAt', // overlaps sessions[0] for w1 and w2
      'sessions.0.capacity', // 2 workers, capacity 1
      'cohort.workerIds.2', // already holds every level
    ]));
  });

  it('skips sessions already started for a late addition and still applies the ladder rule', () => {
    const sessions = [session('s1', 'party_policy', 1, 2, 9), session('s2', 'party_policy', 2, 4, 9)];
    const lateNow = Date.parse(at(3, 9));
    const result = checkCohort({ sessions, catalog: CATALOG, now: lateNow, upcomingOnly: true, workers: [{ workerId: 'w', path: 'add.0', levels: {} }] });
    expect(result.problems).toMatchObject([{ path: 'add.0', message: expect.stringContaining('not eligible for level 2 of party_policy') }]);
  });

  it('orders levels within a dimension: level 2 may not start before level 1 ends', () => {
    const problems = checkSessions([session('a', 'party_policy', 1, 2, 9), session('b', 'party_policy', 2, 2, 10)], CATALOG, NOW);
    expect(problems).toMatchObject([{ path: 'sessions.1.startsAt', message: expect.stringContaining('starts before level 1 ends') }]);
  });
});

describe('the documented launch body', () => {
  it('is a valid launch for the 11 default stations with one session per dimension', () => {
    const body = launchCycleSchema.parse(JSON.parse(readFileSync(new URL('../../docs/examples/training-cycle.json', import.meta.url), 'utf8')));
    expect(body.cohort.stationIds).toHaveLength(11);
    const catalog = Object.fromEntries(DEFAULT_DIMENSIONS.map((d) => [d.key, d.levels.map((l) => l.level)]));
    const sessions = body.sessions.map((session, index) => ({ ...session, id: `s${index}` }));
    expect(new Set(sessions.map((s) => s.dimension)).size).toBe(6);
    expect(checkSessions(sessions, catalog, Date.parse('2026-11-28T00:00:00+08:00'))).toEqual([]);
    const cohort = checkCohort({ sessions, catalog, now: Date.parse('2026-11-28T00:00:00+08:00'), workers: Array.from({ length: 33 }, (_, i) => ({ workerId: `w${i}`, path: `w${i}`, levels: {} })) });
    expect(cohort.problems).toEqual([]);
  });
});
