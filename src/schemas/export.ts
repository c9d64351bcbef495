import { z } from 'zod';
import { THEME_KEYS } from '../domain/types.js';
import { idSchema } from './common.js';

// Exports (.xlsx and .csv) of the reports, and the file answer's OpenAPI shape.

export const exportFormat = z.enum(['xlsx', 'csv']).default('xlsx');

export const scopedExportQuery = z.object({ streetId: idSchema.optional(), format: exportFormat }).strict();
export const formatQuery = z.object({ format: exportFormat }).strict();
export const ventureExportQuery = z.object({ communityId: idSchema.optional(), theme: z.enum(THEME_KEYS).optional(), format: exportFormat }).strict();
export const cycleExportParams = z.object({ id: idSchema });
export const workerExportParams = z.object({ workerId: idSchema });
