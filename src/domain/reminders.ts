import { isWorkingDay, type WorkCalendar } from './calendar.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, shanghaiDate, shanghaiInstant, shanghaiMinuteOfDay } from './time.js';

// When reminders go out: a reminder policy is data (a workflow input), and these pure functions
// turn it into instants. Wall-clock rules (quiet hours, working days) are in Asia/Shanghai.

export interface QuietHours {
  /** HH:MM, Asia/Shanghai; quiet from `start` … */
  start: string;
  /** … until `end` (may be on the next day, e.g. 21:00–08:00). */
  end: string;
}

export type EscalationStep = 'worker' | 'station_lead' | 'center_supervisor';

export interface EscalationPolicy {
  /** After the due time, wait this long before the first escalation. */
  graceMs: number;
  /** Then escalate again every `cadenceMs` until the item is done. */
  cadenceMs: number;
  /** Who hears each escalation, in order; the last one keeps hearing the repeats. */
  chain: EscalationStep[];
}

export interface ReminderPolicy {
  /** How long before the due time each reminder goes out (default 24 h and 1 h). */
  offsetsMs: number[];
  /** No reminder is delivered inside quiet hours: it moves to the next allowed time. */
  quietHours: QuietHours | null;
  /** Deliver only on working days of the official calendar (调休 included). */
  workingDaysOnly: boolean;
  /** Repeat an overdue reminder this often (null: once at the due time). */
  overdueRepeatMs: number | null;
  escalation: EscalationPolicy | null;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  offsetsMs: [24 * HOUR_MS, HOUR_MS],
  quietHours: { start: '21:00', end: '08:00' },
  workingDaysOnly: true,
  overdueRepeatMs: DAY_MS,
  escalation: { graceMs: 2 * DAY_MS, cadenceMs: 2 * DAY_MS, chain: ['station_lead', 'center_supervisor'] },
};

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Whether an instant falls inside quiet hours. */
export function inQuietHours(instant: number, quiet: QuietHours | null): boolean {
  if (!quiet) return false;
  const minute = shanghaiMinuteOfDay(instant);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Whether a reminder may be delivered at this instant under the policy. */
export function isAllowedTime(instant: number, policy: Pick<ReminderPolicy, 'quietHours' | 'workingDaysOnly'>, calendar: WorkCalendar): boolean {
  if (inQuietHours(instant, policy.quietHours)) return false;
  return !policy.workingDaysOnly || isWorkingDay(shanghaiDate(instant), calendar);
}

/**
 * The first allowed delivery instant at or after `instant`: out of quiet hours to their end, off a
 * non-working day to the start of the next working day (or the end of quiet hours on it).
 */
export function nextAllowedTime(instant: number, policy: Pick<ReminderPolicy, 'quietHours' | 'workingDaysOnly'>, calendar: WorkCalendar): number {
  let candidate = instant;
  for (let guard = 0; guard < 800; guard += 1) {
    if (isAllowedTime(candidate, policy, calendar)) return candidate;
    const date = shanghaiDate(candidate);
    if (policy.workingDaysOnly && !isWorkingDay(date, calendar)) {
      candidate = shanghaiInstant(nextDate(date), '00:00');
      continue;
    }
    // Inside quiet hours: jump to their end (today's, or tomorrow's when quiet started this evening).
    const end = shanghaiInstant(date, policy.quietHours!.end);
    candidate = end > candidate ? end : shanghaiInstant(nextDate(date), policy.quietHours!.end);
  }
  return candidate;
}

/** The last allowed instant strictly before `instant`, minute-precise, or undefined within a week. */
export function previousAllowedTime(instant: number, policy: Pick<ReminderPolicy, 'quietHours' | 'workingDaysOnly'>, calendar: WorkCalendar): number | undefined {
  let candidate = instant - MINUTE_MS;
  const floor = instant - 7 * DAY_MS;
  while (candidate > floor) {
    if (isAllowedTime(candidate, policy, calendar)) return candidate;
    const date = shanghaiDate(candidate);
    if (policy.workingDaysOnly && !isWorkingDay(date, calendar)) {
      candidate = shanghaiInstant(date, '00:00') - MINUTE_MS;
      continue;
    }
    const start = shanghaiInstant(date, policy.quietHours!.start);
    candidate = start <= candidate ? start - MINUTE_MS : shanghaiInstant(previousDate(date), policy.quietHours!.start) - MINUTE_MS;
  }
  return undefined;
}

export interface PlannedReminder {
  /** When to deliver (epoch ms). */
  at: number;
  /** The policy offset it came from (ms before due). */
  offsetMs: number;
}

/**
 * The reminders still to send before a due time, in order. Each is moved out of quiet hours and
 * off non-working days; one that would then land at or after the due time is pulled back to the
 * last allowed moment before it instead. Reminders already in the past, and two that land on the
 * same instant, are dropped.
 */
export function reminderSchedule(dueAt: number, policy: ReminderPolicy, calendar: WorkCalendar, now: number): PlannedReminder[] {
  const planned: PlannedReminder[] = [];
  for (const offsetMs of [...policy.offsetsMs].sort((a, b) => b - a)) {
    const ideal = dueAt - offsetMs;
    let at = nextAllowedTime(ideal, policy, calendar);
    if (at >= dueAt) {
      const before = previousAllowedTime(dueAt, policy, calendar);
      if (before === undefined) continue;
      at = before;
    }
    if (at < now) continue;
    if (planned.some((reminder) => reminder.at === at)) continue;
    planned.push({ at, offsetMs });
  }
  return planned.sort((a, b) => a.at - b.at);
}

export interface PlannedEscalation {
  at: number;
  /** 0 for the first escalation, 1 for the next … */
  round: number;
  step: EscalationStep;
}

/** The `round`-th escalation after a due time (grace, then cadence), moved to an allowed time. */
export function escalationAt(dueAt: number, round: number, policy: ReminderPolicy, calendar: WorkCalendar): PlannedEscalation | undefined {
  const escalation = policy.escalation;
  if (!escalation || escalation.chain.length === 0) return undefined;
  const ideal = dueAt + escalation.graceMs + round * escalation.cadenceMs;
  const step = escalation.chain[Math.min(round, escalation.chain.length - 1)]!;
  return { at: nextAllowedTime(ideal, policy, calendar), round, step };
}

/**
 * The latest round, from `from` on, whose time has come by `now`; undefined when round `from`'s
 * has not. Rounds fall at `start + round * everyMs` moved forward to an allowed time (`at`), so
 * their times never decrease and none falls before its ideal time: an item back-dated or
 * followed again after an outage catches up with its latest round, not a burst of every missed one.
 */
export function latestRoundDue(from: number, now: number, start: number, everyMs: number, at: (round: number) => number): number | undefined {
  if (at(from) > now) return undefined;
  if (everyMs <= 0) return from;
  let round = Math.max(from, Math.floor((now - start) / everyMs));
  while (round > from && at(round) > now) round -= 1;
  return round;
}

/** The `round`-th overdue repeat to the assignee (round 0 at the due time itself). */
export function overdueReminderAt(dueAt: number, round: number, policy: ReminderPolicy, calendar: WorkCalendar): number | undefined {
  if (round > 0 && policy.overdueRepeatMs === null) return undefined;
  return nextAllowedTime(dueAt + round * (policy.overdueRepeatMs ?? 0), policy, calendar);
}

function nextDate(date: string): string {
  return shanghaiDate(shanghaiInstant(date, '12:00') + DAY_MS);
}

function previousDate(date: string): string {
  return shanghaiDate(shanghaiInstant(date, '12:00') - DAY_MS);
}
