import { OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ERROR_REASON_CODES, FIELD_PROBLEM_CODE_LIST } from '../domain/error-reasons.js';
import type { RouteSpec } from './route.js';

const fieldProblemSchema = z.object({
  path: z.string().meta({ description: 'where the problem is: `body.sessions.0.startsAt`, `query.limit`' }),
  message: z.string().meta({ description: 'the problem in English, for logs and API users' }),
  code: z.enum(FIELD_PROBLEM_CODE_LIST).optional().meta({ description: 'a stable code for the problem, to phrase it in the reader\'s language' }),
  values: z.record(z.string(), z.unknown()).optional().meta({ description: 'the limits, formats and ids the problem concerns' }),
}).meta({ id: 'FieldProblem' });

const errorSchema = z.object({
  error: z.object({
    code: z.enum(['invalid_request', 'unauthorized', 'forbidden', 'not_found', 'method_not_allowed', 'conflict', 'payload_too_large', 'rate_limited', 'unavailable', 'internal'])
      .meta({ description: 'the kind of error; the HTTP status follows from it' }),
    message: z.string().meta({ description: 'the error in English, for logs and API users; clients show `reason` in their reader\'s language' }),
    details: z.union([z.array(fieldProblemSchema), z.unknown()]).optional().meta({ description: 'for invalid_request: every field problem' }),
    reason: z.enum(ERROR_REASON_CODES).meta({ description: 'a stable machine code for this refusal (never renamed); see ERROR_REASONS in src/domain/error-reasons.ts' }),
    values: z.record(z.string(), z.unknown()).optional().meta({ description: 'the ids, times (ISO, UTC) and numbers the refusal concerns' }),
  }),
}).meta({ id: 'Error' });

// Plain OpenAPI schemas: multipart files and binary answers have no zod counterpart.
const binarySchema = { type: 'string' as const, format: 'binary' };
const uploadSchema = { type: 'object' as const, properties: { file: { type: 'array' as const, items: binarySchema } }, required: ['file'] };

export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

// A path parameter without a schema is still a required parameter of the operation.
function implicitParams(path: string): z.ZodObject | undefined {
  const names = [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
  return names.length > 0 ? z.object(Object.fromEntries(names.map((name) => [name, z.string()]))) : undefined;
}

/** The OpenAPI 3.1 document, generated from the same route specs and zod schemas that validate requests. */
export function buildOpenApiDocument(routes: readonly RouteSpec[], version: string): unknown {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  for (const spec of routes) {
    const status = spec.status ?? 200;
    const isPublic = spec.roles === 'public';
    registry.registerPath({
      method: spec.method,
      path: toOpenApiPath(spec.path),
      summary: spec.summary,
      description: isPublic ? 'No token needed.' : `Roles: ${(spec.roles as readonly string[]).join(', ')}.`,
      tags: [spec.tag],
      security: isPublic ? [] : [{ bearer: [] }],
      request: {
        ...(spec.params ?? implicitParams(spec.path) ? { params: (spec.params ?? implicitParams(spec.path)) as z.ZodObject } : {}),
        ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
        ...(spec.upload
          ? { body: { content: { 'multipart/form-data': { schema: uploadSchema } }, description: `Files in the field "file": at most ${spec.upload.files} a request, ${spec.upload.fileBytes / 1024 / 1024} MB each, ${spec.upload.requestBytes / 1024 / 1024} MB in all; images, PDF and Office documents (typed by content).` } }
          : {}),
        ...(spec.body
          ? { body: { content: { 'application/json': { schema: spec.body, ...(spec.example !== undefined ? { example: spec.example } : {}) } } } }
          : {}),
      },
      responses: {
        [status]: {
          description: 'Success',
          ...(spec.response ? { content: { 'application/json': { schema: spec.response } } } : {}),
          ...(spec.files ? { content: Object.fromEntries(spec.files.map((type) => [type, { schema: z.string().meta({ format: 'binary' }) }])) } : {}),
        },
        ...(spec.etag ? { 304: { description: 'Not Modified: nothing in the caller\'s scope changed since the ETag sent in If-None-Match' } } : {}),
        default: { description: 'Error', content: { 'application/json': { schema: errorSchema } } },
      },
    });
  }
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Shegong API',
      version,
      description: 'Community social-work orchestration: station plans, training cycles, rollout, notifications.',
    },
  });
}
