import { route } from '../route.js';
import { healthView } from '../../schemas/health.js';
import { checkHealth } from '../../services/health.js';

export const healthRoutes = [
  route({
    method: 'get',
    path: '/healthz',
    summary: 'Up or degraded; for an admin (token or session), reachability of Temporal and the store, the worker\'s liveness and the event-loop delay',
    tag: 'health',
    roles: 'public',
    optionalAuth: true,
    response: healthView,
    handler: ({ deps, principal }) => checkHealth(deps, principal),
  }),
];
