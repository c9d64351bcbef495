// Every time on the page is shown in Asia/Shanghai, whatever the browser's own zone.
import type { Locale } from './i18n.js';

const ZONE = 'Asia/Shanghai';

export function formatDateTime(value: string | null | undefined, locale: Locale): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(date);
}

export function formatDate(value: string | null | undefined, locale: Locale): string {
  if (!value) return '—';
  // Plain dates (YYYY-MM-DD) are already Shanghai calendar dates.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** Today's date in Shanghai, YYYY-MM-DD. */
export function shanghaiToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** A datetime-local input value (Shanghai wall clock) → ISO instant with +08:00. */
export function localInputToIso(value: string): string {
  return value ? `${value.length === 16 ? `${value}:00` : value}+08:00` : '';
}

/** An ISO instant → a datetime-local input value on the Shanghai wall clock. */
export function isoToLocalInput(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The current Beijing week, Monday 00:00 to the next Monday 00:00 (Asia/Shanghai), as epoch ms. */
export function beijingWeek(now = Date.now()): { start: number; end: number } {
  const local = new Date(now + SHANGHAI_OFFSET_MS);
  const sinceMonday = (local.getUTCDay() + 6) % 7;
  const start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - sinceMonday) - SHANGHAI_OFFSET_MS;
  return { start, end: start + 7 * DAY_MS };
}

export type SessionPhase = 'scheduled' | 'in_progress' | 'ended' | 'cancelled';

/** A session's phase from its times and record: cancelled, or scheduled / in progress / ended by the clock. */
export function sessionPhase(session: { startsAt: string; endsAt: string; status: string }, now = Date.now()): SessionPhase {
  if (session.status === 'cancelled') return 'cancelled';
  if (now < Date.parse(session.startsAt)) return 'scheduled';
  return now < Date.parse(session.endsAt) ? 'in_progress' : 'ended';
}
