import type { ZodError } from 'zod';
import type { FieldProblem } from '../domain/errors.js';

type Issue = ZodError['issues'][number];

/** A zod issue's stable code and the values a client needs to phrase it (FIELD_PROBLEM_CODES). */
export function issueCode(issue: Issue): Pick<FieldProblem, 'code' | 'values'> {
  switch (issue.code) {
    case 'invalid_type':
      // zod 4 says "received undefined" for a missing field; that is "required" to a reader.
      return /received undefined/.test(issue.message) ? { code: 'required' } : { code: issue.code, values: { expected: issue.expected } };
    case 'too_small':
      return { code: issue.code, values: { origin: issue.origin, minimum: Number(issue.minimum), inclusive: issue.inclusive ?? true } };
    case 'too_big':
      return { code: issue.code, values: { origin: issue.origin, maximum: Number(issue.maximum), inclusive: issue.inclusive ?? true } };
    case 'invalid_format':
      return { code: issue.code, values: { format: issue.format } };
    case 'invalid_value':
      return { code: issue.code, values: { allowed: issue.values.map(String) } };
    case 'unrecognized_keys':
      return { code: issue.code, values: { keys: issue.keys } };
    case 'not_multiple_of':
      return { code: issue.code, values: { divisor: Number(issue.divisor) } };
    case 'custom': {
      // A schema's refinement names its own problem in `params` (src/schemas): code and values.
      const params = issue.params as { code?: unknown; values?: Record<string, unknown> } | undefined;
      if (typeof params?.code !== 'string') return { code: issue.code };
      return params.values ? { code: params.code, values: params.values } : { code: params.code };
    }
    default:
      return { code: issue.code };
  }
}
