import type { DimensionDefinition } from '../domain/catalog.js';
import { listDimensions } from '../store/repositories/catalog.js';
import type { ServiceDeps } from './deps.js';

// The catalogs the pages and forms choose from. The dimension catalog is data in the records
// store (seeded from src/domain/catalog.ts, changeable per deployment), the same for every scope.

/** Every dimension of the catalog with its levels, in the catalog's order. */
export async function dimensionCatalog(deps: Pick<ServiceDeps, 'store'>): Promise<DimensionDefinition[]> {
  return listDimensions(deps.store.db);
}
