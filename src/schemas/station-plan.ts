import { z } from 'zod';
import { MAIN_TASKS, STAGES } from '../domain/types.js';
import { evidenceLinks, idSchema, isoDate } from './common.js';

// The station plan API's paths, queries, bodies and answers.

export const stageSchema = z.enum(STAGES);
export const mainTaskSchema = z.enum(MAIN_TASKS);
const text = (max: number) => z.string().trim().min(1).max(max);
const localized = z.object({ zh: z.string(), en: z.string() });

export const communityParams = z.object({ communityId: idSchema });
export const taskParams = z.object({ communityId: idSchema, taskId: idSchema });
export const stageParams = z.object({ communityId: idSchema, stage: stageSchema });

export const evidenceSchema = z.object({
  note: text(4000),
  links: evidenceLinks,
}).strict();

export const startPlanBody = z.object({
  /** The plan's start date (Asia/Shanghai); today when omitted. */
  startedOn: isoDate.optional(),
}).strict();

export const startPlansBody = z.object({
  startedOn: isoDate.optional(),
  /** Only the stations of this street (within your scope). */
  streetId: idSchema.optional(),
}).strict();

export const completeTaskBody = z.object({ evidence: evidenceSchema }).strict();

export const signOffBody = z.object({ comments: text(4000).optional() }).strict();

export const sendBackBody = z.object({
  comments: text(4000),
  reopenTaskIds: z.array(idSchema).max(50).default([]),
  dueInWorkingDays: z.number().int().min(0).max(260).optional(),
}).strict();

export const visitBody = z.object({
  visitNo: z.number().int().min(1).max(100).optional(),
  notes: text(8000),
  followUps: z.array(z.object({
    title: text(200),
    mainTask: mainTaskSchema.nullable().optional(),
    required: z.boolean().optional(),
    dueInWorkingDays: z.number().int().min(0).max(260).optional(),
  }).strict()).max(20).default([]),
}).strict();

const score = z.number().int().min(1).max(5);
export const evaluationBody = z.object({
  scores: z.object({ post_building: score, talent_training: score, resource_linkage: score, professional_services: score }).strict(),
  /** The second rubric: the five qualities of the station's operating pattern (optional). */
  qualities: z.object({
    complete_system: score, sound_rules: score, clear_duties: score, standard_operation: score, professional_efficient: score,
  }).strict().nullable().optional(),
  comments: z.string().trim().max(8000),
}).strict();

export const pauseBody = z.object({ reason: text(1000).optional() }).strict();
export const resumeBody = z.object({}).strict();
export const rescheduleBody = z.object({
  deltaWorkingDays: z.number().int().min(-260).max(260).refine((value) => value !== 0, { message: 'must not be 0', params: { code: 'must_not_be_zero' } }),
  reason: text(1000).optional(),
}).strict();
export const cancelBody = z.object({ reason: text(1000) }).strict();

export const startedPlanView = z.object({
  communityId: z.string(), workflowId: z.string(), runId: z.string(), planId: z.string(), temporalUi: z.string().nullable(),
});

export const bulkStartView = z.object({
  items: z.array(z.object({
    communityId: z.string(),
    outcome: z.enum(['started', 'already_running', 'failed']),
    workflowId: z.string(),
    runId: z.string().optional(),
    planId: z.string().optional(),
    error: z.string().optional(),
  })),
  started: z.number(),
  alreadyRunning: z.number(),
  failed: z.number(),
});

const guidance = z.object({ why: localized, how: localized, evidence: localized });

export const planTaskView = z.object({
  id: z.string(), stage: stageSchema, mainTask: mainTaskSchema.nullable(), title: localized, guidance: guidance.nullable(),
  required: z.boolean(), source: z.enum(['template', 'follow_up']), status: z.enum(['pending', 'open', 'done', 'cancelled']),
  dueAt: z.string().nullable(), completedAt: z.string().nullable(), completedBy: z.string().nullable(),
  evidence: z.object({ note: z.string(), links: z.array(z.string()) }).nullable(), reopened: z.number(),
});

