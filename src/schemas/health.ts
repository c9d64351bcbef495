import { z } from 'zod';

const componentStatus = z.object({ status: z.enum(['up', 'down']), detail: z.string().optional() });

/** /healthz: up or degraded for anyone; for an admin, reachability and further facts (calendar coverage, channels) passed through. */
export const healthView = z.object({
  status: z.enum(['ok', 'degraded']),
  temporal: componentStatus.optional(),
  store: componentStatus.optional(),
  worker: z.object({ status: z.enum(['up', 'down', 'unknown']), lastBeatAt: z.string().optional(), detail: z.string().optional() }).optional(),
  eventLoopDelay: z.object({ meanMs: z.number(), p99Ms: z.number(), maxMs: z.number() }).optional(),
}).passthrough();
