import { forbidden } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { shanghaiDate } from '../domain/time.js';
import { ORG } from '../seed/zhanlanlu.js';
import { recordAudit } from '../store/repositories/audit.js';
import { isRootOrgUnit } from '../store/repositories/org-unit.js';
import { loadDefaultData, SEED_KEY } from '../store/seed/default-data.js';
import type { ServiceDeps } from './deps.js';

/**
 * Loads the default data (idempotent, never overwriting a street's own edits) and audits it.
 * The default data writes the city at the root of the tree, its district and Zhanlanlu Street
 * with their communities, and the catalogs every scope shares (dimensions, themes, post types,
 * the plan template): only an admin scoped to that city, a root of the tree, holds all of it.
 * A district or street admin would write above their own node.
 */
export async function seedDefaultData(deps: ServiceDeps, principal: Principal, today: string | undefined, requestId: string) {
  if (principal.scopeId !== ORG.city.id || !(await isRootOrgUnit(deps.store.db, principal.scopeId))) {
    throw forbidden(`the default data writes ${ORG.city.id} and the shared catalogs: only an admin scoped to ${ORG.city.id}, the root of the tree, may load it`, {
      reason: 'default_data_outside_scope', values: { scopeId: ORG.city.id },
    });
  }
  const asOf = today ?? shanghaiDate(deps.clock());
  const result = await loadDefaultData(deps.store.db, asOf, async (trx, loaded) => {
    await recordAudit(trx, { actor: principal.name, action: 'seed', entity: 'default_data', entityId: SEED_KEY, after: { today: asOf, alreadyLoaded: loaded.alreadyLoaded }, requestId });
  });
  return { alreadyLoaded: result.alreadyLoaded, today: asOf };
}
