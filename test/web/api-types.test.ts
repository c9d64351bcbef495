import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from '../../scripts/generate-api-types.js';

// The dashboard's client is typed from web/src/api/schema.d.ts; a route or field changed in
// src/api without regenerating it would let the page call what the API no longer serves.
describe('the dashboard API types', () => {
  it('match what the current /api/openapi.json produces (regenerate with `npm run generate:api-types`)', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    expect(committed === await renderApiTypes(), 'web/src/api/schema.d.ts is stale: run `npm run generate:api-types`').toBe(true);
  });
});
