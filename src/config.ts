import { z } from 'zod';
import { parsePayloadKeys, readPayloadKeyFile, type PayloadKey } from './temporal/payload-keys.js';

const port = z.coerce.number().int().min(1).max(65535);
const optionalUrl = z.preprocess((value) => (value === '' ? undefined : value), z.string().url().optional());

// A bad key stops the process with the variable's name and the entry at fault.
const payloadKeys = z.string().optional().transform((value, ctx): PayloadKey[] | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    return parsePayloadKeys(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
const payloadKeyFile = z.string().optional().transform((value, ctx): { path: string; keys: PayloadKey[] } | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  try {
    return { path: value, keys: readPayloadKeyFile(value) };
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** Every setting the service reads from the environment; see the README's table. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  PUBLIC_URL: optionalUrl,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('data'),
  DATABASE_URL: optionalUrl,
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('shegong'),
  TEMPORAL_CLI: z.string().optional(),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: optionalUrl,
  SMTP_URL: optionalUrl,
  SMTP_FROM: z.string().default('Shegong <shegong@localhost>'),
  WECOM_WEBHOOK_URL: optionalUrl,
  /** Hosts (or exact origins) WeCom webhooks may point at, comma-separated; see docs/security.md. */
  WECOM_ALLOWED_HOSTS: z.string().optional(),
  DIGEST_CRON: z.string().default('0 9 * * 1'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** A request not answered within this is answered 503 (the error shape), so none hangs for ever. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** How often the worker records that it is alive; /healthz calls it down after three missed beats. */
  WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  /** `npm start`: the loopback port the embedded store is served on to the API and worker processes (0: any free one). */
  STORE_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  SIGN_IN_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
  SIGN_IN_LOCK_MINUTES: z.coerce.number().positive().default(15),
  SEED_DEFAULT_DATA: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
  /** Payload codec keys, `id:base64key` newest first; see docs/security.md. */
  SHEGONG_PAYLOAD_KEYS: payloadKeys,
  /**
   * /metrics answers loopback callers only, unless this is set: then anyone presenting it as a
   * bearer token (and loopback callers still without one).
   */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** host:port where a worker serves the Temporal SDK's own Prometheus metrics; unset means none. */
  TEMPORAL_SDK_METRICS_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port').optional(),
  /** OpenTelemetry tracing is off unless this is `otlp` (or `console`); the other OTEL_* variables are read by the OTel SDK. */
  OTEL_TRACES_EXPORTER: z.enum(['none', 'otlp', 'console']).default('none'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: z.string().optional(),
  /** A file of such keys, one a line; read once at start. */
  SHEGONG_PAYLOAD_KEY_FILE: payloadKeyFile,
}).superRefine((config, ctx) => {
  if (config.SHEGONG_PAYLOAD_KEYS && config.SHEGONG_PAYLOAD_KEY_FILE) {
    ctx.addIssue({ code: 'custom', path: ['SHEGONG_PAYLOAD_KEY_FILE'], message: 'set SHEGONG_PAYLOAD_KEYS or SHEGONG_PAYLOAD_KEY_FILE, not both' });
  }
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; a bad or missing variable throws a ConfigError naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid environment:\n${problems.join('\n')}`);
}
