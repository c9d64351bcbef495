import { dimensionListView } from '../../schemas/catalog.js';
import { dimensionCatalog } from '../../services/catalog.js';
import { ALL_ROLES, route } from '../route.js';

// The catalogs forms choose from: the six-dimension ladder's dimensions and levels.

export const catalogRoutes = [
  route({
    method: 'get',
    path: '/api/dimensions',
    etag: true,
    summary: 'The dimension catalog: every dimension with its levels, names in zh and en, in catalog order',
    tag: 'catalog',
    roles: ALL_ROLES,
    response: dimensionListView,
    handler: async ({ deps }) => ({ items: await dimensionCatalog(deps) }),
  }),
];
