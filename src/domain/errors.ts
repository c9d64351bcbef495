// Errors the layers below the API throw, and the failure types workflows and activities raise.
// Services throw these; src/api/errors.ts alone turns them (and Temporal failures) into HTTP answers.

/** Error types raised with ApplicationFailure.nonRetryable, one list for workflows and activities. */
export enum ErrorType {
  InvalidInput = 'ERR_INVALID_INPUT',
  NotFound = 'ERR_NOT_FOUND',
  Conflict = 'ERR_CONFLICT',
  PermanentDelivery = 'ERR_PERMANENT_DELIVERY',
}

/**
 * Why a workflow refuses an update: the failure type (the API maps it to a status), a stable
 * snake_case reason a client can phrase in its reader's language, an English message, and the
 * values it concerns. Validators return one, or null when the update applies.
 */
export interface Rejection {
  type: ErrorType;
  reason: string;
  message: string;
  values?: Record<string, unknown>;
}

export const refuse = (type: ErrorType, reason: string, message: string, values?: Record<string, unknown>): Rejection => ({ type, reason, message, values });

/**
 * One field's problem: a dotted path (`body.sessions.0.startsAt`), what is wrong with it in English,
 * and a stable `code` (FIELD_PROBLEM_CODES in error-reasons.ts) with the `values` a client needs to
 * phrase it in its reader's language.
 */
export interface FieldProblem {
  path: string;
  message: string;
  code?: string;
  values?: Record<string, unknown>;
}

export type DomainErrorKind = 'not_found' | 'conflict' | 'invalid' | 'forbidden' | 'unavailable';

/**
 * A refusal by the domain: what kind it is, a message for logs and API clients, a stable
 * `reason` code a client can render in its reader's language, and the values the refusal concerns.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly options: { reason?: string; values?: Record<string, unknown>; problems?: FieldProblem[]; details?: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, options: DomainError['options'] = {}) => new DomainError('not_found', `${what} not found`, options);
export const conflict = (message: string, options: DomainError['options'] = {}) => new DomainError('conflict', message, options);
export const forbidden = (message = 'your role may not do this', options: DomainError['options'] = {}) => new DomainError('forbidden', message, options);
export const unavailable = (message: string, options: DomainError['options'] = {}) => new DomainError('unavailable', message, options);

/** Invalid input with every problem found; the message names the first few fields. */
export function invalid(problems: FieldProblem[], options: Omit<DomainError['options'], 'problems'> = {}): DomainError {
  const named = problems.slice(0, 5).map((problem) => problem.path).join(', ');
  return new DomainError('invalid', `invalid request: ${named}${problems.length > 5 ? ', …' : ''}`, { reason: 'invalid_request', ...options, problems });
}
