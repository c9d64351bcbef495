import { ALL_ROLES, route } from '../route.js';
import { communityParams } from '../../schemas/station-plan.js';
import { brandBody, brandView, savedBrandView } from '../../schemas/station-brand.js';
import { putStationBrand, readStationBrand } from '../../services/station-brand.js';

// "One station, one brand, one feature" (一站一品牌一特色): a station's brand — name, feature and
// linked venture projects. Everyone whose scope holds the station reads it; its station lead,
// supervisors and admins over it record it. Rules live in src/services/station-brand.ts.

export const stationBrandRoutes = [
  route({
    method: 'get',
    path: '/api/stations/:communityId/brand',
    summary: "The station's brand: its name, the feature it is known for and the venture projects that carry it (404 `brand_not_found` while none is recorded)",
    tag: 'stations',
    roles: ALL_ROLES,
    params: communityParams,
    response: brandView,
    handler: ({ deps, principal, params }) => readStationBrand(deps, principal, params.communityId),
  }),
  route({
    method: 'put',
    path: '/api/stations/:communityId/brand',
    summary: "Record the station's brand or replace it (its station lead, supervisors, admins); linked projects must be the station's own venture projects; audited",
    tag: 'stations',
    roles: ['admin', 'supervisor', 'station_lead'],
    params: communityParams,
    body: brandBody,
    example: {
      name: { zh: '楼道之家（示例）', en: 'Stairwell home (example)' },
      feature: { zh: '以楼道为单元组织居民自治（示例）', en: 'Residents run their own stairwells (an example)' },
      projectIds: ['vp-zhanlanlu-wanmingyuan-loudao'],
    },
    response: savedBrandView,
    handler: ({ deps, principal, params, body, requestId }) => putStationBrand(deps, principal, params.communityId, body, requestId),
  }),
];
