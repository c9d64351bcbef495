import { z } from 'zod';
import { idSchema } from './common.js';
import { linkageIndexView } from './five-party.js';

// The summary report and running the weekly digest by hand.

const localized = z.object({ zh: z.string(), en: z.string() });

export const summaryQuery = z.object({ streetId: idSchema.optional() }).strict();

export const summaryView = z.object({
  asOf: z.string(),
  scopeId: z.string(),
  centers: z.number(),
  communities: z.number(),
  stationsOperating: z.number(),
  communitiesRemaining: z.number(),
  stationsInRollout: z.number(),
  /** Computed from the service records. */
  residentsServed: z.object({
    total: z.number(),
    newResidents: z.number(),
    records: z.number(),
    byTheme: z.array(z.object({ theme: z.string(), name: localized, residentsServed: z.number(), projects: z.number(), records: z.number() })),
    byKind: z.array(z.object({ kind: z.enum(['casework', 'group', 'community']), residentsServed: z.number(), records: z.number() })),
    byStation: z.array(z.object({ communityId: z.string(), name: localized, residentsServed: z.number(), projects: z.number(), records: z.number() })),
    byMonth: z.array(z.object({ month: z.string(), residentsServed: z.number(), records: z.number(), byTheme: z.record(z.string(), z.number()).meta({ description: 'residents served that month per theme key (themes with none left out)' }) })),
  }),
  ventureProjects: z.object({ total: z.number(), byStatus: z.record(z.string(), z.number()) }),
  plansByStage: z.object({ guide: z.number(), support: z.number(), supervise: z.number(), completed: z.number(), cancelled: z.number(), paused: z.number(), notStarted: z.number() }),
  trainingCompletion: z.array(z.object({
    dimension: z.string(), name: localized, workers: z.number(), passedByLevel: z.array(z.object({ level: z.number(), workers: z.number() })), completionRate: z.number(),
  })),
  /** Posts (岗位建设) required and filled today, per station and in all. */
  posts: z.object({
    required: z.number(), filled: z.number(),
    byStation: z.array(z.object({ communityId: z.string(), name: localized, required: z.number(), filled: z.number() })),
  }),
  /** Five-party linkage index over the last 90 days, per station and street (aggregates, no names). */
  linkageIndex: linkageIndexView,
});

export const runDigestBody = z.object({ streetId: idSchema.optional() }).strict();

export const digestRunView = z.object({ triggered: z.array(z.object({ streetId: z.string(), scheduleId: z.string() })) });
