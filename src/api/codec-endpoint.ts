import express, { type NextFunction, type Request, type Response } from 'express';
import type { Payload } from '@temporalio/common';
import type { Config } from '../config.js';
import type { Principal } from '../domain/principal.js';
import { codecBodySchema, namespaceHeader, type CodecPayloadJson } from '../schemas/codec.js';
import { recordAudit } from '../store/repositories/audit.js';
import { orgAncestors } from '../store/repositories/org-unit.js';
import { createPayloadCodec, encryptionKeyId, isEncrypted, type EncryptionCodec } from '../temporal/codec.js';
import { configuredPayloadKeys } from '../temporal/payload-keys.js';
import { authenticateToken } from '../services/api-token.js';
import { ApiError, fieldProblems, invalidRequest } from './errors.js';
import { createRateLimiter } from './rate-limit.js';
import type { AppDeps } from './route.js';
import { authenticateSession, parseCookies, passwordChangeRequired, SESSION_COOKIE } from './session.js';

// The codec endpoint the Temporal UI (and `temporal workflow show --codec-endpoint`) calls to show
// decrypted payloads: POST /api/codec/decode and /api/codec/encode, body `{ payloads: [...] }` in
// proto3 JSON, header X-Namespace. Only admins scoped to a root of the org tree may use it — the UI
// shows every community's workflows — and every call is audited. Browsers may call it from the
// Temporal UI's origin only.

export const CODEC_PATH = '/api/codec';
/** One event's payloads, each at most Temporal's 2 MB blob limit, in base64. */
export const CODEC_BODY_LIMIT = '4mb';
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';

type Operation = 'decode' | 'encode';

/** The URL the Temporal UI is told to call (`--ui-codec-endpoint`): the API's address as a browser reaches it. */
export function codecEndpointUrl(config: Config): string {
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const base = config.PUBLIC_URL ?? `http://${host}:${config.PORT}`;
  return `${base.replace(/\/+$/, '')}${CODEC_PATH}`;
}

/** Mount at CODEC_PATH, before the API's 404 handler. */
export function createCodecRouter(deps: AppDeps): express.Router {
  const keys = configuredPayloadKeys(deps.config);
  const codec = keys ? createPayloadCodec(keys) : undefined;
  const uiOrigin = deps.config.TEMPORAL_UI_URL ? new URL(deps.config.TEMPORAL_UI_URL).origin : undefined;
  const limiter = createRateLimiter(deps.config.RATE_LIMIT_PER_MINUTE);
  // Parsed only once the caller is known to be an admin.
  const jsonBody = express.json({ limit: CODEC_BODY_LIMIT, strict: true });

  const router = express.Router();
  router.use(corsForUi(uiOrigin));
  for (const operation of ['decode', 'encode'] as const) {
    router.post(`/${operation}`, authorizeAdmin(deps, uiOrigin, limiter), jsonBody, async (req: Request, res: Response) => {
      await convert(operation, deps, codec, req, res);
    });
    router.all(`/${operation}`, (req: Request, res: Response) => {
      res.setHeader('Allow', 'POST, OPTIONS');
      throw new ApiError('method_not_allowed', `${req.method} is not allowed on ${CODEC_PATH}/${operation}; use POST`);
    });
  }
  return router;
}

/**
 * Answers the UI's origin only, with credentials (the dashboard's session cookie) allowed. A
 * request with any other Origin is refused before anything else is read; requests without one
 * (the CLI, curl) are not browsers and go on to authenticate by bearer token.
 */
function corsForUi(uiOrigin: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.append('Vary', 'Origin');
    const origin = req.header('origin');
    if (origin !== undefined) {
      if (origin !== uiOrigin) {
        throw new ApiError('forbidden', `the codec endpoint answers browsers only from the Temporal UI (${uiOrigin ?? 'TEMPORAL_UI_URL is not set'})`, undefined, {}, {
          reason: 'codec_origin_refused', values: { origin },
        });
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.setHeader('Allow', 'POST, OPTIONS');
      res.status(204).end();
      return;
    }
    next();
  };
}

function authorizeAdmin(deps: AppDeps, uiOrigin: string | undefined, limiter: ReturnType<typeof createRateLimiter>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const principal = await authenticateCaller(deps, uiOrigin, req);
    res.locals.principal = principal;
    const wait = limiter.take(principal.tokenId, Date.now());
    if (wait > 0) throw new ApiError('rate_limited', 'too many requests for this token', undefined, { 'Retry-After': String(Math.ceil(wait / 1000)) });
    if (principal.role !== 'admin') {
      throw new ApiError('forbidden', `role ${principal.role} may not use the codec endpoint: admins only`, undefined, {}, { reason: 'codec_admins_only', values: { role: principal.role } });
    }
    // The UI lists every workflow of the namespace, whatever community it serves: an admin of
    // one community or street would read the others' payloads.
    if ((await orgAncestors(deps.store.db, principal.scopeId)).length !== 1) {
      throw new ApiError('forbidden', 'only an admin scoped to the top of the org tree may decode workflow payloads: they hold every community\'s data', undefined, {}, {
        reason: 'codec_scope_too_narrow', values: { scopeId: principal.scopeId },
      });
    }
    next();
  };
}

