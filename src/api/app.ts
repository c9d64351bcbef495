import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { match } from 'path-to-regexp';
import type { ZodType } from 'zod';
import type { Principal } from '../domain/principal.js';
import { actingAs, auditPersonalDataRead } from '../services/audit.js';
import { authenticateRequest } from './auth.js';
import { CSRF_HEADER, passwordChangeRequired, secureCookies } from './session.js';
import { ApiError, fieldProblems, invalidRequest, toApiError, type FieldProblem } from './errors.js';
import { buildOpenApiDocument } from './openapi.js';
import { createRateLimiter } from './rate-limit.js';
import { type AppDeps, FileReply, Reply, type RouteSpec } from './route.js';
import { readMultipartFiles } from './multipart.js';
import { allRoutes } from './routes/index.js';
import { docsPage } from './docs-page.js';
import { answerIfNotModified } from './etag.js';
import { CODEC_PATH, createCodecRouter } from './codec-endpoint.js';
import { httpRequestDuration } from '../observability/metrics.js';
import { METRICS_PATH, serveMetrics } from './metrics-endpoint.js';

export const BODY_LIMIT = '256kb';
/** Routes without a token (signing in) take small bodies only. */
export const PUBLIC_BODY_LIMIT = '16kb';
export const API_VERSION = '0.1.0';

const ANONYMOUS: Principal = { tokenId: 'anonymous', name: 'anonymous', role: 'viewer', scopeId: '', workerId: null };

export interface AppOptions {
  /** Extra routes (tests); the service's own come from routes/index.ts. */
  routes?: RouteSpec[];
  /** Static files served at / (the built dashboard), when present. */
  staticDir?: string;
}

export function createApp(deps: AppDeps, options: AppOptions = {}): express.Express {
  const routes = options.routes ?? allRoutes();
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // HSTS only when the service is published over https: over plain http it would tell a browser to
  // refuse the very address it uses (and cookies are Secure on the same condition, see session.ts).
  app.use(helmet({ contentSecurityPolicy: false, strictTransportSecurity: secureCookies(deps.config) }));

  app.use((req, res, next) => {
    const incoming = req.header('x-request-id');
    const requestId = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.locals.log = deps.logger.child({ requestId });
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const actor = (res.locals.principal as Principal | undefined)?.name;
      res.locals.log.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10, actor }, 'request');
      // Labelled by the route table's path, never the concrete URL, so ids do not multiply series.
      const route = (req.route as { path?: string } | undefined)?.path ?? (req.path === METRICS_PATH ? METRICS_PATH : 'unmatched');
      httpRequestDuration.observe({ method: req.method, route, status: String(res.statusCode) }, ms / 1000);
    });
    next();
  });
  // No request waits for ever: one not answered in time is answered 503 in the error shape, and
  // whatever its handler writes later is dropped.
  app.use((_req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      const timeout = new ApiError('unavailable', `no answer within ${deps.config.REQUEST_TIMEOUT_MS} ms; try again later`, undefined, { 'Retry-After': '5' }, { reason: 'request_timeout', values: { timeoutMs: deps.config.REQUEST_TIMEOUT_MS } });
      for (const [name, value] of Object.entries(timeout.headers)) res.setHeader(name, value);
      res.status(timeout.status).json(timeout.body());
    }, deps.config.REQUEST_TIMEOUT_MS);
    res.on('close', () => clearTimeout(timer));
    next();
  });
  // Bodies are parsed per route, so a bulk import may take a larger body than everything else.
  const jsonBody = (limit: string) => express.json({ limit, strict: true, type: ['application/json', 'application/*+json'] });
  const defaultJsonBody = jsonBody(BODY_LIMIT);
  const publicJsonBody = jsonBody(PUBLIC_BODY_LIMIT);
  const skipBody = (_req: Request, _res: Response, next: NextFunction) => next();

  const openApi = buildOpenApiDocument(routes, API_VERSION);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(docsPage('/api/openapi.json'));
  });

  app.use(CODEC_PATH, createCodecRouter(deps));
  app.get(METRICS_PATH, serveMetrics(deps));
  const limiter = createRateLimiter(deps.config.RATE_LIMIT_PER_MINUTE);
  // The caller is authenticated, rate-limited and checked against the route's roles before a byte
  // of the body is read: an anonymous or unentitled request never costs a parse or an inflate, and
  // the import-sized limit serves only the roles a bulk route lets through.
  for (const spec of routes) {
    // An upload's body is read by its handler (multipart), after authentication and its own checks.
    const body = spec.upload ? skipBody : spec.roles === 'public' ? publicJsonBody : spec.bodyLimit ? jsonBody(spec.bodyLimit) : defaultJsonBody;
    app[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        res.locals.principal = await admit(spec, req, deps, limiter);
        next();
      } catch (error) {
        discardUnreadUpload(spec, req, res);
        next(error);
      }
    }, body, async (req: Request, res: Response, next: NextFunction) => {
      try {
        await handle(spec, req, res, deps);
      } catch (error) {
        discardUnreadUpload(spec, req, res);
        next(error);
      }
    });
  }

  if (options.staticDir) {
    app.use(express.static(options.staticDir, { index: 'index.html', maxAge: '1h' }));
  }

  // A path that some route serves with another method answers 405; any other, 404.
  // decode: false, so a malformed percent-escape in an unrouted path is a 404, not a thrown URIError.
  const matchers = routes.map((spec) => ({ method: spec.method.toUpperCase(), test: match(spec.path, { decode: false }) }));
  app.use((req, res, next) => {
    const allowed = matchers.filter((m) => m.test(req.path) !== false).map((m) => m.method);
    if (allowed.length > 0) {
      res.setHeader('Allow', [...new Set(allowed)].join(', '));
      next(new ApiError('method_not_allowed', `${req.method} is not allowed on ${req.path}; use ${[...new Set(allowed)].join(', ')}`, undefined, {}, { values: { method: req.method, allowed: [...new Set(allowed)] } }));
      return;
    }
    if (options.staticDir && req.method === 'GET' && !req.path.startsWith('/api/') && req.accepts('html')) {
      res.sendFile('index.html', { root: options.staticDir });
      return;
    }
    next(new ApiError('not_found', `no route for ${req.method} ${req.path}`, undefined, {}, { reason: 'route_not_found', values: { method: req.method, path: req.path } }));
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const apiError = toApiError(error, BODY_LIMIT);
    if (apiError.status >= 500) {
      res.locals.log?.error({ err: error }, 'request failed');
    }
    for (const [name, value] of Object.entries(apiError.headers)) res.setHeader(name, value);
    res.status(apiError.status).json(apiError.body());
  });
  return app;
}

