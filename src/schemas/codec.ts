import { z } from 'zod';

// The Temporal codec server protocol: `{ payloads: [...] }`, each payload in proto3 JSON, where
// bytes (the data and every metadata value) are base64, standard or URL-safe.

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64');

export const codecPayloadSchema = z.object({
  metadata: z.record(z.string().min(1).max(256), base64).nullish(),
  data: base64.nullish(),
});

/** One request's payloads: the UI sends one event's worth at a time. */
export const MAX_CODEC_PAYLOADS = 1_000;

export const codecBodySchema = z.object({
  payloads: z.array(codecPayloadSchema).max(MAX_CODEC_PAYLOADS),
});

export type CodecPayloadJson = z.infer<typeof codecPayloadSchema>;

/** The namespace the UI and the CLI name in `X-Namespace`. */
export const namespaceHeader = z.string().trim().min(1).max(255).regex(/^[A-Za-z0-9._-]+$/, 'not a namespace name');
