import { createHash, randomBytes } from 'node:crypto';
import { buildCalendar, type CalendarEvent } from '../domain/icalendar.js';
import { conflict, notFound } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { DAY_MS } from '../domain/time.js';
import { recordAudit } from '../store/repositories/audit.js';
import { activeFeedOf, feedContents, openFeed, replaceFeed, revokeFeed, type FeedContents } from '../store/repositories/calendar-feed.js';
import { getWorker } from '../store/repositories/worker.js';
import type { ServiceDeps } from './deps.js';

// A person's calendar feed: a secret URL their phone's calendar subscribes to, listing their
// training sessions, supervision visits, milestone targets and task due dates, so reminders also
// live in the phone's own calendar. Only the secret's hash is stored; a new link revokes the old.

export type CalendarDeps = Pick<ServiceDeps, 'store' | 'config' | 'clock'>;

const FEED_PREFIX = '/api/calendar/';
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
/** Events a little in the past stay, so today's finished session is still there tonight. */
const LOOKBACK_MS = 7 * DAY_MS;

/** Whether the caller has an active feed (the secret itself is shown only when it is made). */
export async function calendarFeedStatus(deps: CalendarDeps, principal: Principal) {
  const feed = await activeFeedOf(deps.store.db, principal.tokenId);
  return { active: Boolean(feed), createdAt: feed?.createdAt.toISOString() ?? null, lastReadAt: feed?.lastReadAt?.toISOString() ?? null, workerId: principal.workerId };
}

/**
 * Makes the caller a new feed link, revoking any earlier one: refused (conflict, reason
 * `calendar_needs_worker`) when the caller acts for no worker, since the feed lists a worker's work.
 */
export async function createCalendarFeed(deps: CalendarDeps, principal: Principal, requestId?: string) {
  if (!principal.workerId) {
    throw conflict('a calendar feed lists a worker\'s sessions, visits, milestones and tasks; your sign-in is linked to no worker', {
      reason: 'calendar_needs_worker', values: {},
    });
  }
  const worker = await getWorker(deps.store.db, principal.workerId);
  if (!worker) throw notFound(`worker ${principal.workerId}`, { reason: 'worker_not_found', values: { workerId: principal.workerId } });
  const secret = `cal_${randomBytes(24).toString('base64url')}`;
  const now = deps.clock();
  const feed = await replaceFeed(deps.store.db, {
    id: `calfeed-${randomBytes(8).toString('hex')}`, secretHash: sha256(secret), ownerId: principal.tokenId, workerId: principal.workerId, locale: worker.locale, now,
  });
  await recordAudit(deps.store.db, { actor: principal.name, action: 'create', entity: 'calendar_feed', entityId: feed.id, after: { workerId: feed.workerId }, requestId });
  const path = `${FEED_PREFIX}${secret}.ics`;
  const base = deps.config.PUBLIC_URL?.replace(/\/$/, '');
  return { path, url: base ? `${base}${path}` : null, createdAt: feed.createdAt.toISOString() };
}

/** Revokes the caller's feed: its URL answers 404 from now on. */
export async function revokeCalendarFeed(deps: CalendarDeps, principal: Principal, requestId?: string) {
  const revoked = await revokeFeed(deps.store.db, principal.tokenId, deps.clock());
  if (!revoked) throw notFound('calendar feed', { reason: 'calendar_feed_not_found', values: {} });
  await recordAudit(deps.store.db, { actor: principal.name, action: 'revoke', entity: 'calendar_feed', entityId: principal.tokenId, requestId });
  return { revoked: true };
}

/** The feed a secret opens, as an iCalendar document; an unknown or revoked secret is not found. */
export async function renderCalendarFeed(deps: CalendarDeps, feedToken: string): Promise<string> {
  const secret = feedToken.replace(/\.ics$/, '');
  const now = deps.clock();
  const feed = await openFeed(deps.store.db, sha256(secret), now);
  if (!feed) throw notFound('calendar feed', { reason: 'calendar_feed_not_found', values: {} });
  const contents = await feedContents(deps.store.db, feed.workerId, new Date(now.getTime() - LOOKBACK_MS));
  const en = feed.locale === 'en';
  return buildCalendar({ name: en ? 'Shegong: my work' : '社工：我的日程', now, events: feedEvents(contents, en) });
}

const MILESTONE_NAMES: Record<string, [string, string]> = {
  site: ['选址', 'Site'], staffing: ['人员配备', 'Staffing'], fit_out: ['装修布置', 'Fit-out'], opening: ['开站', 'Opening'],
};

function feedEvents(contents: FeedContents, en: boolean): CalendarEvent[] {
  const pick = (zh: string, english: string) => (en ? english : zh);
  return [
    ...contents.sessions.map((s): CalendarEvent => ({
      uid: `session-${s.id}@shegong`,
      summary: pick(`培训：${s.dimensionZh} 第${s.level}级`, `Training: ${s.dimensionEn}, level ${s.level}`),
      description: pick(`${s.cycleName}；讲师 ${s.trainer}`, `${s.cycleName}; trainer ${s.trainer}`),
      location: s.place, start: s.startsAt, end: s.endsAt, alarmMinutesBefore: 60,
    })),
    ...contents.visits.map((v): CalendarEvent => ({
      uid: `visit-${v.planId}-${v.visitNo}@shegong`,
      summary: pick(`督导走访 #${v.visitNo}：${v.communityZh}`, `Supervision visit #${v.visitNo}: ${v.communityEn}`),
      start: new Date(v.dueAt.getTime() - 3_600_000), end: v.dueAt, alarmMinutesBefore: 24 * 60,
    })),
    ...contents.tasks.map((t): CalendarEvent => ({
      uid: `task-${t.planId}-${t.taskId}@shegong`,
      summary: pick(`任务截止：${t.titleZh}（${t.communityZh}）`, `Task due: ${t.titleEn} (${t.communityEn})`),
      description: pick(t.required ? '必做任务' : '选做任务', t.required ? 'Required task' : 'Optional task'),
      start: t.dueAt, end: t.dueAt, alarmMinutesBefore: 24 * 60,
    })),
    ...contents.milestones.map((m): CalendarEvent => {
      const [zh, english] = MILESTONE_NAMES[m.milestone] ?? [m.milestone, m.milestone];
      return {
        uid: `milestone-${m.communityId}-${m.milestone}@shegong`,
        summary: pick(`建站里程碑目标：${zh}（${m.communityZh}）`, `Rollout milestone target: ${english} (${m.communityEn})`),
        date: m.targetDate,
      };
    }),
  ];
}
