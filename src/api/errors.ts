import {
  ActivityFailure, ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ZodError } from 'zod';
import type { ErrorReason } from '../domain/error-reasons.js';
import { issueCode } from '../schemas/issue-code.js';
import { DomainError, ErrorType, type DomainErrorKind, type FieldProblem } from '../domain/errors.js';

// The one place that turns what the layers below throw — domain errors, Temporal failures, body
// parser errors, an unreachable store — into the API's answer `{ error: { code, message, details, reason, values } }`.
// Every answer carries a `reason` from src/domain/error-reasons.ts (the code itself when nothing more
// precise applies) and every field problem a `code`, so clients phrase them in their reader's language.

export type { FieldProblem };

export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** At most this many field problems are listed; the rest are counted (a 400 stays small). */
export const MAX_PROBLEMS = 50;

/** An error the API answers with `{ error: { code, message, details, reason?, values? } }` and the code's status. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
    /** A stable machine code for this refusal, and the values it concerns (for clients to phrase it). */
    readonly extra: { reason?: ErrorReason | (string & {}); values?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }

  /** The stable reason: the one given, or the error code itself. */
  get reason(): string {
    return this.extra.reason ?? this.code;
  }

  body(): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details !== undefined ? { details: this.details } : {}),
        reason: this.reason,
        ...(this.extra.values ? { values: this.extra.values } : {}),
      },
    };
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
export const forbidden = (why = 'your role may not do this') => new ApiError('forbidden', why);
export const conflict = (message: string, details?: unknown) => new ApiError('conflict', message, details);

/** Turns zod issues into field problems with dotted paths, prefixed by where the value came from. */
export function fieldProblems(error: ZodError, location: string): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: [location, ...issue.path.map(String)].join('.'),
    message: issue.message,
    ...issueCode(issue),
  }));
}

/** A 400 listing the problems: the first MAX_PROBLEMS, and how many more there were. */
export function invalidRequest(problems: FieldProblem[]): ApiError {
  const named = problems.slice(0, 5).map((problem) => problem.path).join(', ');
  const listed = problems.slice(0, MAX_PROBLEMS);
  const more = problems.length - listed.length;
  return new ApiError(
    'invalid_request',
    `invalid request: ${named}${problems.length > 5 ? ', …' : ''}${more > 0 ? ` (${problems.length} problems; the first ${MAX_PROBLEMS} are listed)` : ''}`,
    more > 0 ? [...listed, { path: 'body', message: `${more} more problem(s) not listed`, code: 'more_problems', values: { count: more } }] : listed,
    {},
    { reason: 'invalid_request' },
  );
}

const KIND_TO_CODE: Record<DomainErrorKind, ErrorCode> = {
  not_found: 'not_found',
  conflict: 'conflict',
  invalid: 'invalid_request',
  forbidden: 'forbidden',
  unavailable: 'unavailable',
};

const RETRY_LATER = { 'Retry-After': '5' };

function fromDomain(error: DomainError): ApiError {
  const { reason, values, problems, details } = error.options;
  if (error.kind === 'invalid') {
    const answer = invalidRequest(problems ?? [{ path: 'body', message: error.message }]);
    return new ApiError('invalid_request', error.message, answer.details, {}, { reason: reason ?? 'invalid_request', values });
  }
  return new ApiError(KIND_TO_CODE[error.kind], error.message, details, error.kind === 'unavailable' ? RETRY_LATER : {}, { reason, values });
}

/** The stable reason and values a workflow attaches to a refusal as the failure's first detail. */
function refusalDetail(failure: ApplicationFailure): { reason?: string; values?: Record<string, unknown> } {
  const detail = failure.details?.[0] as { reason?: unknown; values?: unknown } | undefined;
  if (!detail || typeof detail !== 'object' || typeof detail.reason !== 'string') return {};
  const values = detail.values && typeof detail.values === 'object' ? (detail.values as Record<string, unknown>) : undefined;
  return { reason: detail.reason, ...(values ? { values } : {}) };
}