export const planView = z.object({
  planId: z.string(),
  workflowId: z.string().nullable(),
  communityId: z.string(),
  template: z.object({ id: z.string(), version: z.number() }),
  status: z.enum(['running', 'paused', 'completed', 'cancelled']),
  currentStage: stageSchema.nullable(),
  startedOn: z.string(),
  pausedAt: z.string().nullable(),
  pausedTotalMs: z.number(),
  cancellation: z.object({ at: z.string(), by: z.string().nullable(), reason: z.string().nullable() }).nullable(),
  completedAt: z.string().nullable(),
  stages: z.array(z.object({
    stage: stageSchema, name: localized, status: z.enum(['pending', 'open', 'awaiting_sign_off', 'signed_off', 'cancelled']),
    startedAt: z.string().nullable(), signOffRequestedAt: z.string().nullable(), signedOffAt: z.string().nullable(),
    signedOffBy: z.string().nullable(), comments: z.string().nullable(),
    sendBacks: z.array(z.object({ at: z.string(), by: z.string().nullable(), comments: z.string().nullable(), reopened: z.array(z.string()) })),
  })),
  tasks: z.array(planTaskView),
  visits: z.array(z.object({
    no: z.number(), dueAt: z.string().nullable(), status: z.enum(['pending', 'scheduled', 'recorded', 'missed', 'cancelled']),
    recordedAt: z.string().nullable(), recordedBy: z.string().nullable(), notes: z.string().nullable(), followUpTaskIds: z.array(z.string()),
  })),
  evaluation: z.unknown().nullable(),
  report: z.unknown().nullable(),
  events: z.array(z.object({ seq: z.number(), at: z.string(), type: z.string(), by: z.string().nullable(), detail: z.unknown() })),
  updatedAt: z.string(),
});

export const livePlanView = planView.extend({
  /** `workflow` when the running workflow answered its status query; `store` when the records store stood in. */
  source: z.enum(['workflow', 'store']),
  asOf: z.string(),
});

export const planSummaryView = z.object({
  planId: z.string(), communityId: z.string(), communityName: localized, status: z.enum(['running', 'paused', 'completed', 'cancelled']),
  currentStage: stageSchema.nullable(), startedOn: z.string(), templateVersion: z.number(),
  tasks: z.object({ total: z.number(), done: z.number(), open: z.number(), overdue: z.number() }),
  nextDueAt: z.string().nullable(), awaitingSignOff: z.boolean(), updatedAt: z.string(),
});

export const listPlansQuery = z.object({
  status: z.enum(['running', 'paused', 'completed', 'cancelled']).optional(),
  stage: stageSchema.optional(),
  streetId: idSchema.optional(),
}).strict();

export const planListView = z.object({ items: z.array(planSummaryView) });

const planStatus = z.enum(['running', 'paused', 'completed', 'cancelled']);
export const signOffView = z.object({ stage: stageSchema, nextStage: stageSchema.nullable(), status: planStatus });
export const sendBackView = z.object({ stage: stageSchema, reopened: z.array(z.string()) });
export const visitView = z.object({ visitNo: z.number(), followUpTaskIds: z.array(z.string()) });
export const evaluationView = z.object({
  scores: z.record(z.string(), z.number()), average: z.number(),
  qualities: z.object({ scores: z.record(z.string(), z.number()), average: z.number() }).nullable().optional(),
  comments: z.string(), by: z.string(), at: z.number(),
});
export const pauseView = z.object({ status: planStatus, pausedAt: z.string() });
export const resumeView = z.object({ status: planStatus, shiftedMs: z.number() });
export const rescheduleView = z.object({ shiftedTasks: z.array(z.string()), shiftedVisits: z.array(z.number()) });
export const cancelView = z.object({ status: planStatus });

export const overdueTasksQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Where the next page starts: the `nextCursor` of the page before (opaque). */
  cursor: z.string().min(1).max(1000).optional(),
}).strict();

export const overdueTasksView = z.object({
  items: z.array(z.object({
    communityId: z.string(),
    communityName: localized,
    planId: z.string(),
    stage: stageSchema,
    taskId: z.string(),
    title: localized,
    dueAt: z.string(),
    /** Whole calendar days (Asia/Shanghai) since the due date; 0 on the due day. */
    daysOverdue: z.number().int().min(0),
    /** Escalations sent for the task's current due date so far. */
    escalationRounds: z.number().int().min(0),
    required: z.boolean(),
  })),
  /** The cursor of the next page; null on the last. */
  nextCursor: z.string().nullable(),
});
