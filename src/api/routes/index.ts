import type { RouteSpec } from '../route.js';
import { adminRoutes } from './admin.js';
import { authRoutes } from './auth.js';
import { directoryRoutes } from './directory.js';
import { healthRoutes } from './health.js';
import { notificationRoutes } from './notifications.js';
import { reportRoutes } from './reports.js';
import { rolloutRoutes } from './rollout.js';
import { stationRoutes } from './stations.js';
import { trainingRoutes } from './training.js';
import { ventureRoutes } from './ventures.js';

/** Every route the API serves; the OpenAPI document is generated from this same list. */
export function allRoutes(): RouteSpec[] {
  return [
    ...healthRoutes,
    ...notificationRoutes,
    ...directoryRoutes,
    ...adminRoutes,
    ...rolloutRoutes,
    ...stationRoutes,
    ...trainingRoutes,
    ...ventureRoutes,
    ...reportRoutes,
    ...authRoutes,
  ];
}
