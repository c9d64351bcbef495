// An iCalendar (RFC 5545) document from plain events: what a person's calendar feed serves. Pure:
// the caller passes the events and the time the document was made. Lines end in CRLF and fold at
// 75 octets; text is escaped; timed events are in UTC, all-day events are plain dates.

export interface CalendarEvent {
  /** Stable across reads, so a subscribing calendar updates an event instead of duplicating it. */
  uid: string;
  summary: string;
  description?: string;
  location?: string;
  /** A timed event: ISO instants. */
  start?: Date;
  end?: Date;
  /** An all-day event: YYYY-MM-DD (a date as people plan by it, Asia/Shanghai). */
  date?: string;
  /** A reminder this long before the start (minutes). */
  alarmMinutesBefore?: number;
}

export interface CalendarDocument {
  name: string;
  /** When the document was made. */
  now: Date;
  events: CalendarEvent[];
}

/** Escapes TEXT values: backslash, semicolon, comma and newlines. */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets (UTF-8), never inside a character. */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const utc = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const plainDate = (date: string) => date.replace(/-/g, '');
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function eventLines(event: CalendarEvent, stamp: string): string[] {
  const lines = ['BEGIN:VEVENT', `UID:${event.uid}`, `DTSTAMP:${stamp}`];
  if (event.date) {
    lines.push(`DTSTART;VALUE=DATE:${plainDate(event.date)}`, `DTEND;VALUE=DATE:${plainDate(nextDay(event.date))}`);
  } else if (event.start) {
    lines.push(`DTSTART:${utc(event.start)}`, `DTEND:${utc(event.end ?? event.start)}`);
  }
  lines.push(`SUMMARY:${escapeText(event.summary)}`);
  if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
  if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`);
  if (event.alarmMinutesBefore !== undefined) {
    lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', `DESCRIPTION:${escapeText(event.summary)}`, `TRIGGER:-PT${Math.max(0, Math.round(event.alarmMinutesBefore))}M`, 'END:VALARM');
  }
  lines.push('END:VEVENT');
  return lines;
}

/** The whole document, CRLF line ends and folded lines. */
export function buildCalendar(document: CalendarDocument): string {
  const stamp = utc(document.now);
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Shegong//Calendar feed//ZH', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(document.name)}`, 'X-WR-TIMEZONE:Asia/Shanghai', 'REFRESH-INTERVAL;VALUE=DURATION:PT1H', 'X-PUBLISHED-TTL:PT1H',
    ...document.events.flatMap((event) => eventLines(event, stamp)),
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
