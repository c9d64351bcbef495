import { ALL_ROLES, Reply, route } from '../route.js';
import {
  calendarFeedParams, calendarFeedStatusView, createdCalendarFeedView, noBody, revokedCalendarFeedView,
} from '../../schemas/calendar-feed.js';
import { calendarFeedStatus, createCalendarFeed, renderCalendarFeed, revokeCalendarFeed } from '../../services/calendar-feed.js';

// A calendar people subscribe to: each person makes (or replaces) their own secret feed link and
// may revoke it; the feed itself is read by the phone's calendar with the secret alone, no token.

export const calendarFeedRoutes = [
  route({
    method: 'get',
    path: '/api/calendar-feed',
    summary: 'Whether you have an active calendar feed link (its secret is shown only when made)',
    tag: 'calendar',
    roles: ALL_ROLES,
    response: calendarFeedStatusView,
    handler: ({ deps, principal }) => calendarFeedStatus(deps, principal),
  }),
  route({
    method: 'post',
    path: '/api/calendar-feed',
    summary: 'Make your calendar feed link (a secret URL, shown once), revoking any earlier one; needs a sign-in linked to a worker',
    tag: 'calendar',
    roles: ALL_ROLES,
    body: noBody,
    example: {},
    response: createdCalendarFeedView,
    status: 201,
    handler: ({ deps, principal, requestId }) => createCalendarFeed(deps, principal, requestId),
  }),
  route({
    method: 'post',
    path: '/api/calendar-feed/revoke',
    summary: 'Revoke your calendar feed link: its URL stops working at once',
    tag: 'calendar',
    roles: ALL_ROLES,
    body: noBody,
    example: {},
    response: revokedCalendarFeedView,
    handler: ({ deps, principal, requestId }) => revokeCalendarFeed(deps, principal, requestId),
  }),
  route({
    method: 'get',
    path: '/api/calendar/:feedToken',
    summary: 'An iCalendar feed (text/calendar) of one person\'s training sessions, supervision visits, milestone targets and task due dates; the secret in the URL is the only key',
    tag: 'calendar',
    roles: 'public',
    params: calendarFeedParams,
    handler: async ({ deps, params }) => new Reply(200, await renderCalendarFeed(deps, params.feedToken), { 'cache-control': 'private, max-age=300' }, 'text/calendar; charset=utf-8'),
  }),
];
