import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { officialCalendar } from '../../src/calendar/official.js';
import { WEEKDAY_CALENDAR } from '../../src/domain/calendar.js';
import {
  DEFAULT_REMINDER_POLICY, escalationAt, inQuietHours, isAllowedTime, nextAllowedTime, overdueReminderAt, previousAllowedTime,
  reminderSchedule, type ReminderPolicy,
} from '../../src/domain/reminders.js';
import { DAY_MS, formatShanghai, HOUR_MS, MINUTE_MS, shanghaiInstant } from '../../src/domain/time.js';

const calendar = officialCalendar();
const at = (date: string, time: string) => shanghaiInstant(date, time);
const show = (instant: number | undefined) => (instant === undefined ? undefined : formatShanghai(instant));

// Every policy here is explicit: nothing depends on the hour at which the suite runs.
const policy: ReminderPolicy = {
  offsetsMs: [24 * HOUR_MS, HOUR_MS],
  quietHours: { start: '21:00', end: '08:00' },
  workingDaysOnly: true,
  overdueRepeatMs: DAY_MS,
  escalation: { graceMs: 2 * DAY_MS, cadenceMs: 2 * DAY_MS, chain: ['station_lead', 'center_supervisor'] },
};
const anyDay: ReminderPolicy = { ...policy, workingDaysOnly: false };
const noRules: ReminderPolicy = { ...policy, quietHours: null, workingDaysOnly: false };
const longAgo = at('2020-01-01', '00:00');

describe('quiet hours', () => {
  it('span midnight: quiet from 21:00 up to but not including 08:00', () => {
    const quiet = policy.quietHours;
    expect(inQuietHours(at('2026-03-16', '20:59'), quiet)).toBe(false);
    expect(inQuietHours(at('2026-03-16', '21:00'), quiet)).toBe(true);
    expect(inQuietHours(at('2026-03-16', '23:59'), quiet)).toBe(true);
    expect(inQuietHours(at('2026-03-17', '00:00'), quiet)).toBe(true);
    expect(inQuietHours(at('2026-03-17', '07:59'), quiet)).toBe(true);
    expect(inQuietHours(at('2026-03-17', '08:00'), quiet)).toBe(false);
  });

  it('may lie within one day, and are off when absent or empty', () => {
    const lunch = { start: '12:00', end: '14:00' };
    expect(inQuietHours(at('2026-03-16', '11:59'), lunch)).toBe(false);
    expect(inQuietHours(at('2026-03-16', '12:30'), lunch)).toBe(true);
    expect(inQuietHours(at('2026-03-16', '14:00'), lunch)).toBe(false);
    expect(inQuietHours(at('2026-03-16', '23:00'), null)).toBe(false);
    expect(inQuietHours(at('2026-03-16', '23:00'), { start: '08:00', end: '08:00' })).toBe(false);
  });

  it('are read in Beijing time whatever the UTC date', () => {
    // 13:30 UTC is 21:30 in Beijing: quiet.
    expect(inQuietHours(Date.parse('2026-03-16T13:30:00Z'), policy.quietHours)).toBe(true);
    expect(inQuietHours(Date.parse('2026-03-16T12:59:00Z'), policy.quietHours)).toBe(false);
  });
});

