import { createEvent, type DateArray } from 'ics';
import type { NotifyRequest } from '../domain/notifications.js';
import { formatShanghai } from '../domain/time.js';
import type { Locale } from '../domain/types.js';

export type CalendarEvent = NonNullable<NotifyRequest['calendarEvent']>;

// Times go out in UTC (DTSTART:…Z): the exact instant, which every calendar client shows in its
// own zone; the Beijing wall-clock time is repeated in the description for readers.
function utcArray(iso: string, field: string): DateArray {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`calendarEvent.${field} is not an instant: ${iso}`);
  const date = new Date(ms);
  return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes()];
}

/** An iCalendar invite (METHOD:REQUEST) for a training session; the uid keeps updates on one event. */
export function sessionInvite(event: CalendarEvent, locale: Locale, organizerEmail?: string): string {
  const start = Date.parse(event.startsAt);
  const end = Date.parse(event.endsAt);
  const when = `${formatShanghai(start)} – ${formatShanghai(end).slice(11)}`;
  const description = locale === 'en' ? `${when} (Beijing time), ${event.place}` : `${when}（北京时间），${event.place}`;
  const { error, value } = createEvent({
    uid: event.uid,
    productId: 'shegong/notifications',
    method: 'REQUEST',
    title: event.title,
    description,
    location: event.place,
    start: utcArray(event.startsAt, 'startsAt'),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: utcArray(event.endsAt, 'endsAt'),
    endInputType: 'utc',
    endOutputType: 'utc',
    status: 'CONFIRMED',
    busyStatus: 'BUSY',
    ...(organizerEmail ? { organizer: { name: 'Shegong', email: organizerEmail } } : {}),
  });
  if (error || !value) throw error ?? new Error('ics produced no invite');
  return value;
}
