import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toOpenApiPath } from '../../src/api/openapi.js';
import { withRouteTable } from '../../src/api/route-table.js';
import { allRoutes } from '../../src/api/routes/index.js';
import type { TestApi } from '../helpers/app.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { label, pathParams } from '../helpers/routes.js';

interface Operation {
  summary?: string;
  operationId?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown }>;
  requestBody?: { content?: Record<string, { schema?: unknown; example?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

describe('OpenAPI document', () => {
  let harness: Harness;
  let api: TestApi;
  let doc: Document;
  const routes = allRoutes();

  beforeAll(async () => {
    harness = await startHarness({ name: 'openapi', worker: false });
    api = harness.api!;
    const answer = await api.call('GET', '/api/openapi.json');
    expect(answer.status).toBe(200);
    doc = answer.body as Document;
  });
  afterAll(() => harness?.close());

  it('lists every registered route under its method, and nothing else', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((key) => HTTP_METHODS.has(key)).map((method) => `${method} ${path}`));
    const registered = routes.map((spec) => `${spec.method} ${toOpenApiPath(spec.path)}`);
    expect(documented.sort()).toEqual([...new Set(registered)].sort());
  });

  it('documents each route with its summary, roles, tag and security', () => {
    for (const spec of routes) {
      const operation = doc.paths[toOpenApiPath(spec.path)]![spec.method]!;
      expect(operation.summary, label(spec)).toBe(spec.summary);
      expect(operation.tags, label(spec)).toEqual([spec.tag]);
      if (spec.roles === 'public') {
        expect(operation.security, label(spec)).toEqual([]);
      } else {
        expect(operation.security, label(spec)).toEqual([{ bearer: [] }]);
        for (const role of spec.roles) expect(JSON.stringify(operation), label(spec)).toContain(role);
      }
    }
  });

  it('gives every route that takes a body an example, and every example validates against the route\'s body schema', () => {
    for (const spec of routes) {
      if (!spec.body) continue;
      expect(spec.example, `${label(spec)} has a body but no example`).toBeDefined();
      const published = doc.paths[toOpenApiPath(spec.path)]![spec.method]!.requestBody?.content?.['application/json'];
      expect(published?.example, label(spec)).toEqual(spec.example);
      const result = spec.body.safeParse(published?.example);
      expect(result.success, `${label(spec)}: ${result.error?.message ?? ''}`).toBe(true);
    }
  });

  it('is structurally valid OpenAPI 3.1: info, paths, parameters, responses and resolvable references', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toEqual(expect.any(String));
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith('/'), path).toBe(true);
      expect(path, 'express-style :params must become {params}').not.toMatch(/\/:/);
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method} ${path}`;
        expect(HTTP_METHODS.has(method), where).toBe(true);
        // Every {name} in the path is a required path parameter, and there are no others.
        const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
        const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort(), where).toEqual([...templated].sort());
        for (const parameter of operation.parameters ?? []) {
          expect(['path', 'query', 'header', 'cookie'], where).toContain(parameter.in);
          if (parameter.in === 'path') expect(parameter.required, where).toBe(true);
          expect(parameter.schema, `${where} ${parameter.name}`).toBeDefined();
        }
        const responses = Object.entries(operation.responses ?? {});
        expect(responses.length, where).toBeGreaterThan(0);
        for (const [status, response] of responses) {
          expect(status, where).toMatch(/^(default|[1-5](\d\d|XX))$/);
          expect(response.description, `${where} ${status}`).toEqual(expect.any(String));
        }
        expect(Object.keys(operation.responses ?? {}).some((status) => status.startsWith('2')), `${where} documents a success`).toBe(true);
        expect(operation.responses?.default?.content?.['application/json']?.schema, `${where} documents the error shape`).toBeDefined();
        if (operation.operationId) {
          expect(operationIds.has(operation.operationId), operation.operationId).toBe(false);
          operationIds.add(operation.operationId);
        }
      }
    }
    const text = JSON.stringify(doc);
    for (const [, ref] of text.matchAll(/"\$ref":"([^"]+)"/g)) {
      expect(ref, 'only local references').toMatch(/^#\//);
      const target = ref!.slice(2).split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      expect(target, `${ref} resolves`).toBeDefined();
    }
  });

  it('names the path parameters of every route the way the route does', () => {
    for (const spec of routes) {
      const operation = doc.paths[toOpenApiPath(spec.path)]![spec.method]!;
      const names = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(names.sort(), label(spec)).toEqual(pathParams(spec.path).sort());
    }
  });

  it('keeps the route and role table in docs/api.md current (regenerate with `npx tsx scripts/api-docs.ts`)', () => {
    const document = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'api.md'), 'utf8');
    expect(withRouteTable(document, routes), 'docs/api.md is stale: run `npx tsx scripts/api-docs.ts`').toBe(document);
  });

  it('serves an interactive reference at /docs that loads the document', async () => {
    const response = await fetch(`${api.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('/api/openapi.json');
  });
});