/** A bearer token, or the dashboard's session cookie when the request comes from the Temporal UI. */
async function authenticateCaller(deps: AppDeps, uiOrigin: string | undefined, req: Request): Promise<Principal> {
  const header = req.header('authorization');
  if (header) {
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) throw new ApiError('unauthorized', 'send Authorization: Bearer <token>');
    const principal = await authenticateToken(deps, token);
    if (!principal) throw new ApiError('unauthorized', 'token is unknown, expired or revoked');
    return principal;
  }
  if (parseCookies(req.header('cookie')).has(SESSION_COOKIE)) {
    if (!uiOrigin || req.header('origin') !== uiOrigin) {
      throw new ApiError('forbidden', 'a dashboard session is accepted here only on requests from the Temporal UI', undefined, {}, { reason: 'codec_session_origin' });
    }
    // The Temporal UI cannot send the dashboard's CSRF header. The Origin check above stands in
    // for it: another site's page cannot forge Origin, and its JSON POST needs a preflight that
    // only the UI's origin passes. So the session is looked up as for a read.
    const principal = await authenticateSession(deps, { method: 'GET', cookieHeader: req.header('cookie'), csrfHeader: undefined });
    if (principal.session?.passwordChangeRequired) throw passwordChangeRequired();
    return principal;
  }
  throw new ApiError('unauthorized', 'missing bearer token: send Authorization: Bearer <token>, or sign in to the dashboard and let the Temporal UI include cross-origin credentials');
}

async function convert(operation: Operation, deps: AppDeps, codec: EncryptionCodec | undefined, req: Request, res: Response): Promise<void> {
  const principal = res.locals.principal as Principal;
  const body = codecBodySchema.safeParse(req.body ?? {});
  if (!body.success) throw invalidRequest(fieldProblems(body.error, 'body'));
  // `temporal workflow show` sends an empty X-Namespace for the default namespace.
  const namespace = namespaceHeader.safeParse(req.header('x-namespace') || deps.config.TEMPORAL_NAMESPACE);
  if (!namespace.success) throw invalidRequest(fieldProblems(namespace.error, 'headers.x-namespace'));
  if (!codec) {
    throw new ApiError('unavailable', 'no payload keys are configured: set SHEGONG_PAYLOAD_KEYS or SHEGONG_PAYLOAD_KEY_FILE', undefined, {}, { reason: 'codec_no_keys' });
  }

  const payloads = body.data.payloads.map(fromJson);
  let answer: Payload[];
  let undecodable = 0;
  if (operation === 'encode') {
    answer = await codec.encode(payloads);
  } else {
    // A payload this key set cannot open (a key removed too early) is returned as it came, so
    // the UI still shows the rest; the log and the audit entry count it.
    answer = payloads.map((payload) => {
      try {
        return codec.decrypt(payload);
      } catch (error) {
        undecodable += 1;
        (res.locals.log ?? deps.logger).warn({ err: error, namespace: namespace.data }, 'codec endpoint could not decrypt a payload');
        return payload;
      }
    });
  }

  const workflowId = workflowIdFromReferer(req.header('referer'));
  const keyIds = [...new Set((operation === 'decode' ? payloads : answer).filter(isEncrypted).map(encryptionKeyId))];
  await recordAudit(deps.store.db, {
    actor: principal.name,
    action: operation,
    entity: 'temporal_payloads',
    entityId: workflowId ? `${namespace.data}/${workflowId}` : namespace.data,
    after: { namespace: namespace.data, workflowId: workflowId ?? null, payloads: payloads.length, undecodable, keyIds, origin: req.header('origin') ?? null },
    requestId: res.locals.requestId as string | undefined,
  });
  res.json({ payloads: answer.map(toJson) });
}

/**
 * The workflow a UI page shows, when the browser sends the page's full address (most send only
 * the origin across origins, so the audit often knows the namespace alone).
 */
function workflowIdFromReferer(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    const match = /\/namespaces\/[^/]+\/workflows\/([^/]+)/.exec(new URL(referer).pathname);
    return match ? decodeURIComponent(match[1]!).slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

function fromJson(json: CodecPayloadJson): Payload {
  const metadata = json.metadata ? Object.fromEntries(Object.entries(json.metadata).map(([key, value]) => [key, bytes(value)])) : {};
  return { metadata, data: json.data ? bytes(json.data) : new Uint8Array() };
}

function toJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'));
