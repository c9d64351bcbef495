import { OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { RouteSpec } from './route.js';

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    /** A stable machine code for the refusal, for clients to phrase it in their reader's language. */
    reason: z.string().optional(),
    /** The ids, times and numbers the refusal concerns. */
    values: z.record(z.string(), z.unknown()).optional(),
  }),
});

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
          ...(spec.produces ? { content: { [spec.produces]: { schema: binarySchema } } } : {}),
          ...(spec.response ? { content: { 'application/json': { schema: spec.response } } } : {}),
        },
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
