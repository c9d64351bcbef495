import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCalendar, foldLine } from '../../src/domain/icalendar.js';
import { createToken } from '../../src/services/api-token.js';
import { addDays, shanghaiDate } from '../../src/domain/time.js';
import type { Role } from '../../src/domain/types.js';
import { STREET, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';

// The per-user calendar feed: a station lead makes a secret link, a phone's calendar reads it with
// no token, and the feed lists the lead's open plan tasks and the milestone they own, as
// RFC 5545 text a calendar parses; revoking or replacing the link ends the old URL.

interface ParsedEvent { [property: string]: string }

/** A small RFC 5545 reader: unfolds lines, splits VEVENTs, keeps each property's value by name. */
function parseCalendar(text: string): { lines: string[]; properties: Record<string, string>; events: ParsedEvent[] } {
  expect(text).toMatch(/\r\n$/);
  const lines = text.split('\r\n').filter((line) => line !== '').reduce<string[]>((all, line) => {
    if (line.startsWith(' ')) all[all.length - 1] += line.slice(1);
    else all.push(line);
    return all;
  }, []);
  const properties: Record<string, string> = {};
  const events: ParsedEvent[] = [];
  let current: ParsedEvent | null = null;
  let depth = 0;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') { current = {}; continue; }
    if (line === 'END:VEVENT') { events.push(current!); current = null; continue; }
    if (line === 'BEGIN:VALARM') { depth += 1; continue; }
    if (line === 'END:VALARM') { depth -= 1; if (current) current.ALARM = 'yes'; continue; }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).split(';')[0]!;
    const value = line.slice(colon + 1).replace(/\\n/g, '\n').replace(/\\([,;\\])/g, '$1');
    if (current && depth === 0) current[name] = value;
    else if (!current) properties[name] = value;
  }
  return { lines, properties, events };
}

const icsUtc = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');

describe('calendar feed', () => {
  let harness: Harness;
  let api: TestApi;
  let tokens: Record<Role, string>;
  const rolling = 'cn-bj-xicheng-zhanlanlu-placeholder-16';

  beforeAll(async () => {
    harness = await startHarness({ name: 'calendar', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    ({ tokens } = harness);
    api = harness.api!;
  });
  afterAll(async () => {
    await api?.call('POST', `/api/stations/${WANMINGYUAN}/plan/cancel`, { token: tokens.admin, body: { reason: 'test over' } });
    await api?.call('POST', `/api/rollout/${rolling}/cancel`, { token: tokens.admin, body: { reason: 'test over' } });
    await harness?.close();
  });

  it('folds long lines at 75 octets without splitting a character, and escapes text', () => {
    const long = `SUMMARY:${'社工'.repeat(40)}`;
    const folded = foldLine(long);
    for (const line of folded.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(folded.split('\r\n').map((line, index) => (index === 0 ? line : line.slice(1))).join('')).toBe(long);
    const text = buildCalendar({ name: 'x', now: new Date('2026-12-01T00:00:00Z'), events: [{ uid: 'u1', summary: 'a, b; c\nd', date: '2026-12-31' }] });
    expect(parseCalendar(text).events[0]).toMatchObject({ SUMMARY: 'a, b; c\nd', DTSTART: '20261231', DTEND: '20270101' });
  });

  it("serves a station lead's open tasks and owned milestone targets from a secret URL, and stops when revoked or replaced", async () => {
    const started = await api.call('POST', `/api/stations/${WANMINGYUAN}/plan`, { token: tokens.supervisor, body: {} });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const today = shanghaiDate(new Date());
    const rollout = await api.call('POST', `/api/rollout/${rolling}`, { token: tokens.supervisor, body: { targetDate: addDays(today, 90), owner: 'w-wanmingyuan-lead' } });
    expect(rollout.status, JSON.stringify(rollout.body)).toBe(201);

    expect((await api.call('GET', '/api/calendar-feed', { token: tokens.station_lead })).body).toMatchObject({ active: false });
    const made = await api.call('POST', '/api/calendar-feed', { token: tokens.station_lead, body: {} });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.path).toMatch(/^\/api\/calendar\/cal_[\w-]+\.ics$/);
    expect((await api.call('GET', '/api/calendar-feed', { token: tokens.station_lead })).body).toMatchObject({ active: true });

    const feed = await api.call('GET', made.body.path);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('text/calendar');
    const calendar = parseCalendar(feed.body as string);
    expect(calendar.lines[0]).toBe('BEGIN:VCALENDAR');
    expect(calendar.properties).toMatchObject({ VERSION: '2.0', 'X-WR-TIMEZONE': 'Asia/Shanghai' });

    const plan = await api.call('GET', `/api/stations/${WANMINGYUAN}/plan`, { token: tokens.supervisor });
    const open = (plan.body.tasks as Array<{ id: string; status: string; dueAt: string | null; title: { zh: string } }>).filter((task) => task.status === 'open' && task.dueAt);
    expect(open.length).toBeGreaterThan(0);
    for (const task of open) {
      const event = calendar.events.find((e) => e.UID === `task-${plan.body.planId}-${task.id}@shegong`);
      expect(event, task.id).toBeDefined();
      expect(event!.SUMMARY).toContain(task.title.zh);
      expect(event!.DTSTART).toBe(icsUtc(task.dueAt!));
      expect(event!.ALARM).toBe('yes');
    }
    const milestones = calendar.events.filter((e) => e.UID!.startsWith(`milestone-${rolling}-`));
    expect(milestones.map((e) => e.UID)).toEqual(['site', 'staffing', 'fit_out', 'opening'].map((m) => `milestone-${rolling}-${m}@shegong`));
    const opening = (rollout.body.milestones as Array<{ milestone: string; targetDate: string }>).find((m) => m.milestone === 'opening')!;
    expect(milestones.at(-1)!.DTSTART).toBe(opening.targetDate.replace(/-/g, ''));
    // Nothing of anyone else: every event is the lead's own work.
    expect(calendar.events.every((e) => /^(task|milestone|visit|session)-/.test(e.UID!))).toBe(true);

    // A new link replaces the old one; revoking ends the new one.
    const again = await api.call('POST', '/api/calendar-feed', { token: tokens.station_lead, body: {} });
    expect((await api.call('GET', made.body.path)).status).toBe(404);
    expect((await api.call('GET', again.body.path)).status).toBe(200);
    expect((await api.call('POST', '/api/calendar-feed/revoke', { token: tokens.station_lead, body: {} })).status).toBe(200);
    expect((await api.call('GET', again.body.path)).status).toBe(404);
    expect((await api.call('POST', '/api/calendar-feed/revoke', { token: tokens.station_lead, body: {} })).status).toBe(404);
    expect((await api.call('GET', '/api/calendar/cal_guessed-guessed-guessed-guessed.ics')).status).toBe(404);
    expect((await api.call('GET', '/api/calendar/not-a-feed')).status).toBe(400);
  });

  it('refuses a feed to a sign-in linked to no worker, saying why', async () => {
    const unlinked = (await createToken(harness.store.db, { name: 'calendar unlinked supervisor', role: 'supervisor', scopeId: STREET })).token;
    const refused = await api.call('POST', '/api/calendar-feed', { token: unlinked, body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.error.reason).toBe('calendar_needs_worker');
  });
});
