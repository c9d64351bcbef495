import type { Logger } from 'pino';
import type { z, ZodType } from 'zod';
import type { Role } from '../domain/types.js';
import type { ServiceDeps } from '../services/deps.js';
import type { Principal } from '../domain/principal.js';
import type { IncomingFile } from '../services/attachment.js';

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
  /** An upload route's files, read from the multipart body when called (after the handler's checks). */
  files: () => Promise<IncomingFile[]>;
}

/**
 * A handler's answer that is a file (a download or an export): its bytes, media type and name,
 * shown inline or saved as an attachment. Sent sandboxed (CSP) with `cacheControl`: exports
 * change with the data and are not kept; a stored file's bytes never change under its id.
 */
export class FileReply {
  constructor(
    readonly content: Buffer,
    readonly mediaType: string,
    readonly fileName: string,
    readonly disposition: 'attachment' | 'inline' = 'attachment',
    readonly cacheControl: string = 'private, no-store',
  ) {}
}

/** A handler's answer when it needs a status other than the route's `status`, or a body that is not JSON (`contentType` with a string body). */
export class Reply {
  constructor(readonly status: number, readonly body: unknown, readonly headers: Record<string, string | string[]> = {}, readonly contentType?: string) {}
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
  /**
   * Open to a signed-in session whose password an admin reset and its user has not yet changed:
   * changing it, reading who one is, signing out. Every other route refuses such a session (403
   * `password_change_required`).
   */
  duringPasswordChange?: boolean;
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
  /**
   * A GET polled by the dashboard: answers carry an ETag from the caller's scope version, and a
   * caller sending it back gets 304 Not Modified while nothing in its scope changed (src/api/etag.ts).
   */
  etag?: boolean;
  /** The success answer is a file (FileReply) of these content types, not JSON. */
  files?: readonly string[];
  /** A larger JSON body limit than the API's default (bulk imports), e.g. '5mb'. */
  bodyLimit?: string;
  /** The body is multipart/form-data with files (read by the handler through `files`, not as JSON). */
  upload?: { fileBytes: number; files: number; requestBytes: number };
  handler: (ctx: RouteContext<Out<P>, Out<Q>, Out<B>>) => Promise<unknown>;
}

/** Keeps the spec's schema types flowing into the handler's context. */
export function route<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec {
  return spec as unknown as RouteSpec;
}

export const ALL_ROLES: readonly Role[] = ['admin', 'supervisor', 'station_lead', 'social_worker', 'viewer'];
