import { createApiClient, type ErrorBody } from './client.js';

// PENDING — hand-written types for a route another branch of issue 11 adds (GET
// /api/stations/overdue). Delete this file after that branch is merged and `npm run
// generate:api-types` has put the route into schema.d.ts: then the overview imports
// `Answer<'/api/stations/overdue'>` and calls `api.GET('/api/stations/overdue', …)` from client.ts.
// Nothing else may be declared here: every other call uses the generated types.

type Localized = { zh: string; en: string };

export interface OverdueTask {
  communityId: string;
  communityName: Localized;
  planId: string;
  stage: 'guide' | 'support' | 'supervise';
  taskId: string;
  title: Localized;
  /** ISO 8601 instant. */
  dueAt: string;
  daysOverdue: number;
  escalationRounds: number;
  required: boolean;
}

export interface OverduePage {
  items: OverdueTask[];
  nextCursor: string | null;
}

/** The one pending route, in the shape openapi-typescript will generate for it. */
interface PendingPaths {
  '/api/stations/overdue': {
    get: {
      parameters: { query?: { limit?: number; cursor?: string } };
      requestBody?: never;
      responses: {
        200: { headers: Record<string, unknown>; content: { 'application/json': OverduePage } };
        default: { headers: Record<string, unknown>; content: { 'application/json': ErrorBody } };
      };
    };
  };
}

export const pendingApi = createApiClient<PendingPaths>();
