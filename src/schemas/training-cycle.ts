import { z } from 'zod';
import { ATTENDANCE_STATUSES } from '../domain/types.js';
import { idSchema, isoDateTime, nameSchema, pageQuery } from './common.js';

// The training API's bodies and answers. Durations are whole seconds (a real cycle passes days,
// a test a few seconds); instants are ISO 8601 with an explicit offset.

const seconds = (max: number) => z.number().int().min(0).max(max);
const YEAR = 366 * 24 * 3600;
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

export const sessionInputSchema = z.object({
  id: idSchema.optional(),
  dimension: idSchema,
  level: z.number().int().min(1).max(20),
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  place: nameSchema,
  trainer: nameSchema,
  capacity: z.number().int().min(1).max(10_000),
}).strict();

export const assessmentRulesSchema = z.object({
  passMark: z.number().min(0).max(100),
  assessmentWindowSeconds: seconds(YEAR).min(1).default(14 * 24 * 3600),
  retakeWindowSeconds: seconds(YEAR).min(1),
  attendanceGraceSeconds: seconds(YEAR).default(24 * 3600),
  checkInOpensSeconds: seconds(7 * 24 * 3600).default(30 * 60),
  lateAfterSeconds: seconds(24 * 3600).default(10 * 60),
}).strict();

export const reminderPolicySchema = z.object({
  offsetsSeconds: z.array(seconds(30 * 24 * 3600).min(1)).max(10),
  quietHours: z.object({ start: hhmm, end: hhmm }).strict().nullable(),
  workingDaysOnly: z.boolean(),
}).strict();

export const fanOutSchema = z.object({
  window: z.number().int().min(1).max(500).default(50),
  childrenPerRun: z.number().int().min(1).max(1000).default(500),
  pageSize: z.number().int().min(1).max(1000).default(200),
}).strict();

export const launchCycleSchema = z.object({
  id: idSchema.optional(),
  name: nameSchema,
  /** The org unit that owns the cycle; the caller's scope when omitted. */
  orgUnitId: idSchema.optional(),
  cohort: z.object({
    stationIds: z.array(idSchema).max(1000).default([]),
    workerIds: z.array(idSchema).max(10_000).default([]),
  }).strict(),
  sessions: z.array(sessionInputSchema).min(1).max(300),
  assessment: assessmentRulesSchema,
  /** Default: 24 h and 1 h before, quiet 21:00–08:00, working days only. */
  reminderPolicy: reminderPolicySchema.optional(),
  fanOut: fanOutSchema.optional(),
}).strict();
export type LaunchCycleBody = z.infer<typeof launchCycleSchema>;

export const cycleParams = z.object({ id: idSchema });
export const sessionParams = z.object({ id: idSchema, sessionId: idSchema });

export const listCyclesQuery = pageQuery.extend({ status: z.enum(['running', 'completed', 'cancelled']).optional() }).strict();

export const participantsSchema = z.object({
  add: z.object({
    stationIds: z.array(idSchema).max(1000).default([]),
    workerIds: z.array(idSchema).max(10_000).default([]),
  }).strict().default({ stationIds: [], workerIds: [] }),
  withdraw: z.array(idSchema).max(10_000).default([]),
  reason: z.string().trim().max(500).nullable().optional(),
}).strict();
export type ParticipantsBody = z.infer<typeof participantsSchema>;

export const attendanceSchema = z.object({
  sessionId: idSchema,
  records: z.array(z.object({ workerId: idSchema, status: z.enum(ATTENDANCE_STATUSES) }).strict()).min(1).max(500),
}).strict();
export type AttendanceBody = z.infer<typeof attendanceSchema>;

export const assessmentSchema = z.object({
  workerId: idSchema,
  dimension: idSchema,
  level: z.number().int().min(1).max(20),
  score: z.number().min(0).max(100),
  /** Who assessed; the caller when omitted. */
  assessor: nameSchema.optional(),
}).strict();
export type AssessmentBody = z.infer<typeof assessmentSchema>;

export const checkInSchema = z.object({ sessionId: idSchema }).strict();

export const cancelSchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

export const moveSessionSchema = z.object({
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  place: nameSchema.optional(),
  reason: z.string().trim().max(500).nullable().optional(),
}).strict();
export type MoveSessionBody = z.infer<typeof moveSessionSchema>;

export const cancelSessionSchema = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
/** Taking a cancellation back asks for a reason too: the workers are told it. */
export const restoreSessionSchema = cancelSessionSchema;

export const workerParams = z.object({ workerId: idSchema });

// ── answers ────────────────────────────────────────────────────────────────────────────────

