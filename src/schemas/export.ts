import { z } from 'zod';
import { THEME_KEYS } from '../domain/types.js';
import { idSchema } from './common.js';
import { serviceRecordListQuery } from './service-record.js';

// Exports (.xlsx and .csv) of the reports, and the file answer's OpenAPI shape.

export const exportFormat = z.enum(['xlsx', 'csv']).default('xlsx');

export const scopedExportQuery = z.object({ streetId: idSchema.optional(), format: exportFormat }).strict();
export const formatQuery = z.object({ format: exportFormat }).strict();
export const ventureExportQuery = z.object({ communityId: idSchema.optional(), theme: z.enum(THEME_KEYS).optional(), format: exportFormat }).strict();
export const cycleExportParams = z.object({ id: idSchema });
export const workerExportParams = z.object({ workerId: idSchema });
/** The service-record list's filters (station, kind, theme, project, period), every page at once. */
export const serviceRecordExportQuery = serviceRecordListQuery.omit({ limit: true, offset: true }).extend({ format: exportFormat }).strict();
export const caseScoresExportParams = z.object({ callId: idSchema });

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM');
const localized = z.object({ zh: z.string(), en: z.string() });

export const monthlyQuery = z.object({ streetId: idSchema.optional(), month: month.optional() }).strict();
export const monthlyExportQuery = z.object({ streetId: idSchema.optional(), month: month.optional(), format: z.enum(['xlsx', 'csv', 'pdf']).default('xlsx') }).strict();

export const monthlyView = z.object({
  street: z.object({ id: z.string(), name: localized }),
  month: z.string(),
  period: z.object({ from: z.string(), to: z.string() }),
  asOf: z.string(),
  coverage: z.object({
    communities: z.number(), operating: z.number(), remaining: z.number(), inRollout: z.number(), ratio: z.number(), openedThisMonth: z.number(),
    projectedFullCoverage: z.string().nullable(), targetFullCoverage: z.string().nullable(),
  }),
  plansByStage: z.object({ guide: z.number(), support: z.number(), supervise: z.number(), completed: z.number(), cancelled: z.number(), paused: z.number(), notStarted: z.number() }),
  training: z.array(z.object({
    dimension: z.string(), name: localized, workers: z.number(), passedByLevel: z.array(z.object({ level: z.number(), workers: z.number() })), completionRate: z.number(),
  })),
  residentsServed: z.object({
    month: z.number(), yearToDate: z.number(),
    byTheme: z.array(z.object({ theme: z.string(), name: localized, residentsServed: z.number(), records: z.number() })),
  }),
  ventureProjects: z.object({ total: z.number(), byStatus: z.record(z.string(), z.number()) }),
  overdue: z.object({
    count: z.number(),
    items: z.array(z.object({ communityId: z.string(), community: localized, title: localized, dueAt: z.string() })),
  }),
});

const plansByStageView = z.object({ guide: z.number(), support: z.number(), supervise: z.number(), completed: z.number(), cancelled: z.number(), paused: z.number(), notStarted: z.number() });
const rollupFigures = {
  communities: z.number(), stationsOperating: z.number(), communitiesRemaining: z.number(), stationsInRollout: z.number(), coverageRatio: z.number(),
  plansByStage: plansByStageView, trainingCompletion: z.number(), residentsServed: z.number(),
};
const rollupSort = z.enum(['name', 'communities', 'stationsOperating', 'communitiesRemaining', 'coverageRatio', 'trainingCompletion', 'residentsServed']);

export const rollupQuery = z.object({
  scopeId: idSchema.optional(),
  sort: rollupSort.optional(),
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
}).strict();
export const rollupExportQuery = z.object({ scopeId: idSchema.optional(), sort: rollupSort.optional(), order: z.enum(['asc', 'desc']).optional(), format: exportFormat }).strict();

export const rollupView = z.object({
  asOf: z.string(),
  scope: z.object({ id: z.string(), kind: z.string(), name: localized }),
  total: z.number(),
  items: z.array(z.object({ id: z.string(), kind: z.string(), name: localized, ...rollupFigures })),
  totals: z.object(rollupFigures),
});
