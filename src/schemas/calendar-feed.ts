import { z } from 'zod';

// A person's calendar feed: its status, a new link, and the feed itself (by its secret).

export const calendarFeedParams = z.object({
  /** The secret of the feed URL, with or without its `.ics` ending. */
  feedToken: z.string().regex(/^cal_[\w-]{20,64}(\.ics)?$/, 'not a calendar feed link'),
});
export const noBody = z.object({}).strict();

export const calendarFeedStatusView = z.object({
  active: z.boolean(), createdAt: z.string().nullable(), lastReadAt: z.string().nullable(), workerId: z.string().nullable(),
});
export const createdCalendarFeedView = z.object({
  /** The secret URL's path; shown once. */
  path: z.string(),
  /** The whole URL when PUBLIC_URL is configured. */
  url: z.string().nullable(),
  createdAt: z.string(),
});
export const revokedCalendarFeedView = z.object({ revoked: z.boolean() });
