// Asia/Shanghai wall-clock arithmetic. China has kept UTC+8 without daylight saving since 1991, so
// a fixed offset is exact for every date this service schedules. Pure: time is always a parameter.

export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;
export const MINUTE_MS = 60 * 1000;

/**
 * The years the service schedules in. Every date and instant the API accepts falls inside them,
 * so calendar arithmetic always works on four-digit years (after 9999-12-31 comes "+010000-01-01",
 * which sorts before it) and no computation can run for long.
 */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;
export const FIRST_DATE = `${FIRST_YEAR}-01-01`;
export const LAST_DATE = `${LAST_YEAR}-12-31`;

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(instant: Date | number): string {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since Asia/Shanghai midnight of an instant (0–1439). */
export function shanghaiMinuteOfDay(instant: number): number {
  const shifted = (instant + SHANGHAI_OFFSET_MS) % DAY_MS;
  return Math.floor((shifted < 0 ? shifted + DAY_MS : shifted) / MINUTE_MS);
}

/** The instant of an Asia/Shanghai wall-clock time on a date; `time` is HH:MM. */
export function shanghaiInstant(date: string, time = '00:00'): number {
  const [hours, minutes] = time.split(':').map(Number);
  return Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS + ((hours ?? 0) * 60 + (minutes ?? 0)) * MINUTE_MS;
}

/** Adds whole calendar days to a YYYY-MM-DD date; throws when the result has no four-digit year. */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * DAY_MS;
  const result = Number.isFinite(ms) ? new Date(ms).toISOString() : '';
  if (!/^\d{4}-\d{2}-\d{2}T/.test(result)) throw new RangeError(`${date} plus ${days} days is outside the years 0000–9999`);
  return result.slice(0, 10);
}

/** Whole calendar days from one YYYY-MM-DD date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** ISO weekday of a YYYY-MM-DD date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** An instant formatted in Asia/Shanghai as `YYYY-MM-DD HH:MM`, for messages. */
export function formatShanghai(instant: number): string {
  return new Date(instant + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}
