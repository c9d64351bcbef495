import { z } from 'zod';
import { DAY_MS } from '../domain/time.js';
import { MILESTONES } from '../domain/types.js';
import { evidenceLinks, idSchema, isoDate } from './common.js';

// Station rollout: starting one community's rollout or every remaining one, completing and
// replanning milestones, and the coverage view.

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

/** A reminder policy in the domain's own shape (milliseconds), for callers that need another cadence. */
export const rolloutReminderPolicySchema = z.object({
  offsetsMs: z.array(z.number().int().min(0).max(90 * DAY_MS)).max(10),
  quietHours: z.object({ start: hhmm, end: hhmm }).strict().nullable(),
  workingDaysOnly: z.boolean(),
  overdueRepeatMs: z.number().int().min(1000).max(90 * DAY_MS).nullable(),
  escalation: z.object({
    graceMs: z.number().int().min(0).max(90 * DAY_MS),
    cadenceMs: z.number().int().min(1000).max(90 * DAY_MS),
    chain: z.array(z.enum(['worker', 'station_lead', 'center_supervisor'])).min(1).max(5),
  }).strict().nullable(),
}).strict();

export const milestoneSchema = z.enum(MILESTONES);

const milestoneTarget = z.object({ targetDate: isoDate, owner: idSchema.nullable().optional() }).strict();

export const communityParams = z.object({ communityId: idSchema });
export const milestoneParams = z.object({ communityId: idSchema, milestone: milestoneSchema });
export const coverageQuery = z.object({ streetId: idSchema.optional() }).strict();

export const startRolloutBody = z.object({
  /** The opening target: the other milestones are spread between today and it. */
  targetDate: isoDate.optional(),
  milestones: z.object({ site: milestoneTarget, staffing: milestoneTarget, fit_out: milestoneTarget, opening: milestoneTarget }).strict().optional(),
  /** Owner of every milestone that names none. */
  owner: idSchema.nullable().optional(),
  reminderPolicy: rolloutReminderPolicySchema.optional(),
}).strict().superRefine((body, ctx) => {
  if ((body.targetDate === undefined) === (body.milestones === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['targetDate'], message: 'give either targetDate (milestones spread up to it) or milestones (each with its targetDate), not both', params: { code: 'target_date_or_milestones' } });
  }
});
export type StartRolloutBody = z.infer<typeof startRolloutBody>;

export const startStreetRolloutBody = z.object({
  targetDate: isoDate,
  streetId: idSchema.optional(),
  owner: idSchema.nullable().optional(),
  reminderPolicy: rolloutReminderPolicySchema.optional(),
}).strict();
export type StartStreetRolloutBody = z.infer<typeof startStreetRolloutBody>;

export const completeMilestoneBody = z.object({
  evidence: z.object({
    note: z.string().trim().min(1).max(2000),
    links: evidenceLinks,
  }).strict(),
}).strict();

export const cancelRolloutBody = z.object({ reason: z.string().trim().min(1).max(1000) }).strict();
export const cancelledRolloutView = z.object({ communityId: z.string(), status: z.literal('cancelled'), reason: z.string(), cancelledAt: z.string() });

export const replanMilestoneBody = z.object({ targetDate: isoDate, reason: z.string().trim().min(1).max(1000) }).strict();

export const plannedMilestoneView = z.object({
  milestone: milestoneSchema, targetDate: z.string(), dueAt: z.string(), owner: z.string().nullable(),
});

export const milestoneProgressView = z.object({
  milestone: milestoneSchema, targetDate: z.string(), owner: z.string().nullable(), status: z.enum(['pending', 'done']),
  completedAt: z.string().nullable(), replans: z.array(z.object({ from: z.string(), to: z.string(), reason: z.string(), at: z.string() })),
});

export const startedRolloutView = z.object({ communityId: z.string(), workflowId: z.string(), runId: z.string(), milestones: z.array(plannedMilestoneView) });

export const startedStreetRolloutView = z.object({
  targetDate: z.string(),
  started: z.array(z.object({ communityId: z.string(), workflowId: z.string(), milestones: z.array(plannedMilestoneView) })),
  skipped: z.array(z.object({ communityId: z.string(), reason: z.string() })),
});

export const coverageView = z.object({
  asOf: z.string(), total: z.number(), operating: z.number(), remaining: z.number(), inRollout: z.number(), notPlanned: z.number(), ratio: z.number(),
  byDate: z.array(z.object({ date: z.string(), operating: z.number() })),
  projectedByDate: z.array(z.object({ date: z.string(), operating: z.number() })),
  expectedByToday: z.object({ operatingExpected: z.number(), operatingActual: z.number(), milestonesExpected: z.number(), milestonesDone: z.number() }),
  health: z.object({ on_track: z.number(), at_risk: z.number(), late: z.number(), implausible: z.number() }),
  projectedFullCoverage: z.string().nullable(),
  targetFullCoverage: z.string().nullable(),
  calendar: z.object({ source: z.string(), coversYear: z.boolean(), note: z.string().nullable() }),
  communities: z.array(z.object({
    communityId: z.string(), name: z.object({ zh: z.string(), en: z.string() }), isPlaceholder: z.boolean(),
    station: z.enum(['operating', 'rollout', 'closed', 'none']), openedOn: z.string().nullable(),
    rollout: z.object({
      workflowId: z.string(), status: z.enum(['running', 'opened', 'cancelled']), targetFullCoverage: z.string().nullable(),
      cancellation: z.object({ at: z.string(), reason: z.string().optional(), by: z.string().nullable().optional() }).nullable(),
      health: z.enum(['on_track', 'at_risk', 'late', 'implausible']).meta({ description: 'implausible: a pending target lies more than three years ahead' }), currentMilestone: milestoneSchema.nullable(),
      expectedByToday: z.number(), actual: z.number(), workingDaysLate: z.number(), projectedOpening: z.string(),
      milestones: z.array(z.object({
        milestone: milestoneSchema, targetDate: z.string(), owner: z.string().nullable().optional(), status: z.enum(['pending', 'done']),
        completedAt: z.string().nullable(), replans: z.number(), lastReplanReason: z.string().nullable().optional(),
      })),
    }).nullable(),
  })),
});
