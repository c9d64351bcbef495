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