/** What a workflow's refusal (an update's validator or handler failure) becomes. */
function fromApplicationFailure(failure: ApplicationFailure): ApiError {
  const { reason, values } = refusalDetail(failure);
  switch (failure.type) {
    case ErrorType.NotFound:
      return new ApiError('not_found', failure.message, undefined, {}, { reason: reason ?? 'workflow_item_not_found', values });
    case ErrorType.InvalidInput:
      return new ApiError('invalid_request', failure.message, [{ path: 'body', message: failure.message, code: 'custom' }], {}, { reason: reason ?? 'workflow_invalid_input', values });
    default:
      return new ApiError('conflict', failure.message, { reason: failure.message }, {}, { reason: reason ?? 'workflow_refused', values });
  }
}

function fromTemporal(error: unknown): ApiError | undefined {
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    return new ApiError('conflict', `${error.workflowId} is already running`, { workflowId: error.workflowId }, {}, { reason: 'workflow_already_running', values: { workflowId: error.workflowId } });
  }
  if (error instanceof WorkflowNotFoundError) {
    // The record exists (services check it first) but its workflow has ended: a state conflict.
    return new ApiError('conflict', `${error.workflowId} is not running`, { workflowId: error.workflowId }, {}, { reason: 'workflow_not_running', values: { workflowId: error.workflowId } });
  }
  if (error instanceof WorkflowUpdateFailedError) {
    const cause = error.cause;
    if (cause instanceof ApplicationFailure) return fromApplicationFailure(cause);
    if (cause instanceof ActivityFailure) return new ApiError('unavailable', 'the records store did not take the change; retry shortly', undefined, RETRY_LATER, { reason: 'store_unavailable' });
    return new ApiError('conflict', error.message, undefined, {}, { reason: 'workflow_refused' });
  }
  if (error instanceof Error && /workflow execution already completed/i.test(error.message)) {
    return new ApiError('conflict', 'the workflow has already ended', undefined, {}, { reason: 'workflow_not_running' });
  }
  return undefined;
}

interface HttpError { type?: string; status?: number; statusCode?: number; limit?: number }

/** Maps whatever a handler threw to the one error shape the API answers with. */
export function toApiError(error: unknown, bodyLimit = '256kb'): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError) return fromDomain(error);
  if (error instanceof ZodError) return invalidRequest(fieldProblems(error, 'body'));
  const temporal = fromTemporal(error);
  if (temporal) return temporal;
  const http = error as HttpError;
  if (http?.type === 'entity.too.large') return new ApiError('payload_too_large', `request body is larger than ${http.limit ?? bodyLimit} bytes`);
  if (http?.type === 'entity.parse.failed') {
    return new ApiError('invalid_request', 'request body is not valid JSON', [{ path: 'body', message: 'malformed JSON', code: 'body_malformed' }], {}, { reason: 'body_malformed' });
  }
  if (error instanceof URIError) {
    return new ApiError('invalid_request', 'the path has a malformed percent-escape', [{ path: 'params', message: 'malformed percent-encoding', code: 'custom' }], {}, { reason: 'path_malformed' });
  }
  if (http?.type === 'encoding.unsupported' || http?.type === 'charset.unsupported') {
    return new ApiError('invalid_request', 'unsupported request encoding', [{ path: 'body', message: 'unsupported encoding', code: 'custom' }], {}, { reason: 'body_encoding_unsupported' });
  }
  const status = http?.status ?? http?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) return new ApiError('payload_too_large', `request body is larger than ${bodyLimit}`);
    return new ApiError('invalid_request', 'bad request', [{ path: 'request', message: (error as Error)?.message || 'unreadable request', code: 'custom' }]);
  }
  if (isUnavailable(error)) return new ApiError('unavailable', 'a backing service (Temporal or the records store) is unavailable; retry shortly', undefined, RETRY_LATER);
  return new ApiError('internal', 'internal error');
}

function isUnavailable(error: unknown): boolean {
  const text = `${(error as Error)?.name ?? ''} ${(error as Error)?.message ?? ''} ${(error as { code?: string })?.code ?? ''}`;
  // A closed store says so in its own words: Kysely's destroyed driver, PGlite closing, pg's ended pool.
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|UNAVAILABLE|ServiceError|Connection terminated|connect|DEADLINE_EXCEEDED|closed|closing|destroyed|after calling end on the pool/i.test(text);
}
