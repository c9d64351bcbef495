import { z } from 'zod';

const componentStatus = z.object({ status: z.enum(['up', 'down']), detail: z.string().optional() });

/** /healthz: reachability, plus further facts (calendar coverage, channels) passed through. */
export const healthView = z.object({ status: z.enum(['ok', 'degraded']), temporal: componentStatus, store: componentStatus }).passthrough();
