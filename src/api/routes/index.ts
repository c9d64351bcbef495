import type { RouteSpec } from '../route.js';
import { adminRoutes } from './admin.js';
import { attachmentRoutes } from './attachment.js';
import { caseCallRoutes } from './case-call.js';
import { authRoutes } from './auth.js';
import { calendarFeedRoutes } from './calendar-feed.js';
import { catalogRoutes } from './catalog.js';
import { exportRoutes } from './export.js';
import { fivePartyRoutes } from './five-party.js';
import { communityRoutes } from './community.js';
import { healthRoutes } from './health.js';
import { manualRoutes } from './manual.js';
import { notificationRoutes } from './notification.js';
import { postRoutes } from './post.js';
import { reportRoutes } from './report.js';
import { resourceRequestRoutes } from './resource-request.js';
import { serviceRecordRoutes } from './service-record.js';
import { rolloutRoutes } from './station-rollout.js';
import { stationBrandRoutes } from './station-brand.js';
import { stationPlanRoutes } from './station-plan.js';
import { trainingRoutes } from './training-cycle.js';
import { ventureRoutes } from './venture-project.js';
import { workerRoutes } from './worker.js';

/** Every route the API serves; the OpenAPI document is generated from this same list. */
export function allRoutes(): RouteSpec[] {
  return [
    ...healthRoutes,
    ...notificationRoutes,
    ...communityRoutes,
    ...workerRoutes,
    ...adminRoutes,
    ...rolloutRoutes,
    ...stationPlanRoutes,
    ...stationBrandRoutes,
    ...trainingRoutes,
    ...catalogRoutes,
    ...ventureRoutes,
    ...attachmentRoutes,
    ...caseCallRoutes,
    ...manualRoutes,
    ...resourceRequestRoutes,
    ...serviceRecordRoutes,
    ...postRoutes,
    ...fivePartyRoutes,
    ...reportRoutes,
    ...exportRoutes,
    ...authRoutes,
    ...calendarFeedRoutes,
  ];
}
