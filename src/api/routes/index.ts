import type { RouteSpec } from '../route.js';
import { adminRoutes } from './admin.js';
import { authRoutes } from './auth.js';
import { catalogRoutes } from './catalog.js';
import { directoryRoutes } from './directory.js';
import { healthRoutes } from './health.js';
import { notificationRoutes } from './notification.js';
import { reportRoutes } from './report.js';
import { rolloutRoutes } from './station-rollout.js';
import { stationPlanRoutes } from './station-plan.js';
import { trainingRoutes } from './training-cycle.js';
import { ventureRoutes } from './venture-project.js';

/** Every route the API serves; the OpenAPI document is generated from this same list. */
export function allRoutes(): RouteSpec[] {
  return [
    ...healthRoutes,
    ...notificationRoutes,
    ...directoryRoutes,
    ...adminRoutes,
    ...rolloutRoutes,
    ...stationPlanRoutes,
    ...trainingRoutes,
    ...catalogRoutes,
    ...ventureRoutes,
    ...reportRoutes,
    ...authRoutes,
  ];
}