describe('the next allowed time', () => {
  it('leaves an allowed time as it is', () => {
    expect(show(nextAllowedTime(at('2026-03-16', '10:15'), policy, calendar))).toBe('2026-03-16 10:15');
  });

  it('moves a time inside evening quiet hours to 08:00 the next working day', () => {
    expect(show(nextAllowedTime(at('2026-03-16', '22:00'), policy, calendar))).toBe('2026-03-17 08:00');
    expect(show(nextAllowedTime(at('2026-03-17', '06:00'), policy, calendar))).toBe('2026-03-17 08:00');
  });

  it('moves a due time inside quiet hours on the eve of National Day past the whole holiday', () => {
    const eve = at('2026-09-30', '22:00');
    expect(show(nextAllowedTime(eve, policy, calendar))).toBe('2026-10-08 08:00');
    expect(show(nextAllowedTime(eve, anyDay, calendar))).toBe('2026-10-01 08:00');
    expect(show(nextAllowedTime(eve, noRules, calendar))).toBe('2026-09-30 22:00');
  });

  it('delivers on an adjusted workday (Saturday 2026-10-10) and skips the Sunday after it', () => {
    expect(show(nextAllowedTime(at('2026-10-09', '21:30'), policy, calendar))).toBe('2026-10-10 08:00');
    expect(show(nextAllowedTime(at('2026-10-10', '21:30'), policy, calendar))).toBe('2026-10-12 08:00');
    expect(show(nextAllowedTime(at('2026-02-13', '23:00'), policy, calendar))).toBe('2026-02-14 08:00');
  });

  it('waits out the Spring Festival holiday', () => {
    expect(show(nextAllowedTime(at('2026-02-15', '10:00'), policy, calendar))).toBe('2026-02-24 08:00');
  });

  it('goes to midnight of the next working day when there are no quiet hours', () => {
    const daysOnly = { ...policy, quietHours: null };
    expect(show(nextAllowedTime(at('2026-10-03', '15:00'), daysOnly, calendar))).toBe('2026-10-08 00:00');
  });

  it('falls back to Monday–Friday in 2027, which the calendar does not cover', () => {
    // 2027-10-01 is a Friday; without official data it is a working day.
    expect(show(nextAllowedTime(at('2027-09-30', '22:00'), policy, calendar))).toBe('2027-10-01 08:00');
    expect(show(nextAllowedTime(at('2027-10-01', '21:30'), policy, calendar))).toBe('2027-10-04 08:00');
    expect(nextAllowedTime(at('2027-10-01', '21:30'), policy, calendar)).toBe(nextAllowedTime(at('2027-10-01', '21:30'), policy, WEEKDAY_CALENDAR));
  });
});

describe('the previous allowed time', () => {
  it('is the last allowed minute before quiet hours begin', () => {
    expect(show(previousAllowedTime(at('2026-09-30', '22:00'), policy, calendar))).toBe('2026-09-30 20:59');
    expect(show(previousAllowedTime(at('2026-03-17', '09:00'), policy, calendar))).toBe('2026-03-17 08:59');
  });

  it('steps back over a holiday to the last working evening', () => {
    expect(show(previousAllowedTime(at('2026-10-05', '12:00'), policy, calendar))).toBe('2026-09-30 20:59');
  });

  it('is undefined when nothing in the week before is allowed (the nine-day Spring Festival break)', () => {
    expect(previousAllowedTime(at('2026-02-23', '12:00'), policy, calendar)).toBeUndefined();
    expect(show(previousAllowedTime(at('2026-02-24', '12:00'), policy, calendar))).toBe('2026-02-24 11:59');
  });
});

describe('the reminder schedule', () => {
  it('sends 24 h and 1 h before an ordinary working-day due time', () => {
    const due = at('2026-03-17', '10:00');
    expect(reminderSchedule(due, policy, calendar, longAgo).map((r) => show(r.at))).toEqual(['2026-03-16 10:00', '2026-03-17 09:00']);
  });

  it('for a due time in quiet hours on the eve of a holiday, moves the late reminder back before it', () => {
    // Due 22:00 on 30 September: the 24 h reminder (29th, 22:00, quiet) moves to 08:00 on the 30th;
    // the 1 h one (21:00, quiet) would move past the holiday, after the due time, so it is pulled back.
    const due = at('2026-09-30', '22:00');
    const planned = reminderSchedule(due, policy, calendar, longAgo);
    expect(planned.map((r) => [show(r.at), r.offsetMs / HOUR_MS])).toEqual([['2026-09-30 08:00', 24], ['2026-09-30 20:59', 1]]);
  });

  it('folds two reminders that land on the same instant into one', () => {
    // Due 09:00 on the first working day after National Day: 24 h before is a holiday, moved to
    // 08:00 that morning, where the 1 h reminder also lands.
    const due = at('2026-10-08', '09:00');
    expect(reminderSchedule(due, policy, calendar, longAgo).map((r) => show(r.at))).toEqual(['2026-10-08 08:00']);
  });

  it('drops reminders already in the past', () => {
    const due = at('2026-03-17', '10:00');
    const now = at('2026-03-16', '12:00');
    expect(reminderSchedule(due, policy, calendar, now).map((r) => show(r.at))).toEqual(['2026-03-17 09:00']);
    expect(reminderSchedule(due, policy, calendar, due)).toEqual([]);
  });

  it('takes any offsets as data, in seconds for tests', () => {
    const due = at('2026-03-17', '10:00');
    const fast = { ...noRules, offsetsMs: [2000, 5000] };
    expect(reminderSchedule(due, fast, calendar, longAgo).map((r) => due - r.at)).toEqual([5000, 2000]);
  });

  it('uses the default policy of 24 h and 1 h, quiet 21:00–08:00, working days only', () => {
    expect(DEFAULT_REMINDER_POLICY.offsetsMs).toEqual([24 * HOUR_MS, HOUR_MS]);
    expect(DEFAULT_REMINDER_POLICY.quietHours).toEqual({ start: '21:00', end: '08:00' });
    expect(DEFAULT_REMINDER_POLICY.workingDaysOnly).toBe(true);
  });
});

