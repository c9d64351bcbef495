import { route } from '../route.js';
import { healthView } from '../../schemas/health.js';
import { checkHealth } from '../../services/health.js';

export const healthRoutes = [
  route({
    method: 'get',
    path: '/healthz',
    summary: 'Reachability of Temporal and the records store',
    tag: 'health',
    roles: 'public',
    response: healthView,
    handler: ({ deps }) => checkHealth(deps),
  }),
];