const attendanceTally = z.object({ present: z.number(), late: z.number(), excused: z.number(), absent: z.number() });
const rateFigures = z.object({
  attendance: attendanceTally.extend({ rate: z.number().nullable() }),
  assessed: z.number(), passed: z.number(), passRate: z.number().nullable(), promotions: z.number(),
});

export const cycleReportView = rateFigures.extend({
  cycleId: z.string(),
  status: z.enum(['completed', 'cancelled']),
  generatedAt: z.string(),
  participants: z.object({ enrolled: z.number(), completed: z.number(), withdrawn: z.number(), cancelled: z.number(), coachingFlags: z.number() }),
  retakes: z.number(),
  byDimension: z.array(rateFigures.extend({ dimension: z.string() })),
  byStation: z.array(rateFigures.extend({ communityId: z.string().nullable(), workers: z.number() })),
});

export const cycleSummaryView = z.object({
  id: z.string(), orgUnitId: z.string(), name: z.string(), status: z.enum(['running', 'completed', 'cancelled']),
  createdBy: z.string().nullable(), createdAt: z.string(), endedAt: z.string().nullable(), sessions: z.number(), participants: z.number(),
  firstSessionAt: z.string().nullable().meta({ description: 'when the first session that is not cancelled starts' }),
  lastSessionEndsAt: z.string().nullable().meta({ description: 'when the last session that is not cancelled ends' }),
  passRateByDimension: z.array(z.object({ dimension: z.string(), passRate: z.number().nullable() })).nullable()
    .meta({ description: "levels passed / assessed per dimension, from the report written when the cycle ended (null while it runs)" }),
});

export const cycleListView = z.object({ items: z.array(cycleSummaryView) });

export const participantsChangedView = z.object({ added: z.array(z.string()), withdrawn: z.array(z.string()) });

const attendanceRecordView = z.object({ sessionId: z.string(), workerId: z.string(), status: z.string(), recordedBy: z.string() });

export const attendanceRecordedView = z.object({ sessionId: z.string(), recorded: z.array(attendanceRecordView) });

export const checkedInView = attendanceRecordView;

export const assessmentRecordedView = z.object({
  workerId: z.string(), attempt: z.number(), passed: z.boolean(), trackStatus: z.string(), promotedTo: z.number().nullable(), coachingFlag: z.string().nullable(),
});

export const cycleCancelledView = z.object({ cycleId: z.string(), status: z.literal('cancelled'), laddersSignalled: z.number() });

export const sessionChangedView = z.object({ sessionId: z.string(), status: z.enum(['moved', 'cancelled', 'restored']), laddersSignalled: z.number() });

export const launchedView = z.object({
  id: z.string(), workflowId: z.string(), status: z.literal('running'), sessions: z.number(), enrolled: z.number(),
});

export const cycleView = z.object({
  id: z.string(), name: z.string(), orgUnitId: z.string(), status: z.enum(['running', 'completed', 'cancelled']),
  workflowId: z.string(), createdBy: z.string().nullable(), createdAt: z.string(), endedAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
  sessions: z.array(z.object({
    id: z.string(), dimension: z.string(), level: z.number(), startsAt: z.string(), endsAt: z.string(), place: z.string(),
    trainer: z.string(), capacity: z.number(), status: z.string(), changeReason: z.string().nullable(), taking: z.number(), attendance: attendanceTally,
  })),
  participants: z.object({ enrolled: z.number(), completed: z.number(), withdrawn: z.number(), cancelled: z.number(), coachingFlags: z.number() }),
  assessments: z.object({ assessed: z.number(), passed: z.number(), retakes: z.number() }),
  workers: z.array(z.object({
    workerId: z.string(), name: z.string(), communityId: z.string().nullable(), status: z.string(), coachingFlag: z.string().nullable(),
    sessionIds: z.array(z.string()), enrolledAt: z.string(), finishedAt: z.string().nullable(),
  })).optional(),
  report: cycleReportView.nullable(),
});

export const ladderView = z.object({
  workerId: z.string(),
  dimensions: z.array(z.object({
    key: z.string(), name: z.object({ zh: z.string(), en: z.string() }), level: z.number(), passedAt: z.string().nullable(),
    cycleId: z.string().nullable(), nextLevel: z.number().nullable(),
    levels: z.array(z.object({ level: z.number(), name: z.object({ zh: z.string(), en: z.string() }), passed: z.boolean() })),
    assessments: z.array(z.object({ cycleId: z.string(), level: z.number(), attempt: z.number(), score: z.number(), passed: z.boolean(), assessor: z.string(), assessedAt: z.string() })),
  })),
  enrolments: z.array(z.object({
    cycleId: z.string(), cycleName: z.string(), cycleStatus: z.string(), status: z.string(), coachingFlag: z.string().nullable(),
    enrolledAt: z.string(), finishedAt: z.string().nullable(),
  })),
});