describe('overdue repeats and escalations', () => {
  const due = at('2026-09-28', '17:00'); // Monday before National Day

  it('repeats an overdue reminder by the cadence, on allowed times', () => {
    expect(show(overdueReminderAt(due, 0, policy, calendar))).toBe('2026-09-28 17:00');
    expect(show(overdueReminderAt(due, 1, policy, calendar))).toBe('2026-09-29 17:00');
    expect(show(overdueReminderAt(due, 3, policy, calendar))).toBe('2026-10-08 08:00');
    expect(overdueReminderAt(due, 1, { ...policy, overdueRepeatMs: null }, calendar)).toBeUndefined();
    expect(show(overdueReminderAt(due, 0, { ...policy, overdueRepeatMs: null }, calendar))).toBe('2026-09-28 17:00');
  });

  it('escalates along the chain after the grace period, the last step hearing every repeat', () => {
    const rounds = [0, 1, 2, 3].map((round) => escalationAt(due, round, policy, calendar)!);
    expect(rounds.map((e) => [show(e.at), e.step])).toEqual([
      ['2026-09-30 17:00', 'station_lead'],
      ['2026-10-08 08:00', 'center_supervisor'],
      ['2026-10-08 08:00', 'center_supervisor'],
      ['2026-10-08 08:00', 'center_supervisor'],
    ]);
    expect(show(escalationAt(due, 4, policy, calendar)!.at)).toBe('2026-10-08 17:00');
  });

  it('does not escalate without an escalation policy or chain', () => {
    expect(escalationAt(due, 0, { ...policy, escalation: null }, calendar)).toBeUndefined();
    expect(escalationAt(due, 0, { ...policy, escalation: { graceMs: 0, cadenceMs: 1, chain: [] } }, calendar)).toBeUndefined();
  });
});

describe('properties over 2026–2027', () => {
  const instant = fc.integer({ min: at('2026-01-01', '00:00'), max: at('2027-12-31', '00:00') }).map((ms) => ms - (ms % MINUTE_MS));
  const quiet = fc.option(fc.record({
    start: fc.integer({ min: 0, max: 23 }).map((h) => `${String(h).padStart(2, '0')}:00`),
    end: fc.integer({ min: 0, max: 23 }).map((h) => `${String(h).padStart(2, '0')}:30`),
  }), { nil: null });
  const rules = fc.record({ quietHours: quiet, workingDaysOnly: fc.boolean() });

  it('the next allowed time is allowed, not earlier, and the first such minute', () => {
    fc.assert(fc.property(instant, rules, (t, p) => {
      const next = nextAllowedTime(t, p, calendar);
      expect(next).toBeGreaterThanOrEqual(t);
      expect(isAllowedTime(next, p, calendar)).toBe(true);
      if (next > t) expect(isAllowedTime(next - MINUTE_MS, p, calendar)).toBe(false);
    }), { numRuns: 400 });
  });

  it('every planned reminder is allowed, before the due time, not in the past, in order', () => {
    fc.assert(fc.property(instant, fc.integer({ min: 0, max: 3 * DAY_MS }), rules, (due, back, p) => {
      const full: ReminderPolicy = { ...policy, ...p };
      const now = due - back;
      const planned = reminderSchedule(due, full, calendar, now);
      for (const [index, reminder] of planned.entries()) {
        expect(isAllowedTime(reminder.at, full, calendar)).toBe(true);
        expect(reminder.at).toBeLessThan(due);
        expect(reminder.at).toBeGreaterThanOrEqual(now);
        if (index > 0) expect(reminder.at).toBeGreaterThan(planned[index - 1]!.at);
      }
    }), { numRuns: 300 });
  });
});
