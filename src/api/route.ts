import type { Logger } from 'pino';
import type { z, ZodType } from 'zod';
import type { Role } from '../domain/types.js';
import type { ServiceDeps } from '../services/deps.js';
import type { Principal } from '../domain/principal.js';

/** What every route handler may use: the services' dependencies; entry points and tests wire real parts. */
export type AppDeps = ServiceDeps;

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The authenticated caller; `public` routes get a synthetic anonymous principal. */
  principal: Principal;
  requestId: string;
  log: Logger;
  deps: AppDeps;
}

/** A handler's answer when it needs a status other than the route's `status`. */
export class Reply {
  constructor(readonly status: number, readonly body: unknown, readonly headers: Record<string, string | string[]> = {}) {}
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Schema = ZodType;
type Out<S> = S extends ZodType ? z.output<S> : undefined;

export interface RouteSpec<P extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, B extends Schema | undefined = Schema | undefined> {
  method: Method;
  /** Express-style path, e.g. `/api/stations/:communityId/plan`. */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed to call the route at all; scope checks happen in the handler. */
  roles: readonly Role[] | 'public';
  /** A public route that still identifies a caller who sends credentials (an anonymous principal otherwise). */
  optionalAuth?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** An example body; the OpenAPI test checks it validates against `body`. */
  example?: unknown;
  /** The success response's schema, for the OpenAPI document. */
  response?: Schema;
  /** Success status; 200 unless given. */
  status?: number;
  /** Reads personal data: the read is written to the audit log. */
  personalData?: boolean;
  /** A larger JSON body limit than the API's default (bulk imports), e.g. '5mb'. */
  bodyLimit?: string;
  handler: (ctx: RouteContext<Out<P>, Out<Q>, Out<B>>) => Promise<unknown>;
}

/** Keeps the spec's schema types flowing into the handler's context. */
export function route<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}

export const ALL_ROLES: readonly Role[] = ['admin', 'supervisor', 'station_lead', 'social_worker', 'viewer'];
