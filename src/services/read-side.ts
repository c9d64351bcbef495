import type { Principal } from '../domain/principal.js';
import { scopeVersion } from '../store/repositories/read-side.js';
import type { ServiceDeps } from './deps.js';

// The version of what a caller's scope can read (see src/store/repositories/read-side.ts). The
// API's conditional GETs build their ETag from it.

export async function readSideVersion(deps: Pick<ServiceDeps, 'store'>, principal: Principal): Promise<string> {
  return scopeVersion(deps.store.db, principal.scopeId);
}