/**
 * An upload refused before its body was read (no token, role, scope, not multipart): the client
 * may still be sending it, so the rest is discarded and the connection closes after the answer
 * instead of being reused.
 */
function discardUnreadUpload(spec: RouteSpec, req: Request, res: Response): void {
  if (spec.upload && !req.complete) {
    res.setHeader('Connection', 'close');
    req.resume();
  }
}

/** The caller of a route: authenticated, within its rate limit and of a role the route lets through. */
async function admit(spec: RouteSpec, req: Request, deps: AppDeps, limiter: ReturnType<typeof createRateLimiter>): Promise<Principal> {
  const credentials = { method: req.method, authorization: req.header('authorization'), cookie: req.header('cookie'), csrf: req.header(CSRF_HEADER) };
  if (spec.roles === 'public') {
    if (!spec.optionalAuth || (!credentials.authorization && !credentials.cookie)) return ANONYMOUS;
    // A session that owes a password change is nobody yet: it sees what anyone may.
    return authenticateRequest(deps, credentials).then((principal) => (principal.session?.passwordChangeRequired ? ANONYMOUS : principal)).catch(() => ANONYMOUS);
  }
  const principal = await authenticateRequest(deps, credentials);
  if (principal.session?.passwordChangeRequired && !spec.duringPasswordChange) throw passwordChangeRequired();
  const wait = limiter.take(principal.tokenId, Date.now());
  if (wait > 0) {
    throw new ApiError('rate_limited', 'too many requests for this token', undefined, { 'Retry-After': String(Math.ceil(wait / 1000)) });
  }
  if (!spec.roles.includes(principal.role)) {
    throw new ApiError('forbidden', `role ${principal.role} may not ${spec.method.toUpperCase()} ${spec.path}`, undefined, {}, {
      reason: 'role_forbidden', values: { role: principal.role, method: spec.method.toUpperCase(), path: spec.path },
    });
  }
  return principal;
}

async function handle(spec: RouteSpec, req: Request, res: Response, deps: AppDeps) {
  const principal = res.locals.principal as Principal;
  const problems: FieldProblem[] = [];
  const parse = (schema: ZodType | undefined, value: unknown, location: string) => {
    if (!schema) return undefined;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    problems.push(...fieldProblems(result.error, location));
    return undefined;
  };
  const params = parse(spec.params, req.params, 'params');
  const query = parse(spec.query, { ...req.query }, 'query');
  const body = spec.upload ? undefined : parse(spec.body, req.body ?? {}, 'body');
  if (problems.length > 0) throw invalidRequest(problems);

  const requestId = res.locals.requestId as string;
  const log = (res.locals.log as typeof deps.logger).child({ actor: principal.name });
  if (spec.etag && spec.method === 'get' && spec.roles !== 'public' && await answerIfNotModified(deps, principal, req, res)) {
    // Nothing new to show; a personal-data route still records that it was asked.
    if (spec.personalData) await auditPersonalDataRead(deps, principal, spec, { params, query }, requestId);
    return;
  }
  const upload = spec.upload;
  const files = () => (upload ? readMultipartFiles(req, upload) : Promise.resolve([]));
  const run = () => spec.handler({ params, query, body, principal, requestId, log, deps, files } as never);
  const result = spec.roles === 'public' ? await run() : await actingAs(principal, run);
  // Reading personal data is audited here, once for every route marked so, rather than in each service.
  if (spec.personalData && spec.roles !== 'public') {
    await auditPersonalDataRead(deps, principal, spec, { params, query }, requestId);
  }
  if (res.headersSent) return; // answered 503 meanwhile (the request timed out)
  if (result instanceof FileReply) {
    // An ASCII fallback name and the UTF-8 one (RFC 6266 / 5987).
    const ascii = result.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
    res.setHeader('Content-Type', result.mediaType);
    res.setHeader('Content-Disposition', `${result.disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(result.fileName)}`);
    // A stored or generated file is never run as a page of this origin, whatever it holds.
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', result.cacheControl);
    res.status(spec.status ?? 200).send(result.content);
    return;
  }
  if (result instanceof Reply) {
    for (const [name, value] of Object.entries(result.headers)) res.setHeader(name, value);
    if (result.contentType && typeof result.body === 'string') res.status(result.status).type(result.contentType).send(result.body);
    else res.status(result.status).json(result.body);
    return;
  }
  res.status(spec.status ?? 200).json(result ?? null);
}
