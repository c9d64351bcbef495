import type { ZodError } from 'zod';

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

export interface FieldProblem {
  path: string;
  message: string;
}

/** An error the API answers with `{ error: { code, message, details } }` and the code's status. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS[code];
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
  }));
}

export function invalidRequest(problems: FieldProblem[]): ApiError {
  const named = problems.slice(0, 5).map((problem) => problem.path).join(', ');
  return new ApiError('invalid_request', `invalid request: ${named}${problems.length > 5 ? ', …' : ''}`, problems);
}
