// `npx tsx scripts/api-docs.ts`: rewrites the generated route table in docs/api.md from the
// routes the API serves. test/api/openapi.test.ts fails when the table is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withRouteTable } from '../src/api/route-table.js';
import { allRoutes } from '../src/api/routes/index.js';

const file = join(import.meta.dirname, '..', 'docs', 'api.md');
const before = readFileSync(file, 'utf8');
const after = withRouteTable(before, allRoutes());
writeFileSync(file, after);
console.log(after === before ? 'docs/api.md: route table already current' : 'docs/api.md: route table updated');
